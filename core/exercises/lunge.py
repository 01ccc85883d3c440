"""Lunge: knee angle of the better-seen leg; the rep's side is the front leg (alternating)."""
from core.exercises.spec import ExerciseSpec, FaultSpec

SPEC = ExerciseSpec(
    name="lunge", label="Lunge", signal="knee", signal_label="knee angle", unit="deg",
    direction="down", rest=165.0, target=90.0, enter=140.0, count=115.0, exit=145.0,
    min_rep_s=0.5, max_rep_s=10.0, depth="hip_to_knee", side_of_rep="front_leg", posture="upright",
    faults=(
        FaultSpec("shallow_depth", "Shallow: the front thigh did not reach horizontal",
                  "rep.depth_pct", "<", 80.0, phase="bottom"),
        FaultSpec("torso_lean", "Torso leaning forward at the bottom", "trunk_lean", ">", 30.0,
                  phase="bottom"),
    ),
)
