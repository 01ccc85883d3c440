"""Read a sensor recording from CSV, .csv.gz or an app's zip or JSON export (archive.py,
json_records.py), whatever its shape, in chunks.

Shapes recognised without help:
- generic header: a time column (timestamp, time, timestamp_ns, t...) and acc_x/ax/x...,
  optional gyro_x/gx...; time in ns, us, ms, s or ISO text;
- Oxford step-counter export, no header: ns time stamp, an accuracy flag, x, y, z
  (also ns, x, y, z; and the Oxford app's validation export: ns, x, y, z and three running
  step counters, which are not read as a gyroscope);
- Xsens Awinda export: `Activity, AccelX_5, ..., GyroZ_5`, no time column (rate assumed);
- wearables' own exports: GENEActiv (preamble, then time, x, y, z, light, button,
  temperature), Axivity (no header, ISO time, x, y, z), Empatica E4 ACC.csv (a start time
  row, a rate row, then 1/64 g); Polar and Shimmer through their column names (columns.py);
- a header over several rows: a units row (`s, m/s^2, ...`) or the levels pandas writes for
  grouped columns (gaitmap's `sensor, left_sensor, ...` over `axis, acc_x, ...`), whose
  cells are joined per column (`left_sensor / acc_x`);
- several sensors, one row per reading, a column naming each row's sensor (GetSensorData's
  `ACCE;...`, `timestamp,sensor,x,y,z`): the accelerometer's rows (sensor_rows.py).
Anything else raises ColumnMappingNeeded so the user can say which column is which.
Memory: the numeric columns are parsed chunk by chunk into float64 arrays, so a file
needs a few times its size at most (measured in benchmarks/steps.py).
"""
import csv
import gzip
import io
import os
import re
import warnings
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, NamedTuple

import numpy as np
import pandas as pd

from core import config
from core.errors import UserError
from core.sensors import columns as colmap
from core.sensors import archive, json_records, sensor_rows, streams, units, validation
from core.sensors.picked import Picked, with_gravity
from core.sensors.recording import Recording
from core.sensors.sample_rate import estimate_rate

CHUNK_ROWS = 200_000
# Awinda exports carry no time column. 60 Hz is the Xsens Awinda rate for full-body set-ups
# (sensor suffixes like AccelX_5 point to one); at 60 Hz the shared exports' labelled steps
# give 80-100 steps/min, at 100 Hz an implausible 150. Override with rate_hz / --rate-hz.
AWINDA_RATE_HZ = 60.0
SNIFF_BYTES = 64 * 1024
SNIFF_LINES = 400  # the table must start within these (GENEActiv writes a 100-line preamble)


