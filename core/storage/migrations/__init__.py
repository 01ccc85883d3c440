"""Versioned schema migrations, applied on start on DuckDB and PostgreSQL.

Each module here named `vNNNN_<what>.py` defines `VERSION` (int), `NAME` (str) and
`upgrade(conn)`; they run in VERSION order, each in its own transaction, and each
applied version is recorded in `schema_migrations`. Version ranges per feature keep
parallel work from colliding: 1-99 foundation, 100-199 video, 200-299 sensors,
300-399 recommendations, 400-499 plans. An `upgrade` must be idempotent (create with
checkfirst, `ADD COLUMN IF NOT EXISTS`), so a half-known database can always be brought up.
"""
import importlib
import pkgutil
from datetime import datetime, timezone
from types import ModuleType

import sqlalchemy as sa

from core.storage.tables import schema_migrations


def available() -> list[ModuleType]:
    """All migration modules, sorted by VERSION."""
    mods = [importlib.import_module(f"{__name__}.{m.name}")
            for m in pkgutil.iter_modules(__path__) if m.name.startswith("v")]
    mods.sort(key=lambda m: m.VERSION)
    versions = [m.VERSION for m in mods]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"duplicate migration versions: {versions}")
    return mods


def applied(conn: sa.Connection) -> set[int]:
    if not sa.inspect(conn).has_table("schema_migrations"):
        return set()
    return {r[0] for r in conn.execute(sa.select(schema_migrations.c.version))}


def migrate(engine: sa.Engine) -> list[int]:
    """Apply every migration not yet recorded; returns the versions applied now."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            # Two app processes starting together must not both migrate.
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(424242)"))
        schema_migrations.create(conn, checkfirst=True)
    done = []
    for mod in available():
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(424242)"))
            if mod.VERSION in applied(conn):
                continue
            mod.upgrade(conn)
            conn.execute(schema_migrations.insert().values(
                version=mod.VERSION, name=mod.NAME, applied_at=datetime.now(timezone.utc).replace(tzinfo=None)))
            done.append(mod.VERSION)
    return done


def current_version(conn: sa.Connection) -> int:
    versions = applied(conn)
    return max(versions) if versions else 0
