"""The step model's training recipe: the swinging-arm augmentation and the threshold rule
(no TensorFlow, no shared data: these run in a second)."""
import json

import numpy as np
import pytest
from scipy.ndimage import uniform_filter1d

from models.step_detector import train
from models.step_detector.features import G

RATE = train.RATE


def _spectrum_peak_hz(x: np.ndarray) -> float:
    spec = np.abs(np.fft.rfft(x - x.mean()))
    return float(np.fft.rfftfreq(len(x), 1 / RATE)[np.argmax(spec)])


@pytest.fixture
def fixed_arm(monkeypatch):
    monkeypatch.setattr(train, "SWING_DEG", (25.0, 25.0))
    monkeypatch.setattr(train, "ARM_M", (0.6, 0.6))


def test_swinging_arm_swings_once_every_two_steps_and_tilts_the_phone(fixed_arm):
    steps = np.arange(0.0, 30.0, 0.5)                  # 120 steps/min
    src = 5.0 + np.arange(int(16 * RATE)) / RATE        # 16 s inside the walk
    still = np.tile([0.0, 0.0, G], (len(src), 1))       # a phone at rest, z up
    out = train.swing_arm(still, src, steps, np.random.default_rng(3))
    horizontal = np.hypot(out[:, 0], out[:, 1])
    assert horizontal.max() > 0.2 * G                   # the phone tilts with the arm
    assert _spectrum_peak_hz(out[:, 0] + out[:, 1]) == pytest.approx(1.0, abs=0.1)  # stride rate
    mean = out.mean(axis=0)                             # the swing is about hanging straight down
    assert np.degrees(np.arccos(mean[2] / np.linalg.norm(mean))) < 10


def test_a_free_pendulum_reads_nothing_along_its_swing_and_g_cos_plus_centripetal_along_the_arm():
    r, dt = 0.6, 1e-4
    theta, omega, thetas, omegas = np.radians(30.0), 0.0, [], []
    for k in range(int(6.0 / dt)):                    # theta'' = -(g / r) sin theta, finely integrated
        if k % int(1 / (RATE * dt)) == 0:
            thetas.append(theta)
            omegas.append(omega)
        omega -= G / r * np.sin(theta) * dt
        theta += omega * dt
    theta, omega = np.array(thetas), np.array(omegas)
    up, fwd = np.array([0.0, 0.0, 1.0]), np.array([1.0, 0.0, 0.0])
    body_still = np.tile(G * up, (len(theta), 1))
    phone = train.pendulum_reading(body_still, theta, r, up, fwd)[5:-5]   # np.gradient is one-sided at the ends
    along_arm = G * np.cos(theta) + r * omega ** 2
    assert np.abs(phone[:, 0]).max() < 0.03 * G       # along the swing: nothing
    assert np.abs(phone[:, 1]).max() < 1e-9           # across the swing plane: nothing
    np.testing.assert_allclose(phone[:, 2], along_arm[5:-5], atol=0.03 * G)


def test_the_swing_stops_smoothly_after_the_last_step(fixed_arm):
    steps = np.arange(0.0, 10.0, 0.5)                 # 20 steps: the last at 9.5 s
    src = 8.0 + np.arange(int(4 * RATE)) / RATE
    out = train.swing_arm(np.tile([0.0, 0.0, G], (len(src), 1)), src, steps, np.random.default_rng(5))
    dynamic = np.abs(np.linalg.norm(out, axis=1) - G)
    assert dynamic[src > 9.5].max() <= dynamic[src <= 9.5].max()


def test_swinging_arm_leaves_pauses_alone(fixed_arm):
    steps = np.array([0.0, 0.5, 1.0, 1.5, 10.0, 10.5, 11.0, 11.5])   # a 8.5 s pause
    src = 4.0 + np.arange(int(3 * RATE)) / RATE                      # 4-7 s: standing
    a = np.tile([0.3, -0.2, G], (len(src), 1))
    np.testing.assert_allclose(train.swing_arm(a, src, steps, np.random.default_rng(0)), a, atol=1e-9)


def test_threshold_is_the_best_mean_out_of_fold_score_ties_to_the_lower():
    flat = {th: 0.99 for th in train.THRESHOLDS}
    peaked = {**flat, 0.4: 0.995}
    assert train.pick_threshold([flat, flat]) == min(train.THRESHOLDS)
    assert train.pick_threshold([flat, peaked]) == 0.4
    low = {**flat, 0.3: 0.999}
    assert train.pick_threshold([low, peaked, peaked]) == 0.4   # mean 0.9933 beats 0.9923


