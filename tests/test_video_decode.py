"""Decoding for pose: container timestamps (variable frame rate), rotation, downscaling,
frame-rate subsampling, bad files, and PoseTrack storage. Clips are made here with PyAV."""
import fractions
import shutil
import subprocess

import numpy as np
import pytest

from core.errors import UserError
from core.pose.decode import content_box, iter_frames, probe
from core.pose.track import PoseTrack


def make_clip(path, n=20, w=160, h=96, pts_ms=None, fps=30, marker=True, bars=0, codec="libx264"):
    """An H.264 mp4 whose frames have a white square in the top-left corner."""
    import av
    c = av.open(str(path), "w")
    s = c.add_stream(codec, rate=fps)
    s.width, s.height, s.pix_fmt = w, h, "yuv420p"
    s.codec_context.time_base = fractions.Fraction(1, 1000)
    s.time_base = fractions.Fraction(1, 1000)
    for i in range(n):
        img = np.full((h, w, 3), 90, np.uint8)
        if bars:
            img[:, :bars] = 0
            img[:, w - bars:] = 0
        if marker:
            img[bars and 0:16, bars:bars + 16] = 255
        f = av.VideoFrame.from_ndarray(img, format="rgb24")
        f.pts = pts_ms[i] if pts_ms else int(round(i * 1000 / fps))
        f.time_base = fractions.Fraction(1, 1000)
        for p in s.encode(f):
            c.mux(p)
    for p in s.encode():
        c.mux(p)
    c.close()
    return path


def test_variable_frame_rate_keeps_container_timestamps(tmp_path):
    pts = [0, 33, 66, 200, 233, 500, 533, 566, 600, 1000, 1033, 1066]
    clip = make_clip(tmp_path / "vfr.mp4", n=len(pts), pts_ms=pts)
    got = [t for t, _ in iter_frames(clip, max_fps=0)]
    assert np.allclose(got, np.array(pts) / 1000, atol=0.002)


def test_high_fps_is_subsampled_by_time_and_big_frames_downscaled(tmp_path):
    clip = make_clip(tmp_path / "fast.mp4", n=120, fps=120, w=640, h=360)
    stats = {}
    frames = list(iter_frames(clip, max_side=320, max_fps=30, stats=stats))
    assert stats["decoded"] == 120
    assert 28 <= len(frames) <= 32
    dt = np.diff([t for t, _ in frames])
    assert dt.min() > 1 / 40
    assert frames[0][1].shape == (180, 320, 3)


def test_probe_reports_size_rate_and_duration(tmp_path):
    info = probe(make_clip(tmp_path / "a.mp4", n=30, w=160, h=96))
    assert (info.width, info.height, info.rotation) == (160, 96, 0)
    assert abs(info.fps - 30) < 0.5
    assert 0.9 < info.duration_s < 1.1


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs the ffmpeg command to tag a rotation")
def test_rotation_flag_is_applied_like_ffmpeg_does(tmp_path):
    src = make_clip(tmp_path / "src.mp4", n=5)
    rot = tmp_path / "rot.mp4"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(src), "-c", "copy",
                    "-metadata:s:v:0", "rotate=90", str(rot)], check=True)
    ref = tmp_path / "ref.png"  # ffmpeg's own upright rendering of the first frame
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(rot), "-frames:v", "1", str(ref)], check=True)
    from PIL import Image
    want = np.asarray(Image.open(ref).convert("L"), float)
    info = probe(rot)
    assert info.rotation in (90, 270) and (info.width, info.height) == (96, 160)
    _, img = next(iter_frames(rot, rotation=info.rotation))
    got = img.mean(axis=2)
    assert got.shape == want.shape
    assert np.abs(got - want).mean() < 10  # the marker lands in the same corner


def test_letterbox_bars_are_found(tmp_path):
    clip = make_clip(tmp_path / "bars.mp4", n=10, w=320, h=96, bars=100, marker=False)
    box = content_box(clip)
    assert box is not None
    assert abs(box[0] - 100 / 320) < 0.03 and abs(box[2] - 220 / 320) < 0.03
    assert content_box(make_clip(tmp_path / "full.mp4", n=10)) is None


