"""Squat: knee angle, better-seen leg; depth = hip crease down to knee height (100 %)."""
from core.exercises.spec import ExerciseSpec, FaultSpec

SPEC = ExerciseSpec(
    name="squat", label="Squat", signal="knee", signal_label="knee angle", unit="deg",
    direction="down", rest=170.0, target=80.0, enter=145.0, count=115.0, exit=150.0,
    min_rep_s=0.5, max_rep_s=10.0, depth="hip_to_knee", posture="upright",
    faults=(
        FaultSpec("shallow_depth", "Shallow: the hip crease stayed above knee height",
                  "rep.depth_pct", "<", 85.0, phase="bottom"),
        FaultSpec("forward_lean", "Excessive forward lean of the torso at the bottom",
                  "trunk_lean", ">", 55.0, phase="bottom", only_if="side_view"),
        FaultSpec("knees_caving", "Knees caving in (closer than the ankles) at the bottom",
                  "knee_over_ankle_width", "<", 0.8, phase="bottom", only_if="frontal"),
        FaultSpec("heels_lifting", "Heels lifting off the floor", "heel_lift", ">", 0.35,
                  phase="bottom", only_if="side_view"),
    ),
)
