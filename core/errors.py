"""Errors that carry a message meant for a person (UI or CLI), never a traceback."""


class UserError(Exception):
    """Bad input or a problem the user can fix. `hint` says how, in one line."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class NotFound(UserError):
    """A named thing (athlete, session...) does not exist for this user."""


class Conflict(UserError):
    """The change clashes with what is stored (a duplicate name, say)."""


class PermissionDenied(UserError):
    """The acting user may not do this."""


class StorageUnavailable(UserError):
    """The database cannot be opened or written (unreachable, locked, read-only)."""
