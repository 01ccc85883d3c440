"""A workout's playlist: each exercise's demo clip in order, with its sets and reps.

A clip that is missing, or a store that cannot be reached, gives a placeholder entry that
says why; building a playlist never fails because of clips.
"""
from dataclasses import dataclass

from core.errors import UserError
from core.plans import catalogue as catalogue_mod
from core.plans.catalogue import Catalogue
from core.plans.clip_store import ClipStore


@dataclass(frozen=True)
class PlaylistItem:
    position: int  # 0-based order in the workout
    slug: str
    name: str
    sets: int
    reps: int | None
    duration_s: int | None  # seconds per set, for timed exercises
    rest_s: int
    rpe: float | None
    notes: str | None
    clip_key: str | None
    available: bool  # the clip is in the store
    placeholder: str | None  # why there is no clip (None when available)
    video_exercise: str | None  # key for CoachLab's video analysis, when it can count it

    @property
    def prescription(self) -> str:
        work = f"{self.reps} reps" if self.reps is not None else f"{self.duration_s} s"
        text = f"{self.sets} × {work} · rest {self.rest_s} s"
        return text + (f" · RPE {self.rpe:g}" if self.rpe is not None else "")


def build(exercises: list[dict], store: ClipStore, catalogue: Catalogue | None = None) -> list[PlaylistItem]:
    """Playlist for one day's `exercises` (plan JSON entries)."""
    cat = catalogue or catalogue_mod.default()
    items = []
    for i, e in enumerate(exercises):
        slug = e.get("slug", "")
        ex = cat.by_slug.get(slug)
        key = ex.clip if ex else None
        available, why = False, None
        if ex is None:
            why = f"{slug!r} is not in the exercise catalogue, so it has no demo clip."
        elif not key:
            why = f"No demo clip for {ex.name} yet."
        else:
            try:
                available = store.exists(key)
                if not available:
                    why = f"Demo clip for {ex.name} is not in the clip store yet ({key})."
            except UserError as err:
                why = f"Demo clip for {ex.name} cannot be loaded now: {err.message}"
        items.append(PlaylistItem(
            position=i, slug=slug, name=ex.name if ex else slug, sets=int(e.get("sets", 0)),
            reps=e.get("reps"), duration_s=e.get("duration_s"), rest_s=int(e.get("rest_s", 0)),
            rpe=e.get("rpe"), notes=e.get("notes"), clip_key=key, available=available,
            placeholder=why, video_exercise=ex.video_exercise if ex else None))
    return items


def clip_bytes(store: ClipStore, item: PlaylistItem) -> bytes | None:
    """The clip's bytes, or None when it cannot be had now (the page then shows the placeholder)."""
    if not item.available or not item.clip_key:
        return None
    try:
        return store.read(item.clip_key)
    except UserError:
        return None


def add_clip(store: ClipStore, exercise_slug: str, data: bytes, catalogue: Catalogue | None = None) -> str:
    """Put a demo clip for an exercise into the store under its catalogue key; returns the key.
    The clip must decode as video (so nothing unplayable is stored)."""
    from core.plans.clip_store import verify_video
    cat = catalogue or catalogue_mod.default()
    ex = cat.by_slug.get(exercise_slug)
    if ex is None or not ex.clip:
        raise UserError(f"No catalogue exercise {exercise_slug!r} with a clip name.")
    verify_video(data, f"The clip for {ex.name}")
    store.put(ex.clip, data)
    return ex.clip


def coverage(store: ClipStore, catalogue: Catalogue | None = None) -> list[dict]:
    """Which catalogue exercises have their demo clip in the store (one check per exercise)."""
    cat = catalogue or catalogue_mod.default()
    out = []
    for ex in cat.exercises:
        try:
            state = "in store" if ex.clip and store.exists(ex.clip) else "missing"
        except UserError as err:
            state = f"cannot check: {err.message}"
        out.append({"slug": ex.slug, "name": ex.name, "clip": ex.clip, "state": state})
    return out
