"""Zip exports: phone apps export a recording as a zip of one CSV per sensor.

The accelerometer's CSV is picked from it:
- Sensor Logger (the zip is its recommended export): `Accelerometer.csv` is the
  acceleration *without* gravity, on iOS and Android alike; Android's zips add
  `TotalAcceleration.csv`, which is read as it is, and iOS's hold `Gravity.csv`, which the
  reader adds back to the accelerometer's samples (interpolated onto their time stamps);
- phyphox: one `Raw Data.csv` beside a `meta/` folder, or one CSV per sensor
  (`Accelerometer.csv`; `Linear Acceleration.csv` has no gravity and is not taken);
- any zip holding a single CSV.
Otherwise the zip is refused, naming the CSVs it holds.
"""
from __future__ import annotations

import re
import zipfile
import zlib
from collections import Counter
from pathlib import PurePosixPath
from typing import BinaryIO

from core.errors import UserError
from core.sensors.picked import Gravity, Picked, read_gravity
from core.sensors.streams import UNPACKED_FACTOR, Rewindable

ZIP_MAGIC = b"PK\x03\x04"
_DATA = re.compile(r"\.(csv|txt|tsv|dat|json)$", re.IGNORECASE)
_NOT_ACC = re.compile(r"uncal|linear|user|gravity|gyro|magnet|orient", re.IGNORECASE)
_SENSOR_LOGGER = {"totalacceleration", "accelerometer", "gravity"}  # its files' names, lower case, no spaces
# what a damaged, encrypted or oddly packed member raises while it is unpacked
_UNPACK_ERRORS = (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError, OSError)


def _unpack_error(what: str, e: Exception) -> UserError:
    """`what` ("rec.csv in the zip", "The upload") cannot be unpacked, saying why."""
    why = "it is password protected" if "encrypted" in str(e) else str(e)
    return UserError(f"{what} cannot be unpacked ({why}).", "export the recording again, or unzip it and upload the CSV")


def _stem(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", PurePosixPath(name).stem).lower()


def _data_members(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The zip's data files: no folders, no macOS resource forks, nothing under meta/."""
    return [i for i in zf.infolist() if not i.is_dir() and _DATA.search(i.filename)
            and not i.filename.startswith("__MACOSX/") and not PurePosixPath(i.filename).name.startswith("._")
            and "meta" not in [p.lower() for p in PurePosixPath(i.filename).parts[:-1]]]


class _Member(Rewindable):
    """One member of a zip as a rewindable stream (a member of a seekable zip seeks back to its
    start); damage found while unpacking is a UserError; closing it closes the zip and its file."""

    def __init__(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo, raw: BinaryIO):
        super().__init__(zf.open(info))
        self._zf, self._info, self._raw = zf, info, raw

    def readinto(self, buffer) -> int:
        try:
            return self._inner.readinto(buffer)
        except _UNPACK_ERRORS as e:
            raise _unpack_error(f"{self._info.filename} in the zip", e) from e

    def close(self) -> None:
        super().close()
        self._zf.close()
        self._raw.close()


def open_recording(raw: BinaryIO, name: str, limit_mb: int | None) -> tuple[BinaryIO, Picked]:
    """(a binary stream of the accelerometer's CSV in the zip `raw`, what else was read).
    Raises UserError for a zip without one clear accelerometer CSV."""
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
        if {"log.bin", "activity.bin"} & names and "info.txt" in names:  # ActiGraph's binary recording
            raise UserError(f"{name} is an ActiGraph .gt3x recording (binary), not a CSV export.",
                            "export it as CSV from ActiLife (raw data, with a time stamp column) and upload that")
        members = _data_members(zf)
        cap = UNPACKED_FACTOR * limit_mb * 1024 * 1024 if limit_mb else None
        for info in members:
            if cap and info.file_size > cap:
                raise UserError(f"{info.filename} in {name} unpacks to {info.file_size / 1024 / 1024:.0f} MB, more "
                                f"than {UNPACKED_FACTOR} x the upload limit of {limit_mb} MB.",
                                "split the recording into shorter files")
        by_stem = {_stem(i.filename): i for i in members}
        stems = Counter(_stem(i.filename) for i in members)
        repeated = sorted({str(PurePosixPath(i.filename).parent) for i in members  # one folder per recording
                           if _stem(i.filename) in _SENSOR_LOGGER and stems[_stem(i.filename)] > 1})
        if repeated:
            raise UserError(f"{name} holds several recordings ({', '.join(f + '/' for f in repeated[:6])}).",
                            "upload each recording's zip on its own")
        if "totalacceleration" in by_stem:
            info = by_stem["totalacceleration"]
            return _Member(zf, info, raw), Picked(f"{info.filename} from the zip", f"Read {info.filename} from the zip (the "
                                                  "acceleration with gravity).", None)
        acc, grav = by_stem.get("accelerometer"), by_stem.get("gravity")
        if acc and grav and PurePosixPath(acc.filename).parent == PurePosixPath(grav.filename).parent:
            return _Member(zf, acc, raw), Picked(
                f"{acc.filename} from the zip", f"Read {acc.filename} from the zip and added {grav.filename} to it: Sensor Logger's accelerometer "
                "file holds the acceleration without gravity.", _gravity(zf, grav))
        accs = [i for i in members if "acc" in _stem(i.filename) and not _NOT_ACC.search(_stem(i.filename))]
        if len(accs) == 1 or len(members) == 1:
            info = accs[0] if len(accs) == 1 else members[0]
            note = f"Read {info.filename} from the zip." if len(members) > 1 else None
            return _Member(zf, info, raw), Picked(f"{info.filename} from the zip", note, None)
        if not members:
            packed = [n for n in names if n.lower().endswith(".gz")]
            raise UserError(f"{name} is a zip archive without a CSV or text data file in it"
                            + (f" (it holds {packed[0]}: a packed file inside a zip is not unpacked)." if packed else "."),
                            "upload the recording's CSV (or .csv.gz) on its own")
        listed = ", ".join(i.filename for i in members[:8]) + (", ..." if len(members) > 8 else "")
        raise UserError(f"{name} is a zip holding {len(members)} data files ({listed}); none of them is "
                        "clearly the accelerometer's.", "upload the accelerometer's CSV on its own")
    except BaseException as e:
        zf.close()
        raw.close()
        if isinstance(e, _UNPACK_ERRORS) and not isinstance(e, UserError):
            raise _unpack_error(name, e) from e
        raise


def _gravity(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Gravity:
    """The gravity file's readings, in time order (picked.read_gravity)."""
    try:
        with zf.open(info) as fh:
            return read_gravity(fh, info.filename, f"{info.filename} in the zip")
    except _UNPACK_ERRORS as e:
        raise _unpack_error(f"{info.filename} in the zip", e) from e
