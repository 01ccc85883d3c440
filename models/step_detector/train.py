"""Train the step detector on the labelled recordings in ../shared/data/imu.

    nice -n 10 python -m models.step_detector.train --cv    # ~9 min: chooses the threshold
    nice -n 10 python -m models.step_detector.train         # ~3 min: the shipped model

Split by person (and so by recording): every recording of --test-person is held out for
the final figures; among the others, whole recordings are set aside for validation
(checkpoint choice). The peak threshold is the recipe's, chosen by `--cv` out of fold: on
validation recordings of people it trained on, the network's peaks are high and the
score is flat from 0.3 to 0.65, so a threshold picked there is noise, while on a person
it never saw its peaks come out lower. `--cv` scores THRESHOLDS on each held-out person,
takes the best mean and writes it to cv_metrics.json, where training reads it. The
folds' figures at that threshold are a little optimistic (the held-out person helped
choose it); each fold's "other_folds_threshold" figures use the threshold the other two
folds choose (whose networks did train on that person, so this is not a fully nested
cross-validation).
The shipped model is trained with `--test-person none` (all three Oxford people; whole
recordings still set aside for validation): how the recipe does on a person it never saw
is what `--cv` measures, one Oxford person out at a time. Awinda persons 2, 3, 4
(walking, stairs and standing, with their labelled steps) are training material, one of
their recordings validation; persons 5, 7, 8 are always held out (a second test set and the phantom-step test on their
standing parts). Windows are augmented on the raw signal (time-stretch, gain, noise, a
simulated swinging arm, a phone turned in the hand, 3D rotation: see crops), and may reach
a recording's first and last samples as inference does. The baseline's parameters are
fitted on the same training recordings. Writes artifacts/: step_detector.keras,
step_detector.tflite, config.json, metrics.json. With --cv it only runs leave-one-person-
out cross-validation and writes artifacts/cv_metrics.json.
"""
import argparse
import itertools
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
from scipy.ndimage import uniform_filter1d

from core.sensors.reader import read_recording
from core.sensors.resampling import resample
from models.step_detector import ARTIFACT_DIR, MODEL_RATE_HZ, datasets, evaluation
from models.step_detector.baseline import BaselineParams, detect_steps
from models.step_detector.features import N_CHANNELS, G, gravity, model_input
from models.step_detector.peaks import (
    DEFAULT_MIN_INTERVAL_S,
    RUN_MAX_GAP_S,
    pick_steps,
    rescue_missed_walks,
    split_walks,
)

RATE = MODEL_RATE_HZ
CROP = 320                 # samples per training window (12.8 s)
MARGIN = 64                # extra samples either side so the features' running filters settle
STRETCH = (0.6, 1.5)       # time-stretch range of the augmentation (cadence x0.67-1.67)
NOISE_G = 0.03             # up to this much white sensor noise (g) is added
SIGMA_S = 0.06             # width of the target bump around each foot contact
EDGE_SHARE = 0.25          # share of training windows centred on a walk's first or last step
SWING_SHARE = 0.2          # share of windows from recordings with steps given a swinging arm (swing_arm)
SWING_DEG = (5.0, 30.0)    # its swing amplitude range (degrees either side of hanging)
ARM_M = (0.45, 0.75)       # shoulder-to-phone distance range (m)
HANDLING_SHARE = 0.2       # share of windows turned slowly in the hand as they go (handling)
HANDLING_RADS = (0.2, 1.5)  # its RMS angular speed range (rad/s)
CYCLING_SHARE = 0.1         # share of windows replaced by a simulated bike ride, no steps (cycling)
CYCLING_RPM = (40.0, 110.0)  # its pedalling cadence range (revolutions/min)
AWINDA_TEST = {"person_5", "person_7", "person_8"}


@dataclass(frozen=True)
class Augment:
    """Which windows get which targeted augmentation (see crops); recorded with --cv."""
    edge_share: float = EDGE_SHARE    # windows placed on a walk's first or last step
    swing_share: float = SWING_SHARE  # windows from recordings with steps given a swinging arm
    handling_share: float = HANDLING_SHARE  # windows turned in the hand as they go (handling)
    cycling_share: float = CYCLING_SHARE    # windows of a simulated bike ride, with no steps (cycling)
