"""Step detector: a small 1D convolutional Keras network that turns the accelerometer
signal (resampled to MODEL_RATE_HZ) into a per-sample step-event probability, peak-picked
into step times; and the classical baseline (low-pass |acc| + peak detection) beside it.

- `features.py`: signal -> network input; `network.py`: the architecture;
- `peaks.py`: probability -> step times; `baseline.py`: the classical detector;
- `inference.py`: load the shipped artifact (Keras or TFLite) and run it;
- `datasets.py`, `evaluation.py`, `train.py`: labelled data, event metrics, training.
"""
from pathlib import Path

ARTIFACT_DIR = Path(__file__).resolve().parent / "artifacts"
MODEL_RATE_HZ = 25.0
