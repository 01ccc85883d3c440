"""Safety rules and decision thresholds, in one readable place.

Rules run before any model: the first rule whose conditions all hold decides the action at
once, with its reason. Each condition is (input, operator, value); inputs are the check-in
fields (scales: see core/reco/checkin.py) and `acwr` (acute:chronic load ratio, see load.py).
A condition on an input that is missing (acwr on a new athlete, say) does not hold.
Order matters: the most protective rule comes first.
"""
import operator
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Rule:
    id: str
    action: str  # "rest" or "modify"
    when: tuple[tuple[str, str, float], ...]
    reason: str  # shown to the athlete; {input} placeholders are filled from the check-in
    advice: str  # what to do instead
    title: str = ""  # the rule in a few words, for tables and badges


RULES: tuple[Rule, ...] = (
    Rule("illness", "rest",
         when=(("illness", "==", 1),),
         reason="Illness reported: training while ill slows recovery and risks others.",
         advice="Rest today; check in again when symptoms are gone.", title="Illness"),
    Rule("short_sleep_high_stress", "modify",
         when=(("sleep_hours", "<", 5.0), ("stress", ">=", 4)),
         reason="Very short sleep ({sleep_hours:g} h) with high stress ({stress}/5).",
         advice="Deload: keep the session but cut volume and intensity by about 40%.",
         title="Short sleep + high stress"),
    Rule("high_soreness", "modify",
         when=(("soreness", ">=", 5),),
         reason="Soreness is at its highest ({soreness}/5).",
         advice="Recovery work instead: mobility, easy aerobic work, no heavy eccentric loading.",
         title="Very sore"),
    Rule("load_spike", "modify",
         when=(("acwr", ">", 1.5),),
         reason="Acute:chronic load ratio is {acwr:.2f} (above 1.5): a load spike.",
         advice="Reduce volume by about a third today to bring the ratio back under 1.5.", title="Load spike"),
)

# Answers at the bad end of their scale that no rule acts on alone: the answer says them, so a
# "train" never hides a "drained" (energy 1/5) from the coach. Soreness 5 and illness are rules.
WORTH_A_WORD = {"energy": ("energy", 1), "motivation": ("motivation", 1), "sleep_quality": ("sleep quality", 1),
                "stress": ("stress", 5)}


def worth_a_word(inputs: dict) -> list[str]:
    """'energy 1/5' for each answer at the bad end of its scale (WORTH_A_WORD)."""
    return [f"{label} {inputs[k]:g}/5" for k, (label, worst) in WORTH_A_WORD.items()
            if inputs.get(k) is not None and inputs[k] == worst]


# Model-based decision once no rule fired (session quality on the 1-10 scale).
REST_BELOW = 4.0  # predicted quality below this: rest
MODIFY_BELOW = 5.5  # below this: modify
MODIFY_DROP = 1.5  # or this far below the athlete's own usual quality: modify


def title(rule_id: str | None) -> str:
    """A rule's title ("Load spike") for its id; "" for none, the id itself for an unknown one."""
    if not rule_id:
        return ""
    return next((r.title for r in RULES if r.id == rule_id), rule_id)


_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq}


@lru_cache(maxsize=None)
def compiled() -> tuple:
    """The rules as (rule, [(input, op function, value)]) pairs, built once per process."""
    out = []
    for rule in RULES:
        if rule.action not in ("rest", "modify"):
            raise ValueError(f"rule {rule.id}: action must be rest or modify")
        if not rule.title:
            raise ValueError(f"rule {rule.id}: needs a title for tables")
        out.append((rule, tuple((name, _OPS[op], value) for name, op, value in rule.when)))
    return tuple(out)


@dataclass(frozen=True)
class Fired:
    rule: str
    action: str
    reason: str
    advice: str


def evaluate(inputs: dict) -> Fired | None:
    """The first rule that holds for `inputs` (check-in fields + acwr), or None."""
    for rule, conds in compiled():
        ok = True
        for name, op, value in conds:
            x = inputs.get(name)
            if x is None or not op(x, value):
                ok = False
                break
        if ok:
            return Fired(rule.id, rule.action, rule.reason.format_map(_Fmt(inputs)), rule.advice)
    return None


class _Fmt(dict):
    def __missing__(self, key):
        return float("nan")
