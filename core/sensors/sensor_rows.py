"""Files holding several sensors, one row per reading (long format).

A column names each row's sensor: GetSensorData's logs (`ACCE;...`, `GYRO;...`, `MAGN;...`,
the format of each stated in its `%` preamble), `timestamp,sensor,x,y,z` tables with
`accelerometer` / `gyroscope` rows, Android loggers writing `android.sensor.accelerometer`
or the chip's name (`LSM6DSO Accelerometer`), or Android's sensor type number (1 is the
accelerometer) in a column named `type`. Read as they are, such files mix the sensors'
values into one signal at the rows' combined rate. Only the accelerometer's rows are kept,
without the column naming them, so the reader sees an ordinary table.
Sensor Logger's records as one table are grouped by sensor, and its `Accelerometer` has no
gravity: `later_sensors` finds its `TotalAcceleration` or `Gravity` rows further down.
"""
from __future__ import annotations

import io
import re
from collections import Counter
from typing import NamedTuple

from core.sensors import columns as colmap
from core.sensors import units
from core.sensors.picked import Picked, read_gravity
from core.sensors.streams import READ_BYTES, Rewindable

# a sensor named as an accelerometer: ACC, ACCE, Accel, accelerometer, android.sensor.accelerometer, or a
# chip's name ending so ("BMI160 Accelerometer", "LSM6DSO Accelerometer Non-wakeup"); not the linear
# (gravity removed), uncalibrated or gravity sensors, nor a status word (acc_mode, ACC_OK)
_CANONICAL = re.compile(r"^(acc|acce|accel|accelerometer|acceleration|android\.sensor\.accelerometer)$", re.IGNORECASE)
_ACC_TAG = re.compile(r"^(acc|acce|accel|android\.sensor\.accelerometer|"
                      r"(.*[\s_.-])?(accelerometer|acceleration)([\s_-]+(sensor|non-?wake-?up|wake-?up))*)$",
                      re.IGNORECASE)
_NOT_ACC = re.compile(r"linear|uncal|gravity|user|lin_acc|gyro|magn", re.IGNORECASE)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")  # TotalAcceleration -> Total_Acceleration
_TYPE_NAME = re.compile(r"^(sensor_)?type(_id)?$")
MIN_SWITCHES = 0.2  # readings of several sensors alternate: at least this share of neighbouring rows differ
ANDROID_ACCELEROMETER = "1"  # Sensor.TYPE_ACCELEROMETER
ANDROID_TYPES = {str(i) for i in range(1, 40)} | {"65536", "65537"}  # vendor types start at 65536
# GetSensorData's accelerometer rows, when a log comes without the preamble that states it
GETSENSORDATA_ACCE = "ACCE;AppTimestamp(s);SensorTimestamp(s);Acc_X(m/s^2);Acc_Y(m/s^2);Acc_Z(m/s^2);Accuracy(integer)"
MAX_SENSORS = 40  # more distinct names than this in one column are not sensors (an activity label, say)


class SensorRows(NamedTuple):
    column: int          # the column that names each row's sensor
    tag: str             # the accelerometer's name in it
    others: list[str]    # the other sensors seen, most frequent first
    table_line: int      # lines above the table (a preamble): passed on as they are
    head_lines: int      # lines above the first row (preamble and header)
    header: str | None   # a header for the rows, from the preamble's statement of their format
    numbered: bool       # the sensor is given by Android's type number
    last: bool = False   # the sensor column is the rows' last

    def note(self) -> str | None:
        """What was done, for the user (None when the file held the accelerometer alone). The
        other sensors are those seen at the start of the file."""
        if not self.others:
            return None
        shown = ", ".join(self.others[:8]) + (", ..." if len(self.others) > 8 else "")
        if self.numbered:
            return (f"The file holds several sensors, one row per reading: the rows of type {self.tag} (Android's "
                    f"accelerometer) were read, the other sensors' left out (type {shown} at the start of the file).")
        return (f"The file holds several sensors, one row per reading: the accelerometer's rows ({self.tag}) "
                f"were read, the other sensors' left out ({shown} at the start of the file).")


def acc_tag(cells: list[str]) -> str | None:
    """The accelerometer's name among a column's values, or None. Several: the total
    acceleration first (Sensor Logger's `TotalAcceleration`, where its `Accelerometer` has no
    gravity), then a plain name, else the most frequent (a phone's wake-up and non-wake-up
    accelerometers)."""
    counts = Counter(c for c in cells if _ACC_TAG.match(_CAMEL.sub("_", c)) and not _NOT_ACC.search(c))
    if not counts:
        return None
    total = [c for c in counts if "total" in c.lower()]
    plain = [c for c in counts if _CANONICAL.match(c)]
    return (total or plain or [counts.most_common(1)[0][0]])[0]


