"""Causal, one-sample-at-a-time smoothing for the rep counter (live and offline alike).

A short running median removes single-frame pose glitches (a limb flipping for a frame);
a One Euro filter (Casiez et al., CHI 2012) then smooths jitter at rest while following
fast movement: its cutoff rises with the signal's speed.
"""
from __future__ import annotations

import math
from collections import deque


class RunningMedian:
    def __init__(self, size: int = 5):
        self.buf: deque = deque(maxlen=max(1, size))

    def __call__(self, x: float) -> float:
        self.buf.append(x)
        s = sorted(self.buf)
        return s[len(s) // 2]

    def reset(self) -> None:
        self.buf.clear()


class OneEuro:
    """min_cutoff in Hz; beta in Hz per (signal unit / s); d_cutoff in Hz. Time t in seconds."""

    def __init__(self, min_cutoff: float = 1.5, beta: float = 0.5, d_cutoff: float = 1.0):
        self.min_cutoff, self.beta, self.d_cutoff = min_cutoff, beta, d_cutoff
        self.reset()

    def reset(self) -> None:
        self.t_prev = None
        self.x_prev = 0.0
        self.dx_prev = 0.0

    @staticmethod
    def _alpha(dt: float, cutoff: float) -> float:
        tau = 1.0 / (2 * math.pi * cutoff)
        return 1.0 / (1.0 + tau / dt)

    def __call__(self, t: float, x: float) -> float:
        if self.t_prev is None or t <= self.t_prev:
            self.t_prev, self.x_prev, self.dx_prev = t, x, 0.0
            return x
        dt = t - self.t_prev
        dx = (x - self.x_prev) / dt
        a_d = self._alpha(dt, self.d_cutoff)
        dx_hat = a_d * dx + (1 - a_d) * self.dx_prev
        cutoff = self.min_cutoff + self.beta * abs(dx_hat)
        a = self._alpha(dt, cutoff)
        x_hat = a * x + (1 - a) * self.x_prev
        self.t_prev, self.x_prev, self.dx_prev = t, x_hat, dx_hat
        return x_hat


class Smoother:
    """Median of the last `median` samples, then One Euro. NaN in -> NaN out (state kept)."""

    def __init__(self, median: int = 5, min_cutoff: float = 1.5, beta: float = 0.5):
        self.med = RunningMedian(median)
        self.euro = OneEuro(min_cutoff, beta)

    def __call__(self, t: float, x: float) -> float:
        if x != x:  # NaN
            return x
        return self.euro(t, self.med(x))

    def reset(self) -> None:
        self.med.reset()
        self.euro.reset()
