"""Jumping jack: arm raised from the trunk (shoulder angle hip-shoulder-wrist), up and back."""
from core.exercises.spec import ExerciseSpec, FaultSpec

SPEC = ExerciseSpec(
    name="jumping_jack", label="Jumping jack", signal="arm", signal_label="arm angle", unit="deg",
    direction="up", rest=25.0, target=165.0, enter=60.0, count=120.0, exit=50.0,
    min_rep_s=0.35, max_rep_s=4.0, smooth_hz=3.0, posture="upright",
    faults=(
        FaultSpec("arms_not_overhead", "Arms not raised overhead", "signal", "<", 145.0,
                  phase="bottom", agg="max"),
        FaultSpec("feet_not_apart", "Feet not jumping apart (stance no wider than the hips)",
                  "ankle_spread", "<", 1.4, phase="bottom", agg="max", only_if="frontal"),
    ),
)
