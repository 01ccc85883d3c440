"""Synthetic sensor recordings for tests: walking with known step times, standing, and
files in each supported shape (generic header, Oxford headerless, Awinda, odd units)."""
import gzip
import io
import json

import numpy as np
import pandas as pd

G = 9.80665


def walking(seconds: float = 30.0, rate_hz: float = 100.0, cadence_spm: float = 110.0, start_s: float = 2.0,
            stop_s: float | None = None, seed: int = 0, gyro: bool = False, jitter: float = 0.0):
    """(t_s, acc m/s^2 (n,3), gyro rad/s or None, true step times): gravity on a tilted
    axis, a heel-strike pulse and a smooth sway per step, walking from start_s to stop_s."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate_hz)
    t = np.arange(n) / rate_hz
    if jitter:
        t = t + rng.uniform(-jitter, jitter, n) / rate_hz
        t[0] = 0.0
    stop_s = seconds - 2.0 if stop_s is None else stop_s
    period = 60.0 / cadence_spm
    steps = np.arange(start_s, stop_s, period) + rng.normal(0, 0.01, len(np.arange(start_s, stop_s, period)))
    vert = np.zeros(n)
    for s in steps:
        d = t - s
        vert += 6.0 * np.exp(-0.5 * (d / 0.03) ** 2) - 2.0 * np.exp(-0.5 * ((d - 0.15) / 0.08) ** 2)
    walking_now = (t > start_s - 0.2) & (t < stop_s + 0.2)
    vert += walking_now * 1.5 * np.sin(2 * np.pi * t / period)
    side = walking_now * 1.0 * np.sin(np.pi * t / period)
    up = np.array([0.2, 0.5, 0.84]) / np.linalg.norm([0.2, 0.5, 0.84])
    other = np.cross(up, [1.0, 0, 0])
    other /= np.linalg.norm(other)
    acc = (G + vert)[:, None] * up + side[:, None] * other + rng.normal(0, 0.05, (n, 3))
    g = None
    if gyro:
        g = np.column_stack([walking_now * 1.2 * np.sin(np.pi * t / period), walking_now * 0.4 * np.cos(2 * np.pi * t / period),
                             rng.normal(0, 0.02, n)])
    return t, acc, g, steps


def standing(seconds: float = 30.0, rate_hz: float = 100.0, seed: int = 1):
    rng = np.random.default_rng(seed)
    n = int(seconds * rate_hz)
    t = np.arange(n) / rate_hz
    acc = np.array([0.3, 0.2, G])[None, :] + rng.normal(0, 0.03, (n, 3)) + 0.1 * np.sin(2 * np.pi * 0.3 * t)[:, None]
    return t, acc


def generic_csv(t, acc, gyro=None, time_unit="ns", acc_unit="m/s^2", gyro_unit="rad/s", names=None,
                t0_s: float = 1_700_000_000.0) -> bytes:
    """Header CSV: timestamp in the unit asked for (or ISO text), acc and optional gyro."""
    scale = {"ns": 1e9, "us": 1e6, "ms": 1e3, "s": 1.0}
    if time_unit == "iso":
        ts = pd.to_datetime((t0_s + t) * 1e9, unit="ns").strftime("%Y-%m-%dT%H:%M:%S.%f")
    elif time_unit == "ns":
        ts = (np.round((t0_s + t) * 1e9)).astype(np.int64)
    else:
        ts = np.round((t0_s + t) * scale[time_unit], 6)
    a = acc / G if acc_unit == "g" else acc
    cols = {"timestamp_" + time_unit if time_unit != "iso" else "time": ts, "acc_x": a[:, 0], "acc_y": a[:, 1],
            "acc_z": a[:, 2]}
    if gyro is not None:
        g = np.rad2deg(gyro) if gyro_unit == "deg/s" else gyro
        cols.update(gyro_x=g[:, 0], gyro_y=g[:, 1], gyro_z=g[:, 2])
    df = pd.DataFrame(cols)
    if names:
        df.columns = names
    return df.to_csv(index=False).encode()


def oxford_csv(t, acc, boot_ns: int = 263_239_144_953_734) -> bytes:
    ts = (boot_ns + np.round(t * 1e9)).astype(np.int64)
    lines = [f"{a},3,{x:.6f},{y:.6f},{z:.6f}" for a, (x, y, z) in zip(ts, acc)]
    return ("\n".join(lines) + "\n").encode()


def awinda_csv(acc, gyro, activity) -> bytes:
    df = pd.DataFrame({"Activity": activity, " AccelX_5": acc[:, 0], " AccelY_5": acc[:, 1], " AccelZ_5": acc[:, 2],
                       " GyroX_5": gyro[:, 0], " GyroY_5": gyro[:, 1], " GyroZ_5": gyro[:, 2]})
    return df.to_csv(index=False).encode()


def gz(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb") as f:
        f.write(data)
    return buf.getvalue()


def two_sensor_csv(t, left, right) -> bytes:
    """pandas' to_csv of grouped columns (gaitmap's layout): the row index first, a header
    row per level, the sensor's name repeated over its columns."""
    axes = ["acc_x", "acc_y", "acc_z", "gyr_x", "gyr_y", "gyr_z"]
    frame = pd.DataFrame(np.hstack([left, right]),
                         columns=pd.MultiIndex.from_product([["left_sensor", "right_sensor"], axes],
                                                            names=["sensor", "axis"]))
    return frame.to_csv().encode()


