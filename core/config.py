"""Where CoachLab keeps its data, and the limits it applies. Read from the environment."""
import os
from pathlib import Path

from core.errors import UserError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """Folder for the embedded database, uploads and caches (COACHLAB_DATA_DIR, else ./coachlab_data)."""
    return Path(os.environ.get("COACHLAB_DATA_DIR") or PROJECT_ROOT / "coachlab_data").resolve()


def database_url() -> str:
    """DATABASE_URL when set, else an embedded DuckDB file inside data_dir()."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        if url.startswith(("postgresql://", "postgres://")):
            # psycopg 3 is the driver we ship; accept the plain form people paste.
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    return f"duckdb:///{data_dir() / 'coachlab.duckdb'}"


def upload_limit_mb() -> int:
    """Largest upload accepted by pages and CLI (COACHLAB_UPLOAD_LIMIT_MB, default 500);
    UserError unless a whole number of MB above 0."""
    raw = os.environ.get("COACHLAB_UPLOAD_LIMIT_MB", "").strip() or "500"
    if not (raw.isascii() and raw.isdecimal()) or int(raw) == 0:
        raise UserError(f"COACHLAB_UPLOAD_LIMIT_MB must be a whole number of MB above 0, not {raw!r}.",
                        "set it to e.g. 500, or unset it for the default")
    return int(raw)
