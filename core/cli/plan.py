"""`plan generate` (a progressive plan as JSON), `plan validate` (every schema violation by
path), `plan exercises` (the catalogue) and `plan render-clips` (the synthetic demo clips).
None of them opens the database."""
import sys
from pathlib import Path

from core.cli import EXIT_BAD_INPUT, emit_json
from core.errors import UserError

MAX_PLAN_FILE_BYTES = 10 * 1024 * 1024


def register(sub):
    from core.plans.catalogue import EQUIPMENT, LEVELS
    from core.plans.schema import GOALS

    p = sub.add_parser("plan", help="workout plans: generate, validate, exercises")
    cmds = p.add_subparsers(dest="cmd", required=True)

    c = cmds.add_parser("generate", help="print a progressive plan as JSON (deterministic for the same inputs)")
    c.add_argument("--goal", required=True, choices=GOALS)
    c.add_argument("--level", required=True, choices=LEVELS)
    c.add_argument("--days", type=int, required=True, help="training days per week (1-7)")
    c.add_argument("--weeks", type=int, required=True, help="plan length in weeks (1-16)")
    c.add_argument("--minutes", type=int, default=60, help="session length in minutes (default 60)")
    c.add_argument("--equipment", default="gym",
                   help=f"comma-separated from {','.join(EQUIPMENT)}; 'gym' = all (default), 'none' = bodyweight")
    c.add_argument("--seed", type=int, default=None, help="vary the exercise choices (default: from the inputs)")
    c.add_argument("--out", type=Path, help="also write the plan (indented JSON) to this file")
    c.set_defaults(handler=_generate)

    c = cmds.add_parser("validate", help="check a plan JSON file; list every violation with its JSON path")
    c.add_argument("file", type=Path)
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=_validate)

    c = cmds.add_parser("render-clips", help="draw the synthetic stick-figure demo clips (H.264 MP4)")
    c.add_argument("--out", type=Path, default=None, help="folder (default: the shipped data/clips)")
    c.set_defaults(handler=_render_clips)

    c = cmds.add_parser("exercises", help="list the exercise catalogue")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=_exercises)


def _equipment(text: str) -> tuple[str, ...]:
    from core.plans.catalogue import EQUIPMENT
    words = [w.strip().lower() for w in text.split(",") if w.strip()]
    if words == ["gym"]:
        return EQUIPMENT
    if words in ([], ["none"], ["bodyweight"]):
        return ()
    return tuple(words)


def _generate(args) -> int:
    import json

    from core.plans import generator
    plan = generator.generate(args.goal, args.level, args.days, args.weeks, session_minutes=args.minutes,
                              equipment=_equipment(args.equipment), seed=args.seed)
    if args.out:
        if not args.out.parent.is_dir():
            raise UserError(f"The folder {args.out.parent} does not exist.", "create it, or write the plan elsewhere")
        args.out.write_text(json.dumps(plan, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    emit_json(plan)
    return 0


def _validate(args) -> int:
    from core.plans import schema
    path: Path = args.file
    if path.is_dir():
        raise IsADirectoryError(21, "is a directory", str(path))
    if path.stat().st_size > MAX_PLAN_FILE_BYTES:
        raise UserError(f"{path} is larger than {MAX_PLAN_FILE_BYTES // 2**20} MB; not a plan file.")
    data = schema.parse_json_text(path.read_bytes())
    errors = schema.validate(data)
    if args.json:
        emit_json({"valid": not errors, "errors": [e.as_dict() for e in errors]})
    else:
        for e in errors:
            print(f"{e.path}: {e.message}")
        print("valid" if not errors else f"not valid: {len(errors)} problem(s)")
    if errors:
        sys.stderr.write(f"{path}: the plan is not valid ({len(errors)} problem(s), listed by path)\n")
        return EXIT_BAD_INPUT
    return 0


def _render_clips(args) -> int:
    from core.plans import demo_clips
    from core.plans.clip_store import DEFAULT_CLIP_DIR
    for path in demo_clips.render_all(args.out or DEFAULT_CLIP_DIR):
        print(f"{path} ({path.stat().st_size / 1024:.1f} KiB)")
    return 0


def _exercises(args) -> int:
    from dataclasses import asdict

    from core.plans import catalogue
    cat = catalogue.default()
    if args.json:
        emit_json([asdict(e) for e in cat.exercises])
    else:
        for e in cat.exercises:
            video = f"  [video: {e.video_exercise}]" if e.video_exercise else ""
            print(f"{e.slug:<30} {e.level:<12} {e.pattern:<16} {','.join(e.equipment) or 'bodyweight'}{video}")
    return 0
