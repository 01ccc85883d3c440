"""JSON exports: an array of flat records, one per reading, or one record a line (JSON Lines).

Sensor Logger's JSON export is one array of all its sensors' readings, grouped by sensor:
`{"sensor": "Accelerometer", "time": "1698501144401773000", "seconds_elapsed": "0.21",
"z": "...", "y": "...", "x": "..."}`, the numbers written as text. Its `Accelerometer` is the
acceleration without gravity (as in its zip export, archive.py): `TotalAcceleration`
(Android) is read where there is one, else `Gravity` (iOS) is added back (picked.py).
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
from collections import Counter
from typing import BinaryIO

from core.errors import UserError
from core.sensors import sensor_rows
from core.sensors.picked import Picked, read_gravity
from core.sensors.streams import READ_BYTES

_START = re.compile(rb"^(\xef\xbb\xbf)?\s*(\[\s*(\{\s*\"|\]|$)|\{\s*\")")
_OBJECT = re.compile(rb"\{[^{}\[\]]*\}")  # a flat record: no object or array inside
_PAIR = re.compile(rb'"((?:[^"\\]|\\.)*)"\s*:\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,}"]+))')
_BETWEEN = re.compile(rb"^[\s,\[\]]*$")  # what an array or JSON Lines holds between its records
_SENSOR_KEYS = (b"sensor", b"sensorName", b"sensor_name", b"type", b"name")
_GRAVITY = re.compile(r"^gravity$", re.IGNORECASE)
HINT = "export the recording as CSV (Sensor Logger: its zip export) and upload that"


def looks_like_json(head: bytes) -> bool:
    """True when the text starts as a JSON object or an array of objects (or an empty one)."""
    return bool(_START.match(head))


class _Table:
    """One sensor's records as CSV lines, the header from its first record's keys (in their
    order). Its records are found in a chunk of text by one regular expression written for
    their keys (`row`); a record it misses (a value with a space, say, or keys in another
    order) sends the chunk to be parsed record by record."""

    def __init__(self, first: dict[bytes, bytes], quoted: set[bytes], key: bytes | None, sensor: bytes):
        self.keys = [k for k in first if k != key]
        space = rb"[ \t\r\n]*"
        parts = [rb'"' + re.escape(k) + rb'"' + space + rb":" + space
                 + (rb'"' + re.escape(sensor) + rb'"' if k == key else rb'"([^"]*)"' if k in quoted else rb"([^\s,}]*)")
                 for k in first]
        self.row = re.compile(rb"\{" + space + (space + rb"," + space).join(parts) + space + rb"\}")
        self.lines = [b",".join(self.keys)]

    def add_chunk(self, body: bytes, n: int, sensor_of) -> None:
        """The `n` records in `body` whose sensor (`sensor_of(record)`) is this table's."""
        if not n:
            return
        rows = self.row.findall(body)
        if len(rows) == n:
            text = b"\n".join(map(b",".join, rows)) if len(self.keys) > 1 else b"\n".join(rows)
            if text.count(b",") == n * (len(self.keys) - 1) and b'"' not in text:  # no value holds a comma
                self.lines.append(text)
                return
        for obj in _OBJECT.findall(body):
            if sensor_of(obj):
                self.add(_pairs(obj))

    def add(self, record: dict[bytes, bytes]) -> None:
        line = b",".join(record.get(k, b"") for k in self.keys)
        if line.count(b",") != len(self.keys) - 1 or b'"' in line:  # a text value holding a comma or a quote
            line = b",".join(b'"' + record.get(k, b"").replace(b'"', b'""') + b'"' for k in self.keys)
        self.lines.append(line)

    def text(self) -> bytes:
        return b"\n".join(self.lines) + b"\n"


def _chunks(raw: BinaryIO, name: str):
    """The JSON text in pieces of whole flat records. The first piece must hold nothing but
    records (an array of them or one a line): a nested layout shows there."""
    pending, first = b"", True
    while True:
        chunk = raw.read(READ_BYTES)
        text = pending + chunk
        end = len(text) if not chunk else text.rfind(b"}") + 1
        body, pending = text[:end], text[end:]
        if first:
            body, first = body.removeprefix(b"\xef\xbb\xbf"), False
            if not _BETWEEN.match(_OBJECT.sub(b"", body)):
                raise UserError(f"{name} is JSON, but not a list of readings, one record each (its records hold "
                                "objects or lists).", HINT)
        yield body
        if not chunk:
            return


