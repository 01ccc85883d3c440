"""MediaPipe BlazePose backend (`mp.solutions.pose`, model_complexity=1, tracking mode).

Only model_complexity=1 ships in the mediapipe 0.10.21 wheel (0 and 2 would download).
Tracking mode (static_image_mode=False) runs the person detector only when tracking is
lost, which is both faster and steadier than per-frame detection.
"""
from __future__ import annotations

import sys
import threading

import numpy as np

from core.pose.estimator import PoseFrame


_IMPORT_LOCK = threading.Lock()


def import_mediapipe():
    """`import mediapipe`, without pulling in TensorFlow when it is not loaded yet.

    mediapipe's task API imports TensorFlow only for its documentation helpers and falls back
    when TensorFlow is missing; hiding it for the import saves about 8 s per process on 2
    cores. TensorFlow stays importable afterwards (the step model uses it)."""
    import core  # noqa: F401  (pylibsrtp before mediapipe, see core/__init__.py)
    with _IMPORT_LOCK:
        if "mediapipe" in sys.modules or "tensorflow" in sys.modules:
            import mediapipe
            return mediapipe
        sys.modules["tensorflow"] = None  # makes `import tensorflow` raise ModuleNotFoundError
        try:
            import mediapipe
        finally:
            if "tensorflow" in sys.modules and sys.modules["tensorflow"] is None:
                del sys.modules["tensorflow"]
        return mediapipe


class MediaPipePose:
    name = "mediapipe-pose-1"

    def __init__(self, static_image_mode: bool = False, min_detection_confidence: float = 0.5,
                 min_tracking_confidence: float = 0.5):
        mp = import_mediapipe()
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
        """Forget the person tracked so far (a new clip). Restarts the graph's run without
        reloading the model (about 0.6 s less than a new Pose on 2 cores)."""
        try:
            self._pose.reset()
        except Exception:  # an older/newer SolutionBase without reset: rebuild
            self._pose.close()
            self._pose = self._mp.solutions.pose.Pose(**self._kw)

    def close(self) -> None:
        self._pose.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
