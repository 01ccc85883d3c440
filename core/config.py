"""Where CoachLab keeps its data, and the limits it applies. Read from the environment."""
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """Folder for the embedded database, uploads and caches (COACHLAB_DATA_DIR, else ./coachlab_data)."""
    return Path(os.environ.get("COACHLAB_DATA_DIR") or PROJECT_ROOT / "coachlab_data").resolve()


def database_url() -> str:
    """DATABASE_URL when set, else an embedded DuckDB file inside data_dir()."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            # psycopg 3 is the driver we ship; accept the plain form people paste.
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    return f"duckdb:///{data_dir() / 'coachlab.duckdb'}"


def upload_limit_mb() -> int:
    """Largest upload accepted by pages and CLI (COACHLAB_UPLOAD_LIMIT_MB, default 500)."""
    return int(os.environ.get("COACHLAB_UPLOAD_LIMIT_MB", "500"))
