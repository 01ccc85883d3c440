"""Which column holds time, acceleration and angular rate.

Names are matched after normalising (camelCase split, lower case, units in brackets or
after the axis dropped, separators unified, a trailing sensor number such as Awinda's `_5`
dropped), so phone apps' own names are understood too (SensorLog's
`accelerometerAccelerationX(G)`, AndroSensor's `ACCELEROMETER X (m/s²)` and `Time since
start in ms`, Physics Toolbox's `gFx`, `x_acc`, `X-Axis`). A clock next to an
elapsed-time column (Sensor Logger's `time, seconds_elapsed`) is no clash: the clock is
used. When a role matches several columns, or x/y/z acceleration cannot be found,
`ColumnMappingNeeded` is raised: the page then asks the user to map the columns, and the
CLI exits 2 with its message.
"""
import re

from core.errors import UserError
from core.sensors.units import LEVEL_SEP, gyro_unit_from_name

ROLES = ("time", "acc_x", "acc_y", "acc_z", "gyro_x", "gyro_y", "gyro_z")
REQUIRED = ("acc_x", "acc_y", "acc_z")

# Time: also with the clock it comes from (Polar Sensor Logger's `Phone timestamp` and `sensor
# timestamp [ns]`, Shimmer's `Timestamp_Unix`)
_TIME = re.compile(r"^(t|ts|time|times|timestamp|timestamps|(phone|sensor|device)_timestamp|epoc|sample_time_fine|"
                   r"zeit|temps|tiempo|time_stamp|datetime|date_time|unix_time|epoch|elapsed|"
                   r"seconds_elapsed|elapsed_time|sample_time|time_since_start(_in)?|"
                   r"(accelerometer_)?timestamp_since_reboot|accelerometer_timestamp|"
                   r"(excel|serial|matlab)_(time|date|datetime|timestamp)|datenum|oadate)(_unix)?"
                   r"(_(ns|us|ms|s|sec|seconds))?$")
_SENSOR_CLOCK = re.compile(r"^(sensor|device)_")  # the sensor's own clock: regular, where a phone's comes in batches
_UNIX_CLOCK = re.compile(r"_unix$|^epoch?$")  # Shimmer's Timestamp_Unix, MetaBase's "epoc (ms)"
# Words for each sensor; the one-letter ones (a, g, w) only before the axis (ax, gx, wx): after
# it they read as units (x_g is an x axis in g). Linear / user acceleration (no gravity) is
# not the accelerometer and is left unmapped.
_ACC = (r"(acc|accel|accelerometer|acceleration|accelerometer_acceleration|g_?f|"  # gF: g-force
        r"beschl|beschleunigung|aceleraci[oó]n|acc[eé]l[eé]ration)")  # German, Spanish, French
_GYRO = r"(gyro|gyr|gyroscope|gyro_rotation|rotation_rate|rotationrate|angular_velocity)"
_AXIS = {
    "acc": re.compile(rf"^(({_ACC}|a)_?(?P<axis>[xyz])|(?P<axis_first>[xyz])_{_ACC})$"),
    "gyro": re.compile(rf"^(({_GYRO}|g|w)_?(?P<axis>[xyz])|(?P<axis_first>[xyz])_{_GYRO})$"),
}
# an accelerometer's, unless its unit is an angular rate; also Android's SensorEvent `values` (value_x)
_BARE = re.compile(r"^(values?_)?(?P<axis>[xyz])(_axis)?$")
# a unit written into the name next to the axis: acc_x_g, accel_x_mps2, gyro_x_dps, z_acc_g
_UNIT_SUFFIX = re.compile(r"_(g|mg|ms2|mps2|m_s2|m_s_2|rad_s|rads|dps|deg_s|degs)$")
_HAS_AXIS = re.compile(r"(^|_)[xyz](_|$)")
_NO_GRAVITY = re.compile(r"(^|_)(linear_acc|user_acc|lin_acc)")  # phyphox, CoreMotion: gravity taken out
_NO_GRAVITY_AXIS = re.compile(r"(^|_)(linear_acc|user_acc|lin_acc)[a-z_]*?_?(?P<axis>[xyz])$")
_GRAVITY_AXIS = re.compile(r"^(motion_)?gravity_?(?P<axis>[xyz])$")  # CoreMotion's gravity.x, beside userAcceleration.x
# other channels a motion export carries beside the axes: none of them is a clock
_OTHER_CHANNEL = re.compile(r"attitude|roll|pitch|yaw|quat|magnet|heading|orient|gravity|rotation|temperature|"
                            r"(^|_)temp(_|$)|pressure|light|battery|heart")
