"""One incremental rep counter for every exercise spec.

Feed frames one at a time, in time order: `counter.update(t, landmarks_row, world_row)`
returns the events of that frame (a finished rep, a partial one). The same object serves
a whole recorded clip (`count_track`) and a live webcam feed.

How a rep is found (per channel: one signal stream, e.g. the better-seen knee angle):
- each side's signal is smoothed (running median then One Euro) in units where the spec's
  rest is 1 and its target 0, so one set of filter constants fits every exercise;
- the side followed is the better-seen one (visibility averaged over recent frames), and it
  is locked from the start to the end of a rep: each rep is measured on one side, not an
  average of a well-seen and a guessed limb;
- hysteresis state machine: wait for rest -> cross `enter` -> reach `count` -> come back
  past `exit` = one rep, if it lasted between `min_rep_s` and `max_rep_s`;
- frames without a trusted person (no person, low visibility, or not in the exercise's
  posture: lying for a push-up, upright for a squat) are skipped; a gap longer
  than `max_gap_s` (title card, cut-away, person leaving) drops a rep in progress and the
  counter waits to see the person at rest again before counting;
- a cut (the body jumps across the frame or changes size at once: a camera switch, a
  cut-away to someone else) restarts smoothing; a rep in progress survives it only when the
  signal after the cut continues where it was (same phase, new angle of view), so a rep
  cannot be completed by a different shot.
With `sides="each"` (curls) each limb has its own channel; reps of both limbs that overlap
in time are one two-handed rep (side "both"), otherwise each single-limb rep counts.
"""
from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from core.exercises.features import SIDES, frame_features
from core.pose.track import LM
from core.exercises.filters import Smoother
from core.exercises.spec import ExerciseSpec, FaultSpec


# trunk angle from vertical (deg) that still counts as lying (push-ups) or standing (squats,
# lunges, curls, jacks: a deep squat leans the trunk ~45 deg forward)
POSTURE_HORIZONTAL_DEG = 45.0
POSTURE_UPRIGHT_DEG = 70.0

_TORSO = [LM[n] for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip")]


@dataclass
class Rep:
    """One counted repetition. Times in seconds from the clip start."""
    index: int
    start_s: float
    bottom_s: float
    end_s: float
    side: str                    # "left" / "right" (alternating, single limb) or "both"
    measured_side: str           # the side whose landmarks measured it
    depth_pct: float             # depth / range of motion, % of the spec's target
    extreme: float               # signal at the bottom (or top for "up" exercises), spec unit
    down_s: float
    pause_s: float
    up_s: float
    faults: list[dict] = field(default_factory=list)

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    def to_dict(self) -> dict:
        r = lambda x: None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), 3)  # noqa: E731
        return {"rep": self.index, "start_s": r(self.start_s), "bottom_s": r(self.bottom_s),
                "end_s": r(self.end_s), "duration_s": r(self.duration_s), "side": self.side,
                "measured_side": self.measured_side, "depth_pct": r(self.depth_pct),
                "extreme": r(self.extreme), "down_s": r(self.down_s), "pause_s": r(self.pause_s),
                "up_s": r(self.up_s), "faults": self.faults}


@dataclass
class _Rec:
    t: float
    u: float        # signal in "down" units (sign * value)
    value: float    # signal in the spec's unit
    feats: dict


