"""Synthetic video analyses for the video tests (no pose run): a track with a person whose
knee bends `reps` times, and the VideoAnalysis a counter would make of it."""
import numpy as np

from core.pose.track import LM, PoseTrack
from core.video.analysis import VideoAnalysis


def synthetic_track(seconds: float = 6.0, fps: float = 30.0, width: int = 640, height: int = 360,
                    absent: tuple[float, float] | None = (0.0, 0.5)) -> PoseTrack:
    t = np.arange(int(seconds * fps)) / fps
    n = len(t)
    lm = np.full((n, 33, 4), np.nan, np.float32)
    rng = np.random.default_rng(0)
    base = rng.uniform(0.3, 0.7, size=(33, 2)).astype(np.float32)
    for name, (x, y) in {"left_hip": (0.5, 0.45), "left_knee": (0.55, 0.65), "left_ankle": (0.5, 0.85),
                         "left_shoulder": (0.5, 0.25), "right_hip": (0.52, 0.45), "right_knee": (0.57, 0.65),
                         "right_ankle": (0.52, 0.85), "right_shoulder": (0.52, 0.25)}.items():
        base[LM[name]] = (x, y)
    lm[:, :, :2] = base[None]
    lm[:, :, 1] += (0.05 * np.sin(2 * np.pi * t / 2.0))[:, None].astype(np.float32)
    lm[:, :, 2] = 0.0
    lm[:, :, 3] = 0.95
    world = np.zeros((n, 33, 3), np.float32)
    present = np.ones(n, bool)
    if absent:
        gone = (t >= absent[0]) & (t < absent[1])
        present[gone] = False
        lm[gone] = np.nan
        world[gone] = np.nan
    return PoseTrack(t=t, landmarks=lm, world=world, present=present, width=width, height=height, fps=fps,
                     source_frames=n, duration_s=seconds, backend="synthetic")


def synthetic_analysis(reps: int = 2, exercise: str = "squat") -> VideoAnalysis:
    track = synthetic_track()
    t = track.t
    angle = 120 + 50 * np.cos(2 * np.pi * t / 2.0)
    angle[~track.present] = np.nan
    details = []
    for i in range(reps):
        s = 1.0 + 2.0 * i
        details.append({"start_s": s, "bottom_s": s + 1.0, "end_s": s + 2.0, "depth_pct": 95.0 - 10 * i,
                        "down_s": 0.9, "pause_s": 0.2, "up_s": 0.9, "side": "left",
                        "faults": ([{"name": "shallow_depth", "message": "Not deep enough",
                                     "start_s": s + 0.9, "end_s": s + 1.1}] if i == 1 else [])})
    return VideoAnalysis(exercise=exercise, reps=reps, rep_details=details, duration_s=6.0, frames=len(t),
                         processing_s=1.5, warnings=["No person for 0.5 s"], track=track, signal_t=t,
                         signal=angle, signal_name="knee_angle", signal_unit="deg",
                         params={"down_deg": 100.0, "up_deg": 150.0}, auto_scores={})
