"""The ingest benchmark runs end to end (on small sizes) and prints its JSON line."""
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_ingest_benchmark_smoke(pg_server):
    url = pg_server.create_database("bench_smoke")
    p = subprocess.run([sys.executable, "benchmarks/ingest.py", "--duckdb-rows", "20000", "--pg-rows", "5000",
                        "--pg-url", url], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert p.returncode == 0, p.stderr[-1000:]
    figures = json.loads(p.stdout.strip().splitlines()[-1])
    assert figures["duckdb"]["bulk_rows"] == 20000 and figures["postgresql"]["bulk_rows"] == 5000
    assert figures["duckdb"]["bulk_rows_per_s"] > 0 and figures["postgresql"]["speedup_vs_row_by_row"] > 0
