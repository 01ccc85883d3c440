"""`db init` (create/upgrade the schema) and `db check` (health)."""
import sys

from core.cli import emit_json
from core.errors import UserError
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
    health = db.health()
    if not health["ok"]:
        raise UserError(f"The database is not ready: {_why(health)}.")
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
    if not health["ok"]:
        sys.stderr.write(f"The database is not healthy: {_why(health)}\n")
    return 0 if health["ok"] else 1


def _why(health: dict) -> str:
    """One line on what `db check` found wrong."""
    version, latest = health.get("schema_version"), health.get("latest_schema_version")
    if isinstance(version, int) and isinstance(latest, int) and version > latest:
        return (f"its schema is version {version}, newer than this CoachLab knows ({latest}); "
                "update CoachLab before using this database")
    if isinstance(version, int) and isinstance(latest, int) and version < latest:
        return f"its schema is version {version}, older than {latest}; run `python -m core db init`"
    return "its schema version differs from this CoachLab's"
