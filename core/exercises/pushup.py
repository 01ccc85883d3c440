"""Push-up: elbow angle, better-seen arm; body line shoulder-hip-ankle for hip faults."""
from core.exercises.spec import ExerciseSpec, FaultSpec

SPEC = ExerciseSpec(
    name="pushup", label="Push-up", signal="elbow", signal_label="elbow angle", unit="deg",
    direction="down", rest=160.0, target=90.0, enter=135.0, count=110.0, exit=140.0,
    min_rep_s=0.5, max_rep_s=10.0, posture="horizontal",
    faults=(
        FaultSpec("hips_sagging", "Hips sagging below the shoulder-ankle line", "hip_line", "<", -12.0),
        FaultSpec("hips_piked", "Hips piked above the shoulder-ankle line", "hip_line", ">", 15.0),
        FaultSpec("partial_lockout", "Arms not locked out at the top", "signal", "<", 150.0,
                  phase="top", agg="max"),
        FaultSpec("shallow_depth", "Chest not lowered far enough (elbows above 90 deg)",
                  "rep.depth_pct", "<", 80.0, phase="bottom"),
    ),
)