@pytest.mark.parametrize("kind", ["empty", "text", "image", "audio", "folder"])
def test_files_that_are_not_videos_are_user_errors(tmp_path, kind):
    path = tmp_path / "clip.mp4"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "text":
        path.write_text("this is text, not a video\n" * 50)
    elif kind == "image":
        from PIL import Image
        Image.new("RGB", (64, 48), (200, 20, 20)).save(tmp_path / "x.png")
        path.write_bytes((tmp_path / "x.png").read_bytes())
    elif kind == "audio":
        import av
        c = av.open(str(path), "w")
        s = c.add_stream("aac", rate=44100)
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
        frame.sample_rate = 44100
        for i in range(20):
            frame.pts = i * 1024
            for p in s.encode(frame):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
        c.close()
    else:
        path = tmp_path / "folder.mp4"
        path.mkdir()
    with pytest.raises(UserError) as e:
        probe(path)
    assert {"empty": "empty", "text": "not a readable video", "image": "image", "audio": "audio only",
            "folder": "folder"}[kind] in str(e.value)


def test_truncated_file_without_index_is_a_user_error(tmp_path):
    clip = make_clip(tmp_path / "a.mp4", n=60)   # no faststart: the index sits at the end
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(clip.read_bytes()[: clip.stat().st_size // 2])
    with pytest.raises(UserError, match="not a readable video"):
        probe(cut)


def test_track_round_trips_through_npz_and_parquet(tmp_path):
    rng = np.random.default_rng(0)
    n = 12
    lm = rng.random((n, 33, 4)).astype(np.float32)
    lm[3] = np.nan
    track = PoseTrack(t=np.arange(n) / 30, landmarks=lm, world=rng.random((n, 33, 3)),
                      present=np.arange(n) != 3, width=1280, height=720, fps=29.97, rotation=90,
                      source_frames=24, duration_s=0.8, backend="test", warnings=["w"], people_seen=2)
    for name in ("t.npz", "t.parquet"):
        back = PoseTrack.load(track.save(tmp_path / name))
        assert np.array_equal(back.landmarks, track.landmarks, equal_nan=True)
        assert np.allclose(back.world, track.world)
        assert np.array_equal(back.t, track.t) and np.array_equal(back.present, track.present)
        assert (back.width, back.height, back.rotation, back.source_frames, back.people_seen) == (1280, 720, 90, 24, 2)
        assert back.warnings == ["w"] and back.backend == "test"


def test_prefetch_keeps_order_passes_errors_and_stops_early():
    from core.pose.decode import prefetch
    assert list(prefetch(iter(range(50)), depth=3)) == list(range(50))

    def broken():
        yield 1
        raise ValueError("corrupt")
    with pytest.raises(ValueError, match="corrupt"):
        list(prefetch(broken()))
    produced = []

    def endless():
        i = 0
        while True:
            produced.append(i)
            yield i
            i += 1
    gen = prefetch(endless(), depth=2)
    assert next(gen) == 0
    gen.close()
    n = len(produced)
    import time
    time.sleep(0.3)
    assert len(produced) == n  # the thread stopped


def test_a_dark_area_on_one_side_is_not_a_bar(tmp_path):
    import av
    path = tmp_path / "dark_wall.mp4"
    c = av.open(str(path), "w")
    s = c.add_stream("libx264", rate=30)
    s.width, s.height, s.pix_fmt = 320, 96, "yuv420p"
    for i in range(10):
        img = np.full((96, 320, 3), 90, np.uint8)
        img[:, :120] = 0  # black on the left only
        f = av.VideoFrame.from_ndarray(img, format="rgb24")
        for p in s.encode(f):
            c.mux(p)
    for p in s.encode():
        c.mux(p)
    c.close()
    assert content_box(path) is None