def _open_binary(source, limit_mb: int | None = None) -> tuple[BinaryIO, int, str, Picked | None]:
    """(binary stream of the CSV text, stored size in bytes, display name, what was picked
    from a zip or a JSON export, or None). A gzipped source's stream raises UserError once it has given
    streams.UNPACKED_FACTOR x `limit_mb` of (UTF-8) text; a zip's members are checked so."""
    in_memory = isinstance(source, (bytes, bytearray))
    if in_memory:
        size, name = len(source), "The upload"
    else:
        path = Path(source)
        if path.is_dir():
            raise IsADirectoryError(21, "is a directory", str(path))
        size, name = os.path.getsize(path), path.name
    if limit_mb:  # before anything is unpacked or parsed (a JSON export is read whole when opened)
        validation.check_size(size, limit_mb, name)
    raw = io.BytesIO(source) if in_memory else open(path, "rb")
    head = raw.read(4)
    raw.seek(0)
    zipped, picked = head == archive.ZIP_MAGIC, None
    if zipped:  # Sensor Logger's and phyphox's exports: the accelerometer's CSV in it
        raw, picked = archive.open_recording(raw, name, limit_mb)
        raw = io.BufferedReader(raw, SNIFF_BYTES)
        head = raw.read(2)
        raw.seek(0)
    packed = head[:2] == b"\x1f\x8b" and not zipped
    if packed:
        if isinstance(raw, io.BytesIO):
            raw = gzip.GzipFile(fileobj=raw)
        else:  # gzip.open closes the file it opens; GzipFile(fileobj=...) would leave it open
            raw.close()
            raw = gzip.open(path, "rb")
        head = raw.peek(2)[:2]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 (spreadsheets' "Unicode text"): read as UTF-8
        raw = io.BufferedReader(streams.Utf8From(raw, "utf-16"), SNIFF_BYTES)
    if packed and limit_mb:
        raw = io.BufferedReader(streams.Capped(raw, limit_mb, name), SNIFF_BYTES)
    if json_records.looks_like_json(_peek(raw, 256)):  # Sensor Logger's JSON export, also inside a zip
        raw, picked = json_records.open_recording(raw, picked.member if picked else name)
    return raw, size, name, picked


def _peek(raw: BinaryIO, n: int) -> bytes:
    """The stream's first `n` bytes, leaving it where it was (at its start); none when they
    cannot be read (a .csv.gz cut short: _sniff says so)."""
    try:
        if hasattr(raw, "peek"):
            return raw.peek(n)[:n]
        head = raw.read(n)
        raw.seek(0)
        return head
    except (OSError, EOFError):  # gzip.BadGzipFile is an OSError
        return b""


class Sniffed(NamedTuple):
    delim: str          # ",", ";", tab or r"\s+"
    decimal: str        # "." or ","
    rows: list[list[str]]  # the table's first rows split; numbers with a decimal comma given a point
    header_rows: int    # how many of them are header (0: none; 2 or 3: a units row or grouped columns)
    data_line: int      # lines above the first data row (preamble, "#" comments, header)
    preamble: list[str]  # the lines above the table, blank ones left out
    thousands: str | None = None  # the mark grouping digits in threes (1,024.5 or 1.024,5), if any
    terminator: str | None = None  # a mark ending each record besides the line end (WISDM's ";"), if any
    table_line: int = 0  # lines above the table's first row (header or data)
    note: str | None = None  # what was done to the file's rows, for the user (sensor_rows)
    picked: Picked | None = None  # gravity in rows of its own, to add (sensor_rows.later_sensors)

    @property
    def names(self) -> list[str]:
        """The column names: a header's rows joined per column (units.LEVEL_SEP between
        them), `column N` where a column has none."""
        width = max(len(r) for r in self.rows[:max(1, self.header_rows)])
        return [units.LEVEL_SEP.join(r[i] for r in self.rows[:self.header_rows] if i < len(r) and r[i])
                or f"column {i + 1}" for i in range(width)]


def _sniff(stream: BinaryIO) -> Sniffed:
    """How the CSV at the start of the stream is laid out."""
    try:
        text = stream.read(SNIFF_BYTES).decode("utf-8-sig", errors="replace")
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        raise UserError(f"The file cannot be read as CSV or .csv.gz ({e}).")
    numbered = [(i, ln) for i, ln in enumerate(re.split(r"\r\n|\r|\n", text)[:SNIFF_LINES])
                if ln.strip()]  # as pandas counts lines
    if len(text) == SNIFF_BYTES and len(numbered) > 1:
        numbered = numbered[:-1]  # the last line may be cut
    if not numbered:
        raise UserError("The file is empty.", "export the recording again")
    if "\x00" in text:
        raise UserError("This is not a text (CSV) file.", "upload a .csv or .csv.gz export")
    if text.lstrip().startswith("<?xml"):
        raise UserError("This is an XML file (an Apple Health export, say), not a CSV of accelerometer samples.",
                        "export the raw accelerometer samples as CSV from the device or app")
    if re.match(r"\s*(\[\s*)?\{\s*\"", text):
        raise UserError("This is a JSON file, not a CSV of accelerometer samples.",
                        "export the recording as CSV (Sensor Logger: its zip export) and upload that")
    start = _table_start([ln for _, ln in numbered])
    skip, lines = numbered[start][0], [ln for _, ln in numbered[start:]][:50]
    if _ends_records(lines[:20], ";"):
        return Sniffed(",", ".", [], 0, 0, [], None, ";")
    counts = {d: [ln.count(d) for ln in lines[:20]] for d in (",", ";", "\t")}
    # ";" or tab on every line wins over ",": with them, commas are decimal marks
    delim = max(counts, key=lambda d: (min(counts[d]) > 0, d != ",", min(counts[d])))
    if min(counts[delim]) == 0:
        delim = r"\s+" if len(lines[0].split()) > 1 else ","
    rows = [r for r in (csv.reader(lines, delimiter=delim) if delim != r"\s+" else (ln.split() for ln in lines))]
    rows = [[c.strip() for c in r] for r in rows]
    decimal, thousands = _number_marks(delim, rows)
    if thousands:
        grouped = _GROUPED[thousands]
        rows = [[c.replace(thousands, "") if grouped.match(c) else c for c in r] for r in rows]
    if decimal == ",":
        rows = [[c.replace(",", ".") if _DECIMAL_COMMA.match(c) else c for c in r] for r in rows]
    header = _header_rows(rows)
    data_line = numbered[start + header][0] if start + header < len(numbered) else numbered[-1][0] + 1
    return Sniffed(delim, decimal, rows, header, data_line, [ln for _, ln in numbered[:start]], thousands,
                   table_line=numbered[start][0])


def _ends_records(lines: list[str], mark: str) -> bool:
    """True when `mark` ends every line and, between records, splits it into records of the
    same number of commas (at least two): a record terminator (WISDM ends each with ";", and
    writes some records onto one line), not a column delimiter."""
    if not lines or not all(ln.rstrip().endswith(mark) for ln in lines):
        return False
    records = [rec for ln in lines for rec in ln.rstrip()[:-1].split(mark)]
    return len({rec.count(",") for rec in records}) == 1 and records[0].count(",") >= 2


def _sniff_stream(stream: BinaryIO) -> tuple[BinaryIO, Sniffed]:
    """(the stream to parse, how its table is laid out): a stream whose records end with a
    mark of their own is read with that mark made a line end; a file of several sensors, one
    row per reading, is read as the table of its accelerometer's rows."""
    sniffed = _sniff(stream)
    if sniffed.terminator:
        stream.seek(0)
        stream = io.BufferedReader(streams.Translated(stream, bytes.maketrans(sniffed.terminator.encode(), b"\n")),
                                   SNIFF_BYTES)
        sniffed = _sniff(stream)
    found = sensor_rows.find(sniffed.rows, sniffed.header_rows, sniffed.names, sniffed.preamble, sniffed.delim,
                             sniffed.table_line, sniffed.data_line)
    if found:
        found, picked = sensor_rows.later_sensors(stream, found, sniffed.delim)
        stream.seek(0)
        stream = io.BufferedReader(sensor_rows.RowsKept(stream, found, sniffed.delim), SNIFF_BYTES)
        sniffed = _sniff(stream)._replace(note=found.note(), picked=picked)
    return stream, sniffed


MAX_HEADER_ROWS = 3


def _header_rows(rows: list[list[str]]) -> int:
    """How many of the table's first rows are header: the first when it is not all values,
    then (up to MAX_HEADER_ROWS in all) each next one that holds text and no value at all, a
    units row or a further level of grouped columns. A data row holds a value even beside
    text (Awinda's activity): a number, a date-time or a missing-value word."""
    if all(_is_value(c) for c in rows[0] if c != ""):  # Axivity: no header, an ISO time then numbers
        return 0
    pattern = [list(map(_is_value, r)) for r in rows[:4]]
    if len(pattern) == 4 and sum(pattern[0]) >= 2 and all(p == pattern[0] for p in pattern[1:]):
        return 0  # values and text in the same places as the rows below (WISDM: user, activity, time, x, y, z)
    n = 1
    while n < min(len(rows), MAX_HEADER_ROWS) and any(rows[n]) and not any(map(_is_value, rows[n])):
        n += 1
    return n


NA_WORDS = ("NaN", "nan", "NA", "null", "None")  # read as missing values (besides pandas' own, "n/a" among them)
_MISSING = {w.lower() for w in NA_WORDS} | {"n/a"}
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}|^\d{1,2}:\d{2}(:\d{2})?\b|^\d{1,2}/\d{1,2}/\d{2,4}")


