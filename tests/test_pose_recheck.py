"""The tracker made to look again (core/pose/rechecked.py), with stand-in estimators: a
confident wrong skeleton is dropped at the next check, a picture cut resets the tracker,
and a tracker that agrees with the still-image model is left alone."""
import numpy as np

from core.pose.estimator import PoseFrame
from core.pose.rechecked import CHECK_EVERY_S, RecheckedTracker


def _skeleton(x: float, visibility: float = 0.95) -> PoseFrame:
    lm = np.zeros((33, 4), np.float32)
    lm[:, 0], lm[:, 1], lm[:, 3] = x + np.linspace(-0.05, 0.05, 33), np.linspace(0.1, 0.9, 33), visibility
    return PoseFrame(lm, np.zeros((33, 3), np.float32))


class StuckTracker:
    """Follows a phantom at x=0.2 until reset, then the person at x=0.6."""
    name = "stuck"

    def __init__(self):
        self.locked, self.resets, self.calls = True, 0, 0

    def process(self, rgb, t):
        self.calls += 1
        return _skeleton(0.2 if self.locked else 0.6)

    def reset(self):
        self.locked = False
        self.resets += 1

    def close(self):
        pass


class Still:
    name = "still"

    def __init__(self, x=0.6, visibility=0.95):
        self.x, self.visibility, self.calls = x, visibility, 0

    def process(self, rgb, t):
        self.calls += 1
        if rgb.shape != GREY.shape:
            return None  # shown only the tracked skeleton's box: nobody there (a phantom)
        return _skeleton(self.x, self.visibility)


GREY = np.full((72, 128, 3), 120, np.uint8)


def test_a_confident_wrong_skeleton_is_dropped_at_the_first_check():
    tracker, still = StuckTracker(), Still()
    est = RecheckedTracker(tracker, still)
    est.reset()
    tracker.locked = True  # the phantom, as if it was fitted to a title card
    out = [est.process(GREY, i / 30) for i in range(90)]
    assert out[0].landmarks[16, 0] == np.float32(0.6)  # the first frame is checked and redone
    assert all(o.landmarks[16, 0] == np.float32(0.6) for o in out)
    assert est.resets == [(0.0, "recheck")]
    assert still.calls == int(3.0 / CHECK_EVERY_S) + 1  # about once a second (+ the phantom's box once)


def test_no_reset_when_the_still_model_agrees_or_is_unsure():
    for still in (Still(x=0.2), Still(x=0.6, visibility=0.3)):
        tracker = StuckTracker()
        est = RecheckedTracker(tracker, still)
        est.reset()
        tracker.locked, tracker.resets = True, 0
        out = [est.process(GREY, i / 30) for i in range(60)]
        assert tracker.resets == 0 and est.resets == [] and out[-1].landmarks[16, 0] == np.float32(0.2)


def test_a_picture_cut_resets_the_tracker():
    tracker = StuckTracker()
    tracker.reset = lambda: setattr(tracker, "resets", tracker.resets + 1)  # finds the same person again
    est = RecheckedTracker(tracker, Still(x=0.2))  # agrees: only the cut can reset
    est.reset()
    tracker.resets = 0
    est.process(GREY, 0.0)
    est.process(GREY, 1 / 30)
    white = np.full_like(GREY, 250)
    est.process(white, 2 / 30)
    assert est.resets == [(2 / 30, "cut")] and tracker.resets == 1
    noisy = np.clip(white.astype(int) + np.random.default_rng(0).integers(-20, 20, white.shape), 0, 255).astype(np.uint8)
    est.process(noisy, 3 / 30)  # sensor noise and motion are not a cut
    assert len(est.resets) == 1


class TwoPeople:
    """Still-image model on a frame with two people: on the whole frame it finds the other
    one (x=0.6); shown only the tracked person's box, it finds the tracked person there."""
    name = "still"

    def __init__(self, tracked: PoseFrame):
        self.tracked = tracked

    def process(self, rgb, t):
        if rgb.shape == GREY.shape:
            return _skeleton(0.6)
        h, w = GREY.shape[:2]
        x0, x1 = self.box  # pixel columns of the crop the wrapper made
        lm = self.tracked.landmarks.copy()
        lm[:, 0] = (lm[:, 0] * w - x0) / (x1 - x0)
        lm[:, 1] = (lm[:, 1] * h - self.rows[0]) / (self.rows[1] - self.rows[0])
        return PoseFrame(lm, self.tracked.world)


def test_with_two_people_the_tracked_one_is_kept_when_it_is_really_there():
    from core.pose.subject import body_box
    tracker = StuckTracker()
    tracked = _skeleton(0.2)
    still = TwoPeople(tracked)
    box = body_box(tracked.landmarks, margin=0.25)
    h, w = GREY.shape[:2]
    still.box = (max(0, int(box[0] * w)), min(w, int(np.ceil(box[2] * w))))
    still.rows = (max(0, int(box[1] * h)), min(h, int(np.ceil(box[3] * h))))
    est = RecheckedTracker(tracker, still)
    est.reset()
    tracker.locked, tracker.resets = True, 0
    out = [est.process(GREY, i / 30) for i in range(60)]
    assert est.resets == [] and out[-1].landmarks[16, 0] == np.float32(0.2)


def test_left_and_right_swapped_is_the_same_skeleton():
    from core.pose.rechecked import apart
    a = _skeleton(0.5).landmarks
    a[11:29:2, 0] -= 0.2  # left side of a wide pose (arms out)
    a[12:29:2, 0] += 0.2
    b = a.copy()
    b[11:29:2], b[12:29:2] = a[12:29:2], a[11:29:2]
    assert apart(a, b) < 1e-6


def test_a_flickering_picture_resets_at_most_twice_a_second():
    tracker, still = StuckTracker(), Still(x=0.2)
    tracker.reset = lambda: setattr(tracker, "resets", tracker.resets + 1)
    est = RecheckedTracker(tracker, still)
    est.reset()
    tracker.resets = 0
    dark, light = np.full_like(GREY, 10), np.full_like(GREY, 240)
    for i in range(60):  # two seconds of a strobe: every frame a "cut"
        est.process(dark if i % 2 else light, i / 30)
    assert tracker.resets <= 4 and still.calls <= 6
