"""JSON exports: an array of flat records, one per reading, or one record a line (JSON Lines).

Sensor Logger's JSON export is one array of all its sensors' readings, grouped by sensor:
`{"sensor": "Accelerometer", "time": "1698501144401773000", "seconds_elapsed": "0.21",
"z": "...", "y": "...", "x": "..."}`, the numbers written as text. Its `Accelerometer` is the
acceleration without gravity (as in its zip export, archive.py): `TotalAcceleration`
(Android) is read where there is one, else `Gravity` (iOS) is added back (picked.py).
A sensor named by Android's type number (`"type": 1`) is read as in a CSV (sensor_rows.py).
Records without a sensor name are one sensor's readings.

The accelerometer's records become a CSV table (their keys the header) for the reader, so
a JSON recording is read, checked and counted as a CSV one is. The text is read in chunks
and only the accelerometer's and gravity's records are kept, so a JSON of many sensors
needs little more memory than their table. Any other JSON layout (nested, columns of
arrays) is refused, saying what it is.
"""
from __future__ import annotations

import io
import re
import zlib
from collections import Counter
from typing import BinaryIO

from core.errors import UserError
from core.sensors import sensor_rows, units
from core.sensors.picked import Picked, read_gravity
from core.sensors.streams import READ_BYTES

_START = re.compile(rb"^(\xef\xbb\xbf)?\s*(\[\s*(\{\s*\"|\]|$)|\{\s*\")")
_OBJECT = re.compile(rb"\{[^{}\[\]]*\}")  # a flat record: no object or array inside
_PAIR = re.compile(rb'"((?:[^"\\]|\\.)*)"\s*:\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,}"]+))')
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BETWEEN = re.compile(rb"^[\s,\[\]]*$")  # what an array or JSON Lines holds between its records
_PARTIAL = re.compile(rb"\{[^{}\[\]]*\Z")  # the start of a record the text ends in
# keys naming a record's sensor (compared in lower case without "_" and spaces), by preference:
# a name before a type number
_SENSOR_KEYS = ("sensor", "sensorname", "name", "sensortype", "type", "kind")
_TYPE_KEYS = {"sensortype", "type"}
_LABEL_KEYS = {"name", "type", "kind"}  # may label the whole recording instead ("name": "walk 1")
_GRAVITY = re.compile(r"^gravity$", re.IGNORECASE)
MAX_RECORD_BYTES = 1024 * 1024  # text without a record's end for this long is not a list of records
HINT = "export the recording as CSV (Sensor Logger: its zip export) and upload that"


def looks_like_json(head: bytes) -> bool:
    """True when the text starts as a JSON object or an array of objects (or an empty one)."""
    return bool(_START.match(head))


class _Sensor:
    """How a record names its sensor: the key, a pattern finding the name in a record or in a
    chunk of records, and whether the names are Android's type numbers."""

    def __init__(self, key: bytes, numbered: bool, label_like: bool):
        self.key, self.numbered, self.label_like = key, numbered, label_like
        self.pattern = re.compile(rb'"' + re.escape(key) + rb'"\s*:\s*(?:"([^"]*)"|([^\s,}]*))')

    def all(self, body: bytes) -> Counter[bytes]:
        return Counter(a + b for a, b in self.pattern.findall(body))

    def of(self, obj: bytes) -> bytes | None:
        m = self.pattern.search(obj)
        return (m.group(1) or b"") + (m.group(2) or b"") if m else None

    def wanted(self, name: str) -> bool:
        if self.numbered:
            return name == sensor_rows.ANDROID_ACCELEROMETER
        return bool(_GRAVITY.match(name) or sensor_rows.acc_tag([name]))


def _sensor(first: dict[bytes, bytes]) -> _Sensor | None:
    """How the records name their sensor, from the first record; None: they do not."""
    keys = {re.sub(rb"[\s_]", b"", k).lower().decode("utf-8", "replace"): k for k in first}
    for want in _SENSOR_KEYS:
        if want in keys and not units.is_number(first[keys[want]]):
            return _Sensor(keys[want], False, want in _LABEL_KEYS)
    for want in _SENSOR_KEYS:
        if want in _TYPE_KEYS and want in keys:
            return _Sensor(keys[want], True, want in _LABEL_KEYS)
    return None