GRAVITY_ROLES = ("gravity_x", "gravity_y", "gravity_z")  # read, then added to acc_x..acc_z (the total acceleration)
# a step counter's or activity monitor's summary: counts per minute or day, not a signal
_SUMMARY = re.compile(r"^(steps|step_count|total_steps|axis1|axis_1|vector_magnitude|activity_counts?|vm)$")
_ELAPSED = re.compile(r"^(elapsed|seconds_elapsed|elapsed_time)(_(ns|us|ms|s|sec|seconds))?$")


class ColumnMappingNeeded(UserError):
    """The columns cannot be told apart by name. `columns`: the file's column names;
    `guess`: the roles that could be matched (role -> column name)."""

    def __init__(self, message: str, columns: list[str], guess: dict[str, str], hint: str | None = None):
        super().__init__(message, hint or "map the columns on the Sensors page (CLI: --map ROLE=COLUMN for "
                                          "each role), or rename them to "
                                          "timestamp_ns,acc_x,acc_y,acc_z[,gyro_x,gyro_y,gyro_z]")
        self.columns = columns
        self.guess = guess


def normalise(name: str) -> str:
    n = re.sub(r"[\(\[].*?[\)\]]", "", str(name)).strip()
    n = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", n).lower()  # camelCase: accelerometerAccelerationX -> ..._x
    n = re.sub(r"[\s\-\.:/]+", "_", n).strip("_")
    n = re.sub(r"_\d+$", "", n)  # Awinda: AccelX_5 -> accelx
    if n.startswith("shimmer_"):  # Shimmer_8C25_Accel_LN_X_CAL: its calibrated low-noise accelerometer; the
        # uncalibrated (RAW, UNCAL) columns and the wide-range accelerometer beside it are left unmatched
        n = re.sub(r"^shimmer_[0-9a-z]{4}_", "", n)
        n = re.sub(r"_cal$", "", n)
        n = re.sub(r"^accel_ln_", "accel_", n)
    n = re.sub(r"^(accel|acc|gyro|gyr)([xyz])$", r"\1_\2", n)
    return _UNIT_SUFFIX.sub("", n) if _HAS_AXIS.search(n[:-1]) else n


def role_of(name: str) -> str | None:
    """The role a column's name says it holds, or None; a name joined from several header
    rows says it in any one of them (`left_sensor / acc_x`, `acc_x / m/s^2`)."""
    role = _role_of_level(name)
    if role is None and LEVEL_SEP in name:
        role = next(filter(None, map(_role_of_level, name.split(LEVEL_SEP))), None)
    return role


def sensor_of(name: str) -> str:
    """The header rows of a joined name other than the one that gives its role (the sensor:
    `left_sensor` of `left_sensor / acc_x`), or "" for a plain name."""
    levels = name.split(LEVEL_SEP)
    return LEVEL_SEP.join(lv for lv in levels if _role_of_level(lv) is None) if len(levels) > 1 else ""


def _role_of_level(name: str) -> str | None:
    n = normalise(name)
    if _TIME.match(n):
        return None if n == "t" and "°" in name else "time"  # WitMotion's T(°) is a temperature
    for kind, pat in _AXIS.items():
        m = pat.match(n)
        if m:
            return f"{kind}_{m.group('axis') or m.group('axis_first')}"
    m = _BARE.match(n)
    if m:  # x, X-Axis: acceleration, unless the name gives an angular rate's unit (MetaWear's "x-axis (deg/s)")
        return f"{'gyro' if gyro_unit_from_name(name) else 'acc'}_{m.group('axis')}"
    return None


