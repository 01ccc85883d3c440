"""Overlay clip: browser-playable H.264 (yuv420p, even size, faststart), drawn frames,
downscaling, cancel between frames, bad input."""
import numpy as np
import pytest

from core.errors import UserError
from core.jobs import Cancelled
from core.video import overlay
from tests.video_samples import synthetic_analysis


def _write_clip(path, width=641, height=361, seconds=2.0, fps=30.0):
    """A small test clip (grey gradient); odd sizes on purpose are cropped to even by the writer."""
    w, h = width - width % 2, height - height % 2
    with overlay.H264Writer(path, w, h, fps=fps, preset="ultrafast") as wr:
        for i in range(int(seconds * fps)):
            img = np.full((h, w, 3), 90, np.uint8)
            img[:, : (i * 7) % w] = 140
            wr.write(img, i / fps)
    return path


@pytest.mark.parametrize("size,short,want", [((1280, 720), 540, (960, 540)), ((3840, 2160), 720, (1280, 720)),
                                              ((720, 1280), 540, (540, 960)), ((641, 361), 540, (640, 360)),
                                              ((1366, 721), 720, (1364, 720))])
def test_output_size_is_even_and_bounded(size, short, want):
    w, h = overlay.output_size(*size, max_short_side=short)
    assert (w, h) == want and w % 2 == 0 and h % 2 == 0


def test_encoder_is_h264():
    assert overlay.h264_encoder() in ("libx264", "libopenh264", "h264")


def test_render_overlay_makes_a_browser_playable_clip(tmp_path):
    src = _write_clip(tmp_path / "src.mp4", 1280, 720, seconds=6.0)
    a = synthetic_analysis(reps=2)
    seen = []
    res = overlay.render_overlay(src, a, tmp_path / "out.mp4", progress=seen.append)
    info = overlay.probe(res.path)
    assert info["codec"] == "h264" and info["pix_fmt"] == "yuv420p" and info["faststart"]
    assert (info["width"], info["height"]) == (960, 540) == (res.width, res.height)
    assert info["packets"] == res.frames == 180
    assert seen[-1] == 1.0 and seen == sorted(seen)
    # frames were drawn on: the counter panel (top left) differs from the flat source
    frames = dict(overlay.upright_frames(res.path))
    src_frames = dict(overlay.upright_frames(src))
    t = sorted(frames)[150]  # 5 s: both reps counted
    diff = np.abs(frames[t].astype(int) - src_frames[t].astype(int))
    assert diff[:60, :200].mean() > 20  # panel
    assert diff[300:, 700:].mean() < 5   # far from panel and person: untouched


def test_painter_counts_reps_live_and_flashes_faults():
    a = synthetic_analysis(reps=2)
    p = overlay.OverlayPainter(a, 640, 360)
    assert [p.reps_at(t) for t in (0.5, 2.99, 3.0, 4.9, 5.5)] == [0, 0, 1, 1, 2]
    assert p.faults_at(3.0) == [] and p.faults_at(4.0) == ["Not deep enough"]
    assert p.landmarks_at(0.2) is None and p.landmarks_at(1.0) is not None  # no person at 0-0.5 s
    assert np.isnan(p.signal_at(0.1)) and abs(p.signal_at(2.0) - 170.0) < 1
    img = np.zeros((360, 640, 3), np.uint8)
    p.draw(img, 4.0)
    assert (img[0:3, :, 0] > 200).all()  # red border while a fault shows


def test_cancel_stops_between_frames_and_removes_the_file(tmp_path):
    src = _write_clip(tmp_path / "src.mp4", 320, 240, seconds=3.0)
    calls = {"n": 0}

    def should_cancel():
        calls["n"] += 1
        return calls["n"] > 10

    out = tmp_path / "out.mp4"
    with pytest.raises(Cancelled):
        overlay.render_overlay(src, synthetic_analysis(), out, should_cancel=should_cancel)
    assert calls["n"] == 11 and not out.exists()


def test_not_a_video_is_a_user_error(tmp_path):
    bad = tmp_path / "notes.mp4"
    bad.write_text("this is text, not a video\n" * 50)
    with pytest.raises(UserError):
        overlay.render_overlay(bad, synthetic_analysis(), tmp_path / "out.mp4")
    assert not (tmp_path / "out.mp4").exists()


def _portrait_clip(path):
    """A phone-style portrait clip: frames stored landscape (320x180, red square top-left) with
    a 90-degree rotation matrix in the track header, as phones write them."""
    import struct
    land = path.with_name("landscape.mp4")
    with overlay.H264Writer(land, 320, 180, fps=30, preset="ultrafast") as wr:
        for i in range(30):
            img = np.full((180, 320, 3), 40, np.uint8)
            img[:40, :40] = (255, 0, 0)
            wr.write(img, i / 30)
    data = bytearray(land.read_bytes())
    identity = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    at = data.find(identity, data.find(b"tkhd"))
    assert at > 0
    data[at:at + 36] = struct.pack(">9i", 0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000)
    path.write_bytes(bytes(data))
    return path


def test_portrait_clip_is_drawn_upright_like_pose_sees_it(tmp_path):
    from core.pose.decode import iter_frames, probe
    clip = _portrait_clip(tmp_path / "portrait.mp4")
    info = probe(clip)
    assert (info.width, info.height, info.rotation) == (180, 320, 90)
    t, ours = next(overlay.upright_frames(clip))
    _, theirs = next(iter_frames(clip, max_side=320, max_fps=0, rotation=info.rotation))
    assert ours.shape == theirs.shape == (320, 180, 3)
    assert np.abs(ours.astype(int) - theirs.astype(int)).mean() < 3
    assert ours[:40, -40:, 0].mean() > 200 and ours[:40, :40, 0].mean() < 80  # stored top-left -> top-right
    res = overlay.render_overlay(clip, synthetic_analysis(), tmp_path / "out.mp4")
    assert (res.width, res.height) == (180, 320)


def test_high_frame_rate_and_4k_are_drawn_at_30_fps_and_540p(tmp_path):
    src = tmp_path / "fast.mp4"
    with overlay.H264Writer(src, 3840, 2160, fps=120.0, preset="ultrafast") as wr:
        for i in range(60):  # 0.5 s at 120 fps, 4K
            wr.write(np.full((2160, 3840, 3), (i * 2) % 255, np.uint8), i / 120.0)
    res = overlay.render_overlay(src, synthetic_analysis(), tmp_path / "out.mp4")
    info = overlay.probe(res.path)
    assert (info["width"], info["height"]) == (960, 540)
    assert 14 <= info["packets"] <= 16  # ~30 fps