def _is_value(cell: str) -> bool:
    return units.is_number(cell) or cell.lower() in _MISSING or bool(_DATE_TIME.match(cell))


# "Sampling frequency (Hz): 100"; "... date format M/d/yyyy at 30 Hz  Filter Normal ---"
# (ActiGraph), "# sample rate: 52 Hz"
_STATED_RATE = (re.compile(r"\b(?:rate|frequency|freq)\s*[(\[]hz[)\]]\s*[:=]?\s*(\d+(?:\.\d+)?)", re.IGNORECASE),
                re.compile(r"(?:\b|(?<=[a-z]))(?:at|rate|frequency|freq)\b\D{0,12}?(\d+(?:\.\d+)?)\s*hz\b",
                           re.IGNORECASE))  # also run together: Xsens DOT's "OutputRate:,120Hz"
_NOT_SAMPLING = re.compile(r"filter|cut-?off|pass|notch|mains|band", re.IGNORECASE)  # just before the rate
_SAMPLING = re.compile(r"sampl|\bodr\b|data rate|update", re.IGNORECASE)
_EPOCH = re.compile(r"epoch period\D*(\d+):(\d+):(\d+)", re.IGNORECASE)  # ActiGraph: rows are epochs unless 0


def stated_rate(preamble: list[str]) -> float | None:
    """The sampling rate an export's preamble states, in Hz, or None. A frequency named
    for a filter (low-pass at 20 Hz, cut-off, notch, mains) is not a sampling rate; a line
    that says "sampling" wins over a bare "at 30 Hz"; an ActiGraph export whose epoch
    period is not zero holds one row per epoch, so its "at 30 Hz" does not apply."""
    if any(any(int(x) for x in m.groups()) for m in map(_EPOCH.search, preamble) if m):
        return None
    found: list[tuple[bool, float]] = []
    for line in preamble:
        for pattern in _STATED_RATE:
            for m in pattern.finditer(line):
                if _NOT_SAMPLING.search(line[max(0, m.start() - 30):m.end()]) or float(m.group(1)) <= 0:
                    continue
                found.append((bool(_SAMPLING.search(line[max(0, m.start() - 30):m.end()])), float(m.group(1))))
    return max(found, key=lambda f: f[0])[1] if found else None


TABLE_RUN = 5  # a table starts with this many lines in a row that share a delimiter


def _table_start(lines: list[str]) -> int:
    """Index of the table's first line among the non-blank `lines`: the first line, not a
    "#" or "%" comment, that begins TABLE_RUN lines in a row carrying the same delimiter at least
    twice (three columns: time and acceleration need more). Lines above it are an export's
    preamble (ActiGraph writes ten, "Serial Number: ..."; loggers write "# ..."; GENEActiv a
    hundred "Key:,Value" lines; Shimmer an Excel "sep=," line). A stray line further down
    (a "# lap 1" marker) does not move the start: it is left for the parser to report."""
    comment = [ln.lstrip().startswith(("#", "%")) for ln in lines]
    for k in range(len(lines[:-1] or lines)):
        run = lines[k:k + TABLE_RUN]
        if not comment[k] and any(all(x.count(d) >= 2 for x in run) for d in (",", ";", "\t")):
            return k
    return comment.index(False) if False in comment else 0


# "9,81" or "-1,2E-3": a number written with a decimal comma (spreadsheets and phyphox in
# many locales export them with ";" or tab between the columns)
_DECIMAL_COMMA = re.compile(r"^[+-]?\d*,\d+([eE][+-]?\d+)?$")


# Digits grouped in threes, as spreadsheets export numbers formatted with separators:
# "1,709,288,130,250" or "1,024.5" (quoted, in a comma-separated file), "1.024,5" or
# "1.709.288.130" (decimal-comma locales). A single group without a fraction ("1.024")
# could be a decimal number and is not taken for one.
_GROUPED = {",": re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$"), ".": re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")}
_SURELY_GROUPED = {",": re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$"),
                   ".": re.compile(r"^[+-]?\d{1,3}((\.\d{3}){2,}(,\d+)?|\.\d{3},\d+)$")}


def _number_marks(delim: str, rows: list[list[str]]) -> tuple[str, str | None]:
    """(decimal mark, thousands mark or None) of the numbers in `rows` (the first is the
    header, if any). Commas are decimal marks only where they do not separate the columns, and
    where no number has a decimal point; unless the points group digits in threes."""
    cells = [c for r in rows[1:] for c in r]
    if delim == ",":
        return ".", ("," if any(_SURELY_GROUPED[","].match(c) for c in cells) else None)
    if any(_SURELY_GROUPED["."].match(c) for c in cells):
        return ",", "."
    if any(_DECIMAL_COMMA.match(c) for c in cells) and not any(units.is_number(c) and "." in c for c in cells):
        return ",", None
    return ".", None