def map_columns(columns: list[str]) -> dict[str, str]:
    """role -> column name for every role found; raises ColumnMappingNeeded when ambiguous
    or when acceleration x, y, z are not all there."""
    found: dict[str, list[str]] = {}
    for c in columns:
        r = role_of(c)
        if r:
            found.setdefault(r, []).append(c)
    if len(found.get("time", [])) > 1:  # a clock and the seconds since the start (Sensor Logger): take the clock
        clocks = [c for c in found["time"] if not _ELAPSED.match(normalise(c))]
        norm = {c: normalise(c) for c in clocks}
        sensor = [c for c in clocks if _SENSOR_CLOCK.match(norm[c])]
        unix = [c for c in clocks if _UNIX_CLOCK.search(norm[c])]
        if len(sensor) == 1 and all(c in sensor or norm[c].startswith("phone_") for c in clocks):
            clocks = sensor  # the sensor's clock beside the phone's, which comes in batches (Polar)
        elif len(unix) == 1:
            clocks = unix  # a Unix clock beside time since the start (Shimmer's Timestamp_Unix_CAL, Timestamp_CAL)
        if len(clocks) == 1:
            found["time"] = clocks
    guess = {r: cs[0] for r, cs in found.items() if len(cs) == 1}
    clashes = {r: cs for r, cs in found.items() if len(cs) > 1}
    if clashes:
        sensors = list(dict.fromkeys(sensor_of(c) for cs in clashes.values() for c in cs))
        if all(sensors) and all(len({sensor_of(c) for c in cs}) == len(cs) for cs in clashes.values()):
            # several sensors side by side (left and right foot): offer the first one's columns
            first = {r: c for r, cs in found.items() for c in cs if len(cs) == 1 or sensor_of(c) == sensors[0]}
            raise ColumnMappingNeeded(f"The file holds {len(sensors)} sensors ({', '.join(sensors)}): choose one "
                                      "sensor's columns.", list(columns), first)
        r, cs = next(iter(clashes.items()))
        raise ColumnMappingNeeded(f"Several columns could be {r}: {', '.join(cs)}.", list(columns), guess)
    missing = [r for r in REQUIRED if r not in guess]
    if missing and not any(r in guess for r in REQUIRED):
        apart = _gravity_apart(columns)
        if apart:  # MotionSense, CoreMotion's device motion: the total acceleration is gravity + user acceleration
            return {**guess, **apart}
    if missing and any(_NO_GRAVITY.search(normalise(c)) for c in columns):
        raise ColumnMappingNeeded(
            "The file holds linear (user) acceleration, with gravity taken out, and no column named as the "
            "accelerometer; steps are counted relative to gravity's direction.", list(columns), guess,
            "export the accelerometer with gravity (phyphox: 'Acceleration (with g)'; Sensor Logger: "
            "TotalAcceleration; SensorLog: accelerometerAcceleration), or map its columns if the file has them")
    summary = summary_columns(columns)
    if missing and summary:
        raise ColumnMappingNeeded(
            f"This looks like a step or activity summary ({', '.join(summary[:3])}), not a raw accelerometer "
            "recording: CoachLab counts steps from the acceleration itself, sample by sample.", list(columns), guess,
            "export the raw accelerometer samples (x, y, z over time) from the device or app, or map the columns "
            "if the file has them")
    if missing:
        said = (f"Missing column(s) {', '.join(missing)}: no column named like acc_x/ax/x (found: "
                f"{', '.join(map(str, columns[:8]))}{'...' if len(columns) > 8 else ''}).")
        triple = _axis_triple(columns) if len(missing) == 3 else None
        if triple:  # RealWorld's attr_x, attr_y, attr_z beside attr_time: offered, to be confirmed
            guess = {**guess, **triple}
            clock = [c for c in columns if c not in triple.values() and re.search(r"(^|_)(time|timestamp)$", normalise(c))]
            if "time" not in guess and len(clock) == 1:
                guess["time"] = clock[0]
            said += f" {triple['acc_x']}, {triple['acc_y']}, {triple['acc_z']} may be the accelerometer's axes."
        raise ColumnMappingNeeded(said, list(columns), guess)
    gyro = [r for r in ("gyro_x", "gyro_y", "gyro_z") if r in guess]
    if 0 < len(gyro) < 3:
        raise ColumnMappingNeeded("Only some gyroscope axes were found "
                                  f"({', '.join(guess[r] for r in gyro)}); map all three or none.", list(columns), guess)
    return guess


