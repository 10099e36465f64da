"""The three things a resident can do, shared by the JSON API and the HTML forms.

Each returns an ``Outcome`` that says what happened; the blueprints only decide
how to show it (JSON or a page). Nothing is stored unless it is valid and, for
the grant, eligible.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from zoneinfo import ZoneInfo

from flask import current_app

from portal.model.schedule import LOCAL_TIMEZONE

from . import store
from .db import get_db
from .eligibility import Reason, assess
from .events import signup_state
from .i18n import content
from .references import cancel_token, normalise, token_matches
from .validation import answers, validate_eligibility, validate_pre_application, \
    validate_registration


@dataclass
class Outcome:
    kind: str  # created, replayed, invalid, ineligible, unknown, closed, forbidden, cancelled
    reference: str | None = None
    errors: dict = field(default_factory=dict)  # field -> FieldError
    reasons: list = field(default_factory=list)  # Reason
    registration: store.Registration | None = None
    token: str | None = None
    state: str | None = None
    promoted: list = field(default_factory=list)


def database():
    return current_app.extensions["portal_db"]


def now() -> datetime:
    return datetime.now(timezone.utc)


def today() -> date:
    """The request day where the desks are: the grant's rules speak of that day."""
    return now().astimezone(ZoneInfo(LOCAL_TIMEZONE)).date()


def check_eligibility(data: dict, day: date) -> Outcome:
    rules = content().heating_grant.rules
    clean, errors = validate_eligibility(data, day, content().desks)
    if errors:
        return Outcome("invalid", errors=errors)
    reasons = assess(answers(clean), rules, day)
    return Outcome("ineligible" if reasons else "eligible", reasons=reasons)


def submit_pre_application(data: dict, lang: str, key: str | None, day: date) -> Outcome:
    clean, errors = validate_pre_application(data, day, content().desks)
    if errors:
        return Outcome("invalid", errors=errors)
    reasons: list[Reason] = assess(answers(clean), content().heating_grant.rules, day)
    if reasons:
        return Outcome("ineligible", reasons=reasons)  # nothing personal is stored
    reference, created = store.save_pre_application(database(), get_db(), clean, lang, key)
    return Outcome("created" if created else "replayed", reference=reference)


def sign_up(event_id: str, data: dict, lang: str, key: str | None, now: datetime) -> Outcome:
    event = content().events.get(event_id)
    if event is None:
        return Outcome("unknown")
    state = signup_state(event, now)
    if state != "open":
        return Outcome("closed", state=state)
    clean, errors = validate_registration(data, now.date(), event.capacity)
    if errors:
        return Outcome("invalid", errors=errors)
    registration, created = store.register(database(), get_db(), event.id, event.capacity, clean,
                                           clean["people"], lang, key)
    token = cancel_token(current_app.config["SECRET_KEY"], registration.reference)
    return Outcome("created" if created else "replayed", reference=registration.reference,
                   registration=registration, token=token)


def find_registration(reference: str, token: str) -> Outcome:
    # Only well-formed references reach the database: PostgreSQL refuses a NUL in a text
    # parameter (a 500), and a reference read out on the phone ("e k7m4 q2xh") still matches.
    reference = normalise(reference)
    if not reference:
        return Outcome("unknown")
    registration = store.find_registration(database(), get_db(), reference)
    if registration is None:
        return Outcome("unknown")
    if not token_matches(current_app.config["SECRET_KEY"], reference, token or ""):
        return Outcome("forbidden")
    return Outcome("found", reference=reference, registration=registration, token=token)


def cancel(reference: str, token: str) -> Outcome:
    found = find_registration(reference, token)
    if found.kind != "found":
        return found
    event = content().events.get(found.registration.event_id)
    capacity = event.capacity if event else None
    registration, promoted = store.cancel(database(), get_db(), found.reference, capacity)
    return Outcome("cancelled", reference=found.reference, registration=registration, token=token,
                   promoted=promoted)