class _Channel:
    """One signal stream and its rep state machine."""

    def __init__(self, spec: ExerciseSpec, sides: tuple[str, ...]):
        self.spec, self.sides = spec, sides
        span = (spec.rest - spec.target) or 1.0
        self._norm = lambda v: (v - spec.target) / span  # rest -> 1, target -> 0
        self._unnorm = lambda n: n * span + spec.target
        self.smooth = {s: Smoother(median=5, min_cutoff=spec.smooth_hz, beta=1.0) for s in sides}
        self.vis = {s: 0.0 for s in sides}
        self.side = sides[0]
        self.s = spec.sign()
        self.E, self.X, self.C = self.s * spec.enter, self.s * spec.exit, self.s * spec.count
        self.state = "wait_rest"
        self.buf: deque[_Rec] = deque()
        self.rep_recs: list[_Rec] = []
        self.last_valid_t: float | None = None
        self.first_t: float | None = None
        self.value = math.nan       # last smoothed value of the followed side (spec unit)
        self.rest_top = None        # rest level before the current rep (down units)
        self.last_u: float | None = None
        self.cut_from: float | None = None  # signal (down units) just before a cut

    def on_cut(self) -> None:
        """The picture cut (camera switch): restart smoothing; a rep in progress survives only
        if the body is in the same phase after the cut (checked on the next trusted frame)."""
        for sm in self.smooth.values():
            sm.reset()
        self.cut_from = self.last_u if self.active else None

    def reset(self) -> None:
        self.state = "wait_rest"
        self.buf.clear()
        self.rep_recs = []
        for sm in self.smooth.values():
            sm.reset()

    @property
    def active(self) -> bool:
        return self.state == "active"

    @property
    def active_start(self) -> float | None:
        return self.rep_recs[0].t if self.active and self.rep_recs else None

    def step(self, t: float, feats: dict) -> tuple[str, list[_Rec]] | None:
        """Advance by one frame. Returns ("rep", recs), ("partial", recs), ("dropped", recs) or None."""
        spec = self.spec
        vals = {}
        for s in self.sides:
            raw = feats.get(f"{spec.signal}.{s}", math.nan)
            v = feats.get(f"vis_{spec.signal}.{s}", 0.0)
            self.vis[s] = 0.8 * self.vis[s] + 0.2 * v
            if raw == raw and v >= spec.min_visibility * 0.5:
                vals[s] = self._unnorm(self.smooth[s](t, self._norm(raw)))
            else:
                vals[s] = math.nan
        if not self.active and len(self.sides) > 1:
            other = max(self.sides, key=lambda s: self.vis[s])
            if self.vis[other] > self.vis[self.side] + 0.1:
                self.side = other
        value = vals[self.side]
        ok = value == value and feats.get(f"vis_{spec.signal}.{self.side}", 0.0) >= spec.min_visibility
        if ok and spec.posture is not None:
            lean = feats.get("trunk_lean", math.nan)
            if lean == lean:
                ok = lean > POSTURE_HORIZONTAL_DEG if spec.posture == "horizontal" else lean < POSTURE_UPRIGHT_DEG
        if not ok:
            if self.last_valid_t is not None and t - self.last_valid_t > spec.max_gap_s \
                    and self.state != "wait_rest":
                dropped = list(self.rep_recs) if self.active else []
                self.reset()
                return ("dropped", dropped) if dropped else None
            return None
        self.value = value
        self.last_valid_t = t
        if self.first_t is None:
            self.first_t = t
        rec = _Rec(t, self.s * value, value, feats)
        u = rec.u
        self.last_u = u
        if self.cut_from is not None:
            jumped = abs(u - self.cut_from) > 0.5 * abs(self.X - self.C)
            self.cut_from = None
            if self.active and jumped:  # another phase (or person) after the cut
                dropped = list(self.rep_recs)
                self.reset()
                return ("dropped", dropped)
        if self.state == "wait_rest":
            if u >= self.X:
                self.state = "idle"
                self.buf.clear()
                self.buf.append(rec)
            elif u < self.E and t - self.first_t < 0.5 and not self.buf:
                # the clip starts mid-rep: count it if it completes
                self.state = "active"
                self.rest_top = self.s * spec.rest
                self.rep_recs = [rec]
            return None
        if self.state == "idle":
            self.buf.append(rec)
            while self.buf and t - self.buf[0].t > 3.0:
                self.buf.popleft()
            if u < self.E:
                top = max(r.u for r in self.buf)
                level = top - 0.3 * (top - self.E)
                i = len(self.buf) - 1
                while i > 0 and self.buf[i].u < level:
                    i -= 1
                self.rest_top = top
                self.rep_recs = list(self.buf)[i:]
                self.state = "active"
            return None
        # active
        self.rep_recs.append(rec)
        if u >= self.X:
            recs = self.rep_recs
            self.state = "idle"
            self.buf.clear()
            self.buf.append(rec)
            self.rep_recs = []
            dur = recs[-1].t - recs[0].t
            reached = min(r.u for r in recs) <= self.C
            if reached and spec.min_rep_s <= dur <= spec.max_rep_s:
                return ("rep", recs)
            return ("partial", recs)
        if t - self.rep_recs[0].t > spec.max_rep_s * 2:
            recs = self.rep_recs
            self.reset()
            return ("dropped", recs)
        return None


