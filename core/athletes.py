"""Athletes of the acting user's team: create, rename, archive, list, look up."""
import unicodedata
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from core.actor import Actor
from core.errors import Conflict, NotFound, UserError
from core.storage import Database
from core.storage.tables import athletes
from core.timeutil import utcnow

MAX_NAME = 200


@dataclass(frozen=True)
class Athlete:
    id: int
    name: str
    archived: bool
    created_at: datetime


def name_key(name: str) -> str:
    """Key on which duplicate names are refused: NFC, whitespace collapsed, case-folded."""
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


def clean_name(name: str) -> str:
    """The name as stored: NFC, trimmed, inner whitespace collapsed. Raises UserError if empty/too long."""
    cleaned = " ".join(unicodedata.normalize("NFC", name or "").split())
    if not cleaned:
        raise UserError("An athlete needs a name.")
    if len(cleaned) > MAX_NAME:
        raise UserError(f"That name is {len(cleaned)} characters long; the limit is {MAX_NAME}.")
    return cleaned


def _row(r) -> Athlete:
    return Athlete(id=r.id, name=r.name, archived=bool(r.archived), created_at=r.created_at)


def _scoped(actor: Actor):
    return athletes.c.team_id == actor.team_id


def _refuse_duplicate(conn, actor: Actor, name: str, except_id: int | None = None) -> None:
    q = sa.select(athletes.c.id, athletes.c.name).where(_scoped(actor), athletes.c.name_key == name_key(name))
    if except_id is not None:
        q = q.where(athletes.c.id != except_id)
    clash = conn.execute(q).first()
    if clash:
        raise Conflict(f"An athlete called {clash.name!r} already exists.",
                       "choose another name, or open the existing athlete")


def insert(conn: sa.Connection, actor: Actor, name: str) -> int:
    """Create an athlete inside the caller's transaction; returns the new id."""
    actor.require("write")
    name = clean_name(name)
    _refuse_duplicate(conn, actor, name)
    return conn.execute(athletes.insert().values(
        team_id=actor.team_id, name=name, name_key=name_key(name), archived=False,
        created_at=utcnow(), created_by=actor.user_id).returning(athletes.c.id)).scalar_one()


def create(db: Database, actor: Actor, name: str) -> Athlete:
    with db.begin() as conn:
        new_id = insert(conn, actor, name)
    return get(db, actor, new_id)


def get(db: Database, actor: Actor, athlete_id: int) -> Athlete:
    actor.require("read")
    with db.begin() as conn:
        r = conn.execute(sa.select(athletes).where(_scoped(actor), athletes.c.id == athlete_id)).first()
    if r is None:
        raise NotFound(f"No athlete with id {athlete_id}.")
    return _row(r)


def find(db: Database, actor: Actor, name: str) -> Athlete | None:
    """The athlete whose name matches (case-insensitively), or None."""
    actor.require("read")
    with db.begin() as conn:
        r = conn.execute(sa.select(athletes).where(_scoped(actor), athletes.c.name_key == name_key(name))).first()
    return _row(r) if r else None


def get_or_create(db: Database, actor: Actor, name: str) -> Athlete:
    return find(db, actor, name) or create(db, actor, name)


def list_all(db: Database, actor: Actor, include_archived: bool = False) -> list[Athlete]:
    actor.require("read")
    q = sa.select(athletes).where(_scoped(actor)).order_by(athletes.c.name_key)
    if not include_archived:
        q = q.where(athletes.c.archived.is_(False))
    with db.begin() as conn:
        return [_row(r) for r in conn.execute(q)]


def rename(db: Database, actor: Actor, athlete_id: int, new_name: str) -> Athlete:
    actor.require("write")
    new_name = clean_name(new_name)
    with db.begin() as conn:
        if conn.execute(sa.select(athletes.c.id).where(_scoped(actor), athletes.c.id == athlete_id)).first() is None:
            raise NotFound(f"No athlete with id {athlete_id}.")
        _refuse_duplicate(conn, actor, new_name, except_id=athlete_id)
        conn.execute(athletes.update().where(_scoped(actor), athletes.c.id == athlete_id)
                     .values(name=new_name, name_key=name_key(new_name)))
    return get(db, actor, athlete_id)


def set_archived(db: Database, actor: Actor, athlete_id: int, archived: bool = True) -> Athlete:
    """Archive (hide from lists, keep every session) or restore an athlete."""
    actor.require("write")
    with db.begin() as conn:
        done = conn.execute(athletes.update().where(_scoped(actor), athletes.c.id == athlete_id)
                            .values(archived=archived)).rowcount
    if not done:
        raise NotFound(f"No athlete with id {athlete_id}.")
    return get(db, actor, athlete_id)


def count(db: Database, actor: Actor) -> int:
    actor.require("read")
    with db.begin() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(athletes)
                            .where(_scoped(actor), athletes.c.archived.is_(False))).scalar_one()
