"""Sensor recordings (phone or wearable accelerometer, optional gyroscope): read any CSV
shape, detect units and rate, validate, resample, count steps, find walking bouts, store.

Where things are:
- `reader.py`: CSV / .csv.gz in generic, Oxford and Xsens Awinda shapes, read in chunks.
- `columns.py`: which column is time / acc / gyro (asks for a mapping when ambiguous).
- `units.py`, `sample_rate.py`: unit and rate detection.
- `validation.py`: every check with its message; `resampling.py`: uniform grid.
- `step_counting.py`: model and baseline step times; `bouts.py`: bouts, cadence, variability.
- `storage.py`: recordings and steps linked to an athlete's session.
"""