def _whole_numbers(cells: list[str]) -> bool:
    """True when the cells that hold numbers (empty or missing ones skipped) are all whole."""
    values = [float(c) for c in cells if units.is_number(c)]
    return bool(values) and all(v.is_integer() for v in values)


def _sample_index(cells: list[str]) -> bool:
    """True for a column counting samples (0, 1, 2, ... or from 1): whole numbers each one more
    than the last. A row number (pandas' unnamed index, a dataset's sequence number), not a
    clock: read as milliseconds it gave 1000 Hz."""
    values = [float(c) for c in cells if units.is_number(c)]
    return len(values) >= 3 and values[0] in (0.0, 1.0) and all(b - a == 1 for a, b in zip(values, values[1:]))


OXFORD_FLAGS = {"0", "1", "2", "3"}  # Android's sensor accuracy, the Oxford export's second column


MIN_COUNTED = 5  # a running count must rise at least this much somewhere: a few steps, not a still sensor's 0 -> 1


def _running_counts(values: np.ndarray) -> bool:
    """True when (n, k) columns are running counts: each column that holds numbers is
    whole, not negative and never falling over the whole recording, and one rises by
    MIN_COUNTED or more. A gyroscope reading is none of these for long; the Oxford app
    writes its step counters where a 7-column file has its gyroscope (a phone without a
    step counter leaves one column empty)."""
    rise = 0.0
    for col in np.asarray(values, dtype=np.float64).T:
        v = col[np.isfinite(col)]
        if not len(v):
            continue
        if (v < 0).any() or not np.array_equal(v, np.round(v)) or (np.diff(v) < 0).any():
            return False
        rise = max(rise, float(v[-1] - v[0]))
    return rise >= MIN_COUNTED


def _layout(sniffed: Sniffed, mapping: dict | None,
            rate_given: bool = False) -> tuple[list[str], dict[str, str], str]:
    """(column names, role -> column name, format name)."""
    rows, first = sniffed.rows, sniffed.rows[0]
    names = sniffed.names
    if mapping:
        return names, colmap.check_mapping(mapping, names), "mapped"
    if sniffed.header_rows:
        found = colmap.map_columns(names)
        fmt = "awinda" if any(colmap.normalise(n) == "activity" for n in names) and "time" not in found else "generic"
        data = rows[sniffed.header_rows] if len(rows) > sniffed.header_rows else []
        below = rows[sniffed.header_rows:sniffed.header_rows + 20]
        others = [n for i, n in enumerate(names) if n not in found.values() and i < len(data) and _is_value(data[i])
                  and not colmap.other_channel(n)
                  and not _sample_index([r[i] for r in below if i < len(r)])]  # a row number is no clock
        if fmt == "generic" and "time" not in found and others and not rate_given and not stated_rate(sniffed.preamble):
            # a time column under a name not known here ("Zeit (s)") would otherwise go unread, the rate assumed
            raise colmap.ColumnMappingNeeded(
                f"No column is named like a time; the file also has {', '.join(others[:4])}"
                f"{'...' if len(others) > 4 else ''}. Choose its time column, or none if it has no time stamps.",
                names, found, "map the time column on the Sensors page (CLI: --map time=COLUMN), or give the rate "
                               "of a file without time stamps (--rate-hz)")
        return names, found, fmt
    data = [r for r in rows if len(r) == len(first)]
    n = len(first)
    ints = [_whole_numbers([r[i] for r in data[:20]]) for i in range(n)]
    if n in (4, 5, 7) and _sample_index([r[0] for r in data[:20]]):
        # a row number, then x, y, z (and a label, or a gyroscope): no time stamps
        return names, dict(zip(colmap.ROLES[1:], names[1:4] if n < 7 else names[1:])), "headerless"
    time_xyz = {"time": names[0], "acc_x": names[1], "acc_y": names[2], "acc_z": names[3]} if n >= 4 else {}
    if n == 5 and ints[0] and {r[1] for r in data[:20]} - {""} <= OXFORD_FLAGS:
        # Oxford: ns time, accuracy flag, x, y, z
        return names, {"time": names[0], "acc_x": names[2], "acc_y": names[3], "acc_z": names[4]}, "oxford"
    if n == 4:
        return names, time_xyz, "oxford" if ints[0] else "headerless"
    if n == 5 and _DATE_ONLY.match(first[0]) and _CLOCK_ONLY.match(_COLON_FRACTION.sub(r"\1.\2", first[1])):
        # a date and its time of day, split at the space (a whitespace-separated table)
        return names, {"time": names[1], "acc_x": names[2], "acc_y": names[3], "acc_z": names[4]}, "headerless"
    if n == 7 and any("geneactiv" in line.lower() for line in sniffed.preamble):
        return names, time_xyz, "geneactiv"  # time, x, y, z (g), then light, button and temperature
    if n == 7:
        return names, dict(zip(colmap.ROLES, names)), "headerless"
    if n == 3:  # x, y, z without time stamps (UCI HAR's raw files); Empatica E4's begin with a start and a rate
        return names, {"acc_x": names[0], "acc_y": names[1], "acc_z": names[2]}, \
            "empatica" if _empatica_head(rows) else "headerless"
    said = (f"The file has no header and {n} columns; expected 3 (x, y, z), 4 (time, x, y, z), 5 (Oxford: time, "
            "accuracy, x, y, z) or 7 (time, acc x/y/z, gyro x/y/z), each also after a row number.")
    guess, hint = _guess_columns(names, data[:50]), None
    if "acc_x" in guess:
        span = f"{guess['acc_x']} to {guess['acc_z']}"
        said += (f" The time looks to be in {guess['time']} and the acceleration in {span}." if "time" in guess
                 else f" The acceleration looks to be in {span}.")
        hint = ("confirm on the Sensors page, or give " + " ".join(f"--map '{r}={c}'" for r, c in guess.items())
                + ("" if "time" in guess else " and the rate (--rate-hz)"))
    raise colmap.ColumnMappingNeeded(said, names, guess, hint)


