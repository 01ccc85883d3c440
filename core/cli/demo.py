"""`demo load`: seed the demo team (idempotent)."""
from core import demo
from core.actor import LOCAL_COACH
from core.storage import open_database


def register(sub):
    p = sub.add_parser("demo", help="demo data")
    cmds = p.add_subparsers(dest="cmd", required=True)
    c = cmds.add_parser("load", help="seed a demo team: athletes, weeks of sessions and metrics")
    c.add_argument("--weeks", type=int, default=6)
    c.set_defaults(handler=_load)


def _load(args) -> int:
    db = open_database()
    s = demo.load(db, LOCAL_COACH, weeks=args.weeks)
    print(f"Demo data: added {s.athletes} athletes, {s.sessions} sessions, {s.samples} metric samples, "
          f"{s.checkins} check-ins, {s.plans_assigned} plan assignments to {db.location}")
    return 0
