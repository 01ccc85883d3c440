"""How far the Oxford foot-switch truth is from the steps actually taken, and which of the
two truths a network that never saw the person agrees with.

The official truth (stats.csv) counts every 0->1 switch edge, glitches included; the
cleaned truth (`datasets.clean_truth`) drops bounces and fills missed contacts. A detector
that found exactly the cleaned steps would still score `floor()` against the official
truth: the error the labels alone put into every official figure. `agreement()` says,
for the recordings where the two truths differ, which count a detector's is nearer to;
with the out-of-fold networks (`train --cv --dump DIR`) it is evidence, independent of
the labels of that person, about which truth is right.

    python -m models.step_detector.truth_noise                 # the floor
    python -m models.step_detector.truth_noise --dump DIR      # and the fold networks' agreement

The last stdout line is one JSON object with the figures.
"""
import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from models.step_detector.evaluation import by_person, count_error_pct, match, summarise


def floor(recs) -> dict:
    """The cleaned truth scored as if it were a detector, against the official truth: per
    person (evaluation.summarise, plus how many recordings the cleaning changed), the mean of
    the persons (the cross-validation's figure) and the mean of all recordings. `recs`:
    objects with `person`, `truth_s` (official) and `clean_s`."""
    scores, changed = defaultdict(list), defaultdict(int)
    for r in recs:
        scores[r.person].append(match(r.clean_s, r.truth_s))
        changed[r.person] += len(r.clean_s) != len(r.truth_s)
    pooled = by_person(scores)
    for p, v in pooled["persons"].items():
        v["changed"] = changed[p]
    every = [s for sc in scores.values() for s in sc]
    return {"persons": pooled["persons"],
            "mean_of_persons": {"mape_pct": pooled["mape_pct"], "f1_mean": pooled["f1_mean"]},
            "mean_of_recordings": {k: summarise(every)[k] for k in ("mape_pct", "f1_mean")}}


def agreement(recs, counts: dict[str, int]) -> dict:
    """For each recording whose two truths differ in count and that `counts` (name ->
    detected steps) has: which truth the detected count is nearer to ('cleaned',
    'official' or 'tie'), with the tallies."""
    rows, tally = [], {"cleaned": 0, "official": 0, "tie": 0}
    for r in recs:
        official, cleaned = len(r.truth_s), len(r.clean_s)
        if official == cleaned or r.name not in counts:
            continue
        n = counts[r.name]
        d_off, d_clean = abs(n - official), abs(n - cleaned)
        nearer = "cleaned" if d_clean < d_off else "official" if d_off < d_clean else "tie"
        tally[nearer] += 1
        rows.append({"name": r.name, "person": r.person, "official": official, "cleaned": cleaned,
                     "detected": int(n), "nearer": nearer,
                     "error_vs_official_pct": round(count_error_pct(n, official), 3),
                     "error_vs_cleaned_pct": round(count_error_pct(n, cleaned), 3)})
    return {"recordings": rows, **tally}


def dumped_counts(folder: Path, threshold: float) -> dict[str, int]:
    """Steps the out-of-fold networks find in their held-out recordings (PERSON.npz from
    `train --cv --dump`), with the model's peak picking at `threshold`."""
    from models.step_detector import MODEL_RATE_HZ
    from models.step_detector.peaks import pick_steps
    counts = {}
    for path in sorted(folder.glob("*.npz")):
        z = np.load(path)
        for k in sorted({key.split("/")[0] for key in z.files}, key=int):
            counts[str(z[f"{k}/name"])] = len(pick_steps(z[f"{k}/prob"].ravel(), MODEL_RATE_HZ, threshold))
    return counts


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m models.step_detector.truth_noise", description=__doc__.split("\n\n")[0])
    ap.add_argument("--dump", type=Path, help="out-of-fold dumps (train --cv --dump DIR) to test against both truths")
    ap.add_argument("--threshold", type=float, help="peak threshold for the dumps (default: the shipped model's)")
    args = ap.parse_args(argv)
    if args.dump and not any(args.dump.glob("*.npz")):
        print(f"error: no PERSON.npz dumps in {args.dump}", file=sys.stderr)
        return 2
    from models.step_detector.datasets import oxford
    recs = oxford()
    out = {"floor": floor(recs)}
    f = out["floor"]
    print("A detector exact on the cleaned steps, scored against the official truth:")
    for p, v in f["persons"].items():
        print(f"  {p:8s} {v['recordings']:3d} recordings ({v['changed']} differ)  MAPE {v['mape_pct']:.2f} %  F1 {v['f1_mean']:.4f}")
    print(f"  mean of persons   MAPE {f['mean_of_persons']['mape_pct']:.2f} %  F1 {f['mean_of_persons']['f1_mean']:.4f}")
    print(f"  mean of recordings MAPE {f['mean_of_recordings']['mape_pct']:.2f} %  F1 {f['mean_of_recordings']['f1_mean']:.4f}")
    if args.dump:
        from models.step_detector.inference import ModelConfig
        th = args.threshold if args.threshold is not None else ModelConfig.read().threshold
        a = agreement(recs, dumped_counts(args.dump, th))
        out["agreement"] = {"threshold": th, **a}
        print(f"Out-of-fold networks at {th}, recordings whose truths differ:")
        for row in a["recordings"]:
            print(f"  {row['name']:36s} official {row['official']:4d}  cleaned {row['cleaned']:4d}  "
                  f"found {row['detected']:4d}  nearer {row['nearer']}")
        print(f"  nearer the cleaned truth {a['cleaned']}, the official {a['official']}, tie {a['tie']}")
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
