"""Guards the import order: pylibsrtp must load before tensorflow/mediapipe or the process segfaults."""
import ast
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def first_import(path: str) -> str:
    tree = ast.parse(open(os.path.join(ROOT, path)).read())
    for node in tree.body:
        if isinstance(node, ast.Import):
            return node.names[0].name
        if isinstance(node, ast.ImportFrom):
            return node.module
    return ""


def test_entry_points_import_webrtc_first():
    assert first_import("app.py") == "streamlit_webrtc"
    assert first_import("tests/conftest.py") == "streamlit_webrtc"
    assert first_import("core/__init__.py") == "pylibsrtp"
    assert first_import("core/__main__.py") == "core"


def test_core_then_tensorflow_and_mediapipe_loads_in_one_process():
    code = "import core, tensorflow, mediapipe, aiortc; print('alive')"
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert p.returncode == 0 and "alive" in p.stdout, p.stderr[-500:]


def test_the_wrong_order_still_crashes():
    """If this starts passing, the workaround may be dropped; until then it documents why it exists."""
    p = subprocess.run([sys.executable, "-c", "import tensorflow; import pylibsrtp"],
                       capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert p.returncode != 0