def _interleaved(cells: list[str]) -> bool:
    """The readings of several sensors alternate row by row (a label column changes rarely);
    one name all along is a log of the accelerometer alone."""
    if len(set(cells)) == 1:
        return True
    return sum(a != b for a, b in zip(cells, cells[1:])) >= MIN_SWITCHES * (len(cells) - 1)


def find(rows: list[list[str]], header_rows: int, names: list[str], preamble: list[str], delim: str,
         table_line: int, data_line: int) -> SensorRows | None:
    """The sensor column of a long-format table, or None for an ordinary one. rows: the
    table's first rows split (header first); table_line / data_line: the file's lines above
    the table / above its first data row."""
    # mixed rows of several widths can look like a header over the rest: try the table without one too
    for h in dict.fromkeys((header_rows, 0)):
        data = rows[h:]
        if len(data) < 3:
            continue
        width = min(len(r) for r in data)
        for c in range(width):
            cells = [r[c] for r in data]
            distinct = Counter(cells)
            if len(distinct) > MAX_SENSORS or any(units.is_number(v) for v in distinct) or not _interleaved(cells):
                continue
            tag = acc_tag(cells)
            if tag and distinct[tag] < 2:
                continue  # a name seen once is not a sensor's readings (a header cell, say)
            if tag and h and (rows[h - 1][c] in distinct or acc_tag([rows[h - 1][c]])):
                break  # the "header" is a row of readings: try without one
            if tag:
                others = [v for v, _ in distinct.most_common() if v != tag]
                stated = None if h or c else (_stated_header(preamble, tag, delim)
                                              or (GETSENSORDATA_ACCE.replace(";", delim)
                                                  if tag == "ACCE" and {len(r) for r in data if r[c] == tag} == {7}
                                                  else None))
                return SensorRows(c, tag, others, table_line, data_line if h else table_line, stated, False,
                                  last=all(len(r) == c + 1 for r in data if r[c] == tag))
        if h:  # Android's type numbers, in a column the header names as the sensor's type
            for c, name in enumerate(names[:width]):
                cells = [r[c] for r in data]
                if _TYPE_NAME.match(colmap.normalise(name)) and set(cells) <= ANDROID_TYPES \
                        and ANDROID_ACCELEROMETER in cells and len(set(cells)) > 1 and _interleaved(cells):
                    others = [v for v, _ in Counter(cells).most_common() if v != ANDROID_ACCELEROMETER]
                    return SensorRows(c, ANDROID_ACCELEROMETER, others, table_line, data_line, None, True,
                                      last=c == width - 1)
    return None


def _stated_header(preamble: list[str], tag: str, delim: str) -> str | None:
    """The accelerometer rows' column names as a preamble states them (GetSensorData:
    `% Accelerometer data: 'ACCE;AppTimestamp(s);SensorTimestamp(s);Acc_X(m/s^2);...'`)."""
    if delim == r"\s+":
        return None
    for line in preamble:
        m = re.search(rf"(?:^|[\s'\"%]){re.escape(tag)}{re.escape(delim)}([^'\"]+)", line)
        if m and m.group(1).count(delim) >= 2:
            return tag + delim + m.group(1).strip()
    return None


_LONE_CR = re.compile(rb"\r(?!\n)")


