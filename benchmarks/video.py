"""Video analysis speed: a 720p 30 fps clip analysed end to end, stage by stage, against a
naive per-frame static-image pipeline run in the same process.

    python benchmarks/video.py [--clip PATH] [--exercise pushup] [--seconds S] [--naive-frames N]
                               [--pose-fps F]

Stages (wall seconds, this process, whatever cores the machine has):
  decode   frames read with container timestamps, rotated, downscaled for pose (core.pose.decode),
           plus set-up (probe, letterbox scan, model load, main-subject tracking)
  pose     MediaPipe BlazePose in tracking (video) mode on the kept frames
  counting the exercise counter over the track (features, smoothing, reps, faults)
  overlay  the overlay clip: a second decode at <=540p, drawing, H.264 encode (reported apart)
The app's path is these four in a row; `ratio_to_duration` = total / clip duration (goal <= 0.5).

Naive baseline: every frame decoded at full resolution and given to BlazePose with
static_image_mode=True (person detector on every frame, no tracking), then the same counting
and overlay. It runs on the first --naive-frames frames (default: all) and its per-frame cost
is scaled to the whole clip. `speedup_vs_naive` compares end-to-end times, `pose_speedup` the
decode+pose stages alone. CPU seconds (all threads of this process) are reported too: on a
machine shared with other work they are steadier than wall time.

Default clip: ../shared/data/videos/pushup_side_4reps.mp4 (1280x720, 29.97 fps, 15.7 s, real
footage). Without it, a synthetic 720p clip is made (no person in it: pose figures are then
not representative; the output says so). Last line: one JSON object with the figures.
"""
import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import core  # noqa: E402,F401  (pylibsrtp before mediapipe)
import numpy as np  # noqa: E402

DEFAULT_CLIP = ROOT.parent / "shared" / "data" / "videos" / "pushup_side_4reps.mp4"


def synth_clip(path: Path, seconds: float = 10.0) -> Path:
    from core.video.overlay import H264Writer
    with H264Writer(path, 1280, 720, fps=30.0, preset="ultrafast") as wr:
        for i in range(int(seconds * 30)):
            img = np.zeros((720, 1280, 3), np.uint8)
            img[:, :, 0] = (np.arange(1280) + 8 * i) % 256
            img[:, :, 1] = 90
            wr.write(img, i / 30.0)
    return path


def cut_clip(src: Path, dst: Path, seconds: float) -> Path:
    """The first `seconds` of `src` re-encoded at its own size (for a shorter benchmark)."""
    from core.pose.decode import iter_frames, probe
    from core.video.overlay import H264Writer
    info = probe(src)
    w, h = info.width - info.width % 2, info.height - info.height % 2
    with H264Writer(dst, w, h, fps=info.fps, crf=18, preset="ultrafast") as wr:
        for t, img in iter_frames(src, max_side=max(info.width, info.height), max_fps=0, rotation=info.rotation):
            if t >= seconds:
                break
            wr.write(img[:h, :w], t)
    return dst


def _analyze_at(clip: Path, exercise: str, estimator, pose_fps: float, timings: dict):
    """analyze_clip's steps with pose on at most `pose_fps` frames/s (a what-if for --pose-fps)."""
    from core.pose.extract import extract_track
    from core.pose.subject import follow_main_subject
    from core.video.analyze import recount
    t0 = time.perf_counter()
    track = follow_main_subject(extract_track(clip, estimator, max_fps=pose_fps, timings=timings))
    t1 = time.perf_counter()
    analysis = recount(track, exercise, None, processing_s=t1 - t0)
    timings["count_s"] = time.perf_counter() - t1
    return analysis


def ours(clip: Path, exercise: str, out_dir: Path, pose_fps: float = 0.0) -> tuple[dict, object]:
    """The app's path: analyze_clip (decode, pose, main-subject tracking, counting), then the
    overlay. With pose_fps, the same steps with pose on at most that many frames per second."""
    from core.pose.extract import new_tracker
    from core.video.analyze import analyze_clip
    from core.video.overlay import render_overlay
    timings: dict = {}
    t = time.perf_counter()
    estimator = new_tracker()  # the app's (tracking + re-checks), loaded once per process (as the naive one below)
    load_s = time.perf_counter() - t
    c0, t0 = time.process_time(), time.perf_counter()
    if pose_fps:
        analysis = _analyze_at(clip, exercise, estimator, pose_fps, timings)
    else:
        analysis = analyze_clip(clip, exercise, estimator=estimator, timings=timings)
    estimator.close()
    c1, t1 = time.process_time(), time.perf_counter()
    ov = render_overlay(clip, analysis, out_dir / "overlay.mp4")
    c2, t2 = time.process_time(), time.perf_counter()
    # probe, letterbox scan, model load and subject tracking count as decode (set-up)
    setup = (t1 - t0) - timings["decode_s"] - timings["pose_s"] - timings["count_s"]
    return {"decode_s": timings["decode_s"] + setup, "pose_s": timings["pose_s"], "counting_s": timings["count_s"],
            "overlay_s": t2 - t1, "overlay_encode_s": ov.encode_s, "overlay_draw_s": ov.draw_s,
            "overlay_decode_s": ov.decode_s, "overlay_size": f"{ov.width}x{ov.height}",
            "overlay_codec": ov.codec, "overlay_bytes": os.path.getsize(ov.path),
            "frames_decoded": timings["frames_decoded"], "frames_pose": timings["frames_pose"],
            "setup_s": setup, "model_load_s": load_s, "tracker_resets": len(estimator.resets),
            # CPU seconds of this process (all its threads): less sensitive to other people's load
            "analysis_cpu_s": c1 - c0, "overlay_cpu_s": c2 - c1, "reps": analysis.reps, "exercise": analysis.exercise}, analysis