RECIPE = "v8"              # in the version string: v6 = v4 + swinging-arm windows, threshold from --cv
#                            (v5 had the arm's tilt the wrong way round and a jolt after the last step);
#                            v7 = v6 + windows reaching the recordings' ends + handled-phone windows;
#                            v8 = v7 + bounce-cleaned labels + bike-ride windows
THRESHOLDS = (0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)  # peak thresholds --cv scores out of fold
CV_FILE = "cv_metrics.json"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def target(n: int, truth_s: np.ndarray) -> np.ndarray:
    t = np.arange(n) / RATE
    y = np.zeros(n, np.float32)
    for s in truth_s:
        lo, hi = max(0, int((s - 4 * SIGMA_S) * RATE)), min(n, int((s + 4 * SIGMA_S) * RATE) + 2)
        y[lo:hi] = np.maximum(y[lo:hi], np.exp(-0.5 * ((t[lo:hi] - s) / SIGMA_S) ** 2))
    return y


def walk_edges(truth_s: np.ndarray) -> np.ndarray:
    """First and last step of every walk (`peaks.split_walks`): the steps a detector
    misses most, the first from standing and the closing one where the feet come
    together, and rare in a long recording."""
    walks = split_walks(truth_s)
    return np.unique(np.concatenate([w[[0, -1]] for w in walks])) if walks else np.empty(0)


def prepare_oxford() -> list[dict]:
    out = []
    for lab in datasets.oxford():
        rec = read_recording(lab.path)
        _, acc = resample(rec.t, rec.acc, RATE)
        out.append({"name": lab.name, "person": lab.person, "phone": lab.phone, "position": lab.position,
                    "acc": acc, "x": model_input(acc), "y": target(len(acc), lab.clean_s), "truth": lab.truth_s,
                    "clean": lab.clean_s, "edges": walk_edges(lab.clean_s)})
    return out


def prepare_awinda() -> list[dict]:
    """Awinda recordings with their labelled steps (walking and stairs; every step of the
    moving parts is labelled, standing parts have none). Persons in AWINDA_TEST are held
    out; the others' whole recordings are training material."""
    out = []
    for person, path in datasets.awinda_files():
        rec = read_recording(path)
        _, acc = resample(rec.t, rec.acc, RATE)
        truth = datasets.awinda_steps(path, rec.sample_rate_hz)
        out.append({"name": f"{person}/{path.stem}", "person": person, "acc": acc, "x": model_input(acc),
                    "y": target(len(acc), truth), "truth": truth, "clean": truth,
                    "edges": walk_edges(truth)})
    return out


def prepare_standing() -> list[dict]:
    out = []
    for person, path in datasets.awinda_files():
        rec = read_recording(path)
        act = datasets.awinda_activity(path)
        _, acc = resample(rec.t, rec.acc, RATE)
        for s, e in datasets.standing_segments(rec, act):
            a = acc[int(s * RATE):int(e * RATE)]
            out.append({"name": f"{path.stem}@{s:.0f}s", "person": person, "acc": a, "x": model_input(a),
                        "y": np.zeros(len(a), np.float32), "seconds": len(a) / RATE})
    return out


