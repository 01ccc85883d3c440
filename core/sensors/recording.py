"""A recording read from a file: time in seconds from the first sample, SI units."""
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np


@dataclass
class Recording:
    """`t`: seconds from the first sample, ascending (float64, shape (n,)).
    `acc`: acceleration in m/s^2 including gravity, shape (n, 3).
    `gyro`: angular rate in rad/s, shape (n, 3), or None when the file has none.
    `sample_rate_hz`: estimated rate of the file as recorded (before any resampling).
    `units`: what the file was in, e.g. {"time": "ns", "acc": "m/s^2", "gyro": "rad/s"}.
    `warnings`: things fixed or flagged while reading, one sentence each.
    `rate_source`: where the rate came from: "time stamps", or for a file without them
    "given" (by the user), "header" (stated above the table) or "assumed".
    """
    t: np.ndarray
    acc: np.ndarray
    gyro: np.ndarray | None
    sample_rate_hz: float
    source_format: str
    units: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    started_at: datetime | None = None
    rate_source: str = "time stamps"

    @property
    def n_samples(self) -> int:
        return len(self.t)

    @property
    def duration_s(self) -> float:
        return float(self.t[-1] - self.t[0]) if len(self.t) else 0.0

    @property
    def rate_unconfirmed(self) -> bool:
        """No time stamps and nobody gave the rate: it was read from a header or assumed,
        and durations, cadence and the count all rest on it."""
        return self.rate_source in ("header", "assumed")

    @property
    def acc_magnitude(self) -> np.ndarray:
        return np.sqrt(np.einsum("ij,ij->i", self.acc, self.acc))
