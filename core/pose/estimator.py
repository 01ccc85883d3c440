"""The pose backend interface: one upright RGB frame (+ its time) in, one person's landmarks out."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass
class PoseFrame:
    """One person's pose on one frame.

    landmarks: (33, 4) float32 x, y normalised to the frame given (0..1), z, visibility 0..1.
    world:     (33, 3) float32 metres, hip-centred.
    """
    landmarks: np.ndarray
    world: np.ndarray


class PoseEstimator(Protocol):
    """Video-mode pose: frames must come in time order; `reset()` before another clip."""

    name: str

    def process(self, rgb: np.ndarray, t: float) -> PoseFrame | None:
        """rgb: (H, W, 3) uint8 upright frame; t: seconds. None when no person is found."""
        ...

    def reset(self) -> None:
        ...

    def close(self) -> None:
        ...
