"""The heating-grant questionnaire as data: its steps, where a resident is, and whether
the answers so far already rule the grant out.

The answers live only in the signed session cookie, as typed, until the pre-application
is sent (then they are stored) or a rule fails (then they are thrown away).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import session

from .eligibility import Reason, assess
from .i18n import content
from .validation import BANDS, HEATING, answers as to_answers, parse_fields

DONT_KNOW = "unknown"  # "I don't know my band": not a rule failing, but a desk can tell
DETAILS = ("full_name", "phone", "email", "address", "household_size", "preferred_desk",
           "consent")
YES_NO = ("yes", "no")


@dataclass(frozen=True)
class Step:
    slug: str  # the last part of the URL, Italian like the site's
    field: str
    kind: str  # choice | yes_no | date | amount
    choices: tuple = ()


STEPS = (
    Step("riscaldamento", "heating", "choice", HEATING),
    Step("fascia", "band", "choice", (*BANDS, DONT_KNOW)),
    Step("assegnazione", "tenancy_start", "date"),
    Step("morosita", "arrears", "yes_no", YES_NO),
    Step("piano-di-rientro", "repayment_plan", "yes_no", YES_NO),
    Step("isee", "isee", "amount"),
)
BY_SLUG = {step.slug: step for step in STEPS}
BY_FIELD = {step.field: step for step in STEPS}


# --- the session -----------------------------------------------------------------------------

def load() -> dict:
    saved = session.get("grant") or {}
    return {"answers": dict(saved.get("answers") or {}),
            "details": dict(saved.get("details") or {}),
            "submission_id": saved.get("submission_id")}


def save(state: dict) -> None:
    session.pop("grant_exit", None)
    session["grant"] = state


def forget() -> None:
    """Nothing of the questionnaire stays in the browser."""
    session.clear()


# --- where the resident is -------------------------------------------------------------------

def parse(values: dict, names, day: date) -> tuple[dict, dict]:
    return parse_fields({k: values[k] for k in names if k in values}, names, day,
                        content().desks, optional=tuple(names))


def check(field: str, raw: str, day: date) -> tuple:
    """(parsed value, errors) for one answer; an empty answer is an error here."""
    clean, errors = parse_fields({field: raw}, (field,), day, content().desks)
    return clean.get(field), errors


def known(state: dict, day: date) -> dict:
    """The answers that are there and still valid, parsed (a bad one counts as unanswered)."""
    clean, _ = parse(state["answers"], [s.field for s in STEPS], day)
    return {k: v for k, v in clean.items() if applies(BY_FIELD[k], clean)}


def applies(step: Step, clean: dict) -> bool:
    if step.field == "repayment_plan":  # only asked of who has arrears, when the rules care
        rules = content().heating_grant.rules
        return clean.get("arrears") is True and rules.arrears_need_repayment_plan
    return True


def steps_for(clean: dict) -> list[Step]:
    return [step for step in STEPS if applies(step, clean)]


def next_place(state: dict, clean: dict) -> str:
    """The first step not answered yet, else the details, else the check page."""
    for step in steps_for(clean):
        if step.field not in clean:
            return step.slug
    return "controlla" if state["details"] else "dati"


def reachable(step: Step, clean: dict) -> bool:
    """A step can be shown once every step before it is answered (no skipping by URL)."""
    before = steps_for(clean)
    return applies(step, clean) and all(
        s.field in clean for s in before[:before.index(step)])


def all_answered(clean: dict) -> bool:
    return all(step.field in clean for step in steps_for(clean))


def previous(step: Step, clean: dict) -> str | None:
    steps = steps_for(clean)
    index = steps.index(step) if step in steps else 0
    return steps[index - 1].slug if index else None


# --- the rules ----------------------------------------------------------------------------

def reasons(clean: dict, day: date) -> list[Reason]:
    """The rules the answers so far break. Arrears are judged only once the plan question
    is answered: assess() reads an unanswered plan as "no plan"."""
    partial = dict(clean)
    if partial.get("arrears") is True and "repayment_plan" not in partial:
        partial.pop("arrears")
    return assess(to_answers(partial), content().heating_grant.rules, day)


def remember_exit(found: list[Reason]) -> None:
    """Clear the answers and keep only why (codes and the dates or amounts to show)."""
    forget()
    session["grant_exit"] = [
        {"code": r.code, "params": {k: _encode(v) for k, v in r.params.items()}} for r in found]


def exit_reasons() -> list[Reason]:
    return [Reason(r["code"], {k: _decode(v) for k, v in r["params"].items()})
            for r in session.get("grant_exit") or []]


def _encode(value):
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    return value


def _decode(value):
    if isinstance(value, dict) and "date" in value:
        return date.fromisoformat(value["date"])
    if isinstance(value, dict) and "decimal" in value:
        return Decimal(value["decimal"])
    return value
