"""Tiny synthetic demo clips: a stick figure doing the exercise, drawn with OpenCV and encoded
as H.264 MP4 with PyAV. They stand in for real demo footage (none can be downloaded here);
the shipped ones in data/clips were made with `python -m core plan render-clips`.

Each exercise is a pair of key poses (top and bottom of the rep, joint positions in metres,
y up); frames blend between them with a smooth cosine so each rep lasts `rep_s` seconds.
"""
from pathlib import Path

import numpy as np

# Joint names: head, shoulder, elbow, hand, hip, knee, foot (and _2 for the far limb).
# Far limbs first, so the near ones are drawn over them.
LIMBS = [("shoulder_2", "elbow_2"), ("elbow_2", "hand_2"), ("hip_2", "knee_2"), ("knee_2", "foot_2"),
         ("shoulder_2", "hip_2"), ("hip", "hip_2"), ("shoulder", "shoulder_2"),
         ("shoulder", "hip"), ("shoulder", "elbow"), ("elbow", "hand"), ("hip", "knee"), ("knee", "foot")]


def _mirror(pose: dict, far: dict | None = None) -> dict:
    """Side views: the far limbs follow the near ones unless given."""
    out = dict(pose)
    for j in ("elbow", "hand", "hip", "knee", "foot", "shoulder"):
        out.setdefault(f"{j}_2", pose[j])
    out.update(far or {})
    return out


POSES = {
    "squat": (
        _mirror({"head": (0.04, 1.72), "shoulder": (0.02, 1.48), "elbow": (0.05, 1.2), "hand": (0.07, 0.95),
                 "hip": (0.0, 0.95), "knee": (0.03, 0.48), "foot": (0.0, 0.02)}),
        _mirror({"head": (0.25, 1.2), "shoulder": (0.14, 1.0), "elbow": (0.42, 1.04), "hand": (0.68, 1.06),
                 "hip": (-0.2, 0.52), "knee": (0.3, 0.44), "foot": (0.0, 0.02)})),
    "pushup": (
        _mirror({"head": (0.78, 0.74), "shoulder": (0.55, 0.62), "elbow": (0.56, 0.31), "hand": (0.57, 0.0),
                 "hip": (-0.15, 0.36), "knee": (-0.55, 0.2), "foot": (-0.95, 0.04)}),
        _mirror({"head": (0.8, 0.3), "shoulder": (0.57, 0.2), "elbow": (0.38, 0.22), "hand": (0.57, 0.0),
                 "hip": (-0.15, 0.14), "knee": (-0.55, 0.09), "foot": (-0.95, 0.04)})),
    "bicep_curl": (
        _mirror({"head": (0.02, 1.74), "shoulder": (0.0, 1.5), "elbow": (0.02, 1.2), "hand": (0.06, 0.92),
                 "hip": (0.0, 0.95), "knee": (0.0, 0.48), "foot": (0.0, 0.02)}),
        _mirror({"head": (0.02, 1.74), "shoulder": (0.0, 1.5), "elbow": (0.03, 1.2), "hand": (0.14, 1.47),
                 "hip": (0.0, 0.95), "knee": (0.0, 0.48), "foot": (0.0, 0.02)})),
    "lunge": (
        _mirror({"head": (0.02, 1.72), "shoulder": (0.0, 1.48), "elbow": (0.02, 1.2), "hand": (0.04, 0.95),
                 "hip": (0.0, 0.95), "knee": (0.2, 0.48), "foot": (0.42, 0.02)},
                {"knee_2": (-0.2, 0.48), "foot_2": (-0.42, 0.02), "hand_2": (-0.02, 0.95)}),
        _mirror({"head": (0.02, 1.32), "shoulder": (0.0, 1.08), "elbow": (0.02, 0.8), "hand": (0.04, 0.56),
                 "hip": (0.0, 0.55), "knee": (0.42, 0.46), "foot": (0.42, 0.02)},
                {"knee_2": (-0.25, 0.08), "foot_2": (-0.5, 0.02), "hand_2": (-0.02, 0.56)})),
    "jumping_jack": (  # front view
        {"head": (0.0, 1.74), "shoulder": (-0.2, 1.5), "shoulder_2": (0.2, 1.5), "elbow": (-0.26, 1.2),
         "elbow_2": (0.26, 1.2), "hand": (-0.28, 0.92), "hand_2": (0.28, 0.92), "hip": (-0.1, 0.95),
         "hip_2": (0.1, 0.95), "knee": (-0.1, 0.48), "knee_2": (0.1, 0.48), "foot": (-0.1, 0.02),
         "foot_2": (0.1, 0.02)},
        {"head": (0.0, 1.8), "shoulder": (-0.2, 1.56), "shoulder_2": (0.2, 1.56), "elbow": (-0.45, 1.8),
         "elbow_2": (0.45, 1.8), "hand": (-0.3, 2.08), "hand_2": (0.3, 2.08), "hip": (-0.1, 1.01),
         "hip_2": (0.1, 1.01), "knee": (-0.3, 0.52), "knee_2": (0.3, 0.52), "foot": (-0.48, 0.04),
         "foot_2": (0.48, 0.04)}),
}
TITLES = {"squat": "Bodyweight squat", "pushup": "Push-up", "bicep_curl": "Biceps curl",
          "lunge": "Forward lunge", "jumping_jack": "Jumping jack"}


