"""Load the shipped step detector once and run it.

`load()` returns a StepModel (Keras by default, or the TFLite export); the artifact's
config.json carries the rate, the peak-picking defaults and the baseline's parameters.
TensorFlow is imported here only, so importing the package stays cheap.
"""
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.step_detector import ARTIFACT_DIR, MODEL_RATE_HZ
from models.step_detector.baseline import BaselineParams
from models.step_detector.features import N_CHANNELS

KERAS_FILE = "step_detector.keras"
TFLITE_FILE = "step_detector.tflite"
CONFIG_FILE = "config.json"
CHUNK = 1 << 18        # samples per network call (~3 h at 25 Hz)
OVERLAP = 256          # > half the receptive field (125 samples), so chunk seams are exact


@dataclass(frozen=True)
class ModelConfig:
    version: str
    rate_hz: float
    threshold: float
    min_interval_s: float
    baseline: BaselineParams

    @classmethod
    def read(cls, folder: Path = ARTIFACT_DIR) -> "ModelConfig":
        c = json.loads((folder / CONFIG_FILE).read_text())
        return cls(version=c["version"], rate_hz=float(c.get("rate_hz", MODEL_RATE_HZ)),
                   threshold=float(c["threshold"]), min_interval_s=float(c["min_interval_s"]),
                   baseline=BaselineParams(**c["baseline"]))


class StepModel:
    """`probabilities(x)`: (n, N_CHANNELS) network input -> (n,) step-event probability."""

    def __init__(self, run, config: ModelConfig, kind: str):
        self._run = run
        self.config = config
        self.kind = kind

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float32)
        n = len(x)
        if n <= CHUNK:
            return self._run(x)
        out = np.empty(n, dtype=np.float32)
        step = CHUNK - 2 * OVERLAP
        for start in range(0, n, step):
            lo, hi = max(0, start - OVERLAP), min(n, start + step + OVERLAP)
            p = self._run(x[lo:hi])
            out[start:min(n, start + step)] = p[start - lo:start - lo + min(step, n - start)]
        return out


def configure_threads(n: int = 2) -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's banners off users' stderr
    import tensorflow as tf
    try:
        tf.config.threading.set_intra_op_parallelism_threads(n)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:
        pass  # already initialised: keep what it has


def keras_runner(model):
    import tensorflow as tf

    @tf.function(input_signature=[tf.TensorSpec([1, None, N_CHANNELS], tf.float32)], reduce_retracing=True)
    def fn(x):
        return model(x, training=False)

    return lambda x: fn(x[None]).numpy()[0, :, 0]


def load(folder: Path = ARTIFACT_DIR, kind: str = "keras") -> StepModel:
    """Read the artifact in `folder` ('keras' or 'tflite')."""
    config = ModelConfig.read(folder)
    configure_threads()
    if kind == "tflite":
        return StepModel(tflite_runner(folder / TFLITE_FILE), config, "tflite")
    import keras
    model = keras.models.load_model(folder / KERAS_FILE, compile=False)
    return StepModel(keras_runner(model), config, "keras")


def tflite_runner(path: Path):
    import tensorflow as tf
    interp = tf.lite.Interpreter(model_path=str(path), num_threads=2)
    lock = threading.Lock()

    def run(x):
        with lock:
            inp = interp.get_input_details()[0]
            interp.resize_tensor_input(inp["index"], [1, len(x), x.shape[1]], strict=False)
            interp.allocate_tensors()
            interp.set_tensor(inp["index"], x[None].astype(np.float32))
            interp.invoke()
            return interp.get_tensor(interp.get_output_details()[0]["index"])[0, :, 0].copy()

    return run


def export_tflite(model, path: Path) -> None:
    """Write the TFLite flatbuffer for a Keras model taking (1, n, N_CHANNELS) of any n (weights frozen)."""
    import tensorflow as tf
    path.write_bytes(tf.lite.TFLiteConverter.from_keras_model(model).convert())


_cache: dict[tuple[str, str], StepModel] = {}
_cache_lock = threading.Lock()


def shared(kind: str = "keras", folder: Path = ARTIFACT_DIR) -> StepModel:
    """The process-wide model (loaded on first use, then reused)."""
    key = (str(folder), kind)
    with _cache_lock:
        if key not in _cache:
            _cache[key] = load(folder, kind)
        return _cache[key]
