"""Import a check-in history CSV: good rows kept, bad rows listed with their line and reason.

Columns: athlete, date (YYYY-MM-DD), sleep_hours, sleep_quality, energy, stress, soreness,
motivation, illness, session_quality (empty when no session), duration_min, rpe; optional
resting_hr, hrv_ms, deviation. Unknown columns are ignored (and reported). Athletes are created
by name when new. Everything good is stored in one transaction; re-importing replaces each
athlete-day with the file's values (idempotent).
"""
import csv
import gzip
import io
import zlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from core import athletes
from core.actor import Actor
from core.errors import UserError
from core.reco import store
from core.reco.checkin import ALL_FIELDS, FIELDS, Checkin, parse, parse_date
from core.storage import Database
from core.storage.tables import athletes as athletes_t

KEY_COLUMNS = ("athlete", "date")
OPTIONAL = ("resting_hr", "hrv_ms", "deviation")
OUTCOME_COLUMNS = ("session_quality", "duration_min", "rpe")  # a check-ins-only file has none
HISTORY_COLUMNS = (*KEY_COLUMNS, *[k for k in ALL_FIELDS if k not in OPTIONAL])
CHECKIN_COLUMNS = (*KEY_COLUMNS, *[k for k in FIELDS if k not in OPTIONAL])


@dataclass
class Row:
    line: int  # 1-based line in the file (header is line 1)
    athlete: str
    date_text: str  # as given
    day: date
    checkin: Checkin
    deviation: str | None = None


@dataclass
class ParsedFile:
    rows: list[Row]
    bad: list[tuple[int, str]]  # (line, reason)
    unknown_columns: list[str]
    absent_outcomes: list[str] = field(default_factory=list)  # optional columns the file does not have


@dataclass
class ImportReport:
    rows_read: int
    created: int
    replaced: int
    athletes_created: list[str] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)


def read_rows(source: str | Path | bytes, outcome: bool = True) -> ParsedFile:
    """Parse a history (outcome=True) or check-ins-only CSV; bad rows are listed, never raised.

    Raises UserError only when the file as a whole is unusable (not text, no header, key columns missing).
    """
    if isinstance(source, (bytes, bytearray)):
        raw = bytes(source)
    else:
        raw = Path(source).read_bytes()
    if raw[:2] == b"\x1f\x8b":  # a .csv.gz
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as e:
            raise UserError(f"The file looks gzip-compressed but cannot be unpacked ({e}).", "compress it again")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError("The file is not UTF-8 text; expected a CSV.", "save it as CSV (UTF-8)")
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = [h.strip() for h in (reader.fieldnames or []) if h is not None]
        return _parse(reader, header, outcome)
    except csv.Error as e:  # a field over the csv module's limit (131072 characters), a NUL byte...
        raise UserError(f"The CSV cannot be read: {e} (line {reader.line_num}).", "save it again as CSV (UTF-8)")


def _parse(reader: csv.DictReader, header: list[str], outcome: bool) -> ParsedFile:
    if not header:
        raise UserError("The CSV is empty (no header row).",
                        "the first line must name the columns: " + ", ".join(HISTORY_COLUMNS[:4]) + ", ...")
    wanted = HISTORY_COLUMNS if outcome else CHECKIN_COLUMNS
    missing = [c for c in wanted if c not in header and c not in OUTCOME_COLUMNS]
    if missing:
        raise UserError(f"The CSV lacks the column(s) {', '.join(missing)}.",
                        "expected columns: " + ", ".join(wanted))
    known = set(KEY_COLUMNS) | set(ALL_FIELDS) | {"deviation"}
    unknown = [h for h in header if h not in known]
    rows, bad, seen = [], [], {}
    for i, rec in enumerate(reader, start=2):
        rec = {(k or "").strip(): (v.strip() if isinstance(v, str) else v) for k, v in rec.items()}
        if not any(v for v in rec.values() if isinstance(v, str)):
            continue  # blank line
        name = " ".join((rec.get("athlete") or "").split())
        try:
            if not name:
                raise UserError("athlete: name is empty")
            day = parse_date(rec.get("date"))
            checkin = parse(rec, outcome=outcome)
        except UserError as e:
            bad.append((i, e.message))
            continue
        key = (athletes.name_key(name), day)
        if key in seen:
            bad.append((i, f"duplicate of line {seen[key]} ({name}, {rec.get('date')})"))
            continue
        seen[key] = i
        rows.append(Row(line=i, athlete=name, date_text=rec["date"], day=day, checkin=checkin,
                        deviation=(rec.get("deviation") or None)))
    absent = [c for c in (*OPTIONAL, *OUTCOME_COLUMNS) if c not in header]
    return ParsedFile(rows=rows, bad=bad, unknown_columns=unknown, absent_outcomes=absent)


def import_history(db: Database, actor: Actor, source: str | Path | bytes) -> ImportReport:
    """Store every good row of a history CSV (one transaction); returns what was done and what was refused."""
    actor.require("write")
    parsed = read_rows(source, outcome=True)
    report = ImportReport(rows_read=len(parsed.rows) + len(parsed.bad), created=0, replaced=0,
                          bad=parsed.bad, unknown_columns=parsed.unknown_columns)
    if not parsed.rows:
        if parsed.bad:
            line, why = parsed.bad[0]
            raise UserError(f"No valid rows to import ({len(parsed.bad)} bad; line {line}: {why}).")
        raise UserError("The CSV has a header but no rows.")
    with db.begin() as conn:
        ids: dict[str, int] = {}
        for row in parsed.rows:
            key = athletes.name_key(row.athlete)
            if key not in ids:
                found = _find(conn, actor, row.athlete)
                if found is None:
                    found = athletes.insert(conn, actor, row.athlete)
                    report.athletes_created.append(athletes.clean_name(row.athlete))
                ids[key] = found
        have = store.existing_days(conn, actor, list(ids.values()))
        for row in parsed.rows:
            aid = ids[athletes.name_key(row.athlete)]
            if (aid, row.day) in have:
                # a column the file lacks keeps what is stored for that day
                store.save_checkin(conn, actor, aid, row.day, row.checkin, "import", row.deviation,
                                   keep=parsed.absent_outcomes)
                report.replaced += 1
            else:  # new: skip the per-row existence check
                store.insert_new_checkin(conn, actor, aid, row.day, row.checkin, "import", row.deviation)
                report.created += 1
    return report


def _find(conn, actor: Actor, name: str) -> int | None:
    r = conn.execute(sa.select(athletes_t.c.id).where(athletes_t.c.team_id == actor.team_id,
                                                      athletes_t.c.name_key == athletes.name_key(name))).first()
    return r.id if r else None
