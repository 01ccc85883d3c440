"""One engine from DATABASE_URL (embedded DuckDB file when unset, or PostgreSQL).

Opening turns every low-level failure (unreachable server, locked file, read-only
folder) into a StorageUnavailable with a message a person can act on.
"""
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from core import config
from core.errors import Conflict, StorageUnavailable, UserError
from core.storage import migrations

_migrate_lock = threading.Lock()


class Database:
    """An opened, migrated database. `begin()` gives a transaction: all or nothing."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self.url = engine.url
        self.backend = engine.dialect.name  # "duckdb" or "postgresql"

    @property
    def location(self) -> str:
        """Where the data lives, for people: a file path or host/database (no password)."""
        if self.backend == "duckdb":
            return str(Path(self.url.database).resolve()) if self.url.database else ":memory:"
        return self.url.render_as_string(hide_password=True)

    @contextmanager
    def begin(self) -> Iterator[sa.Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except sa.exc.IntegrityError as e:
            # A race the code's own checks could not see (two writers at once).
            raise Conflict("That change clashes with data stored meanwhile; nothing was written.",
                           "reload and try again") from e
        except sa.exc.OperationalError as e:
            raise _explain(e, self.url) from e

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return migrations.current_version(conn)

    def health(self) -> dict:
        """A round trip, the schema version and the server version; raises StorageUnavailable."""
        with self.begin() as conn:
            conn.execute(sa.text("SELECT 1")).scalar()
            version = (conn.execute(sa.text("SELECT version()")).scalar()
                       if self.backend == "postgresql" else
                       "DuckDB " + conn.execute(sa.text("PRAGMA version")).fetchone()[0])
            schema = migrations.current_version(conn)
        latest = migrations.available()[-1].VERSION
        return {"backend": self.backend, "location": self.location, "server": version,
                "schema_version": schema, "latest_schema_version": latest, "ok": schema == latest}

    def close(self) -> None:
        self.engine.dispose()


def open_database(url: str | None = None, migrate: bool = True) -> Database:
    """Create the engine for `url` (default: config.database_url()) and apply migrations."""
    url = url or config.database_url()
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError:
        raise UserError(f"DATABASE_URL is not a database URL: {url!r}",
                        "use postgresql+psycopg://user:pass@host/db or duckdb:///path/file.duckdb")
    if parsed.get_backend_name() not in ("duckdb", "postgresql"):
        raise UserError(f"Unsupported database {parsed.get_backend_name()!r}",
                        "CoachLab stores data in DuckDB (default) or PostgreSQL")
    kwargs = {}
    if parsed.get_backend_name() == "duckdb" and parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StorageUnavailable(f"Cannot create the data folder {path.parent}: {e.strerror}",
                                     "set COACHLAB_DATA_DIR (or DATABASE_URL) to a folder you can write")
    if parsed.get_backend_name() == "postgresql":
        kwargs = {"pool_pre_ping": True, "connect_args": {"connect_timeout": 5}}
    engine = sa.create_engine(parsed, **kwargs)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        if migrate:
            with _migrate_lock:
                migrations.migrate(engine)
    except (sa.exc.OperationalError, sa.exc.DBAPIError) as e:
        engine.dispose()
        raise _explain(e, parsed) from e
    return Database(engine)


def _explain(error: Exception, url: sa.URL) -> StorageUnavailable:
    """Map driver errors to a message and a fix."""
    text = str(getattr(error, "orig", error))
    low = text.lower()
    if url.get_backend_name() == "duckdb":
        where = url.database
        if "lock" in low:
            return StorageUnavailable(f"The database file {where} is in use by another process",
                                      "close the other CoachLab app or command, or point DATABASE_URL at another file")
        if "read-only" in low or "permission denied" in low or "readonly" in low:
            return StorageUnavailable(f"The database file {where} cannot be written (read-only)",
                                      "make the data folder writable or set COACHLAB_DATA_DIR to one that is")
        return StorageUnavailable(f"Cannot open the DuckDB file {where}: {text.splitlines()[0]}")
    where = f"{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"
    if "password" in low or "authentication" in low:
        return StorageUnavailable(f"PostgreSQL at {where} refused the login",
                                  "check the user and password in DATABASE_URL")
    if "does not exist" in low:
        return StorageUnavailable(f"PostgreSQL at {where}: {text.splitlines()[0]}",
                                  "create the database first (createdb) or fix DATABASE_URL")
    return StorageUnavailable(f"Cannot reach PostgreSQL at {where}",
                              "check DATABASE_URL and that the server is running")