def _line(values) -> bytes:
    """One CSV line of `values` (a list), a value holding a comma or a quote quoted."""
    line = b",".join(values)
    if line.count(b",") == len(values) - 1 and b'"' not in line:
        return line
    return b",".join(b'"' + v.replace(b'"', b'""') + b'"' if b"," in v or b'"' in v else v for v in values)


class _Table:
    """One sensor's records as CSV lines, the header from its first record's keys (in their
    order). Its records are found in a chunk of text by one regular expression written for
    their keys (`row`); records it misses (keys in another order, a value with a space) are
    parsed one by one."""

    def __init__(self, first: bytes, sensor: _Sensor | None, name: bytes):
        """`first`: the text of the sensor's first record; `name`: the sensor's name in it."""
        pairs = _PAIR.findall(first)
        keys = list(dict.fromkeys(k for k, _, _ in pairs))
        quoted = {k for k, _, bare in pairs if not bare}  # values written as text ("1.5", not 1.5)
        key = sensor.key if sensor else None
        self.keys = [k for k in keys if k != key]
        space = rb"[ \t\r\n]*"
        named = rb'(?:"' + re.escape(name) + rb'"|' + re.escape(name) + rb"(?=[\s,}]))"
        parts = [rb'"' + re.escape(k) + rb'"' + space + rb":" + space
                 + (named if k == key else rb'"([^"]*)"' if k in quoted else rb'"?([^\s,}"]*)"?') for k in keys]
        self.row = re.compile(rb"\{" + space + (space + rb"," + space).join(parts) + space + rb"\}")
        self.lines = [_line(self.keys)]

    def add_chunk(self, body: bytes, n: int, is_mine) -> None:
        """The `n` records in `body` whose sensor is this table's (`is_mine(record)`)."""
        if not n:
            return
        rows = self.row.findall(body)
        if len(rows) == n:
            text = b"\n".join(map(b",".join, rows)) if len(self.keys) > 1 else b"\n".join(rows)
            if text.count(b",") == n * (len(self.keys) - 1) and b'"' not in text:  # no value holds a comma
                self.lines.append(text)
                return
        at = 0  # in order: the records the pattern finds as they are, the others between them one by one
        for m in self.row.finditer(body):
            self._missed(body[at:m.start()], is_mine)
            self.lines.append(_line(m.groups()))
            at = m.end()
        self._missed(body[at:], is_mine)

    def _missed(self, text: bytes, is_mine) -> None:
        for obj in _OBJECT.findall(text):
            if is_mine(obj):
                record = _pairs(obj)
                self.lines.append(_line([record.get(k, b"") for k in self.keys]))

    def text(self) -> bytes:
        return b"\n".join(self.lines) + b"\n"


def _not_records(name: str) -> UserError:
    return UserError(f"{name} is JSON, but not a list of readings, one record each (its records hold objects or "
                     "lists, or it holds columns of values).", HINT)


def _read(raw: BinaryIO, name: str) -> bytes:
    try:
        return raw.read(READ_BYTES)
    except (OSError, EOFError, zlib.error) as e:  # gzip.BadGzipFile is an OSError
        raise UserError(f"{name} cannot be read to its end ({e}): cut short or damaged.",
                        "export the recording again") from e


class _Chunks:
    """The JSON text in pieces of whole flat records. The first piece must hold nothing but
    records (an array of them or one a line), text values aside: a nested layout shows there.
    `cut`: the text ended inside a record (a file cut off)."""

    def __init__(self, raw: BinaryIO, name: str):
        self._raw, self._name, self.cut = raw, name, False

    def __iter__(self):
        pending, first = b"", True
        while True:
            chunk = _read(self._raw, self._name)
            text = pending + chunk
            if first:
                text = text.removeprefix(b"\xef\xbb\xbf")
            end = text.rfind(b"}") + 1
            body, pending = text[:end], text[end:]
            if first:  # records and what goes between them, and at most the start of one more (a file cut off)
                first = False
                if not _BETWEEN.match(_PARTIAL.sub(b"", _OBJECT.sub(b"", _STRING.sub(b'""', body or text)))):
                    raise _not_records(self._name)
            if len(pending) > MAX_RECORD_BYTES:
                raise _not_records(self._name)
            yield body
            if not chunk:
                self.cut = not _BETWEEN.match(_STRING.sub(b'""', pending))
                return


def _pairs(obj: bytes) -> dict[bytes, bytes]:
    """A flat record's {key: value}, a text value without its quotes."""
    return {k: (s if s or not bare else bare) for k, s, bare in _PAIR.findall(obj)}


