"""Bulk insert of large frames: DuckDB reads the Arrow/DataFrame directly, PostgreSQL uses COPY.

Runs inside the caller's transaction, so a failure leaves nothing half-written.
"""
import io

import pandas as pd
import sqlalchemy as sa


def insert_frame(conn: sa.Connection, table: sa.Table, frame: pd.DataFrame) -> int:
    """Insert every row of `frame` (columns named as the table's) into `table`; returns rows."""
    if frame.empty:
        return 0
    cols = list(frame.columns)
    unknown = set(cols) - set(table.c.keys())
    if unknown:
        raise ValueError(f"{table.name} has no column(s) {sorted(unknown)}")
    raw = conn.connection.driver_connection
    col_sql = ", ".join(cols)
    if conn.dialect.name == "duckdb":
        view = f"_bulk_{table.name}"
        # DuckDB refuses new work while an earlier statement's result is not fully read
        # (SQLAlchemy's .first() leaves one open); finish it first.
        raw.complete()
        raw.register(view, frame)
        try:
            raw.execute(f"INSERT INTO {table.name} ({col_sql}) SELECT {col_sql} FROM {view}")
        finally:
            raw.unregister(view)
    elif conn.dialect.name == "postgresql":
        buf = io.StringIO()
        # CSV keeps COPY in C on both sides; NaN/None become empty (NULL).
        frame.to_csv(buf, index=False, header=False, na_rep="")
        with raw.cursor() as cur:
            with cur.copy(f"COPY {table.name} ({col_sql}) FROM STDIN WITH (FORMAT csv)") as copy:
                copy.write(buf.getvalue())
    else:
        conn.execute(table.insert(), frame.to_dict("records"))
    return len(frame)


def insert_rows_one_by_one(conn: sa.Connection, table: sa.Table, frame: pd.DataFrame) -> int:
    """The naive path (one INSERT per row); only the ingest benchmark uses it, as a baseline."""
    stmt = table.insert()
    for row in frame.to_dict("records"):
        conn.execute(stmt, row)
    return len(frame)
