"""Words for the readiness model's phases, shared by the athlete's and the coach's pages."""
from core.reco.fit import LEARNING_FROM, PERSONALISED_FROM

PHASE_LABELS = {"cold_start": "team average", "learning": "learning", "personalised": "personalised"}
PHASE_HELP = {
    "cold_start": f"Fewer than {LEARNING_FROM} rated sessions: the prediction uses the team's pattern, not yet "
                  "this athlete's.",
    "learning": f"{LEARNING_FROM}-{PERSONALISED_FROM - 1} rated sessions: the prediction blends the team's pattern "
                "with this athlete's own.",
    "personalised": f"{PERSONALISED_FROM} or more rated sessions: the prediction follows this athlete's own pattern.",
}


def phase_help(phase: str, sessions_used: int, fitted: bool) -> str:
    """PHASE_HELP, except where the athlete already has enough rated sessions for the next
    phase but the published fit (if any) does not include them yet: then it says so, instead
    of 'fewer than 10 rated sessions'."""
    if phase == "cold_start" and sessions_used >= LEARNING_FROM:
        why = ("no model has been fitted yet" if not fitted
               else "the published fit was made before they were stored")
        return (f"{sessions_used} rated sessions, but {why}: the prediction uses the team's pattern until the "
                "next refit (Readiness model page).")
    return PHASE_HELP.get(phase, "")


PHASE_COLUMN_HELP = (f"team average: under {LEARNING_FROM} rated sessions; learning: {LEARNING_FROM}-"
                     f"{PERSONALISED_FROM - 1}; personalised: {PERSONALISED_FROM}+")
