"""Read a clip's frames with their true container timestamps, upright and sized for pose.

`probe(path)` checks that the file is a readable video and says what it holds;
`iter_frames(path, ...)` yields `(t_seconds, rgb_uint8)` upright (the rotation flag of phone
clips applied), downscaled so the long side is at most `max_side`, and subsampled to at most
`max_fps` by timestamp (120 fps clips -> ~30 fps). Timestamps come from each frame's pts, so
variable-frame-rate clips keep their true timing.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from core.errors import UserError

log = logging.getLogger(__name__)

# Demuxers that mean "a still image", not a video (a renamed photo opens as one of these).
_IMAGE_FORMATS = ("image2", "png_pipe", "jpeg_pipe", "bmp_pipe", "webp_pipe", "gif", "tiff_pipe",
                  "jpegxl_pipe", "svg_pipe", "pgm_pipe", "ppm_pipe", "qoi_pipe")
_HINT = "upload a video file (mp4, mov, webm or avi) of the set"


@dataclass
class VideoInfo:
    """What a clip holds. width/height are of the upright frame (after rotation), pixels."""
    path: str
    width: int
    height: int
    fps: float            # nominal (average) frame rate, frames/s
    rotation: int         # degrees the frames are turned to be upright (0, 90, 180, 270)
    duration_s: float     # stream duration in seconds (estimated when the container omits it)
    frames_estimate: int  # from the container header; 0 when unknown
    codec: str
    container: str


def _open(path: str | Path):
    import av
    path = Path(path)
    if path.is_dir():
        raise UserError(f"Expected a video file, got a folder: {path}", _HINT)
    if not path.exists():
        raise UserError(f"File not found: {path}", _HINT)
    if os.path.getsize(path) == 0:
        raise UserError(f"{path.name} is empty (0 bytes)", _HINT)
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, ValueError, UnicodeDecodeError) as e:
        raise UserError(f"{path.name} is not a readable video (truncated or not a video file)", _HINT) from e
    fmt = container.format.name or ""
    if any(f in fmt.split(",") for f in _IMAGE_FORMATS):
        container.close()
        raise UserError(f"{path.name} is an image, not a video", _HINT)
    if not container.streams.video:
        audio = bool(container.streams.audio)
        container.close()
        if audio:
            raise UserError(f"{path.name} has no video (audio only)", _HINT)
        raise UserError(f"{path.name} is not a readable video (truncated or not a video file)", _HINT)
    return container


def _rotation(stream, first_frame=None) -> int:
    """Clockwise degrees to turn decoded frames so they display upright."""
    rot = None
    if first_frame is not None:
        # PyAV gives the display matrix angle counter-clockwise.
        r = getattr(first_frame, "rotation", 0) or 0
        if r:
            rot = -int(round(r))
    if rot is None:
        tag = (stream.metadata or {}).get("rotate")
        rot = int(tag) if tag and tag.lstrip("-").isdigit() else 0
    return int(round(rot / 90.0)) * 90 % 360


def _upright(img: np.ndarray, rotation: int) -> np.ndarray:
    if rotation == 0:
        return img
    # np.rot90 turns counter-clockwise; `rotation` is clockwise.
    return np.ascontiguousarray(np.rot90(img, k=-(rotation // 90) % 4))


def probe(path: str | Path) -> VideoInfo:
    """Check the file is a video with at least one decodable frame; raise UserError if not."""
    import av
    container = _open(path)
    try:
        stream = container.streams.video[0]
        try:
            first = next(container.decode(stream), None)
        except (av.error.FFmpegError, StopIteration):
            first = None
        if first is None:
            raise UserError(f"{Path(path).name}: no frame could be decoded (truncated or corrupt video)", _HINT)
        rot = _rotation(stream, first)
        w, h = first.width, first.height
        if rot in (90, 270):
            w, h = h, w
        fps = float(stream.average_rate or stream.guessed_rate or 0) or 30.0
        dur = float(stream.duration * stream.time_base) if stream.duration and stream.time_base else 0.0
        if not dur and container.duration:
            dur = container.duration / 1e6
        return VideoInfo(path=str(path), width=w, height=h, fps=fps, rotation=rot, duration_s=dur,
                         frames_estimate=int(stream.frames or 0), codec=stream.codec_context.name,
                         container=container.format.name)
    finally:
        container.close()


def content_box(path: str | Path, rotation: int = 0, threshold: int = 20, max_frames: int = 40):
    """Where the picture is inside black letterbox/pillarbox bars, from key frames.

    Returns (x0, y0, x1, y1) as fractions of the upright frame, or None when the bars cover
    less than 8% on each axis (nothing worth cropping). Only centred bars count."""
    import av
    container = _open(path)
    try:
        stream = container.streams.video[0]
        stream.codec_context.skip_frame = "NONKEY"
        colmax = rowmax = None
        n = 0
        try:
            for frame in container.decode(stream):
                g = _upright(frame.to_ndarray(format="gray"), rotation)
                c, r = g.max(axis=0), g.max(axis=1)
                colmax = c if colmax is None else np.maximum(colmax, c)
                rowmax = r if rowmax is None else np.maximum(rowmax, r)
                n += 1
                if n >= max_frames:
                    break
        except av.error.FFmpegError:
            pass
    finally:
        container.close()
    if colmax is None:
        return None

    def span(profile):
        idx = np.flatnonzero(profile > threshold)
        if len(idx) == 0:
            return 0.0, 1.0
        return idx[0] / len(profile), (idx[-1] + 1) / len(profile)

    x0, x1 = span(colmax)
    y0, y1 = span(rowmax)
    # real bars are centred; a dark wall on one side is picture, not a bar
    if abs(x0 - (1 - x1)) > 0.05:
        x0, x1 = 0.0, 1.0
    if abs(y0 - (1 - y1)) > 0.05:
        y0, y1 = 0.0, 1.0
    if (x1 - x0) > 0.92 and (y1 - y0) > 0.92:
        return None
    if (x1 - x0) < 0.1 or (y1 - y0) < 0.1:
        return None
    return (x0, y0, x1, y1)


def iter_frames(path: str | Path, max_side: int = 960, max_fps: float = 32.0,
                rotation: int | None = None, stats: dict | None = None
                ) -> Iterator[tuple[float, np.ndarray]]:
    """Yield (t, rgb) for the frames kept for pose.

    t: seconds from the stream start (pts * time_base - start), float.
    rgb: (H, W, 3) uint8, upright, long side <= max_side.
    Frames closer than 1/max_fps to the last kept one are skipped (decoded, not yielded).
    `stats` (a dict), when given, is filled with decoded/kept counts and whether decoding
    stopped early on corrupt data ("truncated").
    """
    import av
    container = _open(path)
    stats = stats if stats is not None else {}
    stats.update(decoded=0, kept=0, truncated=False)
    try:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        start = stream.start_time or 0
        tb = float(stream.time_base) if stream.time_base else 1.0 / 30
        min_dt = 1.0 / max_fps if max_fps else 0.0
        last_t = -1e9
        size = None
        it = container.decode(stream)
        while True:
            try:
                frame = next(it)
            except StopIteration:
                break
            except av.error.FFmpegError as e:  # truncated / corrupt tail
                log.warning("decoding stopped early: %s", e)
                stats["truncated"] = True
                break
            stats["decoded"] += 1
            pts = frame.pts if frame.pts is not None else frame.dts
            t = (pts - start) * tb if pts is not None else stats["decoded"] / 30.0
            if rotation is None:
                rotation = _rotation(stream, frame)
            # a little slack so 29.97 fps clips are not thinned by rounding
            if t - last_t < min_dt * 0.8:
                continue
            last_t = t
            if size is None:
                w, h = frame.width, frame.height
                scale = min(1.0, max_side / max(w, h))
                size = (max(2, int(round(w * scale / 2)) * 2), max(2, int(round(h * scale / 2)) * 2))
            img = frame.to_ndarray(format="rgb24", width=size[0], height=size[1])
            stats["kept"] += 1
            yield float(t), _upright(img, rotation)
    finally:
        container.close()


def prefetch(frames: Iterator, depth: int = 8, busy: dict | None = None) -> Iterator:
    """Decode ahead in a thread while the caller runs pose on the previous frame (PyAV and
    MediaPipe both work outside the GIL, so on 2 cores this hides most of the decoding).

    Yields what `frames` yields, in order; re-raises its errors; stops the thread when the
    caller stops early. busy["decode_busy_s"] gets the seconds spent decoding in the thread."""
    import queue
    import threading
    import time

    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    end = object()
    spent = [0.0]

    def put(item) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def run():
        try:
            it = iter(frames)
            while not stop.is_set():
                t0 = time.perf_counter()
                try:
                    item = next(it)
                except StopIteration:
                    break
                finally:
                    spent[0] += time.perf_counter() - t0
                if not put(item):
                    break
            put(end)
        except BaseException as e:  # handed to the consumer
            put(e)
        finally:
            close = getattr(frames, "close", None)
            if close is not None:
                close()

    th = threading.Thread(target=run, name="decode-prefetch", daemon=True)
    th.start()
    try:
        while True:
            item = q.get()
            if item is end:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        th.join(timeout=5)
        if busy is not None:
            busy["decode_busy_s"] = spent[0]