def _pairs(obj: bytes) -> dict[bytes, bytes]:
    """A flat record's {key: value}, a text value without its quotes."""
    return {k: (s if s or not bare else bare) for k, s, bare in _PAIR.findall(obj)}


def _quoted(obj: bytes) -> set[bytes]:
    """The keys of a flat record whose values are written as text ("1.5", not 1.5)."""
    return {k for k, _, bare in _PAIR.findall(obj) if not bare}


def _wanted(sensor: str) -> bool:
    return bool(_GRAVITY.match(sensor) or sensor_rows.acc_tag([sensor]))


def open_recording(raw: BinaryIO, name: str) -> tuple[BinaryIO, Picked]:
    """(a CSV of the accelerometer's records, what was read) from the JSON text `raw`, which
    is read to its end and closed. Raises UserError for JSON that holds no accelerometer."""
    tables: dict[bytes, _Table] = {}
    seen: Counter[bytes] = Counter()
    key, named, last = None, None, Counter()
    try:
        for body in _chunks(raw, name):
            if named is None:  # the first record says which key names the sensor, if any
                first = _OBJECT.search(body)
                if not first:
                    continue
                key = next((k for k in _SENSOR_KEYS if k in _pairs(first.group())), None)
                named = re.compile(rb'"' + re.escape(key) + rb'"\s*:\s*"?([^",}]*)"?') if key else False
            counts = _counts(body, named, last)
            last = counts
            seen.update(counts)
            for sensor, k in counts.items():
                if sensor not in tables:
                    first = next((o for o in _OBJECT.findall(body) if not named or _sensor_of(named, o) == sensor), None)
                    if not k or first is None or (named and not _wanted(_text(sensor))):
                        continue
                    tables[sensor] = _Table(_pairs(first), _quoted(first), key, sensor)
                tables[sensor].add_chunk(body, k, lambda o, s=sensor: not named or _sensor_of(named, o) == s)
    finally:
        raw.close()
    if not seen:
        raise UserError(f"{name} is JSON without a complete reading in it (an empty export, or a file cut off).", HINT)
    if not named:
        return io.BytesIO(tables[b""].text()), Picked("the JSON's records", None, None, "json")
    by_name = {_text(s): t for s, t in tables.items()}
    tag = sensor_rows.acc_tag(list(by_name))
    if not tag:
        listed = ", ".join(_text(s) for s, _ in seen.most_common(8))
        raise UserError(f"{name} is JSON holding no accelerometer readings (its sensors: {listed}).", HINT)
    gravity = next((s for s in by_name if _GRAVITY.match(s)), None) if "total" not in tag.lower() else None
    others = [_text(s) for s, _ in seen.most_common() if _text(s) not in (tag, gravity)]
    rest = f" The other sensors were left out ({', '.join(others[:8])}{', ...' if len(others) > 8 else ''})." \
        if others else ""
    csv = io.BytesIO(by_name[tag].text())
    if gravity:
        grav = read_gravity(io.BytesIO(by_name[gravity].text()), f"the JSON's {gravity} records")
        note = (f"Read the JSON's {tag} records and added its {gravity} records to them: Sensor Logger's "
                f"{tag} holds the acceleration without gravity.{rest}")
        return csv, Picked(f"the JSON's {tag} records", note, grav, "json")
    return csv, Picked(f"the JSON's {tag} records", f"Read the JSON's {tag} records.{rest}", None, "json")


def _counts(body: bytes, named: re.Pattern | bool, last: Counter[bytes]) -> Counter[bytes]:
    """How many records of each sensor `body` holds. A JSON export groups the readings by
    sensor, so the sensors of the chunk before (`last`) are counted first, by their names
    alone; only when they do not add up to the chunk's records are all the records' sensors read."""
    if not named:
        return Counter({b"": body.count(b"{")})
    guess = Counter({s: body.count(b'"' + s + b'"') for s in last})
    if last and guess.total() == body.count(b"{"):
        return +guess
    return Counter(named.findall(body))


def _sensor_of(named: re.Pattern, obj: bytes) -> bytes | None:
    m = named.search(obj)
    return m.group(1) if m else None


def _text(sensor: bytes) -> str:
    return sensor.strip().decode("utf-8", "replace")