def test_training_reads_the_threshold_its_recipe_was_cross_validated_for(tmp_path):
    settings = {"epochs": 60, "members": 2, "edge_share": 0.25, "swing_share": 0.2}
    with pytest.raises(SystemExit, match="run --cv first"):
        train.cv_threshold(tmp_path, settings)
    path = tmp_path / train.CV_FILE
    for stale in ({"recipe": "v0", "settings": settings, "threshold": 0.5},          # another recipe
                  {"recipe": train.RECIPE, "settings": {**settings, "members": 3}, "threshold": 0.5},
                  {"recipe": train.RECIPE, "settings": settings},                    # no threshold
                  []):                                                                # not the file's shape
        path.write_text(json.dumps(stale))
        with pytest.raises(SystemExit, match="run --cv first"):
            train.cv_threshold(tmp_path, settings)
    path.write_text("{not json")
    with pytest.raises(SystemExit, match="run --cv first"):
        train.cv_threshold(tmp_path, settings)
    path.write_text(json.dumps({"recipe": train.RECIPE, "settings": settings, "threshold": 0.35, "folds": {}}))
    assert train.cv_threshold(tmp_path, settings) == 0.35


def test_memoised_runs_each_input_once():
    calls = []
    run = train.memoised(lambda x: calls.append(1) or x.sum(axis=1))
    x, y = np.ones((4, 2)), np.zeros((3, 2))
    assert run(x).tolist() == [2.0] * 4 and run(x).tolist() == [2.0] * 4 and run(y).tolist() == [0.0] * 3
    assert len(calls) == 2


def test_training_windows_reach_the_recordings_first_and_last_samples():
    """Inference reads a recording from its first sample to its last; windows that had to fit
    whole with their filter margins never put a target within ~1.5-3.8 s of either end,
    where people put the phone away or take it out."""
    n = 2000
    item = {"acc": np.tile([0.0, 0.0, G], (n, 1)), "y": np.linspace(0.0, 1.0, n, dtype=np.float32)}
    _, y = train.crops([item], 1000, np.random.default_rng(0), train.Augment(0.0, 0.0, 0.0, 0.0), stretch_range=(1.0, 1.0))
    assert y[:, 0, 0].min() < 0.01 and y[:, -1, 0].max() > 0.99     # y is the position in the recording
    assert y.min() >= 0.0 and y.max() <= 1.0


def test_a_handled_phone_turns_gravity_across_its_axes_at_a_hand_speed():
    still = np.tile([0.0, 0.0, G], (int(20 * RATE), 1))
    for seed in range(5):
        out = train.handling(still, np.random.default_rng(seed))
        np.testing.assert_allclose(np.linalg.norm(out, axis=1), G, rtol=1e-9)  # turning adds no acceleration
        up = out / G
        speed = np.degrees(np.arccos(np.clip((up[1:] * up[:-1]).sum(axis=1), -1, 1))) * RATE  # deg/s
        assert 3 < np.sqrt(np.mean(speed ** 2)) < np.degrees(train.HANDLING_RADS[1]) * 1.2
        assert np.degrees(np.arccos(np.clip(up[:, 2], -1, 1))).max() > 10  # gravity really moves


def test_handled_windows_keep_their_targets():
    n = 1000
    item = {"acc": np.tile([0.0, 0.0, G], (n, 1)), "y": np.linspace(0.0, 1.0, n, dtype=np.float32)}
    for seed in range(5):  # one window each: handling draws after the window's place is drawn
        x_plain, plain = train.crops([item], 1, np.random.default_rng(seed), train.Augment(0.0, 0.0, 0.0, 0.0))
        x_handled, handled = train.crops([item], 1, np.random.default_rng(seed), train.Augment(0.0, 0.0, 1.0, 0.0))
        np.testing.assert_allclose(handled, plain)
        assert np.abs(x_handled - x_plain).max() > 0.01  # the signal was turned


# --- the foot-switch truth's cleaning (datasets.clean_truth) ---------------------------

def _contacts(pattern):
    """(times, feet, held) from (time, foot, switch samples held) triples."""
    t, f, h = (np.array(x) for x in zip(*pattern))
    return t.astype(float), f.astype(int), h.astype(int)


def _walk(n=12, interval=0.5, start=1.0):
    return [(start + k * interval, 1 + k % 2, 4) for k in range(n)]


