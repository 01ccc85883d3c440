"""The acting user. Every read and write in `core` takes one.

Single-user local mode acts as LOCAL_COACH. Logins and teams come later: they will build
Actor objects from a session, and storage already scopes every query by `team_id`.
"""
from dataclasses import dataclass

from core.errors import PermissionDenied

ROLES = ("coach", "athlete", "researcher", "admin")

# What each role may do; checked by `Actor.require`.
_PERMISSIONS = {
    "coach": {"read", "write", "admin"},
    "admin": {"read", "write", "admin"},
    "researcher": {"read", "write"},
    "athlete": {"read", "write_own"},
}


@dataclass(frozen=True)
class Actor:
    user_id: str
    display_name: str
    role: str = "coach"
    team_id: str = "local"

    def can(self, action: str) -> bool:
        allowed = _PERMISSIONS.get(self.role, set())
        return action in allowed or (action == "write_own" and "write" in allowed)

    def require(self, action: str) -> None:
        if not self.can(action):
            raise PermissionDenied(f"{self.display_name} ({self.role}) may not {action.replace('_', ' ')}.")


LOCAL_COACH = Actor(user_id="local-coach", display_name="Local coach", role="coach", team_id="local")