class RowsKept(Rewindable):
    """A binary stream of a long-format file with only the accelerometer's rows, each without
    the column naming the sensor: the preamble passes as it is, the header (if any) loses that
    column too, and `found.header` (if any) is put above the rows. The rows are picked by one
    regular expression per chunk read (a million rows a second), not line by line."""

    def __init__(self, raw, found: SensorRows, delim: str, owns: bool = True):
        super().__init__(raw, owns)
        self._found = found
        spaced = delim == r"\s+"
        self._split = None if spaced else delim.encode()
        self._join = b" " if spaced else self._split
        sep = rb"[ \t]+" if spaced else re.escape(self._split)
        cell = rb"[^ \t\r\n]*" if spaced else rb"[^" + re.escape(self._split) + rb"\r\n]*"
        tag = rb"[ \t]*\"?" + re.escape(found.tag.encode()) + rb"\"?[ \t]*"
        before = rb"((?:" + cell + sep + rb"){" + str(found.column).encode() + rb"})"
        if found.last:  # the cells before it, without the delimiter that ends them
            before = rb"((?:" + cell + sep + rb"){" + str(found.column - 1).encode() + rb"}" + cell + rb")" + sep
            self._row = re.compile(rb"^[ \t]*" + before + tag + rb"()\r?$", re.MULTILINE)
        else:
            self._row = re.compile(rb"^[ \t]*" + before + tag + sep + rb"(.*)$", re.MULTILINE)
        self._rewound()

    def _rewound(self) -> None:
        self._pending, self._out, self._line, self._started = b"", b"", 0, False
        self._header_due = self._found.header is not None

    def _head(self, line: bytes) -> bytes | None:
        """A line above the rows: the preamble as it is, a header without the sensor column."""
        if self._line < self._found.table_line:
            return line
        cells = line.split(self._split)
        c = self._found.column
        return self._join.join(cells[:c] + cells[c + 1:]) if len(cells) > c else None

    def _keep(self, text: bytes) -> bytes:
        """The kept lines of `text` (whole lines, each ending with a line end)."""
        f = self._found
        out = []
        while self._line < f.head_lines and text:
            line, _, text = text.partition(b"\n")
            kept = self._head(line)
            if kept is not None:
                out.append(kept + b"\n")
            self._line += 1
        if self._header_due and self._line >= f.head_lines:
            out.append(self._head(f.header.encode()) + b"\n")
            self._header_due = False
        out += [a + b + b"\n" for a, b in self._row.findall(text)]
        return b"".join(out)

    def readinto(self, buffer) -> int:
        while len(self._out) < len(buffer):
            chunk = self._inner.read(READ_BYTES)
            if not chunk:
                if self._pending:
                    self._out += self._keep(self._pending + b"\n")
                    self._pending = b""
                break
            text = self._pending + chunk
            if not self._started:  # a UTF-8 byte order mark is no part of the first line
                text, self._started = text.removeprefix(b"\xef\xbb\xbf"), True
            cr = text.endswith(b"\r")  # its line feed may come with the next chunk
            text = _LONE_CR.sub(b"\n", text[:-1] if cr else text) + (b"\r" if cr else b"")  # old Macs' line ends
            end = text.rfind(b"\n") + 1
            self._pending = text[end:]
            self._out += self._keep(text[:end])
        n = min(len(buffer), len(self._out))
        buffer[:n] = self._out[:n]
        self._out = self._out[n:]
        return n


# Sensor Logger names its acceleration without gravity `Accelerometer`; a table of its records
# (its JSON written out as CSV, say) is grouped by sensor, so its `TotalAcceleration` or
# `Gravity` rows come after the first lines the tag was chosen from.
_LATER = re.compile(rb"(?<![\w.])(TotalAcceleration|Gravity)(?![\w.])")


def later_sensors(stream, found: SensorRows, delim: str) -> tuple[SensorRows, Picked | None]:
    """(the rows to read, their gravity to add, or None) for a table whose accelerometer is
    Sensor Logger's `Accelerometer`: its `TotalAcceleration` rows further down are read
    instead, else its `Gravity` rows are added back (a comma-separated table without a
    preamble). `stream` is left at its start. Any other table is returned as it is."""
    if found.numbered or found.tag != "Accelerometer":
        return found, None
    names: set[bytes] = set()
    stream.seek(0)
    tail = b""
    while chunk := stream.read(READ_BYTES):
        names.update(_LATER.findall(tail + chunk))
        tail = chunk[-32:]
    stream.seek(0)
    head = found.head_lines + (found.header is not None)  # lines RowsKept gives above the rows
    if b"TotalAcceleration" in names:
        total = found._replace(tag="TotalAcceleration")
        some = RowsKept(stream, total, delim, owns=False).read(READ_BYTES)  # a few rows tell a sensor from a word
        stream.seek(0)
        if some.count(b"\n") - head >= 2:
            others = [found.tag, *found.others, *(["Gravity"] if b"Gravity" in names else [])]
            return total._replace(others=list(dict.fromkeys(others))), None
    if b"Gravity" in names and delim == "," and not found.table_line:
        kept = RowsKept(stream, found._replace(tag="Gravity"), delim, owns=False).read()
        stream.seek(0)
        if kept.count(b"\n") - head >= 2:
            note = (f"Added the file's Gravity rows to its {found.tag} rows (Sensor Logger's {found.tag} holds the "
                    "acceleration without gravity); any other sensors' rows were left out.")
            return found, Picked(f"the {found.tag} rows", note, read_gravity(io.BytesIO(kept), "the Gravity rows"),
                                 "sensor_rows")
    return found, None