def _phase(recs: list[_Rec], phase: str) -> list[_Rec]:
    if phase == "all":
        return recs
    us = np.array([r.u for r in recs])
    lo, hi = us.min(), max(us[0], us[-1])
    band = 0.25 * (hi - lo)
    if phase == "bottom":
        return [r for r in recs if r.u <= lo + band]
    return [r for r in recs if r.u >= hi - band]  # top


def _agg(values: np.ndarray, agg: str) -> float:
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return math.nan
    return float({"median": np.median, "max": np.max, "min": np.min,
                  "range": lambda v: v.max() - v.min()}[agg](values))


def evaluate_faults(faults: tuple[FaultSpec, ...], recs: list[_Rec], side: str, rep: dict) -> list[dict]:
    """Faults present on one rep: [{name, message, start_s, end_s, value, threshold}]."""
    found = []
    for f in faults:
        if f.only_if is not None:
            gate = np.array([r.feats.get(f.only_if, 0.0) for r in recs], float)
            if np.nanmean(gate) < 0.5:
                continue
        sel = _phase(recs, f.phase)
        if not sel:
            continue
        if f.feature.startswith("rep."):
            value = rep.get(f.feature[4:], math.nan)
            per = None
        else:
            if f.feature == "signal":
                per = np.array([r.value for r in sel], float)
            else:
                key = f.feature if f.feature in sel[0].feats else f"{f.feature}.{side}"
                per = np.array([r.feats.get(key, math.nan) for r in sel], float)
            value = _agg(per, f.agg)
        if value != value:
            continue
        bad = value < f.threshold if f.op == "<" else value > f.threshold
        if not bad:
            continue
        if per is not None and f.agg in ("median", "max", "min"):
            viol = [r for r, v in zip(sel, per) if (v < f.threshold if f.op == "<" else v > f.threshold)]
            span = viol or sel
        else:
            span = sel
        found.append({"name": f.name, "message": f.message, "start_s": round(span[0].t, 3),
                      "end_s": round(span[-1].t, 3), "value": round(value, 2), "threshold": f.threshold})
    return found


