"""`reco import | fit | predict`: readiness check-ins, the batch model fit, recommendations.

PyMC is imported only by `fit` (inside core.reco.fit.sample), so import and predict stay fast.
"""
import json
import logging
import sys
from datetime import date

from core.actor import LOCAL_COACH
from core.cli import emit_json
from core.errors import UserError


def register(sub):
    p = sub.add_parser("reco", help="readiness: import check-ins, fit the model, recommend")
    cmds = p.add_subparsers(dest="cmd", required=True)
    c = cmds.add_parser("import", help="import a check-in history CSV (bad rows listed, good rows kept)")
    c.add_argument("file")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=_import)
    c = cmds.add_parser("fit", help="refit the model; publish only when it converged, else keep the old fit")
    c.add_argument("--draws", type=int, default=1000)
    c.add_argument("--tune", type=int, default=1000)
    c.add_argument("--chains", type=int, default=2)
    c.add_argument("--sampler", choices=["pymc", "nutpie"], default="pymc")
    c.add_argument("--force", action="store_true", help="refit even when nothing changed")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=_fit)
    c = cmds.add_parser("predict", help="recommend train / modify / rest for a check-in")
    who = c.add_mutually_exclusive_group(required=True)
    who.add_argument("--athlete", help="athlete name (with --checkin)")
    who.add_argument("--checkins", metavar="FILE.csv", help="one check-in per row (the import's columns)")
    c.add_argument("--checkin", help="check-in as JSON, keys as the CSV's columns (date optional: today)")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=_predict)


def _db():
    from core.storage import open_database
    return open_database()


def _import(args) -> int:
    from core.reco.history_import import import_history
    db = _db()
    r = import_history(db, LOCAL_COACH, args.file)
    if r.unknown_columns:
        print(f"Notice: ignored unknown column(s): {', '.join(r.unknown_columns)}", file=sys.stderr)
    for line, why in r.bad:
        print(f"Bad row, line {line}: {why}", file=sys.stderr)
    summary = (f"Imported {r.created + r.replaced} of {r.rows_read} rows ({r.created} new, {r.replaced} replaced), "
               f"{len(r.bad)} bad rows skipped; new athletes: {', '.join(r.athletes_created) or 'none'}.")
    print(summary)
    if args.json:
        emit_json({"rows": r.rows_read, "created": r.created, "replaced": r.replaced,
                   "bad_rows": [{"line": n, "reason": w} for n, w in r.bad],
                   "unknown_columns": r.unknown_columns, "athletes_created": r.athletes_created})
    return 0


def _fit(args) -> int:
    from core.reco import fit
    logging.getLogger("core.reco").setLevel(logging.INFO)
    for name in ("pymc", "pytensor"):
        logging.getLogger(name).setLevel(logging.ERROR)
    db = _db()

    def progress(frac, message=""):
        if message:
            print(f"[{frac * 100:3.0f}%] {message}", file=sys.stderr)

    out = fit.run(db, LOCAL_COACH, fit.Settings(draws=args.draws, tune=args.tune, chains=args.chains,
                                                sampler=args.sampler), force=args.force, progress=progress)
    print(out.message)
    for line in out.changes:
        print(f"  changed: {line}")
    if args.json:
        emit_json({"status": out.status, "message": out.message, "fit_id": out.fit_id,
                   "current_fit_id": out.current_fit_id, "changes": out.changes, "diagnostics": out.diagnostics})
    return 0


def _predict(args) -> int:
    from core.reco import predict
    from core.reco.checkin import FIELDS, parse, parse_date
    db = _db()
    if args.athlete is not None:
        if not args.checkin:
            raise UserError("--athlete needs --checkin '{\"sleep_hours\": 7, ...}'.")
        try:
            values = json.loads(args.checkin, parse_constant=_not_a_number)
        except json.JSONDecodeError as e:
            raise UserError(f"--checkin is not valid JSON: {e.msg} at character {e.pos}.")
        if not isinstance(values, dict):
            raise UserError("--checkin must be a JSON object of field: value.")
        unknown = sorted(set(values) - set(FIELDS) - {"date"})
        if unknown:
            raise UserError(f"--checkin has unknown field(s) {', '.join(unknown)}; the fields are "
                            f"{', '.join(FIELDS)} and date.")
        day = parse_date(values["date"]) if values.get("date") else date.today()
        checkin = parse(values, outcome=False)
        athlete_id = predict.find_athlete_id(db, LOCAL_COACH, args.athlete)
        rec = predict.recommend(db, LOCAL_COACH, athlete_id, checkin, day)
        _say(args.athlete, day.isoformat(), rec)
        if args.json:
            emit_json(rec.contract())
        return 0
    if args.checkin:
        raise UserError("Use --checkin with --athlete, or --checkins FILE.csv alone.")
    from core.reco.history_import import read_rows
    parsed = read_rows(args.checkins, outcome=False)
    if parsed.unknown_columns:
        print(f"Notice: ignored unknown column(s): {', '.join(parsed.unknown_columns)}", file=sys.stderr)
    if parsed.bad:
        line, why = parsed.bad[0]
        more = f" (and {len(parsed.bad) - 1} more bad rows)" if len(parsed.bad) > 1 else ""
        raise UserError(f"line {line}: {why}{more}")
    out, ids = [], {}
    for row in parsed.rows:
        if row.athlete not in ids:
            ids[row.athlete] = predict.find_athlete_id(db, LOCAL_COACH, row.athlete)
        rec = predict.recommend(db, LOCAL_COACH, ids[row.athlete], row.checkin, row.day)
        _say(row.athlete, row.date_text, rec)
        out.append({"athlete": row.athlete, "date": row.date_text, **rec.contract()})
    if args.json:
        emit_json(out)
    return 0


def _not_a_number(name: str):
    raise UserError(f"--checkin has {name}, which is not a number; give a value or leave the field out.")


def _say(name: str, day: str, rec) -> None:
    print(f"{name} {day}: {rec.action.upper()} (quality {rec.predicted_quality} "
          f"[{rec.interval_80[0]}, {rec.interval_80[1]}], {rec.phase}) - {rec.reasons[0]}")