def crops(items: list[dict], n: int, rng: np.random.Generator, aug: Augment = Augment(),
          stretch_range=STRETCH, noise_g=NOISE_G) -> tuple[np.ndarray, np.ndarray]:
    """n random windows, augmented on the raw acceleration before the features are made:
    time-stretch (cadence), gain on the dynamic part (x0.4-2.5: soft hand-held to hard
    pocket steps), white sensor noise, on a share `aug.swing_share` of the windows from
    recordings with steps a simulated swinging arm (`swing_arm`), on a share
    `aug.handling_share` of all windows a slow irregular turning of the phone (`handling`),
    on a share `aug.cycling_share` of all windows a simulated bike ride instead, with no
    steps (`cycling`: sensor noise and the rotation only), and a random 3D rotation (the features should not care; this keeps them honest). A share `aug.edge_share` of the
    windows taken from a recording with steps is placed so that one of its walks' first or last steps
    (`walk_edges`) falls inside: a 3-minute recording has one start and one stop, so
    uniform windows almost never teach them."""
    X = np.zeros((n, CROP, N_CHANNELS), np.float32)
    Y = np.zeros((n, CROP, 1), np.float32)
    weights = np.array([len(it["acc"]) * it.get("weight", 1.0) for it in items], float)
    picks = rng.choice(len(items), size=n, p=weights / weights.sum())
    full = CROP + 2 * MARGIN
    for k, i in enumerate(picks):
        if aug.cycling_share > 0 and rng.random() < aug.cycling_share:
            a = cycling(full, rng)
            a += rng.normal(0, rng.uniform(0, noise_g) * G, a.shape)
            X[k] = model_input(a @ random_rotation(rng).T, RATE)[MARGIN:MARGIN + CROP]
            continue  # Y stays 0: pedalling is not walking
        acc, y = items[i]["acc"], items[i]["y"]
        stretch = np.exp(rng.uniform(np.log(stretch_range[0]), np.log(stretch_range[1])))
        span = full * stretch
        edges = items[i].get("edges")
        # The window's target part may reach the recording's first sample and (to within
        # one sample) its last, as inference does: its margin then repeats the edge sample
        # (before the augmentations below), much as the features' filters pad ("nearest").
        # Recording starts and ends (putting the phone away, the last steps) were never
        # taught when windows had to fit whole.
        lo_min, lo_max = -MARGIN * stretch, len(acc) - 1 - span + MARGIN * stretch
        if lo_max <= lo_min:
            src = np.linspace(0, len(acc) - 1, full)
        else:
            lo = rng.uniform(lo_min, lo_max)
            if edges is not None and len(edges) and rng.random() < aug.edge_share:
                at = rng.choice(edges) * RATE - (MARGIN + rng.uniform(0.1, 0.9) * CROP) * stretch
                lo = float(np.clip(at, lo_min, lo_max))
            src = lo + np.arange(full) * stretch
        base = np.arange(len(acc))
        a = np.column_stack([np.interp(src, base, acc[:, c]) for c in range(3)])
        grav = gravity(a, RATE)
        a = grav + (a - grav) * np.exp(rng.uniform(np.log(0.4), np.log(2.5)))
        a += rng.normal(0, rng.uniform(0, noise_g) * G, a.shape)
        steps = items[i].get("clean")
        if aug.swing_share > 0 and steps is not None and len(steps) >= 4 and rng.random() < aug.swing_share:
            a = swing_arm(a, src / RATE, steps, rng)
        if aug.handling_share > 0 and rng.random() < aug.handling_share:
            a = handling(a, rng)
        a = a @ random_rotation(rng).T
        X[k] = model_input(a, RATE)[MARGIN:MARGIN + CROP]
        Y[k, :, 0] = np.interp(src[MARGIN:MARGIN + CROP], base, y)
    return X, Y


def swing_arm(a: np.ndarray, src_s: np.ndarray, steps_s: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The same walk as if the phone hung from a swinging arm: a rigid pendulum of
    length ARM_M swinging SWING_DEG either side, one full swing every two steps, locked
    to the labelled steps at a random phase (arm swing follows the gait). The pendulum
    adds its tangential and centripetal acceleration and tilts the phone with the arm, so
    the signal gains a strong stride-rate rhythm whose peaks need not fall on the foot
    contacts, the look of a carry no training person may have used. `a`: (n, 3) window in
    m/s^2 at RATE; `src_s`: each sample's time in the recording (s); `steps_s`: the walk's
    step times there. Samples in pauses (steps over RUN_MAX_GAP_S apart) do not swing."""
    idx = np.interp(src_s, steps_s, np.arange(len(steps_s)))  # step count so far; flat outside the steps
    gap = np.diff(steps_s)[np.clip(np.searchsorted(steps_s, src_s) - 1, 0, len(steps_s) - 2)]
    walking = (src_s >= steps_s[0]) & (src_s <= steps_s[-1]) & (gap <= RUN_MAX_GAP_S)
    env = uniform_filter1d(walking.astype(float), size=int(RATE), mode="nearest")
    amp = np.radians(rng.uniform(*SWING_DEG))
    theta = amp * env * np.sin(np.pi * idx + rng.uniform(0, 2 * np.pi))
    grav = a.mean(axis=0)
    up = grav / max(np.linalg.norm(grav), 1e-6)
    fwd = np.cross(up, rng.normal(size=3))
    fwd /= max(np.linalg.norm(fwd), 1e-6)
    return pendulum_reading(a, theta, rng.uniform(*ARM_M), up, fwd)


def pendulum_reading(a: np.ndarray, theta: np.ndarray, r: float, up: np.ndarray, fwd: np.ndarray) -> np.ndarray:
    """What a phone on a rigid arm of length `r` reads while the body it hangs from reads
    `a` (n, 3, m/s^2 at RATE): the arm's angle from hanging is `theta` (rad, towards unit
    vector `fwd`, horizontal; `up` against gravity). The phone sits at r(sin theta fwd -
    cos theta up), so it adds that point's acceleration, and it turns with the arm (by
    -theta about up x fwd), so it reads the vector turned back by +theta (Rodrigues). A
    free pendulum (theta'' = -g/r sin theta) then reads nothing along its swing."""
    dth = np.gradient(theta) * RATE
    ddth = np.gradient(dth) * RATE
    lat = np.cross(up, fwd)
    c, s = np.cos(theta)[:, None], np.sin(theta)[:, None]
    v = a + r * (ddth[:, None] * (c * fwd + s * up) + dth[:, None] ** 2 * (c * up - s * fwd))
    return v * c + np.cross(lat, v) * s + np.outer(v @ lat, lat) * (1 - c)


def handling(a: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The window as read by a phone that is also turned slowly and irregularly (in a hand,
    looked at, fidgeted with): the rotation vector's rate is smoothed noise (0.5 s) with an
    RMS size in HANDLING_RADS (the angular speed comes out at about 0.75-1 x that), so
    gravity sweeps across the axes as it does while a phone is handled.
    Steps stay steps and standing stays standing: turning the phone is neither."""
    from scipy.spatial.transform import Rotation
    w = uniform_filter1d(rng.normal(size=a.shape), size=int(0.5 * RATE), axis=0, mode="nearest")
    w *= rng.uniform(*HANDLING_RADS) / max(float(np.sqrt((w ** 2).sum(axis=1).mean())), 1e-9)
    return Rotation.from_rotvec(np.cumsum(w, axis=0) / RATE).apply(a, inverse=True)