class RepCounter:
    """Counts reps of one exercise, one frame at a time.

    spec: the exercise; aspect: frame width / height (for image-plane geometry).
    `update(t, row, world=None)` -> list of events, each a dict:
        {"type": "rep", "rep": Rep} when a rep is counted,
        {"type": "partial", "start_s", "end_s", "side"} for a movement that did not count.
    `reps` holds the counted reps; `value` / `side` the signal now (for live display).
    """

    def __init__(self, spec: ExerciseSpec, aspect: float = 1.0):
        spec.validate()
        self.spec, self.aspect = spec, float(aspect)
        if spec.sides == "each":
            self.channels = [_Channel(spec, (s,)) for s in SIDES]
        else:
            self.channels = [_Channel(spec, SIDES)]
        self.reps: list[Rep] = []
        self.partials: list[dict] = []
        self._pending: list[tuple[int, Rep, list[_Rec]]] = []  # per-limb reps awaiting the other limb
        self._torso: tuple[float, np.ndarray, float] | None = None  # last (t, centre, size)

    @property
    def value(self) -> float:
        return self.channels[0].value if len(self.channels) == 1 else \
            min((c.value for c in self.channels), key=lambda v: self.spec.sign() * v if v == v else math.inf)

    @property
    def side(self) -> str:
        return self.channels[0].side if len(self.channels) == 1 else "each"

    def update(self, t: float, row: np.ndarray, world: np.ndarray | None = None,
               feats: dict | None = None) -> list[dict]:
        """One frame: t seconds, row (33, 4) normalised landmarks (NaN: no person), world (33, 3)."""
        if feats is None:
            feats = frame_features(row, world, self.aspect)
        events: list[dict] = []
        if self._is_cut(t, row):
            for ch in self.channels:
                ch.on_cut()
        for ci, ch in enumerate(self.channels):
            out = ch.step(t, feats)
            if out is None:
                continue
            kind, recs = out
            if kind == "rep":
                rep = self._make_rep(recs, ch.side, ch.rest_top)
                if len(self.channels) == 1:
                    events.append(self._emit(rep))
                else:
                    self._pending.append((ci, rep, recs))
            elif recs:
                p = {"type": "partial", "start_s": round(recs[0].t, 3), "end_s": round(recs[-1].t, 3),
                     "side": ch.side, "reason": "interrupted" if kind == "dropped" else "not deep enough or too short"}
                self.partials.append(p)
                events.append(p)
        if self._pending:
            events += self._resolve_pending(t)
        return events

    def _is_cut(self, t: float, row: np.ndarray) -> bool:
        """True when the body jumped (position or size) since the last frame: a cut."""
        row = np.asarray(row, dtype=np.float64)
        pts = row[_TORSO, :2] * np.array([self.aspect, 1.0])
        if np.isnan(pts).any():
            return False
        centre = pts.mean(axis=0)
        size = float(np.linalg.norm(pts[:2].mean(axis=0) - pts[2:].mean(axis=0)))
        prev, self._torso = self._torso, (t, centre, size)
        if prev is None or t - prev[0] > 0.25 or size <= 1e-6 or prev[2] <= 1e-6:
            return False
        moved = float(np.linalg.norm(centre - prev[1])) / max(size, prev[2])
        ratio = max(size, prev[2]) / min(size, prev[2])
        return moved > 0.6 or ratio > 1.5

    def finish(self) -> list[dict]:
        """End of input: emit reps still waiting on the other limb."""
        return self._resolve_pending(math.inf, final=True)

    # --- per-limb merging ---------------------------------------------------------------------
    def _resolve_pending(self, t: float, final: bool = False) -> list[dict]:
        events = []
        keep = []
        self._pending.sort(key=lambda x: x[1].start_s)
        used = set()
        for i, (ci, rep, recs) in enumerate(self._pending):
            if i in used:
                continue
            partner = None
            for j in range(i + 1, len(self._pending)):
                cj, rj, _ = self._pending[j]
                if j not in used and cj != ci and _overlap(rep, rj) > 0.5:
                    partner = j
                    break
            if partner is not None:
                used.add(partner)
                other = self._pending[partner][1]
                best = rep if rep.depth_pct >= other.depth_pct else other
                best.side = "both"
                best.start_s, best.end_s = min(rep.start_s, other.start_s), max(rep.end_s, other.end_s)
                events.append(self._emit(best))
                continue
            other_ch = self.channels[1 - ci]
            waiting = (not final and other_ch.active and other_ch.active_start is not None
                       and other_ch.active_start < rep.end_s - 0.5 * rep.duration_s)
            if waiting and t - rep.end_s < self.spec.max_rep_s:
                keep.append((ci, rep, recs))
            else:
                events.append(self._emit(rep))
        self._pending = keep
        return events

    def _emit(self, rep: Rep) -> dict:
        rep.index = len(self.reps) + 1
        self.reps.append(rep)
        return {"type": "rep", "rep": rep}

    # --- measuring one rep --------------------------------------------------------------------
    def _make_rep(self, recs: list[_Rec], side: str, rest_top: float | None) -> Rep:
        spec, s = self.spec, self.spec.sign()
        us = np.array([r.u for r in recs])
        ts = np.array([r.t for r in recs])
        ib = int(np.argmin(us))
        lo, hi = us[ib], max(us[0], us[-1])
        near = us <= lo + 0.1 * (hi - lo)
        a = ib
        while a > 0 and near[a - 1]:
            a -= 1
        b = ib
        while b < len(us) - 1 and near[b + 1]:
            b += 1
        start, end = ts[0], ts[-1]
        measured = side
        if spec.side_of_rep == "front_leg":
            ky = {x: recs[ib].feats.get(f"knee_y.{x}", math.nan) for x in SIDES}
            if all(v == v for v in ky.values()):
                measured = min(SIDES, key=lambda x: ky[x])  # front knee sits higher at the bottom
        depth = (s * spec.rest - lo) / (s * (spec.rest - spec.target)) * 100.0
        if spec.depth == "hip_to_knee":
            key = f"hip_to_knee.{measured}"
            h0 = np.nanmedian([r.feats.get(key, math.nan) for r in recs[:3]])
            hb = np.nanmin([r.feats.get(key, math.nan) for r in recs[max(0, a - 2): b + 3]])
            if h0 == h0 and hb == hb and h0 > 0.3:
                depth = (h0 - hb) / h0 * 100.0
        if spec.sides == "each":
            rep_side = side
        elif spec.side_of_rep == "front_leg":
            rep_side = measured
        else:
            rep_side = "both"
        rep = Rep(index=0, start_s=float(start), bottom_s=float(ts[ib]), end_s=float(end), side=rep_side,
                  measured_side=measured, depth_pct=float(max(0.0, min(depth, 200.0))),
                  extreme=float(s * lo), down_s=float(ts[a] - start), pause_s=float(ts[b] - ts[a]),
                  up_s=float(end - ts[b]))
        rep.faults = evaluate_faults(spec.faults, recs, measured, {"depth_pct": rep.depth_pct,
                                                                   "duration_s": rep.duration_s})
        return rep


