"""Who can ask for the heating contribution: the rules of ``content/heating-grant.yml``
applied to a resident's answers, on the day of the request.

Pure functions: no I/O, no Flask. The rules come from the content model, so an
editor who changes an ISEE bound changes the site and the form together.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portal.model.types import GrantRules

# "I don't know" (heating, band): not a failed rule but a fact the desk team checks with the
# documents, so the pre-application goes on with it marked (see ``to_check``).
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Answers:
    """What the resident said. ``None`` = not answered yet: that rule is not assessed,
    so a questionnaire can be checked one step at a time."""

    tenancy_start: date | None = None
    heating: str | None = None  # "centralized" | "autonomous" | UNKNOWN
    band: str | None = None  # "accesso" | "protezione" | "permanenza" | "decadenza" | UNKNOWN
    isee: Decimal | None = None
    arrears: bool | None = None
    repayment_plan: bool | None = None


@dataclass(frozen=True)
class Reason:
    """One failed rule. ``code`` picks the message ``reason_<code>``; ``params`` fill it in
    (raw dates and Decimals: the caller formats them for the language)."""

    code: str
    params: dict


def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months, clamped to the month's end
    (2024-01-31 + 1 = 2024-02-29; 2024-02-29 + 12 = 2025-02-28)."""
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def tenancy_months(start: date, today: date) -> int:
    """Full calendar months from ``start`` to ``today``: the largest n with
    ``add_months(start, n) <= today`` (0 when ``start`` is after ``today``)."""
    if start > today:
        return 0
    months = (today.year - start.year) * 12 + today.month - start.month
    # The month difference overshoots by one when today's day is before the
    # (clamped) anniversary day in this month.
    return months if add_months(start, months) <= today else months - 1


def assess(answers: Answers, rules: GrantRules, today: date) -> list[Reason]:
    """Every failed rule, in a fixed order; ``[]`` means eligible so far.

    ``today`` is the day of the request: the rules say "on the day you apply".
    """
    return [
        *_window(rules, today),
        *_tenancy(answers, rules, today),
        *_choices(answers, rules),
        *_isee(answers, rules),
        *_arrears(answers, rules),
    ]


def _window(rules: GrantRules, today: date) -> list[Reason]:
    window, reasons = rules.application_window, []
    if window.opens is not None and today < window.opens:
        reasons.append(Reason("window_not_open", {"opens": window.opens}))
    if window.closes is not None and today > window.closes:
        reasons.append(Reason("window_closed", {"closes": window.closes}))
    return reasons


def _tenancy(answers: Answers, rules: GrantRules, today: date) -> list[Reason]:
    # The rule counts the months as assignee of a SAP home, not of the present one: a tenant
    # who moved between SAP homes gives the first assignment's day (the question says so).
    start = answers.tenancy_start
    if start is None:
        return []
    if start > today:
        # Almost surely a typing mistake: "you can apply from <start + 12 months>"
        # would be built on a wrong date, so say only that the date is in the future.
        return [Reason("tenancy_in_future", {})]
    months = rules.min_tenancy_months
    eligible_from = add_months(start, months)
    if eligible_from > today:
        return [Reason("tenancy_too_short", {"months": months, "eligible_from": eligible_from})]
    return []


def to_check(answers: Answers) -> tuple[str, ...]:
    """The answers the resident did not know (heating, band), which the team must check."""
    return tuple(name for name in ("heating", "band") if getattr(answers, name) == UNKNOWN)


def _choices(answers: Answers, rules: GrantRules) -> list[Reason]:
    reasons = []
    heating, band = answers.heating, answers.band
    if heating not in (None, UNKNOWN) and heating not in rules.heating_types:
        reasons.append(Reason("heating_not_allowed", {"heating": answers.heating}))
    if band not in (None, UNKNOWN) and band not in rules.bands:
        reasons.append(Reason("band_not_allowed", {"band": answers.band}))
    return reasons


def _isee(answers: Answers, rules: GrantRules) -> list[Reason]:
    if answers.isee is None:
        return []
    bounds = {"min": rules.isee.min, "max": rules.isee.max}  # both included
    if answers.isee < rules.isee.min:
        return [Reason("isee_below", bounds)]
    if answers.isee > rules.isee.max:
        return [Reason("isee_above", bounds)]
    return []


def _arrears(answers: Answers, rules: GrantRules) -> list[Reason]:
    # An unanswered plan question counts as "no plan": arrears alone are not enough.
    if (
        answers.arrears is True
        and rules.arrears_need_repayment_plan
        and answers.repayment_plan is not True
    ):
        return [Reason("arrears_without_plan", {})]
    return []