def cycling(n: int, rng: np.random.Generator) -> np.ndarray:
    """n samples (at RATE, m/s^2, gravity included, the phone's own axes) of a bike ride:
    no steps, but a rhythm at the pedalling cadence that a step detector may take for one.
    Cadence in CYCLING_RPM, drifting; sometimes a stretch of coasting. The phone is
    - in a trouser pocket (half the rides): it turns with the thigh, which swings 10-30
      degrees either side of 15-50 degrees below horizontal once a revolution, 0.1-0.35 m
      from the hip: gravity sweeps across its axes and the swing adds its tangential and
      centripetal acceleration;
    - on the body (a bag, a jersey pocket, an armband; a third): the rider sways sideways
      once a revolution and bobs twice (each pedal's downstroke);
    - on the handlebar or in a hand (the rest): the bike's vibration only.
    Always the road: broadband vibration and a few bumps (short ringing jolts, at no rhythm)."""
    t = np.arange(n) / RATE
    drift = np.cumsum(rng.normal(0, 0.02, n)) / np.sqrt(RATE)
    f = rng.uniform(*CYCLING_RPM) / 60 * np.exp(np.clip(drift, -0.15, 0.15))
    pedalling = np.ones(n)
    if rng.random() < 0.3:  # coasting for a while: the legs stop
        start, length = rng.uniform(0, t[-1]), rng.uniform(2.0, 8.0)
        pedalling[(t >= start) & (t < start + length)] = 0.0
        pedalling = uniform_filter1d(pedalling, size=int(0.6 * RATE), mode="nearest")
    phase = 2 * np.pi * np.cumsum(f * (pedalling > 0.05)) / RATE + rng.uniform(0, 2 * np.pi)
    a = np.zeros((n, 3))
    where = rng.random()
    if where < 0.5:  # the thigh: x along it towards the knee, z across it, y sideways
        theta = np.radians(rng.uniform(15, 50) + rng.uniform(10, 30) * pedalling * np.sin(phase))
        r = rng.uniform(0.1, 0.35)
        dth = np.gradient(theta) * RATE
        ddth = np.gradient(dth) * RATE
        a[:, 0] = -G * np.sin(theta) - r * dth ** 2
        a[:, 2] = G * np.cos(theta) - r * ddth
    else:
        a[:, 2] = G
        if where < 0.83:
            a[:, 1] += rng.uniform(0.1, 0.8) * pedalling * np.sin(phase)
            a[:, 2] += rng.uniform(0.05, 0.5) * pedalling * np.sin(2 * phase + rng.uniform(0, 2 * np.pi))
    road = uniform_filter1d(rng.normal(size=(n, 3)), size=2, axis=0, mode="nearest")
    a += road * rng.uniform(0.05, 1.0)
    for _ in range(rng.poisson(rng.uniform(0, 0.3) * t[-1])):
        i = int(rng.integers(0, max(n - 8, 1)))
        ring = rng.uniform(1.0, 6.0) * np.exp(-np.arange(8) / 2.0) * np.cos(np.arange(8) * rng.uniform(1.5, 3.0))
        a[i:i + 8] += np.outer(ring[:len(a[i:i + 8])], rng.normal(size=3) / np.sqrt(3))
    return a


