"""The heating-grant questionnaire: its screens, where a resident is, and whether the
answers so far already rule the grant out.

The screens come from the eligibility fields of ``forms.PRE_APPLICATION`` (each has a
``step`` slug). Pure code: the web layer keeps the answers between screens.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.model.types import GrantRules

from .eligibility import UNKNOWN, Reason, assess
from .forms import ELIGIBILITY, ELIGIBILITY_FIELDS, Facts, Field, answers

DONT_KNOW = UNKNOWN  # heating or band not known: the pre-application goes on, marked
YES_NO = ("yes", "no")
SCREENS = {"choice": "choice", "yes_no": "yes_no", "past_date": "date", "amount": "amount"}


@dataclass(frozen=True)
class Step:
    slug: str  # the last part of the URL, Italian like the site's
    field: str
    kind: str  # choice | yes_no | date | amount: how the screen asks
    choices: tuple = ()


def _step(f: Field) -> Step:
    choices = YES_NO if f.kind == "yes_no" else f.choices
    return Step(f.step or f.name, f.name, SCREENS[f.kind], choices)


STEPS = tuple(_step(f) for f in ELIGIBILITY_FIELDS if f.step)
BY_SLUG = {step.slug: step for step in STEPS}
BY_FIELD = {step.field: step for step in STEPS}

# The answer to change when a rule fails ("change this answer" on the exit page). Arrears
# without a plan point at the plan, the last answer given; its page goes back to arrears.
# The application window has no answer: nothing to change there.
REASON_FIELDS = {
    "tenancy_too_short": "tenancy_start",
    "tenancy_in_future": "tenancy_start",
    "heating_not_allowed": "heating",
    "band_not_allowed": "band",
    "isee_below": "isee",
    "isee_above": "isee",
    "arrears_without_plan": "repayment_plan",
}


class Questionnaire:
    """The questionnaire under one version of the rules, on one day."""

    def __init__(self, rules: GrantRules, facts: Facts):
        self.rules, self.facts = rules, facts

    def check(self, field: str, raw: str) -> tuple:
        """(parsed value, errors) for one answer; an empty answer is an error here."""
        clean, errors = ELIGIBILITY.parse({field: raw}, self.facts, (field,))
        return clean.get(field), errors

    def known(self, given: dict) -> dict:
        """The answers that are there and still valid, parsed (a bad one counts as unanswered)."""
        names = [s.field for s in STEPS]
        clean, _ = ELIGIBILITY.parse(
            {k: given[k] for k in names if k in given}, self.facts, names, all_optional=True
        )
        return {k: v for k, v in clean.items() if self.applies(BY_FIELD[k], clean)}

    def applies(self, step: Step, clean: dict) -> bool:
        if step.field == "repayment_plan":  # only asked of who has arrears, when the rules care
            return clean.get("arrears") is True and self.rules.arrears_need_repayment_plan
        return True

    def steps_for(self, clean: dict) -> list[Step]:
        return [step for step in STEPS if self.applies(step, clean)]

    def next_place(self, has_details: bool, clean: dict) -> str:
        """The exit page while an answer breaks a rule, else the first step not answered
        yet, else the details, else the check page."""
        if self.reasons(clean):
            return "uscita"
        for step in self.steps_for(clean):
            if step.field not in clean:
                return step.slug
        return "controlla" if has_details else "dati"

    def reachable(self, step: Step, clean: dict) -> bool:
        """A step can be shown once every step before it is answered (no skipping by URL),
        and, while an answer breaks a rule, only up to that answer's step (to change it)."""
        before = self.steps_for(clean)
        if not self.applies(step, clean):
            return False
        here = before.index(step)
        blocked = self.blocked_at(clean)
        if blocked is not None and here > blocked:
            return False
        return all(s.field in clean for s in before[:here])

    def blocked_at(self, clean: dict) -> int | None:
        """The index (among ``steps_for``) of the first answer that breaks a rule; -1 when
        a rule fails with no answer to change (the application window); None when none."""
        found = self.reasons(clean)
        if not found:
            return None
        steps = [s.field for s in self.steps_for(clean)]
        places = [
            steps.index(REASON_FIELDS[r.code]) if REASON_FIELDS.get(r.code) in steps else -1
            for r in found
        ]
        return min(places)

    def step_to_change(self, reason: Reason, clean: dict) -> Step | None:
        """The question whose answer made ``reason`` fail, if the resident can change it."""
        name = REASON_FIELDS.get(reason.code)
        step = BY_FIELD.get(name) if name else None
        return step if step is not None and self.applies(step, clean) else None

    def all_answered(self, clean: dict) -> bool:
        return all(step.field in clean for step in self.steps_for(clean))

    def previous(self, step: Step, clean: dict) -> str | None:
        steps = self.steps_for(clean)
        index = steps.index(step) if step in steps else 0
        return steps[index - 1].slug if index else None

    def reasons(self, clean: dict) -> list[Reason]:
        """The rules the answers so far break. Arrears are judged only once the plan question
        is answered: assess() reads an unanswered plan as "no plan"."""
        partial = dict(clean)
        if partial.get("arrears") is True and "repayment_plan" not in partial:
            partial.pop("arrears")
        return assess(answers(partial), self.rules, self.facts.today)
