"""The heating-grant rules applied to answers, at every boundary, with the REAL rules
from content/heating-grant.yml (so a change there shows up here)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from forms_service.domain.eligibility import (
    UNKNOWN,
    Answers,
    Reason,
    add_months,
    assess,
    tenancy_months,
    to_check,
)
from forms_service.domain.forms import Facts
from forms_service.domain.questionnaire import BY_FIELD, STEPS, Questionnaire
from portal.model import load
from portal.model.types import DateWindow

from .helpers import ROOT

TODAY = date(2026, 11, 22)
ELIGIBLE = Answers(
    tenancy_start=date(2024, 1, 1),
    heating="centralized",
    band="accesso",
    isee=Decimal("12000.00"),
    arrears=False,
    repayment_plan=None,
)


@pytest.fixture(scope="module")
def content():
    return load(ROOT)


@pytest.fixture(scope="module")
def rules(content):
    return content.heating_grant.rules


def codes(answers, rules, today=TODAY):
    return [reason.code for reason in assess(answers, rules, today)]


def test_the_shipped_rules_are_the_ones_tested_here(rules):
    # If an editor changes the rules, the boundary cases below must follow.
    assert (rules.isee.min, rules.isee.max) == (Decimal("9360.01"), Decimal("15000.00"))
    assert rules.min_tenancy_months == 12
    assert rules.heating_types == ("centralized",)
    assert rules.bands == ("accesso", "protezione")
    assert rules.arrears_need_repayment_plan is True


def test_eligible_answers_give_no_reasons(rules):
    assert assess(ELIGIBLE, rules, TODAY) == []


def test_unanswered_questions_are_not_assessed(rules):
    assert assess(Answers(), rules, TODAY) == []
    assert codes(Answers(heating="autonomous"), rules) == ["heating_not_allowed"]


@pytest.mark.parametrize(
    "isee, expected",
    [
        ("0.00", ["isee_below"]),
        ("9360.00", ["isee_below"]),
        ("9360.01", []),
        ("15000.00", []),
        ("15000.01", ["isee_above"]),
    ],
)
def test_isee_bounds_are_both_included(rules, isee, expected):
    assert codes(replace(ELIGIBLE, isee=Decimal(isee)), rules) == expected


def test_isee_reason_gives_the_bounds_as_decimals(rules):
    [reason] = assess(replace(ELIGIBLE, isee=Decimal("20000")), rules, TODAY)
    assert reason == Reason("isee_above", {"min": Decimal("9360.01"), "max": Decimal("15000.00")})


@pytest.mark.parametrize(
    "start, today, eligible",
    [
        (date(2025, 11, 22), date(2026, 11, 22), True),  # exactly 12 months
        (date(2025, 11, 23), date(2026, 11, 22), False),  # one day less
        (date(2025, 1, 31), date(2026, 1, 31), True),
        (date(2025, 1, 31), date(2026, 1, 30), False),
        (date(2024, 2, 29), date(2025, 2, 28), True),  # no 29 February: clamped to the 28th
        (date(2024, 2, 29), date(2025, 2, 27), False),
        (date(2026, 11, 22), date(2026, 11, 22), False),  # started today
    ],
)
def test_tenancy_boundaries(rules, start, today, eligible):
    result = codes(replace(ELIGIBLE, tenancy_start=start), rules, today)
    assert result == ([] if eligible else ["tenancy_too_short"])


def test_tenancy_too_short_says_from_when(rules):
    answers = replace(ELIGIBLE, tenancy_start=date(2026, 1, 31))
    assert assess(answers, rules, TODAY) == [
        Reason("tenancy_too_short", {"months": 12, "eligible_from": date(2027, 1, 31)})
    ]
    assert assess(answers, rules, date(2027, 1, 31)) == []


def test_tenancy_in_the_future_is_only_reported_as_such(rules):
    answers = replace(ELIGIBLE, tenancy_start=TODAY + timedelta(days=1))
    assert assess(answers, rules, TODAY) == [Reason("tenancy_in_future", {})]


@pytest.mark.parametrize(
    "day, months, expected",
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2025, 3, 31), 1, date(2025, 4, 30)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),
        (date(2025, 11, 30), 14, date(2027, 1, 30)),
        (date(2025, 5, 5), 0, date(2025, 5, 5)),
    ],
)
def test_add_months_clamps_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    "start, today, expected",
    [
        (date(2025, 11, 22), date(2026, 11, 22), 12),
        (date(2025, 11, 23), date(2026, 11, 22), 11),
        (date(2024, 1, 31), date(2024, 2, 29), 1),
        (date(2024, 1, 31), date(2024, 2, 28), 0),
        (date(2024, 2, 29), date(2025, 2, 28), 12),
        (date(2026, 12, 1), date(2026, 11, 22), 0),  # not started yet
    ],
)
def test_tenancy_months(start, today, expected):
    assert tenancy_months(start, today) == expected


def test_tenancy_months_agrees_with_add_months():
    starts = [date(2024, 1, 20) + timedelta(days=n) for n in range(45)]  # across 29 February
    for start in starts:
        for offset in range(0, 800, 3):
            today = start + timedelta(days=offset)
            months = tenancy_months(start, today)
            assert add_months(start, months) <= today < add_months(start, months + 1)


@pytest.mark.parametrize(
    "heating, expected",
    [
        ("centralized", []),
        ("autonomous", ["heating_not_allowed"]),
    ],
)
def test_heating(rules, heating, expected):
    assert codes(replace(ELIGIBLE, heating=heating), rules) == expected


def test_heating_reason_names_the_answer(rules):
    assert assess(replace(ELIGIBLE, heating="autonomous"), rules, TODAY) == [
        Reason("heating_not_allowed", {"heating": "autonomous"})
    ]


@pytest.mark.parametrize(
    "band, expected",
    [
        ("accesso", []),
        ("protezione", []),
        ("permanenza", ["band_not_allowed"]),
        ("decadenza", ["band_not_allowed"]),
    ],
)
def test_bands(rules, band, expected):
    reasons = assess(replace(ELIGIBLE, band=band), rules, TODAY)
    assert [r.code for r in reasons] == expected
    assert all(r.params == {"band": band} for r in reasons)


@pytest.mark.parametrize(
    "arrears, plan, expected",
    [
        (False, None, []),
        (False, False, []),
        (True, True, []),
        (True, False, ["arrears_without_plan"]),
        (True, None, ["arrears_without_plan"]),  # no plan declared is not a plan
        (None, None, []),
    ],
)
def test_arrears_need_a_repayment_plan(rules, arrears, plan, expected):
    assert codes(replace(ELIGIBLE, arrears=arrears, repayment_plan=plan), rules) == expected


def test_arrears_without_plan_allowed_when_the_rules_say_so(rules):
    lenient = replace(rules, arrears_need_repayment_plan=False)
    assert codes(replace(ELIGIBLE, arrears=True, repayment_plan=False), lenient) == []


def window(rules, opens=None, closes=None):
    return replace(rules, application_window=DateWindow(opens=opens, closes=closes))


@pytest.mark.parametrize(
    "today, expected",
    [
        (date(2026, 11, 30), ["window_not_open"]),
        (date(2026, 12, 1), []),  # first day included
        (date(2027, 1, 31), []),  # last day included
        (date(2027, 2, 1), ["window_closed"]),
    ],
)
def test_application_window(rules, today, expected):
    open_rules = window(rules, date(2026, 12, 1), date(2027, 1, 31))
    assert codes(ELIGIBLE, open_rules, today) == expected


def test_window_reasons_carry_the_dates(rules):
    assert assess(Answers(), window(rules, opens=date(2027, 1, 1)), TODAY) == [
        Reason("window_not_open", {"opens": date(2027, 1, 1)})
    ]
    assert assess(Answers(), window(rules, closes=date(2026, 11, 21)), TODAY) == [
        Reason("window_closed", {"closes": date(2026, 11, 21)})
    ]


def test_an_unknown_window_does_not_block(rules):
    assert rules.application_window == DateWindow()  # the shipped dates are to be confirmed
    assert codes(ELIGIBLE, rules) == []


def test_several_failures_give_several_reasons_in_order(rules):
    answers = Answers(
        tenancy_start=date(2026, 6, 1),
        heating="autonomous",
        band="decadenza",
        isee=Decimal("15000.01"),
        arrears=True,
        repayment_plan=False,
    )
    closed = window(rules, closes=date(2026, 10, 31))
    assert codes(answers, closed) == [
        "window_closed",
        "tenancy_too_short",
        "heating_not_allowed",
        "band_not_allowed",
        "isee_above",
        "arrears_without_plan",
    ]


REASON_EXAMPLES = [
    Reason("window_not_open", {"opens": date(2027, 1, 1)}),
    Reason("window_closed", {"closes": date(2026, 1, 1)}),
    Reason("tenancy_too_short", {"months": 12, "eligible_from": date(2027, 1, 1)}),
    Reason("tenancy_in_future", {}),
    Reason("heating_not_allowed", {"heating": "autonomous"}),
    Reason("band_not_allowed", {"band": "decadenza"}),
    Reason("isee_below", {"min": Decimal("9360.01"), "max": Decimal("15000.00")}),
    Reason("isee_above", {"min": Decimal("9360.01"), "max": Decimal("15000.00")}),
    Reason("arrears_without_plan", {}),
]


@pytest.mark.parametrize("reason", REASON_EXAMPLES, ids=lambda r: r.code)
def test_every_reason_has_a_message_in_every_language(content, reason):
    for code in content.codes:
        template = content.strings[code][f"reason_{reason.code}"]
        template.format(**{name: str(value) for name, value in reason.params.items()})


# --- "I don't know", and a tenant who moved between SAP homes (issue #10) ----------------------


def test_i_dont_know_the_heating_or_the_band_is_not_a_refusal(rules):
    """Tenants on district heating may not know it counts as centralised, and many do not
    know their band: neither ends the request; the team checks both with the documents."""
    for unknown in (
        replace(ELIGIBLE, heating=UNKNOWN),
        replace(ELIGIBLE, band=UNKNOWN),
        replace(ELIGIBLE, heating=UNKNOWN, band=UNKNOWN),
    ):
        assert assess(unknown, rules, TODAY) == []
    assert to_check(replace(ELIGIBLE, heating=UNKNOWN, band=UNKNOWN)) == ("heating", "band")
    assert to_check(replace(ELIGIBLE, band=UNKNOWN)) == ("band",)
    assert to_check(ELIGIBLE) == ()


def test_i_dont_know_does_not_hide_the_rules_that_do_fail(rules):
    answers = replace(ELIGIBLE, heating=UNKNOWN, band=UNKNOWN, isee=Decimal("15000.01"))
    assert codes(answers, rules) == ["isee_above"]
    assert codes(replace(answers, isee=None, band="decadenza"), rules) == ["band_not_allowed"]


def test_a_tenant_who_moved_between_sap_homes_counts_from_the_first_assignment(rules):
    """The rule asks for 12 months as assignee of a SAP home, not of the present one: the
    first assignment's day is the answer (the question asks it so), and a move two months
    ago changes nothing."""
    first_assignment = date(2024, 3, 1)
    moved_in_here = TODAY - timedelta(days=60)
    assert codes(replace(ELIGIBLE, tenancy_start=first_assignment), rules) == []
    # Only the day of this home would have refused them: that is not what the rule says.
    assert codes(replace(ELIGIBLE, tenancy_start=moved_in_here), rules) == ["tenancy_too_short"]


TO_CHECK = ("heating", "band")


def test_the_questionnaire_offers_i_dont_know_for_heating_and_band_only():
    assert BY_FIELD["heating"].choices == ("centralized", "autonomous", UNKNOWN)
    assert BY_FIELD["band"].choices[-1] == UNKNOWN
    assert all(UNKNOWN not in step.choices for step in STEPS if step.field not in TO_CHECK)


def test_a_failed_rule_blocks_the_steps_after_its_answer_and_names_it(content, rules):
    q = Questionnaire(rules, Facts(TODAY, tuple(content.desks)))
    given = {
        "heating": "centralized",
        "band": "accesso",
        "tenancy_start": "2020-01-15",
        "arrears": "yes",
        "repayment_plan": "no",
        "isee": "12.000,00",
    }
    clean = q.known(given)
    [reason] = q.reasons(clean)
    assert reason.code == "arrears_without_plan"
    assert q.step_to_change(reason, clean) == BY_FIELD["repayment_plan"]
    assert q.next_place(True, clean) == "uscita"
    reachable = [step.field for step in q.steps_for(clean) if q.reachable(step, clean)]
    assert reachable == ["heating", "band", "tenancy_start", "arrears", "repayment_plan"]
    fixed = q.known({**given, "repayment_plan": "yes"})
    assert q.reasons(fixed) == [] and q.next_place(True, fixed) == "controlla"


def test_the_application_window_leaves_no_answer_to_change(content, rules):
    closed = window(rules, closes=date(2026, 10, 31))
    q = Questionnaire(closed, Facts(TODAY, tuple(content.desks)))
    clean = q.known({"heating": "centralized"})
    [reason] = q.reasons(clean)
    assert q.step_to_change(reason, clean) is None
    assert not any(q.reachable(step, clean) for step in STEPS)
