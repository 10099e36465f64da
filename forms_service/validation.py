"""Whole-form validation: every field checked, every error collected, in the reader's language.

Field parsers live in ``fields.py`` (one per kind of value); this module knows
which fields each form has, their limits, and how they depend on each other.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .eligibility import Answers
from .fields import (FieldError, missing, parse_bool, parse_choice, parse_date, parse_email,
                     parse_int, parse_isee, parse_phone, parse_text)
from .i18n import Messages

HEATING = ("centralized", "autonomous")
BANDS = ("accesso", "protezione", "permanenza", "decadenza")
ELIGIBILITY_FIELDS = ("tenancy_start", "heating", "band", "isee", "arrears", "repayment_plan")
CONTACT_FIELDS = ("full_name", "phone", "email")
PRE_APPLICATION_FIELDS = (*CONTACT_FIELDS, "address", "household_size", *ELIGIBILITY_FIELDS,
                          "preferred_desk", "consent")
REGISTRATION_FIELDS = (*CONTACT_FIELDS, "people", "consent")
META_FIELDS = ("lang", "website", "submission_id")  # language, honeypot, idempotency key
MAX_PEOPLE = 10


def _parsers(today: date, desks) -> dict:
    return {
        "full_name": lambda v: parse_text(v, min_length=2, max_length=100),
        "phone": parse_phone,
        "email": parse_email,
        "address": lambda v: parse_text(v, min_length=5, max_length=200),
        "household_size": lambda v: parse_int(v, minimum=1, maximum=20),
        "tenancy_start": lambda v: parse_date(v, not_after=today, not_before=date(1940, 1, 1)),
        "heating": lambda v: parse_choice(v, HEATING),
        "band": lambda v: parse_choice(v, BANDS),
        "isee": parse_isee,
        "arrears": lambda v: parse_bool(v, "arrears"),
        "repayment_plan": lambda v: parse_bool(v, "repayment_plan"),
        "preferred_desk": lambda v: parse_choice(v, tuple(desks)),
        "consent": lambda v: parse_bool(v, "consent"),
        "people": lambda v: parse_int(v, minimum=1, maximum=MAX_PEOPLE),
    }


def parse_fields(data: dict, names, today: date, desks, optional=()) -> tuple[dict, dict]:
    """(clean values, errors as {field: FieldError}) for ``names``; unknown fields are errors."""
    parsers = _parsers(today, desks)
    clean, errors = {}, {}
    for name in data:
        if name not in names and name not in META_FIELDS:
            errors[name] = FieldError("unknown_field")
    for name in names:
        raw = data.get(name)
        if missing(raw):
            if name not in optional:
                errors[name] = FieldError("required")
            continue
        try:
            clean[name] = parsers[name](raw)
        except FieldError as error:
            errors[name] = error
    return clean, errors


def _contact_rules(clean: dict, errors: dict) -> None:
    """Phone and/or e-mail: at least one, so the desk team can call back."""
    if not any(k in clean or k in errors for k in ("phone", "email")):
        errors["phone"] = FieldError("contact_needed")


def validate_eligibility(data: dict, today: date, desks) -> tuple[dict, dict]:
    clean, errors = parse_fields(data, ELIGIBILITY_FIELDS, today, desks,
                                 optional=("repayment_plan",))
    return clean, errors


def validate_pre_application(data: dict, today: date, desks) -> tuple[dict, dict]:
    clean, errors = parse_fields(data, PRE_APPLICATION_FIELDS, today, desks,
                                 optional=("phone", "email", "repayment_plan"))
    _contact_rules(clean, errors)
    clean.setdefault("repayment_plan", False)
    if "consent" in clean and clean["consent"] is not True:
        errors["consent"] = FieldError("consent")
    return clean, errors


def validate_registration(data: dict, today: date, capacity: int | None) -> tuple[dict, dict]:
    clean, errors = parse_fields(data, REGISTRATION_FIELDS, today, (),
                                 optional=("phone", "email"))
    _contact_rules(clean, errors)
    limit = min(MAX_PEOPLE, capacity) if capacity else MAX_PEOPLE
    if clean.get("people", 0) > limit:  # one group may not be bigger than the whole event
        errors["people"] = FieldError("integer_range", {"minimum": 1, "maximum": limit})
    if "consent" in clean and clean["consent"] is not True:
        errors["consent"] = FieldError("consent")
    return clean, errors


def answers(clean: dict) -> Answers:
    return Answers(clean.get("tenancy_start"), clean.get("heating"), clean.get("band"),
                   clean.get("isee"), clean.get("arrears"), clean.get("repayment_plan"))


def shown(value, m: Messages) -> str:
    if isinstance(value, date):
        return m.short_date(value)
    if isinstance(value, Decimal):
        return m.money(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def error_messages(errors: dict, m: Messages) -> dict:
    """{field: message} in the reader's language."""
    return {name: m.s(f"error_{error.code}", **{k: shown(v, m) for k, v in error.params.items()})
            for name, error in errors.items()}


def reason_message(reason, m: Messages) -> str:
    """A not-eligible reason in the reader's language, with choices shown as labels."""
    params = dict(reason.params)
    if "heating" in params:
        params["heating"] = m.s(f"heating_{params['heating']}")
    if "band" in params:
        params["band"] = m.s(f"band_{params['band']}")
    return m.s(f"reason_{reason.code}", **{k: shown(v, m) for k, v in params.items()})