def random_rotation(rng: np.random.Generator) -> np.ndarray:
    q, r = np.linalg.qr(rng.normal(size=(3, 3)))
    q = q * np.sign(np.diag(r))
    return q if np.linalg.det(q) > 0 else -q


def model_times(run, item, threshold, base_params=None, min_interval=DEFAULT_MIN_INTERVAL_S):
    """The shipped pipeline's steps: peaks (+ rhythm gap filling), and, given the baseline's
    parameters, the steady-walk rescue core/sensors/step_counting.py applies."""
    prob = run(item["x"])
    t = pick_steps(prob, RATE, threshold, min_interval)
    if base_params is not None:
        t = rescue_missed_walks(t, detect_steps(item["acc"], RATE, base_params), prob, RATE)
    return t


def score(run, items, threshold, truth="truth", base_params=None) -> tuple[dict, list]:
    per = []
    for it in items:
        s = evaluation.match(model_times(run, it, threshold, base_params), it[truth])
        per.append((it["name"], s))
    return evaluation.summarise([s for _, s in per]), per


def fit_baseline(items: list[dict]) -> BaselineParams:
    """Grid search on training recordings: highest mean F1, then lowest count error."""
    # |acc| peaks lag the contact by a roughly constant delay: estimate it first.
    lags = []
    for it in items:
        d = detect_steps(it["acc"], RATE)
        if len(d) and len(it["truth"]):
            j = np.searchsorted(it["truth"], d)
            near = np.minimum(j, len(it["truth"]) - 1)
            prev = np.maximum(j - 1, 0)
            best = np.where(np.abs(d - it["truth"][near]) < np.abs(d - it["truth"][prev]), near, prev)
            lag = d - it["truth"][best]
            lags.append(lag[np.abs(lag) < 0.4])
    offset = float(np.median(np.concatenate(lags))) if lags else 0.0
    best, best_key = None, None
    for cut, prom, gap in itertools.product((2.0, 2.5, 3.0, 4.0), (0.3, 0.5, 0.8, 1.2, 1.8, 2.5), (0.25, 0.3, 0.35, 0.4)):
        p = BaselineParams(cutoff_hz=cut, prominence_ms2=prom, min_interval_s=gap, offset_s=offset)
        sc = [evaluation.match(detect_steps(it["acc"], RATE, p), it["truth"]) for it in items]
        key = (round(float(np.mean([s.f1 for s in sc])), 4), -float(np.mean([s.count_error_pct for s in sc])))
        if best_key is None or key > best_key:
            best, best_key = p, key
    log(f"baseline fitted: {best} (train F1 {best_key[0]:.4f}, MAPE {-best_key[1]:.2f} %)")
    return best


def train_ensemble(train_items, val_items, negatives, epochs, seed, members, aug: Augment = Augment()):
    from models.step_detector import network
    from models.step_detector.inference import keras_runner
    trained = [train_model(train_items, val_items, negatives, epochs, seed + i, name=f"member{i}", aug=aug)[0]
               for i in range(members)]
    model = network.ensemble(trained)
    return model, keras_runner(model)


def train_model(train_items, val_items, negatives, epochs, seed, name="step_detector", aug: Augment = Augment()):
    import keras

    from models.step_detector import network
    from models.step_detector.inference import keras_runner
    keras.utils.set_random_seed(seed)
    model = network.build(name=name)
    model.compile(optimizer=keras.optimizers.Adam(2e-3), loss="binary_crossentropy")
    run = keras_runner(model)
    rng = np.random.default_rng(seed)
    pool = train_items + negatives
    best = (None, -1.0)
    for ep in range(epochs):
        X, Y = crops(pool, 1536, rng, aug)
        if ep == int(epochs * 0.7):
            model.optimizer.learning_rate.assign(5e-4)
        h = model.fit(X, Y, batch_size=32, epochs=1, verbose=0)
        summ, _ = score(run, val_items, 0.5, "clean")
        key = summ["f1_mean"] - summ["mape_pct"] / 100
        log(f"epoch {ep + 1}/{epochs} loss {h.history['loss'][0]:.4f} val F1 {summ['f1_mean']:.4f} "
            f"MAPE {summ['mape_pct']:.2f} %")
        if key > best[1]:
            best = ([w.copy() for w in model.get_weights()], key)
    model.set_weights(best[0])
    return model, keras_runner(model)


