"""`VideoAnalysis`: what analysing one clip gives (the CLI's JSON is `to_json()`)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.pose.track import PoseTrack


@dataclass
class VideoAnalysis:
    """Result of analysing one clip.

    exercise:     the exercise analysed (with auto, the one recognised).
    reps:         number of counted reps (== len(rep_details)).
    rep_details:  one dict per rep in time order: rep (1-based), start_s, bottom_s, end_s,
                  duration_s, depth_pct, extreme (signal at the bottom), down_s, pause_s, up_s,
                  side ("left"/"right" single-limb, "both"), measured_side, faults (list of
                  {name, message, start_s, end_s, value, threshold}); times in seconds from
                  the clip start (see docs/video.md).
    duration_s:   clip duration in seconds.
    frames:       frames decoded from the clip.
    processing_s: wall time of the analysis in seconds.
    warnings:     sentences for the user (several people in frame, no person for a while...).
    track:        the PoseTrack (landmarks per analysed frame), so counting can be re-run.
    signal_t:     (N,) seconds, time of each value of the primary signal.
    signal:       (N,) the exercise's primary signal (e.g. knee angle in degrees), NaN
                  where no person; `signal_name` / `signal_unit` say what it is.
    params:       the thresholds used (the exercise spec's tunables), for re-counting.
    auto_scores:  with auto mode, a score per candidate exercise (higher = more likely).
    """

    exercise: str
    reps: int
    rep_details: list[dict]
    duration_s: float
    frames: int
    processing_s: float
    warnings: list[str] = field(default_factory=list)
    track: PoseTrack | None = None
    signal_t: np.ndarray = field(default_factory=lambda: np.zeros(0))
    signal: np.ndarray = field(default_factory=lambda: np.zeros(0))
    signal_name: str = ""
    signal_unit: str = ""
    params: dict = field(default_factory=dict)
    auto_scores: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        """The contract's JSON object (../shared/contracts.md, Video) plus extra keys."""
        return {"exercise": self.exercise, "reps": int(self.reps), "rep_details": self.rep_details,
                "duration_s": round(float(self.duration_s), 3), "frames": int(self.frames),
                "processing_s": round(float(self.processing_s), 3), "warnings": list(self.warnings),
                "signal": {"name": self.signal_name, "unit": self.signal_unit}, "params": self.params}