def _overlap(a: Rep, b: Rep) -> float:
    inter = min(a.end_s, b.end_s) - max(a.start_s, b.start_s)
    shorter = max(1e-6, min(a.duration_s, b.duration_s))
    return max(0.0, inter) / shorter


def track_features(track) -> list[dict]:
    """`frame_features` of every frame of a PoseTrack (computed once, shared by counters)."""
    aspect = track.width / track.height if track.height else 1.0
    return [frame_features(track.landmarks[i], track.world[i], aspect) for i in range(len(track))]


def count_track(track, spec: ExerciseSpec, feats: list[dict] | None = None) -> tuple[RepCounter, np.ndarray]:
    """Run a RepCounter over a whole PoseTrack. Returns the counter (reps, partials) and the
    per-frame smoothed primary signal (spec unit, NaN where no trusted person).
    feats: `track_features(track)` when already computed."""
    counter = RepCounter(spec, aspect=track.width / track.height if track.height else 1.0)
    sig = np.full(len(track), np.nan)
    for i in range(len(track)):
        row = track.landmarks[i]
        counter.update(float(track.t[i]), row, track.world[i], feats=None if feats is None else feats[i])
        v = counter.value
        ch = counter.channels
        if len(ch) == 1:
            ok = ch[0].last_valid_t == track.t[i]
        else:
            ok = any(c.last_valid_t == track.t[i] for c in ch)
        sig[i] = v if ok else np.nan
    counter.finish()
    return counter, sig
