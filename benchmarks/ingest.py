"""Bulk ingest of metric samples: DuckDB (Arrow insert) and PostgreSQL (COPY) vs row-by-row.

    python benchmarks/ingest.py [--duckdb-rows 1000000] [--pg-rows 200000] [--pg-url URL]

Without --pg-url it starts a throw-away PostgreSQL (Debian's package) on 127.0.0.1.
The row-by-row baseline (one INSERT per row, the naive path) runs on a smaller batch in the
same process, and the ratio compares rows/s. Last line: one JSON object with the figures.
"""
import argparse
import json
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from core import athletes, metrics, sessions  # noqa: E402
from core.actor import LOCAL_COACH  # noqa: E402
from core.metrics import _frame  # noqa: E402
from core.storage import open_database  # noqa: E402
from core.storage.bulk import insert_rows_one_by_one  # noqa: E402
from core.storage.tables import metric_samples  # noqa: E402


def samples(n: int, seed: int = 1) -> pd.DataFrame:
    """n samples of 6 metrics at 100 Hz, like a wearable recording."""
    rng = np.random.default_rng(seed)
    names = np.array(["acc_x", "acc_y", "acc_z", "gyro_x", "gyro_y", "gyro_z"])
    return pd.DataFrame({"t": np.arange(n) // 6 / 100.0, "name": names[np.arange(n) % 6],
                         "value": rng.normal(0, 1, n)})


def measure(url: str, bulk_rows: int, naive_rows: int) -> dict:
    db = open_database(url)
    a = athletes.create(db, LOCAL_COACH, f"Bench {time.time_ns()}")
    sid = sessions.create(db, LOCAL_COACH, a.id, "sensor", datetime(2026, 1, 1)).id
    frame = samples(bulk_rows)
    t0 = time.perf_counter()
    metrics.add(db, LOCAL_COACH, sid, frame)  # the app's path: validation + bulk insert, one transaction
    bulk_s = time.perf_counter() - t0
    naive = _frame(sid, samples(naive_rows, seed=2))
    t0 = time.perf_counter()
    with db.begin() as conn:
        insert_rows_one_by_one(conn, metric_samples, naive)
    naive_s = time.perf_counter() - t0
    stored = metrics.count(db, LOCAL_COACH)
    db.close()
    assert stored == bulk_rows + naive_rows, (stored, bulk_rows, naive_rows)
    bulk_rate, naive_rate = bulk_rows / bulk_s, naive_rows / naive_s
    return {"bulk_rows": bulk_rows, "bulk_s": round(bulk_s, 3), "bulk_rows_per_s": round(bulk_rate),
            "row_by_row_rows": naive_rows, "row_by_row_rows_per_s": round(naive_rate),
            "speedup_vs_row_by_row": round(bulk_rate / naive_rate, 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--duckdb-rows", type=int, default=1_000_000)
    ap.add_argument("--pg-rows", type=int, default=200_000)
    ap.add_argument("--pg-url", default=None)
    args = ap.parse_args()
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        out["duckdb"] = measure(f"duckdb:///{tmp}/bench.duckdb", args.duckdb_rows, 5_000)
    print(f"DuckDB:     {out['duckdb']['bulk_rows_per_s']:>12,} rows/s bulk, "
          f"{out['duckdb']['row_by_row_rows_per_s']:>8,} rows/s row by row, "
          f"x{out['duckdb']['speedup_vs_row_by_row']}", file=sys.stderr)
    server = None
    url = args.pg_url
    if not url:
        from tests.pgserver import PgServer
        server = PgServer().start()
        url = server.create_database("bench")
    try:
        out["postgresql"] = measure(url, args.pg_rows, 2_000)
    finally:
        if server:
            server.stop()
    print(f"PostgreSQL: {out['postgresql']['bulk_rows_per_s']:>12,} rows/s bulk, "
          f"{out['postgresql']['row_by_row_rows_per_s']:>8,} rows/s row by row, "
          f"x{out['postgresql']['speedup_vs_row_by_row']}", file=sys.stderr)
    out["goals_rows_per_s"] = {"duckdb": 100_000, "postgresql": 20_000}
    out["goals_met"] = (out["duckdb"]["bulk_rows_per_s"] >= 100_000
                        and out["postgresql"]["bulk_rows_per_s"] >= 20_000)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