def memoised(run):
    """`run` that computes each item's probabilities once (the threshold scan and the
    evaluation at the chosen threshold reuse them)."""
    cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def cached(x):
        hit = cache.get(id(x))
        if hit is None or hit[0] is not x:
            hit = cache[id(x)] = (x, run(x))
        return hit[1]

    return cached


def threshold_scores(run, items, base_params) -> dict[float, float]:
    """Event F1 minus count error (cleaned truth, the shipped pipeline) at each of THRESHOLDS."""
    out = {}
    for th in THRESHOLDS:
        s = score(run, items, th, "clean", base_params)[0]
        out[th] = round(s["f1_mean"] - s["mape_pct"] / 100, 5)
    return out


def pick_threshold(tables: list[dict[float, float]]) -> float:
    """The threshold with the best mean score over `tables` (out-of-fold scores, one per
    held-out person); ties go to the lower one."""
    return max(THRESHOLDS, key=lambda th: (round(float(np.mean([t[th] for t in tables])), 4), -th))


def cv_threshold(folder: Path, settings: dict) -> float:
    """The threshold `--cv` chose for this recipe and these `settings` (folder/cv_metrics.json)."""
    path = folder / CV_FILE
    try:
        cv = json.loads(path.read_text()) if path.exists() else {}
        if cv.get("recipe") == RECIPE and cv.get("settings") == settings:
            return float(cv["threshold"])
    except (ValueError, KeyError, TypeError, AttributeError):
        pass
    raise SystemExit(f"{path} holds no cross-validation of recipe {RECIPE} with {settings}: run --cv first "
                     "with the same settings (it chooses the threshold), or pass --threshold")


def standing_steps(detect, items) -> dict:
    total_s = sum(it["seconds"] for it in items)
    steps = sum(len(detect(it)) for it in items)
    return {"segments": len(items), "seconds": round(total_s, 1), "steps": int(steps),
            "steps_per_min": round(60 * steps / total_s, 3) if total_s else None}


def evaluate_awinda(run, threshold, base_params, items) -> dict:
    m = [evaluation.match(model_times(run, it, threshold, base_params), it["truth"]) for it in items]
    b = [evaluation.match(detect_steps(it["acc"], RATE, base_params), it["truth"]) for it in items]
    return {"model": evaluation.summarise(m), "baseline": evaluation.summarise(b),
            "per_recording": [{"name": it["name"], "true": sm.true, "model": sm.detected, "model_f1": round(sm.f1, 4),
                               "baseline": sb.detected, "baseline_f1": round(sb.f1, 4)}
                              for it, sm, sb in zip(items, m, b)]}


def evaluate(run, threshold, base_params, test_items, standing_test) -> dict:
    m_sum, m_per = score(run, test_items, threshold, base_params=base_params)
    mc_sum, mc_per = score(run, test_items, threshold, "clean", base_params)
    base = {it["name"]: detect_steps(it["acc"], RATE, base_params) for it in test_items}
    b_per = [(it["name"], evaluation.match(base[it["name"]], it["truth"])) for it in test_items]
    bc_per = [(it["name"], evaluation.match(base[it["name"]], it["clean"])) for it in test_items]
    return {
        "model": m_sum, "baseline": evaluation.summarise([s for _, s in b_per]),
        "model_vs_cleaned_truth": mc_sum, "baseline_vs_cleaned_truth": evaluation.summarise([s for _, s in bc_per]),
        "per_recording": [{"name": n, "true": s.true, "true_cleaned": c.true, "model": s.detected,
                           "model_f1": round(s.f1, 4), "model_f1_cleaned": round(c.f1, 4),
                           "baseline": b.detected, "baseline_f1": round(b.f1, 4), "baseline_f1_cleaned": round(bc.f1, 4)}
                          for (n, s), (_, c), (_, b), (_, bc) in zip(m_per, mc_per, b_per, bc_per)],
        "standing_model": standing_steps(lambda it: model_times(run, it, threshold, base_params), standing_test),
        "standing_baseline": standing_steps(lambda it: detect_steps(it["acc"], RATE, base_params), standing_test),
    }


