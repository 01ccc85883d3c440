"""`PoseTrack`: the pose of one clip, frame by frame, as plain arrays.

A track is what pose estimation produces and what counting consumes, so counting can be
re-run from a stored track with new parameters without running pose again. Saved as npz
(exact, compact) or Parquet (one row per frame, readable by any tool).

Landmark order is MediaPipe/BlazePose's 33 points (see `LANDMARK_NAMES`).
"""
from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

LANDMARK_NAMES = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
    "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right",
    "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
    "left_pinky", "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb",
    "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
    "left_heel", "right_heel", "left_foot_index", "right_foot_index",
)
N_LANDMARKS = 33
LM = {name: i for i, name in enumerate(LANDMARK_NAMES)}

# Pairs of landmark indices drawn as the skeleton (for overlays).
SKELETON_EDGES = (
    (11, 12), (11, 13), (13, 15), (12, 14), (14, 16), (11, 23), (12, 24), (23, 24),
    (23, 25), (25, 27), (24, 26), (26, 28), (27, 29), (29, 31), (27, 31), (28, 30),
    (30, 32), (28, 32), (15, 17), (15, 19), (16, 18), (16, 20), (0, 11), (0, 12),
)

FORMAT_VERSION = 1


@dataclass
class PoseTrack:
    """Pose of one clip.

    t:          (T,) float64, seconds from the start of the video stream (container timestamps,
                so variable frame rate is exact).
    landmarks:  (T, 33, 4) float32: x, y normalised to the (rotated, upright) frame width and
                height in [0, 1] (may stray slightly outside), z (relative depth, MediaPipe
                units) and visibility in [0, 1]. NaN on frames with no person.
    world:      (T, 33, 3) float32: metric world landmarks (metres, hip-centred). NaN with no person.
    present:    (T,) bool: a person was found on that frame.
    width, height: size in pixels of the upright frame the landmarks are normalised to
                (after rotation, before any downscaling for pose).
    fps:        nominal frame rate of the source stream (frames/s), informational.
    rotation:   degrees (0, 90, 180, 270) the source frames were rotated to be upright.
    source_frames: number of frames decoded from the source (>= T when frames were subsampled).
    duration_s: duration of the video stream in seconds (0.0 when unknown).
    backend:    which pose backend made it, e.g. "mediapipe-pose-1".
    warnings:   things a person should know about the track (e.g. several people in frame).
    people_seen: most people seen at once on the sampled frames (1 = only the subject; more
                = others in frame, the track follows one main subject).
    """

    t: np.ndarray
    landmarks: np.ndarray
    world: np.ndarray
    present: np.ndarray
    width: int
    height: int
    fps: float
    rotation: int = 0
    source_frames: int = 0
    duration_s: float = 0.0
    backend: str = ""
    warnings: list[str] = field(default_factory=list)
    people_seen: int = 1

    def __post_init__(self):
        self.t = np.asarray(self.t, dtype=np.float64).reshape(-1)
        n = len(self.t)
        self.landmarks = np.asarray(self.landmarks, dtype=np.float32).reshape(n, N_LANDMARKS, 4)
        self.world = np.asarray(self.world, dtype=np.float32).reshape(n, N_LANDMARKS, 3)
        self.present = np.asarray(self.present, dtype=bool).reshape(n)
        self.width, self.height = int(self.width), int(self.height)
        self.fps, self.rotation = float(self.fps), int(self.rotation)
        self.source_frames = int(self.source_frames or n)
        self.duration_s = float(self.duration_s)
        self.warnings = list(self.warnings)
        self.people_seen = int(self.people_seen)

    def __len__(self) -> int:
        return len(self.t)

    @classmethod
    def empty(cls, width: int = 0, height: int = 0, fps: float = 0.0, **kw) -> "PoseTrack":
        return cls(t=np.zeros(0), landmarks=np.zeros((0, N_LANDMARKS, 4)),
                   world=np.zeros((0, N_LANDMARKS, 3)), present=np.zeros(0, bool),
                   width=width, height=height, fps=fps, **kw)

    def meta(self) -> dict:
        return {"format_version": FORMAT_VERSION, "width": self.width, "height": self.height,
                "fps": self.fps, "rotation": self.rotation, "source_frames": self.source_frames,
                "duration_s": self.duration_s, "backend": self.backend, "warnings": self.warnings,
                "people_seen": self.people_seen}

    @classmethod
    def _from_meta(cls, meta: dict, t, landmarks, world, present) -> "PoseTrack":
        keys = ("width", "height", "fps", "rotation", "source_frames", "duration_s", "backend", "warnings",
                "people_seen")
        return cls(t=t, landmarks=landmarks, world=world, present=present,
                   **{k: meta[k] for k in keys if k in meta})

    # --- npz -------------------------------------------------------------------------------
    def to_npz_bytes(self) -> bytes:
        buf = io.BytesIO()
        np.savez_compressed(buf, t=self.t, landmarks=self.landmarks, world=self.world,
                            present=self.present, meta=np.array(json.dumps(self.meta())))
        return buf.getvalue()

    @classmethod
    def from_npz_bytes(cls, data: bytes) -> "PoseTrack":
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            return cls._from_meta(json.loads(str(z["meta"])), z["t"], z["landmarks"], z["world"], z["present"])

    # --- Parquet (one row per frame) -------------------------------------------------------
    def to_table(self):
        """A pyarrow Table: columns t, present, then x_<name>, y_<name>, z_<name>, v_<name>
        (normalised) and wx_/wy_/wz_<name> (metres); track metadata in the schema metadata."""
        import pyarrow as pa
        cols = {"t": pa.array(self.t, pa.float64()), "present": pa.array(self.present, pa.bool_())}
        for j, name in enumerate(LANDMARK_NAMES):
            for k, p in enumerate("xyzv"):
                cols[f"{p}_{name}"] = pa.array(self.landmarks[:, j, k], pa.float32())
        for j, name in enumerate(LANDMARK_NAMES):
            for k, p in enumerate(("wx", "wy", "wz")):
                cols[f"{p}_{name}"] = pa.array(self.world[:, j, k], pa.float32())
        table = pa.table(cols)
        return table.replace_schema_metadata({"coachlab.pose_track": json.dumps(self.meta())})

    @classmethod
    def from_table(cls, table) -> "PoseTrack":
        md = table.schema.metadata or {}
        meta = json.loads(md.get(b"coachlab.pose_track", b"{}"))
        n = table.num_rows
        lm = np.full((n, N_LANDMARKS, 4), np.nan, np.float32)
        world = np.full((n, N_LANDMARKS, 3), np.nan, np.float32)
        for j, name in enumerate(LANDMARK_NAMES):
            for k, p in enumerate("xyzv"):
                lm[:, j, k] = table.column(f"{p}_{name}").to_numpy(zero_copy_only=False)
            for k, p in enumerate(("wx", "wy", "wz")):
                world[:, j, k] = table.column(f"{p}_{name}").to_numpy(zero_copy_only=False)
        t = table.column("t").to_numpy(zero_copy_only=False)
        present = table.column("present").to_numpy(zero_copy_only=False).astype(bool)
        meta.setdefault("width", 0); meta.setdefault("height", 0); meta.setdefault("fps", 0.0)
        return cls._from_meta(meta, t, lm, world, present)

    def to_parquet_bytes(self) -> bytes:
        import pyarrow.parquet as pq
        buf = io.BytesIO()
        pq.write_table(self.to_table(), buf, compression="zstd")
        return buf.getvalue()

    @classmethod
    def from_parquet_bytes(cls, data: bytes) -> "PoseTrack":
        import pyarrow.parquet as pq
        return cls.from_table(pq.read_table(io.BytesIO(data)))

    # --- files -----------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write to `path`; the format follows the suffix (.parquet or .npz)."""
        path = Path(path)
        data = self.to_parquet_bytes() if path.suffix == ".parquet" else self.to_npz_bytes()
        path.write_bytes(data)
        return path

    @classmethod
    def load(cls, path: str | Path) -> "PoseTrack":
        path = Path(path)
        data = path.read_bytes()
        return cls.from_parquet_bytes(data) if path.suffix == ".parquet" else cls.from_npz_bytes(data)