def handled_phone(seconds: float = 90.0, rate_hz: float = 100.0, seed: int = 0, rads: float = 1.5):
    """(t_s, acc m/s^2) of a phone held while standing, not walking: hand tremor, taps on
    the screen (1-6 m/s^2, 0.15-0.8 s apart, some skipped: irregular bursts), the whole
    slowly and irregularly turned at about `rads` rad/s, so gravity sweeps over the axes."""
    from scipy.ndimage import uniform_filter1d
    from scipy.spatial.transform import Rotation
    rng = np.random.default_rng(seed)
    n = int(seconds * rate_hz)
    t = np.arange(n) / rate_hz
    acc = np.tile([0.0, 0.0, G], (n, 1)) + uniform_filter1d(rng.normal(0, 0.6, (n, 3)), 15, axis=0)
    k = 0.5
    while k < seconds - 0.5:
        if rng.random() < 0.7:
            i = int(k * rate_hz)
            acc[i:i + 3, 2] += rng.uniform(1.0, 6.0) * np.array([1.0, -0.6, 0.2])
        k += rng.uniform(0.15, 0.8)
    w = uniform_filter1d(rng.normal(size=(n, 3)), int(0.5 * rate_hz), axis=0, mode="nearest")
    w *= rads / np.sqrt((w ** 2).sum(axis=1).mean())
    return t, Rotation.from_rotvec(np.cumsum(w, axis=0) / rate_hz).apply(acc, inverse=True)


def sensor_logger_records(sensor, t, xyz, as_text=True):
    """Sensor Logger's records: a ns clock and the seconds since the start, then z, y, x, all as text."""
    ns = (1_698_501_144_401_773_000 + np.round(t * 1e9)).astype(np.int64)
    cast = str if as_text else float
    return [{"sensor": sensor, "time": str(n) if as_text else int(n), "seconds_elapsed": cast(s),
             "z": cast(v[2]), "y": cast(v[1]), "x": cast(v[0])} for n, s, v in zip(ns, t, xyz)]


def sensor_logger_json(t, acc, platform="ios") -> bytes:
    """Sensor Logger's JSON export: an array of records of all its sensors, grouped by sensor;
    its Accelerometer without gravity, iOS's Gravity (at half the rate) or Android's TotalAcceleration."""
    grav = np.tile(acc.mean(axis=0), (len(t), 1))
    recs = sensor_logger_records("Accelerometer", t, acc - grav)
    if platform == "android":
        recs += sensor_logger_records("TotalAcceleration", t, acc)
    recs += sensor_logger_records("Gravity", t[::2], grav[::2])
    recs += sensor_logger_records("Gyroscope", t, np.zeros_like(acc))
    recs += [{"sensor": "Location", "time": "1698501145514000000", "seconds_elapsed": "1.3", "latitude": "51.7",
              "longitude": "-1.2", "speed": "0"},
             {"sensor": "Annotation", "time": "1698501146514000000", "seconds_elapsed": "2.3",
              "text": "turned, then {stopped} [briefly]"}]
    return json.dumps(recs, indent=2).encode()  # the app's own layout: two-space indents, a key a line


def riding(seconds: float = 120.0, rate_hz: float = 100.0, rpm: float = 75.0, swing_deg: float = 25.0,
           seed: int = 0):
    """(t_s, acc m/s^2) of a phone in a trouser pocket on a bike: it turns with the thigh, which
    swings `swing_deg` either side of 30 degrees below horizontal once a pedal revolution, 0.2 m
    from the hip (along the thigh it reads -g sin - r w^2, across it g cos - r alpha), with the
    rider's sway, the road's vibration and a few bumps. A steady rhythm with no step in it."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate_hz)
    t = np.arange(n) / rate_hz
    phase = 2 * np.pi * rpm / 60 * t + rng.uniform(0, 2 * np.pi)
    theta = np.radians(30 + swing_deg * np.sin(phase))
    w = np.gradient(theta, t)
    alpha = np.gradient(w, t)
    acc = np.column_stack([-G * np.sin(theta) - 0.2 * w ** 2, 0.4 * np.sin(phase + 1.0), G * np.cos(theta) - 0.2 * alpha])
    acc += rng.normal(0, 0.4, acc.shape)
    for i in rng.integers(0, n - 10, int(seconds / 8)):
        acc[i:i + 6] += rng.uniform(2, 5) * np.exp(-np.arange(6) / 2)[:, None] * rng.normal(size=3)
    return t, acc