def _guess_columns(names: list[str], data: list[list[str]]) -> dict[str, str]:
    """A guess at a headerless table's time and acceleration columns, for the user to confirm:
    the first column that rises steadily at 5-1000 samples a second (or holds date-times), then
    the first three adjacent numeric columns, each varying and none rising throughout, whose
    size is gravity's in g, m/s^2 or mg."""
    def numbers(i):
        v = np.array([float(r[i]) if i < len(r) and units.is_number(r[i]) else np.nan for r in data])
        return v if np.isfinite(v).mean() > 0.9 else None
    cols = {i: numbers(i) for i in range(len(names))}
    guess: dict[str, str] = {}
    rising = set()
    for i, v in cols.items():
        if v is None:
            if "time" not in guess and data and i < len(data[0]) and _DATE_TIME.match(data[0][i]) \
                    and not _DATE_ONLY.match(data[0][i]):
                guess["time"] = names[i]
            continue
        d = np.diff(v[np.isfinite(v)])
        if len(d) >= 5 and (d > 0).all():
            rising.add(i)
            if "time" not in guess and not _sample_index([r[i] for r in data]):
                rate = 1 / (np.median(d) * units.TIME_FACTORS[units.detect_time_unit(v)])
                if 5 <= rate <= 1000:
                    guess["time"] = names[i]
    for i in range(len(names) - 2):
        trio = [cols[i + k] for k in range(3)]
        if any(c is None for c in trio) or rising & {i, i + 1, i + 2}:  # the clock rises too
            continue
        acc = np.column_stack(trio)
        med = float(np.nanmedian(np.sqrt(np.nansum(acc ** 2, axis=1))))
        if (np.nanstd(acc, axis=0) > 0).all() and units.gravity_sized(med):
            guess.update(zip(("acc_x", "acc_y", "acc_z"), names[i:i + 3]))
            break
    return guess


def _unix_seconds(x: float) -> bool:
    """True for a number that reads as Unix time in seconds, 2000-2100."""
    return 9.4e8 < x < 4.1e9


EMPATICA_UNIT_G = 1 / 64  # Empatica E4 ACC.csv: whole numbers in 1/64 g


def _empatica_head(rows: list[list[str]]) -> tuple[float, float] | None:
    """(start as Unix time, rate in Hz) when the rows begin as an Empatica E4 ACC.csv does: a
    row of the same Unix time, then a row of the same sampling rate, then whole numbers."""
    if len(rows) < 3 or not all(map(units.is_number, rows[0] + rows[1])):
        return None
    start, rate = {float(c) for c in rows[0]}, {float(c) for c in rows[1]}
    if len(start) != 1 or len(rate) != 1 or not _whole_numbers(rows[2]):
        return None
    start_s, rate_hz = start.pop(), rate.pop()
    return (start_s, rate_hz) if _unix_seconds(start_s) and 1 <= rate_hz <= 1000 else None


def _read_numeric(stream, sniffed: Sniffed, names, use: dict[str, str],
                  iso_time: bool) -> dict[str, np.ndarray]:
    """Columns of `use` (role -> name) as arrays, parsed chunk by chunk."""
    idx = {role: names.index(col) for role, col in use.items()}
    usecols = sorted(set(idx.values()))
    text = ({idx[r] for r in ("time", "date") if r in idx} if iso_time else set()) | \
        {i for r, i in idx.items() if r.startswith("source ")}
    dtypes = {i: (object if i in text else np.float64) for i in usecols}
    parts: dict[str, list[np.ndarray]] = {role: [] for role in idx}
    delim = sniffed.delim
    kwargs = dict(sep=delim, decimal=sniffed.decimal, thousands=sniffed.thousands, skiprows=sniffed.data_line, header=None,
                  usecols=usecols, dtype=dtypes, chunksize=CHUNK_ROWS,
                  skipinitialspace=True, engine="c" if delim != r"\s+" else "python", on_bad_lines="error",
                  na_values=["", *NA_WORDS], keep_default_na=True,
                  encoding="utf-8", encoding_errors="replace")  # a Latin-1 "m/s²" in a header is no reason to refuse
    if sniffed.header_rows:
        kwargs["names"] = list(range(len(names)))
    try:
        for chunk in pd.read_csv(stream, **kwargs):
            for role, i in idx.items():
                parts[role].append(chunk[i].to_numpy())
    except ValueError as e:
        text = str(e).splitlines()[0]
        col = next((use[r] for r, i in idx.items() if f"column {i}" in text or f"'{i}'" in text), None)
        where = f"column {col!r}" if col else "a used column"
        raise UserError(f"Non-numeric value in {where}: {text}.", "fix or remove that row, or map another column")
    except pd.errors.ParserError as e:
        raise UserError(f"The CSV is malformed: {str(e).splitlines()[0]}", "check the delimiter and the row lengths")
    except (EOFError, OSError, gzip.BadGzipFile) as e:
        raise UserError(f"The file is cut short or not a valid .csv.gz ({e}).")
    out = {role: (np.concatenate(p) if p else np.empty(0)) for role, p in parts.items()}
    if not len(next(iter(out.values()))):
        raise UserError("The file has a header but no data rows.")
    return out


