"""What the reader took from an export of several sensors (a zip of CSVs, a JSON of records):
the accelerometer's readings, a note for the user, and gravity where the app logs it apart.

Sensor Logger's `Accelerometer` is the acceleration *without* gravity; on iOS the export
holds gravity as a sensor of its own, added back to the accelerometer's samples here
(interpolated onto their time stamps).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from core.errors import UserError
from core.sensors import columns as colmap
from core.sensors import validation
from core.sensors.sample_rate import estimate_rate

GRAVITY_HINT = "upload TotalAcceleration.csv, or the accelerometer's CSV with gravity, on its own"


class Gravity(NamedTuple):
    """Gravity logged apart from the acceleration, to be added back."""
    stamps: np.ndarray  # its time stamps, as numbers on the accelerometer's clock and in its unit
    xyz: np.ndarray     # (n, 3), in the accelerometer's unit
    name: str           # where it came from ("Gravity.csv", "the Gravity records")
    clocks: dict[str, np.ndarray] | None = None  # every column beside the axes, by name, in the same order

    def stamps_in(self, column: str | None) -> np.ndarray:
        """Its time stamps in the column named as the accelerometer's chosen time column (a
        user may choose seconds_elapsed over the ns clock), else its own time column."""
        return (self.clocks or {}).get(column, self.stamps) if column else self.stamps


class Picked(NamedTuple):
    member: str               # what was read ("Accelerometer.csv from the zip", "the JSON's Accelerometer records")
    note: str | None          # what was read from the export, for the user
    gravity: Gravity | None   # to add to the accelerometer's samples
    fmt: str = "zip"          # the Recording's source_format: "zip" or "json"


def with_gravity(acc: np.ndarray, stamps: np.ndarray, t: np.ndarray, picked: Picked,
                 time_column: str | None = None) -> tuple[np.ndarray, str]:
    """(the acceleration with the export's gravity added, the note to show) for accelerometer
    readings picked beside their gravity. `stamps`: their time stamps as in the file, in the
    column `time_column`; `t` in seconds. An accelerometer that carries gravity already
    (another app's) is left as it is."""
    rate = estimate_rate(np.sort(t))
    if not rate > 0 or validation.gravity_share(acc, rate) >= validation.MIN_GRAVITY_SHARE:
        return acc, (f"Read {picked.member}; it holds gravity already, so {picked.gravity.name} was not added to it.")
    try:
        at = np.asarray(stamps, dtype=np.float64)
    except (TypeError, ValueError):
        raise UserError("The accelerometer's time stamps are text, so the export's gravity cannot be matched to them.",
                        "export with numeric time stamps, or upload TotalAcceleration.csv")
    gs = picked.gravity.stamps_in(time_column)
    overlap = min(np.nanmax(at), gs[-1]) - max(np.nanmin(at), gs[0])
    if not overlap >= 0.5 * (np.nanmax(at) - np.nanmin(at)):  # interp would hold its first or last value
        raise UserError(f"The time stamps of {picked.gravity.name} do not cover the accelerometer's, so gravity "
                        "cannot be added to it.", GRAVITY_HINT)
    order = np.argsort(gs, kind="stable")
    g = np.column_stack([np.interp(at, gs[order], picked.gravity.xyz[order, k]) for k in range(3)])
    return acc + g, picked.note


def read_gravity(fh, name: str, where: str | None = None) -> Gravity:
    """Gravity readings from a CSV (a file-like), in time order. Sensor Logger writes them as its
    accelerometer's (`time, seconds_elapsed, z, y, x`); any other shape is refused, not mapped.
    `name` says what they are ("Gravity.csv"), `where` (default `name`) where, for messages."""
    where = where or name
    try:
        df = pd.read_csv(fh)
        use = colmap.map_columns([str(c) for c in df.columns])
    except (UserError, ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        raise UserError(f"{where} cannot be read as gravity readings ({getattr(e, 'message', e)}).", GRAVITY_HINT) from e
    if "time" not in use:
        raise UserError(f"{where} has no time column.", GRAVITY_HINT)
    t = pd.to_numeric(df[use["time"]], errors="coerce").to_numpy(np.float64)
    xyz = df[[use["acc_x"], use["acc_y"], use["acc_z"]]].apply(pd.to_numeric, errors="coerce").to_numpy(np.float64)
    ok = np.isfinite(t) & np.isfinite(xyz).all(axis=1)
    if ok.sum() < 2:
        raise UserError(f"{where} holds no gravity readings.", GRAVITY_HINT)
    order = np.argsort(t[ok], kind="stable")
    axes = {use["acc_x"], use["acc_y"], use["acc_z"]}
    clocks = {str(c): pd.to_numeric(df[c], errors="coerce").to_numpy(np.float64)[ok][order] for c in df.columns
              if c not in axes}
    return Gravity(t[ok][order], xyz[ok][order], name, clocks)
