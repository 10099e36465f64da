"""The things a resident can do, shared by the JSON API and the HTML forms.

Each takes what it needs as parameters (the rules or the event of the request's
content snapshot, a database connection, the day) and returns an ``Outcome`` that
says what happened; the web layer only decides how to show it (JSON or a page).
Nothing is stored unless it is valid and, for the grant, eligible. No Flask here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from portal.model.schedule import LOCAL_TIMEZONE
from portal.model.types import Event, GrantRules

from ..storage import store
from ..storage.db import Database
from .eligibility import Reason, assess
from .events import signup_state
from .forms import (
    ELIGIBILITY,
    PRE_APPLICATION,
    Facts,
    answers,
    contact_keys,
    validate_registration,
)
from .references import cancel_token, new_reference, normalise, token_matches


@dataclass
class Outcome:
    # created, replayed, invalid, ineligible, unknown, closed, forbidden, cancelled, or
    # already_signed_up (this phone or e-mail has a live sign-up to the event)
    kind: str
    reference: str | None = None
    errors: dict = field(default_factory=dict)  # field -> FieldError
    reasons: list = field(default_factory=list)  # Reason
    registration: store.Registration | None = None
    token: str | None = None
    state: str | None = None
    promoted: list = field(default_factory=list)


@dataclass(frozen=True)
class Assisted:
    """A submission an operator made for a resident at the desk or on the phone: same
    validation and rules, marked with the operator's name and the privacy notice on paper."""

    by: str
    privacy_on_paper: bool


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """The request day where the desks are: the grant's rules speak of that day."""
    return now().astimezone(ZoneInfo(LOCAL_TIMEZONE)).date()


def check_eligibility(data: dict, rules: GrantRules, facts: Facts) -> Outcome:
    clean, errors = ELIGIBILITY.validate(data, facts)
    if errors:
        return Outcome("invalid", errors=errors)
    reasons = assess(answers(clean), rules, facts.today)
    return Outcome("ineligible" if reasons else "eligible", reasons=reasons)


def submit_pre_application(
    db: Database,
    conn,
    data: dict,
    rules: GrantRules,
    facts: Facts,
    lang: str,
    key: str | None,
    assisted: Assisted | None = None,
    then: store.AfterSave | None = None,
) -> Outcome:
    """``then(conn, row)`` runs in the transaction that stores it (the outbox)."""
    clean, errors = PRE_APPLICATION.validate(data, facts)
    if errors:
        return Outcome("invalid", errors=errors)
    reasons: list[Reason] = assess(answers(clean), rules, facts.today)
    if reasons:
        return Outcome("ineligible", reasons=reasons)  # nothing personal is stored
    row = PRE_APPLICATION.row(clean)
    if assisted:
        row |= {"assisted_by": assisted.by, "privacy_on_paper": assisted.privacy_on_paper}
    reference, created = store.save_pre_application(
        db, conn, row, lang, key, lambda: new_reference("pre_application"), then
    )
    return Outcome("created" if created else "replayed", reference=reference)


def sign_up(
    db: Database,
    conn,
    event: Event | None,
    data: dict,
    lang: str,
    key: str | None,
    moment: datetime,
    secret: str,
    assisted: Assisted | None = None,
    then: store.AfterSave | None = None,
) -> Outcome:
    """``then(conn, row)`` runs in the transaction that stores it (the outbox).

    One phone number or e-mail signs up once per event (cancelled sign-ups aside), whoever
    types it, so one client cannot fill an event: a second is ``already_signed_up``, which
    says nothing of the first (not its name, reference or status)."""
    if event is None:
        return Outcome("unknown")
    state = signup_state(event, moment)
    if state != "open":
        return Outcome("closed", state=state)
    clean, errors = validate_registration(data, Facts(moment.date()), event)
    if errors:
        return Outcome("invalid", errors=errors)
    mine = contact_keys(clean.get("phone"), clean.get("email"))
    try:
        registration, created = store.register(
            db,
            conn,
            event.id,
            event.capacity,
            clean,
            clean["people"],
            lang,
            key,
            lambda: new_reference("registration"),
            assisted_by=assisted.by if assisted else None,
            privacy_on_paper=assisted.privacy_on_paper if assisted else False,
            then=then,
            same_person=lambda phone, email: bool(mine & contact_keys(phone, email)),
        )
    except store.AlreadySignedUp:
        return Outcome("already_signed_up")
    token = cancel_token(secret, registration.reference)
    return Outcome(
        "created" if created else "replayed",
        reference=registration.reference,
        registration=registration,
        token=token,
    )


def find_registration(db: Database, conn, reference: str, token: str, secret: str) -> Outcome:
    # Only well-formed references reach the database: PostgreSQL refuses a NUL in a text
    # parameter (a 500), and a reference read out on the phone ("e k7m4 q2xh") still matches.
    reference = normalise(reference)
    if not reference:
        return Outcome("unknown")
    registration = store.find_registration(db, conn, reference)
    if registration is None:
        return Outcome("unknown")
    if not token_matches(secret, reference, token or ""):
        return Outcome("forbidden")
    return Outcome("found", reference=reference, registration=registration, token=token)


def cancel(
    db: Database,
    conn,
    events: dict,
    reference: str,
    token: str,
    secret: str,
    then: Callable[[object, list], None] | None = None,
) -> Outcome:
    """Cancel with the private token; ``events`` (id -> Event) gives the capacity to refill.
    ``then(conn, promoted)`` runs in the same transaction when people leave the waitlist."""
    found = find_registration(db, conn, reference, token, secret)
    if found.kind != "found" or found.registration is None or found.reference is None:
        return found
    event = events.get(found.registration.event_id)
    capacity = event.capacity if event else None
    registration, promoted = store.cancel(db, conn, found.reference, capacity, then)
    return Outcome(
        "cancelled",
        reference=found.reference,
        registration=registration,
        token=token,
        promoted=promoted,
    )
