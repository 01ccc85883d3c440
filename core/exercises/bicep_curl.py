"""Biceps curl: elbow angle of each arm on its own (alternating curls count each arm)."""
from core.exercises.spec import ExerciseSpec, FaultSpec

SPEC = ExerciseSpec(
    name="bicep_curl", label="Biceps curl", signal="elbow", signal_label="elbow angle", unit="deg",
    direction="down", rest=155.0, target=45.0, enter=120.0, count=80.0, exit=125.0,
    min_rep_s=0.5, max_rep_s=10.0, sides="each", side_of_rep="limb", posture="upright",
    faults=(
        FaultSpec("partial_range", "Partial range: the curl stopped short of full flexion",
                  "rep.depth_pct", "<", 85.0, phase="bottom"),
        FaultSpec("torso_swing", "Swinging the torso to lift the weight", "trunk_lean", ">", 12.0,
                  agg="range"),
        FaultSpec("elbow_drift", "Elbow drifting forward away from the body",
                  "upper_arm_from_vertical", ">", 35.0, phase="bottom"),
    ),
)
