"""Accelerometer -> network input, rotation-free so the phone may sit any way up.

Channels, from acc resampled at MODEL_RATE_HZ in m/s^2:
0. |acc| minus the local gravity size, 1. dynamic acceleration along gravity (vertical),
2. size of the dynamic acceleration across gravity (horizontal): in g, clipped to +-4 g;
3-5. the same divided by their 4-s running RMS (floored at 0.05 g), so a soft step in a
hand and a hard one in a pocket look alike, while 0-2 keep the absolute size that tells
standing still from walking.
Gravity is the 1-s moving average of the acceleration vector.
"""
import numpy as np
from scipy.ndimage import uniform_filter1d

from models.step_detector import MODEL_RATE_HZ

G = 9.80665
N_CHANNELS = 6
RMS_WINDOW_S = 4.0
RMS_FLOOR_G = 0.05


def gravity(acc: np.ndarray, rate_hz: float = MODEL_RATE_HZ) -> np.ndarray:
    """The local gravity vector of (n, 3) acceleration at `rate_hz`: its 1-s moving average."""
    return uniform_filter1d(acc, size=max(3, int(round(rate_hz))), axis=0, mode="nearest")


def model_input(acc: np.ndarray, rate_hz: float = MODEL_RATE_HZ) -> np.ndarray:
    """(n, N_CHANNELS) float32 network input from (n, 3) acceleration in m/s^2 at `rate_hz`."""
    acc = np.asarray(acc, dtype=np.float64)
    grav = gravity(acc, rate_hz)
    gnorm = np.sqrt(np.einsum("ij,ij->i", grav, grav))
    ghat = grav / np.maximum(gnorm, 1e-6)[:, None]
    dyn = acc - grav
    vert = np.einsum("ij,ij->i", dyn, ghat)
    horiz = np.sqrt(np.maximum(np.einsum("ij,ij->i", dyn, dyn) - vert ** 2, 0.0))
    mag = np.sqrt(np.einsum("ij,ij->i", acc, acc)) - gnorm
    x = np.clip(np.stack([mag, vert, horiz], axis=1) / G, -4.0, 4.0)
    power = uniform_filter1d((x ** 2).sum(axis=1) / 3, size=max(3, int(round(RMS_WINDOW_S * rate_hz))), mode="nearest")
    norm = x / np.maximum(np.sqrt(power), RMS_FLOOR_G)[:, None]
    return np.concatenate([x, np.clip(norm, -8.0, 8.0)], axis=1).astype(np.float32)
