"""The video benchmark runs end to end (on a 2 s cut of a shared clip) and prints its JSON line."""
import json
import os
import subprocess
import sys

import pytest

from tests.conftest import shared_path

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.slow
def test_video_benchmark_smoke():
    clip = shared_path("data", "videos", "pushup_side_4reps.mp4")
    p = subprocess.run([sys.executable, "benchmarks/video.py", "--clip", str(clip), "--seconds", "2",
                        "--naive-frames", "10"], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert p.returncode == 0, p.stderr[-1500:]
    f = json.loads(p.stdout.strip().splitlines()[-1])
    assert (f["width"], f["height"]) == (1280, 720) and 1.8 < f["duration_s"] < 2.2
    for k in ("decode_s", "pose_s", "counting_s", "overlay_s", "overlay_encode_s", "naive_pose_s"):
        assert f[k] > 0, k
    assert f["overlay_codec"] == "libx264" and f["overlay_size"] == "960x540"
    assert f["ratio_to_duration"] == pytest.approx(f["total_s"] / f["duration_s"], rel=0.01)
    assert f["naive_frames_measured"] == 10 and f["speedup_vs_naive"] > 0