def _counts(body: bytes, sensor: _Sensor | None, last: Counter[bytes]) -> Counter[bytes]:
    """How many records of each sensor `body` holds. A JSON export groups the readings by
    sensor, so the sensors of the chunk before (`last`) are counted first, by their names
    alone; only when they do not add up to the chunk's records are all the records' sensors read."""
    if not sensor:
        return Counter({b"": body.count(b"{")})
    guess = Counter({s: body.count(b'"' + s + b'"') for s in last})
    if last and guess.total() == body.count(b"{"):
        return +guess
    return sensor.all(body)


def open_recording(raw: BinaryIO, name: str) -> tuple[BinaryIO, Picked]:
    """(a CSV of the accelerometer's records, what was read) from the JSON text `raw`, which
    is read to its end and closed. Raises UserError for JSON that holds no accelerometer."""
    tables: dict[bytes, _Table] = {}
    seen: Counter[bytes] = Counter()
    sensor, started, last = None, False, Counter()
    chunks = _Chunks(raw, name)
    try:
        for body in chunks:
            if not started:  # the first record says which key names the sensor, if any
                record = next((p for p in map(_pairs, _OBJECT.findall(body)) if len(p) > 1), None)
                if not record:
                    continue
                sensor, started = _sensor(record), True
            counts = _counts(body, sensor, last)
            last = counts
            seen.update(counts)
            for s, k in counts.items():
                if s not in tables:
                    first = next((o for o in _OBJECT.findall(body)
                                  if (sensor.of(o) == s if sensor else len(_pairs(o)) > 1)), None)
                    kept = not sensor or sensor.wanted(_text(s)) or (sensor.label_like and not tables and not seen[s] - k)
                    if not k or first is None or not kept:  # the first name under a label-like key is kept: it may be a label
                        continue
                    tables[s] = _Table(first, sensor, s)
                tables[s].add_chunk(body, k, (lambda o, s=s: sensor.of(o) == s) if sensor else (lambda o: b":" in o))
    finally:
        raw.close()
    if not seen:
        raise UserError(f"{name} is JSON without a complete reading in it (an empty export, or a file cut off).", HINT)
    cut = " The JSON ends inside a record (the file may be cut off): the readings before it were read." \
        if chunks.cut else ""
    if not sensor:
        return io.BytesIO(tables[b""].text()), Picked("the JSON's records", cut.strip() or None, None, "json")
    by_name = {_text(s): t for s, t in tables.items()}
    listed = ", ".join(_text(s) for s, _ in seen.most_common(8))
    if sensor.numbered:
        tag = sensor_rows.ANDROID_ACCELEROMETER if sensor_rows.ANDROID_ACCELEROMETER in by_name else None
    else:
        tag = sensor_rows.acc_tag(list(by_name))
    if not tag and sensor.label_like and len(seen) == 1 and by_name:  # one name all along: a label, not a sensor
        only = next(iter(by_name))
        note = f"Read the JSON's records; their {_text(sensor.key)} is {only} throughout, taken for a label.{cut}"
        return io.BytesIO(by_name[only].text()), Picked("the JSON's records", note, None, "json")
    if not tag:
        raise UserError(f"{name} is JSON holding no accelerometer readings (its sensors: {listed}).", HINT)
    gravity = next((s for s in by_name if _GRAVITY.match(s)), None) if "total" not in tag.lower() else None
    others = [_text(s) for s, _ in seen.most_common() if _text(s) not in (tag, gravity)]
    rest = (f" The other sensors were left out ({', '.join(others[:8])}{', ...' if len(others) > 8 else ''})."
            if others else "") + cut
    what = f"type {tag} records (Android's accelerometer)" if sensor.numbered else f"{tag} records"
    csv = io.BytesIO(by_name[tag].text())
    if gravity:
        grav = read_gravity(io.BytesIO(by_name[gravity].text()), f"the JSON's {gravity} records")
        note = (f"Read the JSON's {what} and added its {gravity} records to them: Sensor Logger's "
                f"{tag} holds the acceleration without gravity.{rest}")
        return csv, Picked(f"the JSON's {what}", note, grav, "json")
    return csv, Picked(f"the JSON's {what}", f"Read the JSON's {what}.{rest}", None, "json")


def _text(sensor: bytes) -> str:
    return sensor.strip().decode("utf-8", "replace")
