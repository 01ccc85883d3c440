"""`db init` (create/upgrade the schema) and `db check` (health)."""
from core.cli import emit_json
from core.storage import open_database


def register(sub):
    p = sub.add_parser("db", help="database: init, check")
    cmds = p.add_subparsers(dest="cmd", required=True)
    c = cmds.add_parser("init", help="create or upgrade the schema (idempotent)")
    c.set_defaults(handler=_init)
    c = cmds.add_parser("check", help="connect, report backend, location and schema version")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=_check)


def _init(args) -> int:
    db = open_database()
    print(f"Database ready: {db.backend} at {db.location}, schema version {db.schema_version()}")
    return 0


def _check(args) -> int:
    db = open_database()
    health = db.health()
    if args.json:
        emit_json(health)
    else:
        for k, v in health.items():
            print(f"{k:>22}: {v}")
    return 0 if health["ok"] else 1