def pose_at(exercise: str, t: float, rep_s: float = 1.6) -> dict:
    """Joint positions (m) at time t (s): top at t = 0, bottom at rep_s / 2."""
    top, bottom = POSES[exercise]
    w = 0.5 - 0.5 * np.cos(2 * np.pi * t / rep_s)
    return {j: tuple((1 - w) * np.array(top[j]) + w * np.array(bottom[j])) for j in top}


def draw(pose: dict, title: str, size: int = 256) -> np.ndarray:
    """One RGB frame (size x size) of the stick figure."""
    import cv2
    img = np.full((size, size, 3), 245, np.uint8)
    scale, ground = size / 2.8, int(size * 0.9)

    def px(p):
        return int(size / 2 + p[0] * scale), int(ground - p[1] * scale)

    cv2.line(img, (0, ground), (size, ground), (180, 180, 180), 2)
    for a, b in LIMBS:
        if a in pose and b in pose:
            far = a.endswith("_2") or b.endswith("_2")
            cv2.line(img, px(pose[a]), px(pose[b]), (120, 140, 170) if far else (30, 60, 110), 6, cv2.LINE_AA)
    cv2.circle(img, px(pose["head"]), int(0.11 * scale), (30, 60, 110), -1, cv2.LINE_AA)
    if title == TITLES["bicep_curl"]:
        cv2.circle(img, px(pose["hand"]), 7, (200, 90, 40), -1, cv2.LINE_AA)
    cv2.putText(img, title, (8, 20), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (40, 40, 40), 1, cv2.LINE_AA)
    cv2.putText(img, "CoachLab demo (synthetic)", (8, size - 6), cv2.FONT_HERSHEY_SIMPLEX, 0.35, (110, 110, 110), 1,
                cv2.LINE_AA)
    return img


def render(exercise: str, path: Path | str, reps: int = 2, rep_s: float = 1.6, fps: int = 20, size: int = 256) -> Path:
    """Write a looping H.264 MP4 of `reps` repetitions; returns the path."""
    import av
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = int(round(reps * rep_s * fps))
    with av.open(str(path), "w", options={"movflags": "faststart"}) as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width = stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": "32", "preset": "veryslow", "tune": "animation"}
        for i in range(frames):
            frame = av.VideoFrame.from_ndarray(draw(pose_at(exercise, i / fps, rep_s), TITLES[exercise], size),
                                               format="rgb24")
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def render_all(folder: Path | str) -> list[Path]:
    """One clip per exercise CoachLab's video analysis counts, named `<slug>.mp4`."""
    return [render(ex, Path(folder) / f"{ex}.mp4") for ex in POSES]