def test_cleaning_keeps_a_clean_walk_as_it_is():
    from models.step_detector.datasets import clean_truth
    t, f, h = _contacts(_walk())
    np.testing.assert_allclose(clean_truth(t, f, h), t)


def test_a_foot_landing_twice_within_a_step_mid_walk_is_one_contact_the_longer_held():
    from models.step_detector.datasets import clean_truth
    walk = _walk()
    # foot 1 at 3.0 (held 2) lands again 0.3 s later (held 5) before foot 2: a bounce
    walk.insert(5, (3.3, 1, 5))
    walk[4] = (3.0, 1, 2)
    walk[6:] = [(x + 0.3, foot, held) for x, foot, held in walk[6:]]
    t, f, h = _contacts(walk)
    clean = clean_truth(t, f, h)
    assert len(clean) == len(t) - 1 and 3.3 in clean and 3.0 not in clean
    # on a tie the first is kept
    h2 = h.copy(); h2[4] = h2[5] = 3
    clean = clean_truth(t, f, h2)
    assert 3.0 in clean and 3.3 not in clean


def test_a_foot_shuffling_into_place_at_the_end_of_a_walk_is_kept():
    from models.step_detector.datasets import clean_truth
    walk = _walk()
    last_t, last_foot, _ = walk[-1]
    walk.append((last_t + 0.35, last_foot, 12))        # the same foot again as the walk stops
    t, f, h = _contacts(walk)
    np.testing.assert_allclose(clean_truth(t, f, h), t)


def test_a_contact_the_other_switch_missed_is_filled_halfway():
    from models.step_detector.datasets import clean_truth
    walk = _walk()
    del walk[6]                                        # foot 1 twice in a row, a stride apart
    t, f, h = _contacts(walk)
    clean = clean_truth(t, f, h)
    assert len(clean) == len(t) + 1 and np.isclose(clean, 1.0 + 6 * 0.5).any()


def test_a_shuffle_before_a_pause_is_kept_even_when_another_walk_follows():
    from models.step_detector.datasets import clean_truth
    walk = _walk()
    last_t, last_foot, _ = walk[-1]
    walk.append((last_t + 0.35, last_foot, 12))        # the same foot shuffles as the walk stops
    walk += _walk(start=last_t + 6.0)                  # a pause, then the next walk
    t, f, h = _contacts(walk)
    np.testing.assert_allclose(clean_truth(t, f, h), t)


# --- how far the official truth is from the steps taken (truth_noise) ------------------

def _labelled(name, person, official, cleaned):
    from types import SimpleNamespace
    return SimpleNamespace(name=name, person=person, truth_s=np.asarray(official, float), clean_s=np.asarray(cleaned, float))


def test_the_label_floor_is_the_cleaned_truth_scored_against_the_official_per_person_then_averaged():
    from models.step_detector.truth_noise import floor
    walk = 1.0 + 0.5 * np.arange(100)
    bounced = np.sort(np.r_[walk, walk[[20, 60]] + 0.12])        # two contacts recorded twice
    recs = [_labelled("a1", "A", bounced, walk),                  # 102 official, 100 cleaned
            _labelled("a2", "A", walk, walk),
            _labelled("b1", "B", walk, walk)]
    f = floor(recs)
    a = f["persons"]["A"]
    assert a["recordings"] == 2 and a["changed"] == 1
    assert a["mape_pct"] == pytest.approx((100 * 2 / 102 + 0) / 2)
    assert a["f1_mean"] == pytest.approx((2 * 100 / 202 + 1) / 2)
    assert f["persons"]["B"]["mape_pct"] == 0 and f["persons"]["B"]["f1_mean"] == 1
    assert f["mean_of_persons"]["mape_pct"] == pytest.approx(a["mape_pct"] / 2)
    assert f["mean_of_recordings"]["mape_pct"] == pytest.approx(100 * 2 / 102 / 3)


def test_agreement_says_which_truth_a_count_is_nearer_and_skips_recordings_whose_truths_agree():
    from models.step_detector.truth_noise import agreement
    walk = 1.0 + 0.5 * np.arange(100)
    recs = [_labelled("bounced", "A", np.r_[walk, 60.0, 61.0], walk),   # 102 official, 100 cleaned
            _labelled("filled", "B", walk[:-4], walk[:-1]),             # 96 official, 99 cleaned
            _labelled("even", "B", walk, np.r_[walk[:-1], 60.0]),       # 100 and 100: skipped
            _labelled("unseen", "C", walk, walk[:-1])]                  # no count given: skipped
    a = agreement(recs, {"bounced": 100, "filled": 97, "even": 90})
    assert [(r["name"], r["nearer"]) for r in a["recordings"]] == [("bounced", "cleaned"), ("filled", "official")]
    assert (a["cleaned"], a["official"], a["tie"]) == (1, 1, 0)
    assert a["recordings"][0]["error_vs_official_pct"] == pytest.approx(100 * 2 / 102, abs=1e-3)
    assert agreement([recs[0]], {"bounced": 101})["tie"] == 1