def dump_probabilities(path: Path, run, items: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {}
    for k, it in enumerate(items):
        arrays[f"{k}/name"] = np.array(it["name"])
        arrays[f"{k}/prob"] = run(it["x"])
        arrays[f"{k}/acc"] = it["acc"].astype(np.float32)
        for key in ("truth", "clean"):
            arrays[f"{k}/{key}"] = it.get(key, np.empty(0))
    np.savez_compressed(path, **arrays)


class Fold(NamedTuple):
    person: str
    train: list[dict]
    val: list[dict]
    test: list[dict]
    base: BaselineParams
    model: object
    run: object
    scores: dict[float, float] | None  # out-of-fold score by threshold (--cv only)


def split(items, test_person):
    test = [it for it in items if it["person"] == test_person]
    rest = sorted((it for it in items if it["person"] != test_person), key=lambda it: it["name"])
    val = rest[5::6]
    train = [it for it in rest if it not in val]
    return train, val, test


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m models.step_detector.train")
    ap.add_argument("--test-person", default="none",
                    help="Oxford person whose recordings are held out ('none': train on all three)")
    ap.add_argument("--epochs", type=int, default=60)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--members", type=int, default=2, help="ensemble of this many seeds (averaged)")
    ap.add_argument("--cv", action="store_true", help="leave-one-person-out cross-validation only")
    ap.add_argument("--out", type=Path, default=ARTIFACT_DIR, help="artifact folder (default: the shipped one)")
    ap.add_argument("--edge-share", type=float, default=EDGE_SHARE,
                    help=f"share of training windows placed on a walk's first or last step (default {EDGE_SHARE})")
    ap.add_argument("--swing-share", type=float, default=SWING_SHARE,
                    help=f"share of windows from recordings with steps given a simulated swinging arm "
                    f"(default {SWING_SHARE})")
    ap.add_argument("--handling-share", type=float, default=HANDLING_SHARE,
                    help=f"share of windows turned slowly in the hand as they go (default {HANDLING_SHARE})")
    ap.add_argument("--cycling-share", type=float, default=CYCLING_SHARE,
                    help=f"share of windows replaced by a simulated bike ride with no steps (default {CYCLING_SHARE})")
    ap.add_argument("--threshold", type=float, help="peak threshold of the trained model (default: the one --cv chose for this recipe, "
                    "read from OUT/cv_metrics.json)")
    ap.add_argument("--dump", type=Path, help="also save the held-out recordings' step probabilities and "
                    "the fold's network here (PERSON.npz, PERSON.keras: out-of-fold material for studying "
                    "peak picking and inference)")
    args = ap.parse_args(argv)
    for flag, share in (("--edge-share", args.edge_share), ("--swing-share", args.swing_share),
                        ("--handling-share", args.handling_share), ("--cycling-share", args.cycling_share)):
        if not 0 <= share <= 1:
            ap.error(f"{flag} is a share of the training windows: between 0 and 1")
    if args.threshold is not None and not 0 < args.threshold < 1:
        ap.error("--threshold is a step probability: between 0 and 1")
    if args.cv and args.threshold is not None:
        ap.error("--cv chooses the threshold itself: leave out --threshold")
    aug = Augment(edge_share=args.edge_share, swing_share=args.swing_share, handling_share=args.handling_share,
                  cycling_share=args.cycling_share)
    settings = {"epochs": args.epochs, "members": args.members, **asdict(aug)}
    if not args.cv and args.threshold is None:
        args.threshold = cv_threshold(args.out, settings)
    from models.step_detector.inference import configure_threads, export_tflite
    configure_threads(2)
    t0 = time.time()
    items = prepare_oxford()
    standing = prepare_standing()
    awinda = prepare_awinda()
    awinda_test = [a for a in awinda if a["person"] in AWINDA_TEST]
    awinda_train = [a for a in awinda if a["person"] not in AWINDA_TEST]
    awinda_val = awinda_train[-1:]  # one whole recording of a training person: checkpoint choice
    extra_train = [s for s in standing if s["person"] not in AWINDA_TEST] + awinda_train[:-1]
    neg_test = [s for s in standing if s["person"] in AWINDA_TEST]
    log(f"data ready in {time.time() - t0:.0f} s: {len(items)} Oxford recordings, {len(standing)} standing segments")

    persons = sorted({it["person"] for it in items}) if args.cv else [args.test_person]
    if not args.cv and args.test_person != "none" and args.test_person not in {it["person"] for it in items}:
        ap.error(f"no Oxford recordings of {args.test_person!r}")
    folds = []
    for person in persons:
        train, val, test = split(items, person)
        log(f"held out {person}: train {len(train)}, val {len(val)}, test {len(test)} recordings")
        base = fit_baseline(train + val)
        model, run = train_ensemble(train, val + awinda_val, extra_train, args.epochs, args.seed, args.members, aug)
        run = memoised(run)
        scores = threshold_scores(run, test, base) if args.cv else None
        if args.dump:
            dump_probabilities(args.dump / f"{person}.npz", run, test + awinda_test + neg_test)
            model.save(args.dump / f"{person}.keras")
        folds.append(Fold(person, train, val, test, base, model, run, scores))
    results = {}
    th = pick_threshold([f.scores for f in folds]) if args.cv else args.threshold
    for person, train, val, test, base, model, run, scores in folds:
        res = evaluate(run, th, base, test, neg_test)
        res["awinda_heldout"] = evaluate_awinda(run, th, base, awinda_test)
        if args.cv:  # the same fold with the threshold the other folds choose: no person picks its own
            own = pick_threshold([f.scores for f in folds if f.person != person])
            other = evaluate(run, own, base, test, neg_test)
            res["other_folds_threshold"] = {"threshold": own, "model": other["model"],
                                            "model_vs_cleaned_truth": other["model_vs_cleaned_truth"],
                                            "standing_model": other["standing_model"],
                                            "awinda_heldout": evaluate_awinda(run, own, base, awinda_test)["model"]}
        res.update(threshold=th, threshold_scores=scores, baseline_params=asdict(base),
                   split={"test_person": person, "train": [i["name"] for i in train], "val": [i["name"] for i in val],
                          "test": [i["name"] for i in test], "awinda_train": sorted({s["person"] for s in extra_train}),
                          "awinda_val": [a["name"] for a in awinda_val],
                          "awinda_standing_test": sorted({s["person"] for s in neg_test})})
        results[person] = res
        log(f"TEST {person} (threshold {th}): model {json.dumps(res['model'])}\n"
            f"  baseline {json.dumps(res['baseline'])}\n"
            f"  cleaned truth: model {json.dumps(res['model_vs_cleaned_truth'])}\n"
            f"  baseline {json.dumps(res['baseline_vs_cleaned_truth'])}\n"
            f"  standing model {res['standing_model']} baseline {res['standing_baseline']}\n"
            f"  awinda held-out: model {json.dumps(res['awinda_heldout']['model'])}\n"
            f"  baseline {json.dumps(res['awinda_heldout']['baseline'])}")
    args.out.mkdir(parents=True, exist_ok=True)
    if args.cv:
        log("out-of-fold score by threshold (mean over held-out persons): " + ", ".join(
            f"{t}: {np.mean([f.scores[t] for f in folds]):.4f}" for t in THRESHOLDS) + f"; the recipe's threshold: {th}")
        for person, res in results.items():
            n = res["other_folds_threshold"]
            log(f"{person} at the other folds' threshold {n['threshold']}: model {json.dumps(n['model'])}")
        (args.out / CV_FILE).write_text(json.dumps({"recipe": RECIPE, "settings": settings, "threshold": th,
                                                    "folds": results},
                                                   indent=1))
    else:
        res, shipped = results[args.test_person], folds[0].model  # without --cv there is one fold
        shipped.save(args.out / "step_detector.keras")
        export_tflite(shipped, args.out / "step_detector.tflite")
        held = "all-persons" if args.test_person == "none" else f"{args.test_person.lower()}-heldout"
        version = time.strftime("%Y%m%d") + f"-{held}-{RECIPE}"
        (args.out / "config.json").write_text(json.dumps({
            "version": version, "rate_hz": RATE, "threshold": res["threshold"],
            "min_interval_s": DEFAULT_MIN_INTERVAL_S, "baseline": res["baseline_params"],
            "epochs": args.epochs, "seed": args.seed, "members": args.members, "split": res["split"]}, indent=1))
        (args.out / "metrics.json").write_text(json.dumps(res, indent=1))
    log(f"done in {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    import core  # noqa: F401  (loads pylibsrtp before tensorflow)
    raise SystemExit(main())
