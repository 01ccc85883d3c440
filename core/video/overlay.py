"""The overlay clip: the source video with the skeleton, the main joint angle, a live rep
counter and fault flashes drawn on every frame, encoded as H.264 MP4 that browsers play.

Encoding: PyAV's bundled libx264, yuv420p, even dimensions, `+faststart` (the index is at
the front, so browsers start playing before the whole file is loaded). The overlay is
downscaled so its short side is at most 720 px (540 px by default): decoding, drawing and
encoding cost grows with pixels (on this 2-core machine 540p encoded 2-3x faster than 720p),
while a page shows it no worse. Colour conversions go through OpenCV (SIMD), which was
several times faster than PyAV's swscale for RGB <-> YUV 4:2:0 here.

`render_overlay(source, analysis, out_path)` does it all; `OverlayPainter` draws one frame
and `H264Writer` encodes frames, for callers that already hold decoded frames.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np

from core.errors import UserError
from core.jobs import checkpoint
from core.pose.track import LM, SKELETON_EDGES, PoseTrack
from core.video.analysis import VideoAnalysis

log = logging.getLogger(__name__)

MAX_SHORT_SIDE = 720  # the largest overlay we make
DEFAULT_SHORT_SIDE = 540
# 60/120 fps clips are drawn at ~30 fps: the counter and skeleton read the same, at a
# quarter of the encoding work for 120 fps.
MAX_FPS = 30.0
CODEC = "libx264"
MIME = "video/mp4"
# Seconds a fault stays on screen at least, so a one-frame fault is still seen.
FAULT_MIN_SHOW_S = 0.6
VISIBLE = 0.5  # landmark visibility above which a point is drawn solid

# Colours are RGB (frames are rgb24).
_GREEN = (60, 220, 120)
_GREY = (170, 170, 170)
_WHITE = (255, 255, 255)
_RED = (235, 50, 50)
_YELLOW = (255, 210, 60)
_LEFT = (80, 170, 255)
_RIGHT = (255, 140, 60)

# Which landmark a primary signal's angle sits at, by a word in its name.
_JOINT_BY_WORD = (("knee", "knee"), ("elbow", "elbow"), ("hip", "hip"), ("shoulder", "shoulder"),
                  ("arm", "shoulder"), ("ankle", "ankle"))


@dataclass
class OverlayResult:
    """What `render_overlay` wrote: path, size in pixels, frames, seconds, codec, timings (s)."""
    path: Path
    width: int
    height: int
    frames: int
    duration_s: float
    codec: str
    decode_s: float
    draw_s: float
    encode_s: float

    @property
    def total_s(self) -> float:
        return self.decode_s + self.draw_s + self.encode_s


def output_size(width: int, height: int, max_short_side: int = MAX_SHORT_SIDE) -> tuple[int, int]:
    """Overlay size for an upright frame of `width` x `height`: short side <= max_short_side,
    aspect kept, both even (yuv420p needs even sizes)."""
    if width <= 0 or height <= 0:
        raise ValueError("frame size must be positive")
    scale = min(1.0, max_short_side / min(width, height))
    w = max(2, int(round(width * scale / 2)) * 2)
    h = max(2, int(round(height * scale / 2)) * 2)
    return w, h


def h264_encoder() -> str:
    """Name of the H.264 encoder this PyAV build has (libx264 in the PyPI wheels)."""
    import av
    for name in (CODEC, "libopenh264", "h264"):
        try:
            av.codec.Codec(name, "w")
            return name
        except Exception:  # noqa: BLE001 (PyAV raises several kinds for unknown codecs)
            continue
    raise UserError("This installation's PyAV has no H.264 encoder, so no overlay clip can be made.",
                    "install the PyPI wheel of av (it bundles libx264)")


class H264Writer:
    """Encode rgb24 frames (H x W x 3 uint8) with their times (s) into a browser-playable MP4.

    Frame times are kept (pts in milliseconds), so variable-frame-rate sources stay in sync;
    a frame whose time is not after the previous one is pushed 1 ms later. Preset ultrafast:
    on 2 cores it encodes in about half the time of superfast (0.57 s vs 1.22 s for the 15.7 s
    push-up clip at 540p) for files about twice as large (~1.6 Mbit/s at 540p, crf 26), which a
    local app streams without trouble; it keeps the analysis of a 720p clip under 0.5x its length.
    """

    def __init__(self, path: str | Path, width: int, height: int, fps: float = 30.0, crf: int = 26,
                 preset: str = "ultrafast", threads: int = 2):
        import av
        if width % 2 or height % 2:
            raise ValueError("H.264 yuv420p needs even width and height")
        self.path = Path(path)
        self.width, self.height = width, height
        self.frames = 0
        self.encode_s = 0.0
        self._last_pts = -1
        self._container = av.open(str(self.path), "w", format="mp4", options={"movflags": "+faststart"})
        rate = Fraction(fps if fps and fps > 0 else 30.0).limit_denominator(1001)
        self.codec = h264_encoder()
        self._stream = self._container.add_stream(self.codec, rate=rate)
        self._stream.width, self._stream.height, self._stream.pix_fmt = width, height, "yuv420p"
        self._stream.time_base = Fraction(1, 1000)
        self._stream.codec_context.time_base = Fraction(1, 1000)
        if self.codec in ("libx264", "h264"):
            self._stream.options = {"crf": str(crf), "preset": preset, "profile": "high",
                                    "threads": str(threads)}
        self._av = av
        import cv2
        self._cv2 = cv2

    def write(self, rgb: np.ndarray, t: float) -> None:
        start = time.perf_counter()
        # OpenCV's RGB->I420 (BT.601, limited range, as PyAV's) is ~8x faster than swscale's here
        frame = self._av.VideoFrame.from_ndarray(self._cv2.cvtColor(rgb, self._cv2.COLOR_RGB2YUV_I420),
                                                 format="yuv420p")
        pts = max(int(round(t * 1000)), self._last_pts + 1)
        frame.pts, frame.time_base = pts, Fraction(1, 1000)
        self._last_pts = pts
        for packet in self._stream.encode(frame):
            self._container.mux(packet)
        self.frames += 1
        self.encode_s += time.perf_counter() - start

    def close(self) -> None:
        start = time.perf_counter()
        try:
            for packet in self._stream.encode(None):
                self._container.mux(packet)
        finally:
            self._container.close()
        self.encode_s += time.perf_counter() - start

    def abort(self) -> None:
        """Close and delete a partly written file."""
        try:
            self._container.close()
        except Exception:  # noqa: BLE001 (already broken; the file goes anyway)
            pass
        self.path.unlink(missing_ok=True)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        else:
            self.abort()


class OverlayPainter:
    """Draws one analysis on frames of size `width` x `height` (the overlay's size)."""

    def __init__(self, analysis: VideoAnalysis, width: int, height: int):
        self.a = analysis
        self.width, self.height = width, height
        self.track: PoseTrack | None = analysis.track
        self.scale = min(width, height) / 720.0
        self.rep_ends = np.array(sorted(float(r.get("end_s", np.nan)) for r in analysis.rep_details), float)
        self.faults = [(float(f.get("start_s", r.get("start_s", 0.0))),
                        max(float(f.get("end_s", f.get("start_s", r.get("start_s", 0.0)))),
                            float(f.get("start_s", r.get("start_s", 0.0))) + FAULT_MIN_SHOW_S),
                        str(f.get("message") or f.get("name", "fault")))
                       for r in analysis.rep_details for f in (r.get("faults") or [])]
        sig_t = np.asarray(analysis.signal_t, float)
        self.sig_t = sig_t
        self.sig = np.asarray(analysis.signal, float)
        self.sig_label = (analysis.signal_name or "angle").replace("_", " ")
        self.sig_unit = analysis.signal_unit or ""
        word = (analysis.signal_name or "").lower()
        self.joint = next((j for w, j in _JOINT_BY_WORD if w in word), None)
        if self.track is not None and len(self.track):
            t = self.track.t
            self._half_step = float(np.median(np.diff(t))) * 0.75 if len(t) > 1 else 0.05
        else:
            self._half_step = 0.05

    # --- lookups at time t --------------------------------------------------------------------
    def reps_at(self, t: float) -> int:
        return int(np.searchsorted(self.rep_ends, t, side="right"))

    def landmarks_at(self, t: float) -> np.ndarray | None:
        """(33, 4) landmarks of the track frame nearest `t`, or None (no person / no frame near)."""
        tr = self.track
        if tr is None or not len(tr):
            return None
        i = int(np.clip(np.searchsorted(tr.t, t), 1, len(tr.t) - 1)) if len(tr.t) > 1 else 0
        if i > 0 and abs(tr.t[i - 1] - t) <= abs(tr.t[i] - t):
            i -= 1
        if abs(tr.t[i] - t) > max(self._half_step, 0.02) or not tr.present[i]:
            return None
        return tr.landmarks[i]

    def signal_at(self, t: float) -> float:
        if not len(self.sig_t):
            return float("nan")
        i = int(np.clip(np.searchsorted(self.sig_t, t), 0, len(self.sig_t) - 1))
        if i > 0 and abs(self.sig_t[i - 1] - t) <= abs(self.sig_t[i] - t):
            i -= 1
        if abs(self.sig_t[i] - t) > max(self._half_step, 0.02):
            return float("nan")
        return float(self.sig[i])

    def faults_at(self, t: float) -> list[str]:
        return [m for s, e, m in self.faults if s <= t <= e]

    # --- drawing ------------------------------------------------------------------------------
    def draw(self, rgb: np.ndarray, t: float) -> np.ndarray:
        """Draw on `rgb` (H x W x 3 uint8, modified in place) for time `t` (s); returns it."""
        import cv2
        lm = self.landmarks_at(t)
        if lm is not None:
            self._skeleton(cv2, rgb, lm)
        value = self.signal_at(t)
        if lm is not None and self.joint and np.isfinite(value):
            self._joint_label(cv2, rgb, lm, value)
        faults = self.faults_at(t)
        self._panel(cv2, rgb, self.reps_at(t), value, bool(faults))
        if faults:
            self._fault_flash(cv2, rgb, faults)
        return rgb

    def _px(self, lm: np.ndarray) -> np.ndarray:
        return np.stack([lm[:, 0] * self.width, lm[:, 1] * self.height], axis=1)

    def _skeleton(self, cv2, img, lm):
        pts = self._px(lm)
        vis = np.nan_to_num(lm[:, 3], nan=0.0)
        ok = np.isfinite(pts).all(axis=1)
        thick = max(2, int(round(3 * self.scale)))
        for a, b in SKELETON_EDGES:
            if not (ok[a] and ok[b]) or min(vis[a], vis[b]) < 0.2:
                continue
            colour = _GREEN if min(vis[a], vis[b]) >= VISIBLE else _GREY
            cv2.line(img, _pt(pts[a]), _pt(pts[b]), colour, thick, cv2.LINE_AA)
        r = max(3, int(round(4 * self.scale)))
        for j in range(11, 33):
            if ok[j] and vis[j] >= 0.2:
                side = _LEFT if j % 2 == 1 else _RIGHT
                cv2.circle(img, _pt(pts[j]), r, side if vis[j] >= VISIBLE else _GREY, -1, cv2.LINE_AA)

    def _joint_label(self, cv2, img, lm, value):
        left, right = LM[f"left_{self.joint}"], LM[f"right_{self.joint}"]
        vis = np.nan_to_num(lm[[left, right], 3], nan=0.0)
        j = left if vis[0] >= vis[1] else right
        if not np.isfinite(lm[j, :2]).all():
            return
        x, y = _pt(self._px(lm[j:j + 1])[0])
        text = _fmt(value, self.sig_unit)
        fs = 0.8 * self.scale
        (tw, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, fs, 2)
        x0, y0 = x + int(12 * self.scale), y - int(12 * self.scale)
        x0 = min(max(x0, 2), self.width - tw - 6)
        y0 = min(max(y0, th + 6), self.height - 4)
        _shade(img, x0 - 4, y0 - th - 4, x0 + tw + 4, y0 + 6, 0.55)
        cv2.putText(img, text, (x0, y0), cv2.FONT_HERSHEY_SIMPLEX, fs, _YELLOW, 2, cv2.LINE_AA)

    def _panel(self, cv2, img, reps, value, faulty):
        s = self.scale
        lines = [(self.a.exercise.replace("_", " ").upper(), 0.7 * s, _WHITE, 1),
                 (f"REPS {reps}", 1.5 * s, _RED if faulty else _GREEN, 3)]
        if np.isfinite(value):
            lines.append((f"{self.sig_label} {_fmt(value, self.sig_unit)}", 0.7 * s, _YELLOW, 2))
        pad = int(10 * s) + 2
        sizes = [cv2.getTextSize(t, cv2.FONT_HERSHEY_SIMPLEX, fs, th)[0] for t, fs, _, th in lines]
        w = max(sz[0] for sz in sizes) + 2 * pad
        h = sum(sz[1] for sz in sizes) + pad * (len(lines) + 1)
        _shade(img, 0, 0, min(w, self.width), min(h, self.height), 0.4)
        y = pad
        for (text, fs, colour, th), (tw, tht) in zip(lines, sizes):
            y += tht
            cv2.putText(img, text, (pad, y), cv2.FONT_HERSHEY_SIMPLEX, fs, colour, th, cv2.LINE_AA)
            y += pad

    def _fault_flash(self, cv2, img, faults):
        s = self.scale
        border = max(4, int(round(8 * s)))
        cv2.rectangle(img, (0, 0), (self.width - 1, self.height - 1), _RED, border)
        text = " | ".join(dict.fromkeys(faults))
        fs = 0.75 * s
        (tw, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, fs, 2)
        if tw > self.width - 20:  # long messages shrink to fit
            fs *= (self.width - 20) / tw
            (tw, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, fs, 2)
        y1 = self.height - border - 4
        y0 = y1 - th - int(16 * s)
        _shade(img, border, y0, self.width - border, y1, 0.35, colour=(120, 0, 0))
        cv2.putText(img, text, (max(border + 6, (self.width - tw) // 2), y1 - int(8 * s)),
                    cv2.FONT_HERSHEY_SIMPLEX, fs, _WHITE, 2, cv2.LINE_AA)


def _pt(p) -> tuple[int, int]:
    return int(round(float(p[0]))), int(round(float(p[1])))


def _fmt(value: float, unit: str) -> str:
    if unit in ("deg", "degrees", "°"):
        return f"{value:.0f} deg"
    if unit == "%":
        return f"{value:.0f}%"
    return f"{value:.2f} {unit}".strip()


def _shade(img, x0, y0, x1, y1, keep: float, colour=(0, 0, 0)) -> None:
    """Darken (blend towards `colour`) a rectangle so text on it reads on any background."""
    x0, y0 = max(0, int(x0)), max(0, int(y0))
    x1, y1 = min(img.shape[1], int(x1)), min(img.shape[0], int(y1))
    if x1 <= x0 or y1 <= y0:
        return
    region = img[y0:y1, x0:x1]
    k = int(round(keep * 256))
    tint = (np.array(colour, np.uint16) * (256 - k)).astype(np.uint16)
    region[:] = ((region.astype(np.uint16) * k + tint) >> 8).astype(np.uint8)


def _i420(frame, width: int, height: int) -> np.ndarray:
    """The frame as one I420 array ((height * 3/2) x width) scaled to width x height: planes
    resized with OpenCV for 8-bit 4:2:0 sources (most phone clips; faster than swscale here),
    swscale for anything else."""
    fw, fh = frame.width, frame.height
    if frame.format.name in ("yuv420p", "yuvj420p") and fw % 2 == 0 and fh % 2 == 0:
        import cv2
        raw = frame.to_ndarray()  # (fh * 3/2, fw): Y, then U and V at half size
        if (fw, fh) == (width, height):
            return raw
        q = fh // 2 * fw // 2
        chroma = raw[fh:].reshape(-1)
        u = chroma[:q].reshape(fh // 2, fw // 2)
        v = chroma[q:2 * q].reshape(fh // 2, fw // 2)
        planes = [cv2.resize(raw[:fh], (width, height), interpolation=cv2.INTER_LINEAR),
                  cv2.resize(u, (width // 2, height // 2), interpolation=cv2.INTER_LINEAR),
                  cv2.resize(v, (width // 2, height // 2), interpolation=cv2.INTER_LINEAR)]
        return np.concatenate([p.reshape(-1) for p in planes]).reshape(height * 3 // 2, width)
    return frame.reformat(width=width, height=height, format="yuv420p", interpolation="BILINEAR").to_ndarray()


def upright_frames(source: str | Path, max_short_side: int = DEFAULT_SHORT_SIDE, max_fps: float = MAX_FPS
                   ) -> Iterator[tuple[float, np.ndarray]]:
    """Decode `source`: yields (t seconds from the stream start, rgb24 upright frame), short
    side downscaled to at most `max_short_side`, at most `max_fps` frames per second (0: all).

    Timestamps and rotation are read as pose reads them (`core.pose.decode`: pts from the
    stream start, the clip's rotation flag), so drawn landmarks line up with the picture.
    Frames are scaled in YUV and turned to RGB with OpenCV, about twice as fast as PyAV's
    RGB conversion. Stops quietly at a corrupt tail; raises UserError for non-videos.
    """
    import av
    import cv2
    from core.pose.decode import probe
    info = probe(source)
    rotation = info.rotation  # clockwise degrees to turn decoded frames upright
    ow, oh = output_size(info.width, info.height, max_short_side)
    sw, sh = (oh, ow) if rotation in (90, 270) else (ow, oh)  # size before turning
    min_dt = 0.8 / max_fps if max_fps else 0.0  # slack so 29.97 fps is not thinned
    with av.open(str(source)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        tb = float(stream.time_base) if stream.time_base else 1.0 / 30
        start = stream.start_time or 0
        last_t, n = -1e9, 0
        frames = container.decode(stream)
        while True:
            try:
                frame = next(frames)
            except StopIteration:
                break
            except av.error.FFmpegError as e:  # truncated / corrupt tail: draw what was read
                log.warning("overlay decoding stopped early: %s", e)
                break
            n += 1
            pts = frame.pts if frame.pts is not None else frame.dts
            t = (pts - start) * tb if pts is not None else n / 30.0
            if t - last_t < min_dt:
                continue
            last_t = t
            img = cv2.cvtColor(_i420(frame, sw, sh), cv2.COLOR_YUV2RGB_I420)
            if rotation:
                img = np.ascontiguousarray(np.rot90(img, k=-(rotation // 90) % 4))
            yield float(t), img


def render_overlay(source: str | Path, analysis: VideoAnalysis, out_path: str | Path, *,
                   max_short_side: int = DEFAULT_SHORT_SIDE, frames: Iterable[tuple[float, np.ndarray]] | None = None,
                   progress: Callable[[float], None] | None = None,
                   should_cancel: Callable[[], bool] | None = None) -> OverlayResult:
    """Draw `analysis` on the frames of `source` and write an H.264 MP4 to `out_path`.

    `frames` may supply the (t, upright rgb) frames instead of decoding `source` again.
    `progress(frac)` is called as frames are written; when `should_cancel()` turns true the
    partial file is removed and `core.jobs.Cancelled` raised. Returns sizes and timings.
    """
    out_path = Path(out_path)
    max_short_side = min(int(max_short_side), MAX_SHORT_SIDE)
    # Rotation comes from the container's display matrix, as it did for pose.
    source_frames = frames if frames is not None else upright_frames(source, max_short_side)
    expected = max(1, analysis.frames or (len(analysis.track) if analysis.track is not None else 0))
    duration = analysis.duration_s or 0.0
    painter = writer = None
    decode_s = draw_s = 0.0
    last_t = 0.0
    it = iter(source_frames)
    try:
        while True:
            start = time.perf_counter()
            try:
                t, img = next(it)
            except StopIteration:
                break
            decode_s += time.perf_counter() - start
            checkpoint(should_cancel)
            if writer is None:
                h, w = img.shape[:2]
                if w % 2 or h % 2:
                    w, h = w - w % 2, h - h % 2
                fps = analysis.track.fps if analysis.track is not None and analysis.track.fps else 30.0
                painter = OverlayPainter(analysis, w, h)
                writer = H264Writer(out_path, w, h, fps=fps)
            img = np.ascontiguousarray(img[:writer.height, :writer.width])
            start = time.perf_counter()
            painter.draw(img, t)
            draw_s += time.perf_counter() - start
            writer.write(img, t)
            last_t = t
            if progress is not None and writer.frames % 10 == 0:
                progress(min(1.0, writer.frames / expected) if not duration else min(1.0, t / duration))
        if writer is None:
            raise UserError("The clip has no video frames to draw on.")
        writer.close()
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    if progress is not None:
        progress(1.0)
    return OverlayResult(path=out_path, width=writer.width, height=writer.height, frames=writer.frames,
                         duration_s=max(duration, last_t), codec=writer.codec, decode_s=decode_s,
                         draw_s=draw_s, encode_s=writer.encode_s)


def probe(path: str | Path) -> dict:
    """Codec, pixel format, size, frames and whether the index (moov) is before the data."""
    import av
    data = Path(path).read_bytes()[:1 << 20]
    moov, mdat = data.find(b"moov"), data.find(b"mdat")
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        n = sum(1 for _ in c.demux(s) if _.size)
        return {"codec": s.codec_context.name, "pix_fmt": s.codec_context.pix_fmt,
                "width": s.codec_context.width, "height": s.codec_context.height, "packets": n,
                "profile": s.codec_context.profile,
                "faststart": moov != -1 and (mdat == -1 or moov < mdat)}


def probe_bytes(data: bytes, scratch: str | Path) -> dict:
    """`probe` for MP4 bytes (written to `scratch` first)."""
    scratch = Path(scratch)
    scratch.write_bytes(data)
    return probe(scratch)
