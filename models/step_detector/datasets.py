"""Labelled recordings in ../shared/data/imu (read-only; nothing here is committed).

Oxford step-counter optimisation set (CC BY 4.0): each folder has accelerometer.csv
(ns time, accuracy flag, x, y, z in m/s^2) and stepcounter.csv: foot switches under both
feet sampled at ~10 Hz (ns time, left, right; 1 = foot down). A step is a 0->1 edge on
either foot; the count of edges equals stats.csv's `steps` for all 48 recordings. The
contact time is taken halfway between the two switch samples around the edge.
The switches are imperfect: some recordings show a foot "down" for a single switch
sample between real contacts, or twice within a fraction of a step (glitches), or the
same foot twice in a row a full stride apart (the other foot's switch missed a contact).
`clean_truth` drops the glitches and fills such single missed contacts; training uses the
cleaned times, and figures are reported against both the official and the cleaned truth.

Awinda set: hand-held Xsens sensor (acc + gyro, no time column; read at 60 Hz, see
core/sensors/reader.py), activity 0 = standing, 1 = walking, 2/3 = stairs. `.stepMixed`
lists (start, end) sample indexes of every step, left and right steps in separate blocks
(so not time-ordered). Standing parts of the training persons are examples without steps;
the held-out persons' labelled steps (start index as the event) are a second test set.
"""
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from core.sensors.recording import Recording

SHARED_IMU = Path(__file__).resolve().parents[3] / "shared" / "data" / "imu"


@dataclass
class Labelled:
    name: str
    person: str
    phone: str
    position: str
    surface: str
    path: Path
    truth_s: np.ndarray  # step (foot contact) times, s from the recording's first sample
    clean_s: np.ndarray  # the same with switch bounces removed and single missed contacts filled


def oxford_contacts(stepcounter_csv: Path, first_sample_ns: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(contact times in s from the first accelerometer sample, foot 1 or 2, number of
    consecutive switch samples the foot stayed down), time-ordered."""
    s = pd.read_csv(stepcounter_csv, header=None).to_numpy(dtype=np.float64)
    s = s[np.argsort(s[:, 0], kind="stable")]
    times, feet, held = [], [], []
    for k in (1, 2):
        down = s[:, k] > 0
        edge = np.flatnonzero(np.diff(down.astype(np.int8)) > 0) + 1
        ends = np.flatnonzero(np.diff(np.r_[down.astype(np.int8), 0]) < 0) + 1  # first sample after each run
        run_end = ends[np.searchsorted(ends, edge, side="right")]
        times.append((s[edge, 0] + s[edge - 1, 0]) / 2)
        feet.append(np.full(len(edge), k))
        held.append(run_end - edge)
    t, f, h = np.concatenate(times), np.concatenate(feet), np.concatenate(held)
    order = np.argsort(t, kind="stable")
    return (t[order] - first_sample_ns) * 1e-9, f[order], h[order]


def oxford_truth(stepcounter_csv: Path, first_sample_ns: float) -> np.ndarray:
    return oxford_contacts(stepcounter_csv, first_sample_ns)[0]


BOUNCE_STEPS = 1.0  # the same foot down twice within one median step interval: one contact that bounced


def clean_truth(t: np.ndarray, feet: np.ndarray, held: np.ndarray) -> np.ndarray:
    """Drop switch glitches, then add one contact halfway where the other foot's switch
    missed one (the same foot twice in a row, 1.5-2.6 median step intervals apart).
    Glitches, where feet should alternate: a foot 'down' for a single ~0.1 s switch sample
    right next to another contact of the same foot; and, while the walk goes on, the same
    foot down twice within BOUNCE_STEPS median step intervals (no foot lands again that
    soon), of which the contact held longer is kept (the first on a tie). Across the 48
    recordings, a foot's repeated contacts lie either within 0.4-1.0 step intervals (bounces)
    or 1.5-2.6 apart (the other foot's contact missed), none in between. At a walk's end a
    foot may shuffle into place, so a repeat there is kept."""
    same_prev = np.r_[False, feet[1:] == feet[:-1]]
    same_next = np.r_[feet[:-1] == feet[1:], False]
    keep = ~((held <= 1) & (same_prev | same_next))
    t, feet, held = t[keep], feet[keep], held[keep]
    if len(t) < 3:
        return t
    med = float(np.median(np.diff(t)))
    keep = np.ones(len(t), bool)
    last = 0
    for i in range(1, len(t)):
        walk_goes_on = i + 2 < len(t) and t[i + 2] - t[i] < 3 * med  # two more contacts: not a stop
        if feet[i] == feet[last] and t[i] - t[last] < BOUNCE_STEPS * med and walk_goes_on:
            if held[i] > held[last]:
                keep[last], last = False, i
            else:
                keep[i] = False
        else:
            last = i
    t, feet = t[keep], feet[keep]
    extra = [(a + b) / 2 for a, b, fa, fb in zip(t[:-1], t[1:], feet[:-1], feet[1:])
             if fa == fb and 1.5 * med <= b - a <= 2.6 * med]
    return np.sort(np.concatenate([t, extra]))


def oxford(root: Path = SHARED_IMU / "oxford_optimisation") -> list[Labelled]:
    stats = pd.read_csv(root / "stats.csv", skipinitialspace=True)
    stats.columns = [c.strip().lstrip("#").strip() for c in stats.columns]
    out = []
    for _, r in stats.iterrows():
        d = root / "data" / r["dir"].strip()
        first_ns = float(pd.read_csv(d / "accelerometer.csv", header=None, usecols=[0])[0].min())
        truth, feet, held = oxford_contacts(d / "stepcounter.csv", first_ns)
        if len(truth) != int(r["steps"]):
            raise ValueError(f"{d.name}: {len(truth)} foot-switch edges but stats.csv says {r['steps']}")
        out.append(Labelled(d.name, r["user"].strip(), r["phone"].strip(), r["position"].strip().lower(),
                            r["surface"].strip(), d / "accelerometer.csv", truth,
                            clean_truth(truth, feet, held)))
    return out


def awinda_files(root: Path = SHARED_IMU / "awinda") -> list[tuple[str, Path]]:
    """(person, csv path) for every Awinda recording."""
    return [(p.parent.name, p) for p in sorted(root.glob("person_*/Clipped*.csv"))]


def awinda_activity(path: Path) -> np.ndarray:
    return pd.read_csv(path, skipinitialspace=True, usecols=[0]).iloc[:, 0].to_numpy()


def standing_segments(rec: Recording, activity: np.ndarray, trim_s: float = 2.0, min_s: float = 5.0) -> list[tuple[float, float]]:
    """(start_s, end_s) of standing (activity 0) runs, trimmed at both ends."""
    a = np.asarray(activity)
    edges = np.flatnonzero(np.diff(a) != 0) + 1
    out = []
    for lo, hi in zip(np.r_[0, edges], np.r_[edges, len(a)]):
        if a[lo] != 0:
            continue
        s, e = rec.t[lo] + trim_s, rec.t[hi - 1] - trim_s
        if e - s >= min_s:
            out.append((float(s), float(e)))
    return out


def awinda_steps(path: Path, rate_hz: float) -> np.ndarray:
    """Labelled step starts (s from the first sample), sorted."""
    lab = pd.read_csv(Path(str(path).replace("Clipped", "").replace(".csv", ".csv.stepMixed")), header=None)
    return np.sort(lab.iloc[:, 0].to_numpy(dtype=np.float64)) / rate_hz