def naive(clip: Path, max_frames: int | None) -> dict:
    """Full-resolution decode + static-image BlazePose on every frame (no tracking)."""
    from core.pose.decode import iter_frames, probe
    from core.pose.mediapipe_backend import MediaPipePose
    info = probe(clip)
    decode_s = pose_s = 0.0
    n = 0
    with MediaPipePose(static_image_mode=True) as est:
        c0 = time.process_time()
        t0 = time.perf_counter()
        for t, rgb in iter_frames(clip, max_side=max(info.width, info.height), max_fps=0, rotation=info.rotation):
            t1 = time.perf_counter()
            decode_s += t1 - t0
            est.process(rgb, t)
            n += 1
            t0 = time.perf_counter()
            pose_s += t0 - t1
            if max_frames and n >= max_frames:
                break
        cpu_s = time.process_time() - c0
    return {"frames": n, "decode_s": decode_s, "pose_s": pose_s, "cpu_s": cpu_s}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clip", type=Path, default=None)
    ap.add_argument("--exercise", default="pushup")
    ap.add_argument("--seconds", type=float, default=0.0, help="use only the first S seconds of the clip")
    ap.add_argument("--naive-frames", type=int, default=0, help="frames for the naive baseline (0: all)")
    ap.add_argument("--pose-fps", type=float, default=0.0,
                    help="what-if: pose on at most this many frames/s (default: the app's setting)")
    args = ap.parse_args()

    from core.pose.decode import probe
    import mediapipe  # noqa: F401  (import cost is paid once per process, outside both timings)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        clip = args.clip or DEFAULT_CLIP
        note = "real footage"
        if not clip.exists():
            clip, note = synth_clip(tmp / "synthetic_720p.mp4"), "synthetic clip without a person"
            print("shared clip absent: using a synthetic 720p clip (pose figures not representative)",
                  file=sys.stderr)
        if args.seconds:
            clip = cut_clip(clip, tmp / "cut.mp4", args.seconds)
        info = probe(clip)
        print(f"clip {clip.name}: {info.width}x{info.height} {info.fps:.2f} fps {info.duration_s:.1f} s "
              f"({note}); cpus={os.cpu_count()} load={os.getloadavg()[0]:.2f}")

        fig, analysis = ours(clip, args.exercise, tmp, args.pose_fps)
        total = fig["decode_s"] + fig["pose_s"] + fig["counting_s"] + fig["overlay_s"]
        print(f"ours: decode {fig['decode_s']:.2f} s, pose {fig['pose_s']:.2f} s "
              f"({fig['frames_pose']} of {fig['frames_decoded']} frames), counting {fig['counting_s']:.2f} s, "
              f"overlay {fig['overlay_s']:.2f} s (encode {fig['overlay_encode_s']:.2f} s, "
              f"{fig['overlay_size']} {fig['overlay_codec']}); total {total:.2f} s "
              f"= {total / info.duration_s:.2f}x clip duration; {fig['reps']} reps; CPU "
              f"{fig['analysis_cpu_s'] + fig['overlay_cpu_s']:.2f} s")

        nv = naive(clip, args.naive_frames or None)
        scale = fig["frames_decoded"] / max(1, nv["frames"])  # per-frame cost -> whole clip
        naive_decode, naive_pose = nv["decode_s"] * scale, nv["pose_s"] * scale
        naive_total = naive_decode + naive_pose + fig["counting_s"] + fig["overlay_s"]
        cpu = fig["analysis_cpu_s"] + fig["overlay_cpu_s"]
        naive_cpu = nv["cpu_s"] * scale + fig["overlay_cpu_s"]
        print(f"naive (static image, full resolution, {nv['frames']} frames measured): decode {naive_decode:.2f} s, "
              f"pose {naive_pose:.2f} s; end to end {naive_total:.2f} s = {naive_total / info.duration_s:.2f}x")
        result = {
            "clip": clip.name, "source": note, "pose_fps": args.pose_fps or "app default", "width": info.width, "height": info.height,
            "fps": round(info.fps, 2), "duration_s": round(info.duration_s, 2), "cpus": os.cpu_count(),
            "load_1min_at_start": round(os.getloadavg()[0], 2),
            **{k: (round(v, 3) if isinstance(v, float) else v) for k, v in fig.items()},
            "total_s": round(total, 3), "ratio_to_duration": round(total / info.duration_s, 3),
            "cpu_s": round(cpu, 3), "cpu_ratio_to_duration": round(cpu / info.duration_s, 3),
            "naive_cpu_s": round(naive_cpu, 3), "cpu_speedup_vs_naive": round(naive_cpu / cpu, 2),
            "goal_ratio": 0.5, "meets_goal": total / info.duration_s <= 0.5,
            "naive_frames_measured": nv["frames"], "naive_decode_s": round(naive_decode, 3),
            "naive_pose_s": round(naive_pose, 3), "naive_total_s": round(naive_total, 3),
            "naive_ratio_to_duration": round(naive_total / info.duration_s, 3),
            "speedup_vs_naive": round(naive_total / total, 2),
            "pose_speedup": round((naive_decode + naive_pose) / (fig["decode_s"] + fig["pose_s"]), 2),
        }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
