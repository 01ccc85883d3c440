"""`steps count FILE`: steps, step times, rate and cadence of a sensor recording.

Contract (../shared/contracts.md): with --json the last stdout line is
{"steps", "step_times_s", "sample_rate_hz", "cadence_spm", "processing_s", ...extra keys}.
TensorFlow is imported inside the handler so other commands stay fast.
"""
import sys
import time

from core.cli import emit_json


def register(sub):
    p = sub.add_parser("steps", help="sensor recordings: count steps")
    cmds = p.add_subparsers(dest="cmd", required=True)
    c = cmds.add_parser("count", help="count steps in a CSV / .csv.gz accelerometer recording")
    c.add_argument("file", help="CSV or .csv.gz: timestamp_ns,acc_x,acc_y,acc_z[,gyro_*], Oxford or Awinda export")
    c.add_argument("--json", action="store_true", help="last stdout line: one JSON object")
    c.add_argument("--threshold", type=float, help="peak-picking threshold on the step probability (0-1)")
    c.add_argument("--min-interval", type=float, help="shortest time between two steps, s")
    c.add_argument("--rate-hz", type=float, help="sample rate for files without a time column")
    c.add_argument("--map", action="append", default=[], metavar="ROLE=COLUMN",
                   help="which column holds a role (time, acc_x..acc_z, gyro_x..gyro_z), for files whose "
                        "columns cannot be told apart by name; repeat it for each role, e.g. "
                        "--map 'acc_x=left_sensor / acc_x'")
    c.add_argument("--athlete", help="store the result in this athlete's sessions (created if new); a file "
                                     "stored before keeps its stored result unless --replace")
    c.add_argument("--replace", action="store_true",
                   help="with --athlete: this count replaces a stored result of the same file")
    c.set_defaults(handler=_count)


def _count(args) -> int:
    from core.errors import UserError
    from core.sensors.reader import read_recording
    from core.sensors.step_counting import analyse, step_model
    if args.threshold is not None and not 0 < args.threshold < 1:
        raise UserError("--threshold must be between 0 and 1.")
    if args.min_interval is not None and not 0.05 <= args.min_interval <= 5:
        raise UserError("--min-interval must be between 0.05 and 5 s.")
    if args.athlete is not None and not args.athlete.strip():
        raise UserError("--athlete needs a name (it is empty).")
    if args.replace and not args.athlete:
        raise UserError("--replace needs --athlete (it replaces a stored result).")
    pairs = [_role_and_column(m) for m in args.map]
    mapping = dict(pairs) or None
    if mapping and len(mapping) < len(pairs):
        raise UserError("--map names a role twice.", "give each role once")
    rate_hz, existing = args.rate_hz, None
    if args.athlete:  # a file stored before is read as it was: with its columns and, without time stamps, its rate
        from core.actor import LOCAL_COACH
        from core.sensors import storage
        from core.storage import open_database
        db = open_database()
        source_hash = storage.content_hash(args.file)
        existing = storage.find_by_hash(db, LOCAL_COACH, source_hash)
        mapping, rate_hz = storage.reading_of(existing, mapping, rate_hz)
    t0 = time.perf_counter()
    rec = read_recording(args.file, mapping=mapping, rate_hz=rate_hz)
    read_s = time.perf_counter() - t0
    if args.rate_hz is not None and rec.rate_source == "time stamps":
        rec.warnings.append(f"--rate-hz {args.rate_hz:g} was not used: the file has time stamps, which give "
                            f"{rec.sample_rate_hz:g} Hz.")
    t1 = time.perf_counter()
    model = step_model()
    load_s = time.perf_counter() - t1
    result = analyse(rec, model, args.threshold, args.min_interval)
    result.processing_s = read_s + result.processing_s  # reading + analysis; model loading reported apart
    for w in rec.warnings:
        sys.stderr.write(f"warning: {w}\n")
    out = result.contract()
    out["model_load_s"] = round(load_s, 3)
    if args.athlete:
        from core import athletes
        athlete_id = athletes.get_or_create(db, LOCAL_COACH, args.athlete).id if existing is None else None
        stored, out["stored"] = storage.store(db, LOCAL_COACH, rec, result, source_hash, existing, athlete_id,
                                              replace=args.replace, file_name=str(args.file).rsplit("/", 1)[-1],
                                              mapping=mapping)
        if existing is not None:  # a stored file stays with the athlete it was stored for, as on the Sensors page
            owner = athletes.get(db, LOCAL_COACH, existing.athlete_id).name
            named = athletes.find(db, LOCAL_COACH, args.athlete)
            if out["stored"] == "replaced" and (named is None or named.id != existing.athlete_id):
                sys.stderr.write(f"note: the file was stored for {owner}; its new count stays with {owner}\n")
            elif out["stored"] == "existing":
                sys.stderr.write(f"note: this file was stored before for {owner} (recording {existing.id}, "
                                 f"{existing.steps} steps, model {existing.model_version}); kept as it was "
                                 "(--replace to store this count)\n")
        out["recording_id"], out["session_id"] = stored.id, stored.session_id
    if args.json:
        emit_json(out)
    else:
        print(f"{out['steps']} steps (baseline {out['baseline_steps']}) in {out['duration_s']:.1f} s, "
              f"cadence {out['cadence_spm']:.1f} steps/min, file rate {out['sample_rate_hz']:g} Hz, "
              f"{len(out['bouts'])} walking bout(s); processed in {out['processing_s']:.2f} s")
    return 0


def _role_and_column(text: str) -> tuple[str, str]:
    from core.errors import UserError
    role, sep, column = text.partition("=")
    if not sep or not role.strip() or not column.strip():
        raise UserError(f"--map takes ROLE=COLUMN, not {text!r}.", "e.g. --map acc_x=AccelX")
    return role.strip(), column.strip()
