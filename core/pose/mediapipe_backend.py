"""MediaPipe BlazePose backend (`mp.solutions.pose`, model_complexity=1, tracking mode).

Only model_complexity=1 ships in the mediapipe 0.10.21 wheel (0 and 2 would download).
Tracking mode (static_image_mode=False) runs the person detector only when tracking is
lost, which is both faster and steadier than per-frame detection.
"""
from __future__ import annotations

import numpy as np

from core.pose.estimator import PoseFrame


class MediaPipePose:
    name = "mediapipe-pose-1"

    def __init__(self, static_image_mode: bool = False, min_detection_confidence: float = 0.5,
                 min_tracking_confidence: float = 0.5):
        import core  # noqa: F401  (pylibsrtp before mediapipe, see core/__init__.py)
        import mediapipe as mp
        self._mp = mp
        self._kw = dict(static_image_mode=static_image_mode, model_complexity=1,
                        smooth_landmarks=True, enable_segmentation=False,
                        min_detection_confidence=min_detection_confidence,
                        min_tracking_confidence=min_tracking_confidence)
        self._pose = mp.solutions.pose.Pose(**self._kw)
        if static_image_mode:
            self.name = "mediapipe-pose-1-static"

    def process(self, rgb: np.ndarray, t: float) -> PoseFrame | None:
        res = self._pose.process(rgb)
        if res.pose_landmarks is None:
            return None
        lm = np.array([(p.x, p.y, p.z, p.visibility) for p in res.pose_landmarks.landmark], np.float32)
        if res.pose_world_landmarks is not None:
            w = np.array([(p.x, p.y, p.z) for p in res.pose_world_landmarks.landmark], np.float32)
        else:
            w = np.full((33, 3), np.nan, np.float32)
        return PoseFrame(lm, w)

    def reset(self) -> None:
        self._pose.close()
        self._pose = self._mp.solutions.pose.Pose(**self._kw)

    def close(self) -> None:
        self._pose.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
