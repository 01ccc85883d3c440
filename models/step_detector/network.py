"""The network: fully convolutional, so it takes a window or a whole hour alike.

A 1x1-free stem, then residual blocks of dilated 'same' convolutions (receptive field
~5 s at 25 Hz: a few steps either side, enough to know a rhythm from a bump), then a
per-sample sigmoid: the probability that a foot contacts the ground at that sample.
"""
import keras
from keras import layers

from models.step_detector.features import N_CHANNELS


def build(width: int = 32, kernel: int = 5, dilations: tuple[int, ...] = (1, 2, 4, 8, 16),
          name: str = "step_detector") -> keras.Model:
    inp = keras.Input(shape=(None, N_CHANNELS), name="signal")
    x = layers.Conv1D(width, kernel, padding="same", activation="relu", name=f"{name}_stem")(inp)
    for d in dilations:
        y = layers.Conv1D(width, kernel, padding="same", dilation_rate=d, activation="relu", name=f"{name}_dil{d}")(x)
        y = layers.Conv1D(width, 1, name=f"{name}_mix{d}")(y)
        x = layers.Activation("relu", name=f"{name}_res{d}")(layers.Add(name=f"{name}_add{d}")([x, y]))
    out = layers.Conv1D(1, 1, activation="sigmoid", name=f"{name}_step_prob")(x)
    return keras.Model(inp, out, name=name)


def ensemble(members: list[keras.Model]) -> keras.Model:
    """One model averaging the members' probabilities (several seeds: steadier peaks)."""
    if len(members) == 1:
        return members[0]
    inp = keras.Input(shape=(None, N_CHANNELS), name="signal")
    out = layers.Average(name="mean_step_prob")([m(inp) for m in members])
    return keras.Model(inp, out, name="step_detector_ensemble")