def test_dumped_counts_pick_the_steps_of_each_held_out_recording(tmp_path):
    from models.step_detector import MODEL_RATE_HZ
    from models.step_detector.truth_noise import dumped_counts, main
    n = int(30 * MODEL_RATE_HZ)
    t = np.arange(n) / MODEL_RATE_HZ
    walking = np.zeros(n, np.float32)
    for step in np.arange(5.0, 25.0, 0.5):                   # 40 steps, 120 a minute
        walking += np.exp(-0.5 * ((t - step) / 0.06) ** 2).astype(np.float32)
    np.savez(tmp_path / "A.npz", **{"0/name": np.array("walk"), "0/prob": walking,
                                    "1/name": np.array("still"), "1/prob": np.zeros(n, np.float32)})
    assert dumped_counts(tmp_path, 0.4) == {"walk": 40, "still": 0}
    assert main(["--dump", str(tmp_path / "nothing")]) == 2


def test_rate_check_sub_samples_at_the_rate_asked_and_irregularly_within_its_gaps():
    from core.sensors.recording import Recording
    from models.step_detector.rate_check import irregular, subsample
    t = np.arange(0, 60.0, 1 / 200.0)                               # a 200 Hz phone, one minute
    rec = Recording(t, np.column_stack([t, -t, 2 * t]), None, 200.0, "test")
    low = subsample(rec, 20.0)
    assert low.sample_rate_hz == 20.0 and len(low.t) == pytest.approx(60 * 20, abs=1)
    assert np.diff(low.t) == pytest.approx(0.05, abs=0.0051) and np.array_equal(low.acc[:, 0], low.t)  # samples kept, not filtered
    jittery = irregular(rec, np.random.default_rng(0))
    gaps = np.diff(jittery.t)
    assert gaps.min() >= 0.03 - 0.005 and gaps.max() <= 0.07 + 0.005 and gaps.std() > 0.005
    assert jittery.sample_rate_hz == pytest.approx(20.0) and len(jittery.t) == pytest.approx(60 * 20, rel=0.05)


# --- simulated bike rides (train.cycling): windows with a rhythm and no steps -----------

def test_a_ride_has_gravity_a_pedalling_rhythm_and_no_steps():
    n = int(60 * RATE)
    rhythmic = 0
    for seed in range(20):
        a = train.cycling(n, np.random.default_rng(seed))
        assert a.shape == (n, 3) and np.isfinite(a).all()
        smooth = uniform_filter1d(a, size=int(0.5 * RATE), axis=0)  # the road's vibration averaged out
        assert np.median(np.linalg.norm(smooth, axis=1)) == pytest.approx(G, rel=0.1)
        dyn = np.linalg.norm(a - a.mean(axis=0), axis=1)
        spec = np.abs(np.fft.rfft(a - a.mean(axis=0), axis=0)).sum(axis=1)
        freqs = np.fft.rfftfreq(n, 1 / RATE)
        band = (freqs >= train.CYCLING_RPM[0] / 60 * 0.8) & (freqs <= 2 * train.CYCLING_RPM[1] / 60 * 1.2)
        rhythmic += spec[band].max() > 4 * np.median(spec[freqs > 0.3])  # pedalling stands out of the road
        assert dyn.max() < 4 * G  # bumps, not crashes
    assert rhythmic >= 10  # the pocket and body rides (about 5 in 6) carry the cadence; the handlebar, the road only


def test_ride_windows_are_taught_as_no_steps():
    n = 1000
    item = {"acc": np.tile([0.0, 0.0, G], (n, 1)), "y": np.ones(n, dtype=np.float32)}  # steps everywhere
    x, y = train.crops([item], 40, np.random.default_rng(0), train.Augment(0.0, 0.0, 0.0, cycling_share=1.0))
    assert np.isfinite(x).all() and not y.any()
    x, y = train.crops([item], 40, np.random.default_rng(0), train.Augment(0.0, 0.0, 0.0, cycling_share=0.0))
    assert y.min() == 1.0
