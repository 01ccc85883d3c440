"""Words for the readiness model's phases, shared by the athlete's and the coach's pages."""

PHASE_LABELS = {"cold_start": "team average", "learning": "learning", "personalised": "personalised"}
PHASE_HELP = {
    "cold_start": "Fewer than 10 rated sessions: the prediction uses the team's pattern, not yet this athlete's.",
    "learning": "10-29 rated sessions: the prediction blends the team's pattern with this athlete's own.",
    "personalised": "30 or more rated sessions: the prediction follows this athlete's own pattern.",
}