# "date format d/M/yyyy" (ActiGraph's preamble): how its numeric dates are written
_DATE_FORMAT = re.compile(r"date format\s*(d{1,2}|M{1,2})[/.\-]")
_NUMERIC_DATE = r"^\s*(\d{1,2})([/.\-])(\d{1,2})[/.\-]\d{2,4}\b"
_COLON_FRACTION = re.compile(r"(\d{1,2}:\d{2}:\d{2}):(\d{1,6})\b")  # GENEActiv, Physics Toolbox: 10:15:30:250
_CLOCK_ONLY = re.compile(r"^\s*\d{1,2}:\d{2}(:\d{2})?([.,]\d+)?\s*([AaPp][Mm])?\s*$")  # a time of day, no date
DATE_SAMPLE = 5000  # stamps looked at to tell 1/3/2024 (1 March) from 3 January


def _date_order(stamps: pd.Series, preamble: list[str]) -> tuple[bool, str | None]:
    """(whether numeric dates (1/3/2024, 01.03.2024) put the day first, a warning when that
    is a guess). As a preamble states (ActiGraph's "date format d/M/yyyy"), else as the dates
    show (a first field over 12, or a second one; else the field that changes on its own from
    one date to the next, the day), else a guess: day first for dates written with dots (the
    European way), month first otherwise."""
    stated = next((m.group(1) for m in map(_DATE_FORMAT.search, preamble) if m), None)
    if stated:
        return stated.startswith("d"), None
    parts = stamps.iloc[::max(1, len(stamps) // DATE_SAMPLE)].str.extract(_NUMERIC_DATE).dropna()
    if parts.empty:
        return False, None
    first, second = parts[0].astype(int), parts[2].astype(int)
    if (first > 12).any() or (second > 12).any():
        return bool((first > 12).any()), None
    dates = pd.DataFrame({"a": first, "b": second}).drop_duplicates()
    alone_a = ((dates["a"].diff() != 0) & (dates["b"].diff() == 0)).sum()
    alone_b = ((dates["b"].diff() != 0) & (dates["a"].diff() == 0)).sum()
    if alone_a != alone_b:
        return bool(alone_a > alone_b), None
    day_first = bool((parts[1] == ".").all())
    a, sep, b = parts.iloc[0, 0], parts.iloc[0, 1], parts.iloc[0, 2]
    if int(a) == int(b):
        return day_first, None
    day, month = (a, b) if day_first else (b, a)
    return day_first, (f"The dates ({a}{sep}{b}{sep}...) do not show whether the day or the month comes first; "
                       f"read as day {int(day)}, month {int(month)}. If that is wrong, so is the session's date.")


def _clock_times(raw: np.ndarray, preamble: list[str]) -> tuple[pd.Series, bool, str | None]:
    """(UTC time stamps, whether they are times of day without a date, a warning when the
    order of day and month was guessed) of a text time column."""
    text = pd.Series(raw, dtype=object).where(pd.notna(raw)).astype("string").str.strip()
    given = text.dropna()
    if given.empty:
        return pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns, UTC]"), False, None
    if _COLON_FRACTION.search(given.iloc[0]):
        text = text.str.replace(_COLON_FRACTION, r"\1.\2", regex=True)
    clock = _CLOCK_ONLY.match(text.dropna().iloc[0])
    if clock and not clock.group(3):  # a time of day: as time since midnight (fast; no date to guess)
        text = text.str.replace(r"(:\d{2}),(\d+)\s*$", r"\1.\2", regex=True)  # 10:15:30,250: a decimal comma
        return pd.Timestamp(0, tz="UTC") + pd.to_timedelta(text, errors="coerce"), True, None
    if clock:  # 11:59:50.000 PM: parsed as today's, then only the time of day kept
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            stamps = pd.to_datetime(text, errors="coerce", utc=True)
        return pd.Timestamp(0, tz="UTC") + (stamps - stamps.dt.floor("D")), True, None
    # ISO 8601 first, each stamp with or without its fraction (Python's isoformat() drops
    # ".000000" on whole seconds, which a format guessed from the first stamp then refuses)
    stamps = pd.to_datetime(text, errors="coerce", utc=True, format="ISO8601")
    note = None
    if stamps.isna().mean() > 0.5:  # another layout (12/01/2026 10:00:01.230): let pandas infer it
        day_first, note = _date_order(text.dropna(), preamble)
        with warnings.catch_warnings():  # pandas warns when it parses stamp by stamp
            warnings.simplefilter("ignore", UserWarning)
            stamps = pd.to_datetime(text, errors="coerce", utc=True, dayfirst=day_first)
    return stamps, False, note


def _unwrapped_uint32(raw: np.ndarray) -> np.ndarray:
    """A 32-bit counter that wrapped (Xsens DOT's SampleTimeFine, µs, every 71.6 min) made to run
    on: where it falls by more than half its range, 2^32 is added from there on."""
    finite = raw[np.isfinite(raw)]
    if not finite.size or finite.min() < 0 or finite.max() >= 2 ** 32:
        return raw
    ok = np.flatnonzero(np.isfinite(raw))
    wraps = np.zeros(len(raw))
    wraps[ok[1:]] = np.diff(raw[ok]) < -(2 ** 31)
    return raw + np.cumsum(wraps) * 2 ** 32 if wraps.any() else raw


def _time_seconds(raw: np.ndarray, name: str, iso: bool, preamble: list[str] = (),
                  dates: np.ndarray | None = None) -> tuple[np.ndarray, str, datetime | None, list[str]]:
    """(seconds from the first sample, the unit read, the start if the stamps say it, warnings).
    `dates`: a date column's text beside a time column holding the time of day."""
    if iso:
        if dates is not None:  # `Date,Time`: each stamp is its row's date and time of day
            raw = (pd.Series(dates, dtype=object).astype("string").str.strip() + " "
                   + pd.Series(raw, dtype=object).astype("string").str.strip()).to_numpy(dtype=object)
        stamps, clock_only, note = _clock_times(raw, list(preamble))
        if stamps.isna().mean() > 0.5:
            raise UserError(f"The time column {name!r} is neither numbers nor ISO date-times.")
        ns = stamps.to_numpy(dtype="datetime64[ns]").astype("int64").astype(np.float64)
        ns[stamps.isna().to_numpy()] = np.nan
        if clock_only:  # past midnight the clock starts again: add the days it went round
            ok = np.flatnonzero(np.isfinite(ns))
            back = np.zeros(len(ns))
            back[ok[1:]] = np.diff(ns[ok]) < -12 * 3600e9
            ns += np.cumsum(back) * 86400e9
        first = None if clock_only else stamps.dropna().iloc[0].to_pydatetime().replace(tzinfo=None)
        return (ns - np.nanmin(ns)) * 1e-9, "ISO", first, [note] if note else []
    unit = units.detect_time_unit(raw, name)
    if unit == "days":  # Excel's or MATLAB's day numbers: the day's fraction is the time of day
        epoch = units.serial_days_epoch(raw)
        if epoch is None:
            raise UserError(f"The time column {name!r} is named as day numbers (Excel, MATLAB), but its values "
                            "are not dates between 1950 and 2120.", "map another time column")
        day0 = float(np.nanmin(raw))
        started = datetime.fromtimestamp(round((day0 - epoch[1]) * 86400.0, 3), tz=timezone.utc).replace(tzinfo=None)
        return (raw - day0) * units.TIME_FACTORS["days"], epoch[0], started, []
    raw = _unwrapped_uint32(raw)
    secs = raw * units.TIME_FACTORS[unit]
    t0 = float(np.nanmin(secs))
    started = None
    if _unix_seconds(t0):
        started = datetime.fromtimestamp(t0, tz=timezone.utc).replace(tzinfo=None)
    return secs - t0, unit, started, []


def _date_beside(names: list[str], time_col: str, first_row: list[str]) -> datetime | None:
    """The start, from another time column's first date-time, where the one read has no date (a
    sensor's own clock: Polar's counts from 2000, beside the phone's `Phone timestamp`)."""
    for other in colmap.other_time_columns(names, time_col):
        i = names.index(other)
        cell = first_row[i] if i < len(first_row) else ""
        if _DATE_TIME.match(cell) and not _CLOCK_ONLY.match(cell):
            when = pd.to_datetime(cell, errors="coerce", utc=True)
            if not pd.isna(when):
                return when.to_pydatetime().replace(tzinfo=None)
    return None


_DATE_ONLY = re.compile(r"^\s*(\d{4}-\d{2}-\d{2}|\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4})\s*$")  # a date, no time


def _date_column(names: list[str], row: list[str], time_col: str) -> str | None:
    """The column holding the date beside a time column of the time of day (`Date,Time,X,Y,Z`;
    `2024-03-01 10:15:30.250 x y z` split at the space), from the first data `row`."""
    time_i = names.index(time_col)
    if len(row) <= time_i or not _CLOCK_ONLY.match(_COLON_FRACTION.sub(r"\1.\2", row[time_i])):
        return None
    return next((names[i] for i, cell in enumerate(row[:len(names)]) if i != time_i and _DATE_ONLY.match(cell)), None)


def read_recording(source, mapping: dict | None = None, rate_hz: float | None = None,
                   size_limit_mb: int | None = None) -> Recording:
    """Read `source` (path or the uploaded bytes) into a validated Recording.

    `mapping`: role -> column name when the user chose them (see columns.ROLES);
    `rate_hz`: the rate for files without a time column (default: the rate a preamble
    states, as ActiGraph's does, else AWINDA_RATE_HZ).
    Raises UserError (ColumnMappingNeeded when the columns must be mapped).
    """
    given_rate = None if rate_hz is None else validation.check_given_rate(rate_hz)
    limit_mb = size_limit_mb or config.upload_limit_mb()
    stream, size, name, picked = _open_binary(source, limit_mb)
    try:
        stream, sniffed = _sniff_stream(stream)
        names, use, fmt = _layout(sniffed, mapping, rate_given=given_rate is not None)
        empatica = _empatica_head(sniffed.rows) if fmt == "empatica" else None
        if empatica:  # its first two rows are the start time and the rate
            sniffed = sniffed._replace(rows=sniffed.rows[2:], data_line=sniffed.data_line + 2)
        rows = sniffed.rows
        if len(rows) <= sniffed.header_rows:  # pandas fails on no rows with unused columns (IndexError)
            raise UserError("The file has a header but no data rows.")
        first_data = rows[sniffed.header_rows]
        time_col = use.get("time")
        iso = bool(time_col) and len(first_data) > names.index(time_col) and not units.is_number(first_data[names.index(time_col)])
        stream.seek(0)
        date_col = _date_column(names, first_data, time_col) if iso else None
        extra = {"date": date_col} if date_col else {}
        for source in colmap.source_columns(names) if sniffed.header_rows else []:
            if source not in use.values():
                extra[f"source {source}"] = source
        cols = _read_numeric(stream, sniffed, names, {**use, **extra}, iso)
    finally:
        stream.close()

    for source in [r.removeprefix("source ") for r in cols if r.startswith("source ")]:
        validation.check_one_source(source, cols.pop(f"source {source}"))
    picked = picked or sniffed.picked
    picked_note = picked.note if picked else None
    warnings: list[str] = [w for w in (picked_note, sniffed.note) if w]
    if sniffed.note and fmt != "mapped":
        fmt = "sensor_rows"
    if picked and fmt != "mapped":
        fmt = picked.fmt
    summary = colmap.summary_columns(names) if sniffed.header_rows else []
    if summary:  # CentrePoint's minute epochs: X, Y, Z are activity counts there, not accelerations
        warnings.append(f"The file also has {', '.join(summary[:3])}: if it is a per-minute or per-day summary, "
                        "its x, y, z are activity counts, not accelerations, and the steps found mean nothing.")
    unit_info: dict[str, str] = {}
    n = len(cols["acc_x"])
    rate_source = "time stamps"
    if time_col:
        t, unit_info["time"], started, w = _time_seconds(cols["time"], time_col, iso, sniffed.preamble,
                                                         cols.get("date"))
        warnings += w
        started = started or _date_beside(names, time_col, first_data)
    else:
        stated = empatica[1] if empatica else stated_rate(sniffed.preamble)
        rate = given_rate or stated or AWINDA_RATE_HZ
        rate_source = "given" if given_rate else "header" if stated else "assumed"
        how = {"given": "as given", "header": "as its header states", "assumed": "assumed"}[rate_source]
        t, unit_info["time"], started = np.arange(n) / rate, f"none ({rate:g} Hz, {how})", None
        if empatica:
            started = datetime.fromtimestamp(empatica[0], tz=timezone.utc).replace(tzinfo=None)
        warnings.append(f"The file has no time column; samples are taken to be {rate:g} Hz apart ({how}).")
    acc = np.column_stack([cols["acc_x"], cols["acc_y"], cols["acc_z"]]).astype(np.float64, copy=False)
    if picked and picked.gravity is not None and time_col:  # Sensor Logger on iOS: gravity logged apart
        acc, warnings[warnings.index(picked_note)] = with_gravity(acc, cols["time"], t, picked, time_col)
    if "gravity_x" in cols:  # held apart (CoreMotion's device motion): the accelerometer reads their sum
        acc += np.column_stack([cols[r] for r in colmap.GRAVITY_ROLES])
        warnings.append(f"The file holds gravity ({use['gravity_x']}, ...) and the acceleration without it "
                        f"({use['acc_x']}, ...) apart; steps are counted from their sum, as an accelerometer reads it.")
    if empatica:
        acc *= EMPATICA_UNIT_G
    gyro = (np.column_stack([cols["gyro_x"], cols["gyro_y"], cols["gyro_z"]]).astype(np.float64, copy=False)
            if "gyro_x" in cols else None)
    del cols
    if gyro is not None and not np.isfinite(gyro).any():  # optional: apps write the columns for phones without one
        gyro = None
        warnings.append("The gyroscope columns hold no numbers; the recording was read without them.")

    arrays = [acc] + ([gyro] if gyro is not None else [])
    if time_col:
        validation.check_one_recording(t)
    t, arrays, w = validation.fix_time(t, arrays)
    warnings += w
    acc, gyro = arrays[0], (arrays[1] if gyro is not None else None)
    if fmt == "headerless" and gyro is not None and _running_counts(gyro):
        fmt = "oxford"
        warnings.append("Columns 5-7 are running step counts (as the Oxford step-counter app writes them: its own "
                        "algorithm, a reference device, the phone's step counter), ending at "
                        + ", ".join(f"{c[np.isfinite(c)].max():.0f}" if np.isfinite(c).any() else "empty" for c in gyro.T)
                        + "; they were not read as a gyroscope.")
        gyro = None
    try:
        validation.check_duration(t)
        validation.check_span(t)
        rate = estimate_rate(t) if time_col else rate
        validation.check_rate(rate, rate_source)
    except UserError as e:
        other = colmap.other_time_columns(names, time_col) if mapping is None else []
        if time_col and other:  # a whole-second clock beside seconds_elapsed, say: let the user choose
            raise colmap.ColumnMappingNeeded(f"{e.message} The file has another time column, {other[0]}: choose which "
                                      "to use.", names, {**use, "time": other[0]}) from e
        raise
    acc, w = validation.fill_nans(t, acc, [use["acc_x"], use["acc_y"], use["acc_z"]])
    warnings += w
    if gyro is not None:
        try:
            gyro, w = validation.fill_nans(t, gyro, [use["gyro_x"], use["gyro_y"], use["gyro_z"]])
            warnings += w
        except UserError as e:  # the gyroscope is optional: a long hole in it is no reason to refuse the file
            gyro = None
            warnings.append(f"{e.message} The gyroscope is left out; steps are counted from the accelerometer.")

    # Absurd values (1e300) overflow when squared: they are refused by flag_range, not warned about by numpy.
    with np.errstate(over="ignore", invalid="ignore"):
        validation.check_gravity(acc, rate)
        acc_unit, w = units.detect_acc_unit(acc, [use["acc_x"]])
        unit_info["acc"] = acc_unit
        if w:
            warnings.append(w)
        acc = units.acc_to_si(acc, acc_unit)
        acc, w = validation.remove_glitches(t, acc)
        warnings += w
        if gyro is not None:
            unit_info["gyro"] = units.detect_gyro_unit(gyro, [use["gyro_x"]])
            gyro = units.gyro_to_si(gyro, unit_info["gyro"])
        warnings += validation.flag_range(acc, gyro)
    gw = validation.gap_warning(validation.find_gaps(t))
    if gw:
        warnings.append(gw)
    return Recording(t=t, acc=acc, gyro=gyro, sample_rate_hz=rate, source_format=fmt, units=unit_info,
                     warnings=warnings, started_at=started, rate_source=rate_source)


def peek_columns(source) -> list[str]:
    """The column names (or `column N` for headerless files), for the mapping UI."""
    stream, _, _, _ = _open_binary(source)
    try:
        stream, sniffed = _sniff_stream(stream)
        return sniffed.names
    finally:
        stream.close()
