"""Joint angles and distances from landmark rows, NaN-safe.

Image landmarks are normalised separately in x and y, so 2D geometry first scales x by the
frame's aspect ratio (width / height) to get square units (one unit = the frame height).
Everything here works on one frame (33, k) or many frames (T, 33, k).
"""
from __future__ import annotations

import numpy as np

from core.pose.track import LM


def points(rows: np.ndarray, idx, aspect: float = 1.0) -> np.ndarray:
    """(..., 2) square-unit image points of landmark `idx` (x scaled by aspect)."""
    p = np.asarray(rows)[..., idx, :2].astype(np.float64)
    return p * np.array([aspect, 1.0])


def angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle ABC in degrees (0..180) between B->A and B->C; works in 2D or 3D."""
    v1, v2 = a - b, c - b
    n = np.linalg.norm(v1, axis=-1) * np.linalg.norm(v2, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.sum(v1 * v2, axis=-1) / n
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def joint_angle(rows: np.ndarray, a: str, b: str, c: str, aspect: float = 1.0) -> np.ndarray:
    """Image-plane angle a-b-c (degrees) at joint b, e.g. ("left_hip", "left_knee", "left_ankle")."""
    return angle(points(rows, LM[a], aspect), points(rows, LM[b], aspect), points(rows, LM[c], aspect))


def visibility(rows: np.ndarray, names) -> np.ndarray:
    """Lowest visibility (0..1) among the named landmarks; 0 where missing."""
    v = np.asarray(rows)[..., [LM[n] for n in names], 3]
    v = np.where(np.isnan(v), 0.0, v)
    return v.min(axis=-1)


def midpoint(rows: np.ndarray, a: str, b: str, aspect: float = 1.0) -> np.ndarray:
    return (points(rows, LM[a], aspect) + points(rows, LM[b], aspect)) / 2.0


def segment_angle_from_vertical(p_from: np.ndarray, p_to: np.ndarray) -> np.ndarray:
    """Angle (degrees, 0..180) of the segment from->to against straight up in the image."""
    d = p_to - p_from
    with np.errstate(invalid="ignore"):
        return np.degrees(np.arctan2(np.abs(d[..., 0]), -d[..., 1]))
