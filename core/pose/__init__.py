"""Pose estimation: decode a clip, find the person's 33 landmarks on every frame.

`track.PoseTrack` is the result (arrays per frame), `estimator.PoseEstimator` the backend
interface (MediaPipe in `mediapipe_backend`), `decode` reads frames with container
timestamps and rotation, `extract.extract_track` runs it all on one clip.
"""
from core.pose.track import LANDMARK_NAMES, LM, PoseTrack  # noqa: F401
