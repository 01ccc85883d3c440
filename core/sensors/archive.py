"""Zip exports: phone apps export a recording as a zip of one CSV per sensor.

The accelerometer's CSV is picked from it:
- Sensor Logger (the zip is its recommended export): `Accelerometer.csv` is the
  acceleration *without* gravity, on iOS and Android alike; Android's zips add
  `TotalAcceleration.csv`, which is read as it is, and iOS's hold `Gravity.csv`, which is
  added back to the accelerometer's samples (interpolated onto their times);
- phyphox: one `Raw Data.csv` beside a `meta/` folder, or one CSV per sensor
  (`Accelerometer.csv`; `Linear Acceleration.csv` has no gravity and is not taken);
- any zip holding a single CSV.
Otherwise the zip is refused, naming the CSVs it holds.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePosixPath
from typing import BinaryIO

import numpy as np
import pandas as pd

from core.errors import UserError
from core.sensors import columns as colmap
from core.sensors.streams import UNPACKED_FACTOR, Rewindable

ZIP_MAGIC = b"PK\x03\x04"
_DATA = re.compile(r"\.(csv|txt|tsv|dat)$", re.IGNORECASE)
_NOT_ACC = re.compile(r"uncal|linear|user|gravity|gyro|magnet|orient", re.IGNORECASE)


def _stem(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", PurePosixPath(name).stem).lower()


def _data_members(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The zip's data files: no folders, no macOS resource forks, nothing under meta/."""
    return [i for i in zf.infolist() if not i.is_dir() and _DATA.search(i.filename)
            and not i.filename.startswith("__MACOSX/") and not PurePosixPath(i.filename).name.startswith("._")
            and "meta" not in [p.lower() for p in PurePosixPath(i.filename).parts[:-1]]]


class _Member(Rewindable):
    """One member of a zip as a rewindable stream; closing it closes the zip and its file."""

    def __init__(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo, raw: BinaryIO):
        super().__init__(zf.open(info))
        self._zf, self._info, self._raw = zf, info, raw

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if (offset, whence) != (0, io.SEEK_SET):
            raise io.UnsupportedOperation("only a rewind to the start")
        self._inner.close()
        self._inner = self._zf.open(self._info)
        return 0

    def readinto(self, buffer) -> int:
        return self._inner.readinto(buffer)

    def close(self) -> None:
        super().close()
        self._zf.close()
        self._raw.close()


def open_recording(raw: BinaryIO, name: str, limit_mb: int | None) -> tuple[BinaryIO, str]:
    """(a binary stream of the accelerometer's CSV in the zip `raw`, a note for the user on
    what was read). Raises UserError for a zip without one clear accelerometer CSV."""
    try:
        zf = zipfile.ZipFile(raw)
    except (zipfile.BadZipFile, OSError) as e:
        raw.close()
        raise UserError(f"{name} looks like a zip archive but cannot be opened ({e}).",
                        "export the recording again, or upload its CSV on its own")
    try:
        names = set(zf.namelist())
        if "xl/workbook.xml" in names or "content.xml" in names:  # .xlsx and .ods are zips too
            kind = "an Excel workbook (.xlsx)" if "xl/workbook.xml" in names else "a spreadsheet (.ods)"
            raise UserError(f"{name} is {kind}, not a CSV file.", "save the sheet as CSV in the spreadsheet "
                            "program and upload that")
        members = _data_members(zf)
        cap = UNPACKED_FACTOR * limit_mb * 1024 * 1024 if limit_mb else None
        for info in members:
            if cap and info.file_size > cap:
                raise UserError(f"{info.filename} in {name} unpacks to {info.file_size / 1024 / 1024:.0f} MB, more "
                                f"than {UNPACKED_FACTOR} x the upload limit of {limit_mb} MB.",
                                "split the recording into shorter files")
        by_stem = {_stem(i.filename): i for i in members}
        if "totalacceleration" in by_stem:
            info = by_stem["totalacceleration"]
            return _Member(zf, info, raw), f"Read {info.filename} from the zip (the acceleration with gravity)."
        if "accelerometer" in by_stem and "gravity" in by_stem:
            acc, grav = by_stem["accelerometer"], by_stem["gravity"]
            stream = io.BytesIO(_with_gravity(zf, acc, grav))
            zf.close()
            raw.close()
            return stream, (f"Read {acc.filename} from the zip and added {grav.filename} to it: Sensor Logger's "
                            "accelerometer file holds the acceleration without gravity.")
        accs = [i for i in members if "acc" in _stem(i.filename) and not _NOT_ACC.search(_stem(i.filename))]
        if len(accs) == 1 or len(members) == 1:
            info = accs[0] if len(accs) == 1 else members[0]
            note = f"Read {info.filename} from the zip." if len(members) > 1 else None
            return _Member(zf, info, raw), note
        if not members:
            raise UserError(f"{name} is a zip archive without a CSV or text data file in it.",
                            "upload the recording's CSV export")
        listed = ", ".join(i.filename for i in members[:8]) + (", ..." if len(members) > 8 else "")
        raise UserError(f"{name} is a zip holding {len(members)} data files ({listed}); none of them is "
                        "clearly the accelerometer's.", "upload the accelerometer's CSV on its own")
    except BaseException:
        zf.close()
        raw.close()
        raise


def _table(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """(the time column as in the file, its values as numbers, x/y/z (n, 3)) of a member."""
    with zf.open(info) as fh:
        df = pd.read_csv(fh)
    use = colmap.map_columns([str(c) for c in df.columns])
    if "time" not in use:
        raise UserError(f"{info.filename} has no time column.", "upload the accelerometer's CSV on its own")
    t = pd.to_numeric(df[use["time"]], errors="coerce").to_numpy(np.float64)
    xyz = df[[use["acc_x"], use["acc_y"], use["acc_z"]]].apply(pd.to_numeric, errors="coerce").to_numpy(np.float64)
    return df[use["time"]], t, xyz


def _with_gravity(zf: zipfile.ZipFile, acc_info: zipfile.ZipInfo, grav_info: zipfile.ZipInfo) -> bytes:
    """A CSV of the accelerometer's samples with gravity held apart beside them (gravity
    interpolated onto the accelerometer's times), which the reader adds up."""
    stamps, t, acc = _table(zf, acc_info)
    _, tg, grav = _table(zf, grav_info)
    ok = np.isfinite(tg) & np.isfinite(grav).all(axis=1)
    if ok.sum() < 2:
        raise UserError(f"{grav_info.filename} holds no gravity readings.", "upload the accelerometer's CSV on its own")
    order = np.argsort(tg[ok], kind="stable")
    tg, grav = tg[ok][order], grav[ok][order]
    g = np.column_stack([np.interp(t, tg, grav[:, k]) for k in range(3)])
    out = pd.DataFrame({stamps.name: stamps, "user_acc_x": acc[:, 0], "user_acc_y": acc[:, 1], "user_acc_z": acc[:, 2],
                        "gravity_x": g[:, 0], "gravity_y": g[:, 1], "gravity_z": g[:, 2]})
    return out.to_csv(index=False, float_format="%.9g").encode()
