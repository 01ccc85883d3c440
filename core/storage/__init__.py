"""Storage: one engine from DATABASE_URL, versioned migrations, bulk inserts.

Storage never imports a domain module; domain modules (athletes, sessions, metrics, ...)
import storage and take the acting user on every call.
"""
from core.storage.database import Database, open_database

__all__ = ["Database", "open_database"]