def _axis_triple(columns: list[str]) -> dict[str, str] | None:
    """acc_x..acc_z -> the only three columns named alike but for a last x, y, z (`attr_x`,
    `attr_y`, `attr_z`), or among several such the first named for an accelerometer, or None."""
    stems: dict[str, dict[str, str]] = {}
    for c in columns:
        m = re.fullmatch(r"(?P<stem>.+?)_?(?P<axis>[xyz])", normalise(c))
        if m:
            stems.setdefault(m.group("stem"), {})[f"acc_{m.group('axis')}"] = c
    triples = [axes for axes in stems.values() if len(axes) == 3]
    if len(triples) > 1:  # HuGaDB's acc_rf_x, gyro_rf_x, acc_rs_x...: the first accelerometer's
        triples = [axes for stem, axes in stems.items() if len(axes) == 3 and re.match(_ACC + "_", stem)][:1]
    return triples[0] if len(triples) == 1 else None


def _gravity_apart(columns: list[str]) -> dict[str, str] | None:
    """acc_x..acc_z -> the acceleration without gravity and gravity_x..gravity_z -> gravity,
    where a file holds the two apart (CoreMotion's device motion: `userAcceleration.x`, `gravity.x`)
    and each axis once; else None."""
    found: dict[str, list[str]] = {}
    for c in columns:
        n = normalise(c)
        for kind, pat in (("acc", _NO_GRAVITY_AXIS), ("gravity", _GRAVITY_AXIS)):
            m = pat.search(n)
            if m:
                found.setdefault(f"{kind}_{m.group('axis')}", []).append(c)
    roles = (*REQUIRED, *GRAVITY_ROLES)
    if any(len(found.get(r, [])) != 1 for r in roles):
        return None
    return {r: found[r][0] for r in roles}


def other_channel(name: str) -> bool:
    """True for a column named as a channel that is not time (attitude, magnetometer, temperature...)."""
    return bool(_OTHER_CHANNEL.search(normalise(name)))


# whose readings a row holds, in research datasets' files of several devices or people (HHAR's User, Device)
_SOURCE = re.compile(r"^(device|device_id|device_name|user|user_id|subject|subject_id|participant|participant_id)$")


def source_columns(columns: list[str]) -> list[str]:
    """The columns naming whose readings a row holds (a device, a person)."""
    return [c for c in columns if _SOURCE.match(normalise(c))]


def summary_columns(columns: list[str]) -> list[str]:
    """Columns named as a step counter's or activity monitor's summary (Steps, Axis1, ...)."""
    return [c for c in columns if _SUMMARY.match(normalise(c))]


def other_time_columns(columns: list[str], chosen: str | None) -> list[str]:
    """Columns named like a time column other than `chosen` (a clock's seconds-elapsed twin)."""
    return [c for c in columns if c != chosen and role_of(c) == "time"]


def check_mapping(mapping: dict[str, str | None], columns: list[str]) -> dict[str, str]:
    """A user's mapping, checked: required roles present, names exist, no column used twice."""
    chosen = {r: c for r, c in mapping.items() if c}
    unknown = [r for r in chosen if r not in ROLES]
    if unknown:
        raise UserError(f"Unknown column role(s): {', '.join(unknown)}.")
    missing = [r for r in REQUIRED if r not in chosen]
    if missing:
        raise ColumnMappingNeeded(f"Choose a column for {', '.join(missing)}.", list(columns), chosen)
    absent = [c for c in chosen.values() if c not in columns]
    if absent:
        raise ColumnMappingNeeded(f"No column named {absent[0]!r} in the file.", list(columns), chosen)
    if len(set(chosen.values())) != len(chosen):
        raise ColumnMappingNeeded("The same column is mapped to two roles.", list(columns), chosen)
    gyro = [r for r in ("gyro_x", "gyro_y", "gyro_z") if r in chosen]
    if 0 < len(gyro) < 3:
        raise ColumnMappingNeeded("Map all three gyroscope axes or none.", list(columns), chosen)
    return chosen
