"""Odd but real-world file shapes: what phone apps, spreadsheets and wearables export."""
import numpy as np
import pytest

from core.sensors.reader import read_recording
from tests.sensor_samples import walking


@pytest.fixture(scope="module")
def walk():
    t, acc, _, _ = walking(12.0)
    return t, acc


def _oxford_lines(t, acc):
    ns = (263_239_144_953_734 + np.round(t * 1e9)).astype(np.int64)
    return [f"{a},3,{x:.6f},{y:.6f},{z:.6f}" for a, (x, y, z) in zip(ns, acc)]


def test_headerless_oxford_with_an_empty_cell_near_the_top(walk):
    t, acc = walk
    lines = _oxford_lines(t, acc)
    lines[3] = ",".join(["" if i == 1 else c for i, c in enumerate(lines[3].split(","))])  # no accuracy flag
    lines[5] = ",".join(["" if i == 2 else c for i, c in enumerate(lines[5].split(","))])  # no x
    rec = read_recording(("\n".join(lines) + "\n").encode())
    assert rec.source_format == "oxford" and rec.n_samples == len(t)
    np.testing.assert_allclose(rec.acc[6:], acc[6:], atol=1e-5)
    assert any("interpolated" in w for w in rec.warnings)
