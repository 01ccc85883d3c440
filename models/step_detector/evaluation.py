"""Judge step detection by events and counts, never per sample.

- event F1: detected and true step times matched one-to-one within `tol_s` (250 ms);
- count error: |detected - true| / true, averaged over recordings (MAPE, in %).
"""
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

MATCH_TOL_S = 0.25


@dataclass
class EventScore:
    true: int
    detected: int
    matched: int

    @property
    def precision(self) -> float:
        return self.matched / self.detected if self.detected else (1.0 if not self.true else 0.0)

    @property
    def recall(self) -> float:
        return self.matched / self.true if self.true else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def count_error_pct(self) -> float:
        return count_error_pct(self.detected, self.true)


def count_error_pct(detected: int, true: int) -> float:
    """|detected - true| / true in %; with no true step, 0 for none found and 100 for any."""
    return 100.0 * abs(detected - true) / true if true else float(detected > 0) * 100


def match(detected: np.ndarray, truth: np.ndarray, tol_s: float = MATCH_TOL_S) -> EventScore:
    """Maximum one-to-one matching of event times within tol_s."""
    d, t = np.sort(np.asarray(detected, float)), np.sort(np.asarray(truth, float))
    if not len(d) or not len(t):
        return EventScore(len(t), len(d), 0)
    diff = np.abs(d[:, None] - t[None, :])
    cost = np.where(diff <= tol_s, diff / (10 * tol_s), 1.0)
    rows, cols = linear_sum_assignment(cost)
    return EventScore(len(t), len(d), int((diff[rows, cols] <= tol_s).sum()))


def summarise(scores: list[EventScore]) -> dict:
    """Mean per-recording figures plus pooled event F1."""
    pooled = EventScore(sum(s.true for s in scores), sum(s.detected for s in scores), sum(s.matched for s in scores))
    return {"recordings": len(scores), "true_steps": pooled.true, "detected_steps": pooled.detected,
            "mape_pct": float(np.mean([s.count_error_pct for s in scores])) if scores else None,
            "f1_mean": float(np.mean([s.f1 for s in scores])) if scores else None,
            "f1_pooled": pooled.f1, "precision": pooled.precision, "recall": pooled.recall}


def by_person(scores: dict[str, list[EventScore]]) -> dict:
    """summarise() of each person's recordings, and the mean over persons of their MAPE and mean
    F1: how the leave-one-person-out cross-validation reports, each held-out person counting once."""
    persons = {p: summarise(sc) for p, sc in scores.items()}
    return {"persons": persons,
            "mape_pct": float(np.mean([v["mape_pct"] for v in persons.values()])),
            "f1_mean": float(np.mean([v["f1_mean"] for v in persons.values()]))}
