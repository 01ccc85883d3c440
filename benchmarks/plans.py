"""Plans: how fast plans are generated and validated, against JSON round-tripping the same
plans (the floor any validator pays to read a plan) measured in the same run.

Last output line: one JSON object with the figures.
"""
import itertools
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.plans import catalogue, generator, schema  # noqa: E402


def main() -> dict:
    combos = list(itertools.product(schema.GOALS, catalogue.LEVELS, range(1, 8), (4, 12),
                                    [(), ("dumbbell", "bench"), catalogue.EQUIPMENT]))
    t0 = time.perf_counter()
    plans = [generator.generate(g, lvl, d, w, 60, eq) for g, lvl, d, w, eq in combos]
    gen_s = time.perf_counter() - t0
    texts = [json.dumps(p) for p in plans]
    t0 = time.perf_counter()
    for t in texts:
        json.dumps(json.loads(t))
    json_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    invalid = sum(bool(schema.validate(json.loads(t))) for t in texts)
    val_s = time.perf_counter() - t0
    exercises = sum(len(d["exercises"]) for p in plans for w in p["weeks"] for d in w["days"])
    out = {"plans": len(plans), "exercise_entries": exercises, "invalid": invalid,
           "generate_ms_per_plan": round(1000 * gen_s / len(plans), 3),
           "validate_ms_per_plan": round(1000 * val_s / len(plans), 3),
           "json_roundtrip_ms_per_plan": round(1000 * json_s / len(plans), 3),
           "validate_vs_json_ratio": round(val_s / json_s, 1)}
    print(f"{len(plans)} plans ({exercises} exercise entries): generate {out['generate_ms_per_plan']} ms/plan "
          f"(validation included), validate {out['validate_ms_per_plan']} ms/plan, "
          f"JSON round trip {out['json_roundtrip_ms_per_plan']} ms/plan -> validation costs "
          f"x{out['validate_vs_json_ratio']} a JSON round trip; {invalid} invalid")
    return out


if __name__ == "__main__":
    print(json.dumps(main()))
