"""A resident's requests about their own data (GDPR articles 15 and 17): everything stored
about one person, found by phone or e-mail; a copy of it; its erasure.

Matching: an e-mail ignoring case; a phone by its digits only, with Italy's "+39" or
"0039" in front optional ("+39 035 123456" is "035 123456"). What is found is the
pre-applications with their status history, the event registrations, and the e-mails in
the outbox written to them or about those rows.

Erasure deletes all of it in one transaction, after the search is checked to still find
the same rows. A registration for an event still to come is first cancelled as the
resident's own cancellation would be (store.cancel), so its places go to the waiting list
in order; for an event that is over, or gone from the site, its places are just released.
The rows are folded into the statistics before they go: those have no names.

The audit log gets counts, references and a masked form of the phone or e-mail, never the
phone or the e-mail themselves.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from ..storage import store, subjects_store
from ..storage.db import Database
from . import audit
from .events import signup_state
from .fields import ascii_digits

MIN_DIGITS, MAX_DIGITS = 6, 15  # as a phone the forms accept
BOOLEANS = ("arrears", "repayment_plan", "privacy_on_paper", "attended")  # 0/1 on SQLite


class NotAKey(ValueError):
    """What was typed is neither a phone number nor an e-mail address (Italian message)."""


class Changed(Exception):
    """The search finds other rows than the ones shown when the erasure was confirmed."""


def phone_digits(phone: str | None) -> str:
    """The digits of a phone number, without Italy's international prefix."""
    text = ascii_digits(phone or "").strip()
    digits = "".join(c for c in text if c.isascii() and c.isdigit())
    if text.startswith("+") and digits.startswith("39"):
        return digits[2:]
    return digits[4:] if digits.startswith("0039") else digits


@dataclass(frozen=True)
class Key:
    """How the person is looked for: their phone's digits, or their e-mail in lower case."""

    kind: str  # phone | email
    value: str

    @classmethod
    def parse(cls, typed: str) -> Key:
        text = " ".join((typed or "").split())
        if "@" in text:
            local, _, domain = text.partition("@")
            if not local or "." not in domain or " " in text or "@" in domain or len(text) > 254:
                raise NotAKey("l'indirizzo e-mail non sembra completo: controllalo")
            return cls("email", text.lower())
        digits = phone_digits(text)
        if not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
            raise NotAKey(
                "scrivi un numero di telefono (almeno 6 cifre) o un indirizzo e-mail completo"
            )
        return cls("phone", digits)

    def matches(self, phone: str | None, email: str | None) -> bool:
        if self.kind == "email":
            return (email or "").lower() == self.value
        return phone_digits(phone) == self.value

    @property
    def masked(self) -> str:
        """For the audit log: enough to tell two searches apart, not to find the person."""
        if self.kind == "email":
            local, _, domain = self.value.partition("@")
            return f"e-mail {local[0]}***@***.{domain.rsplit('.', 1)[-1]}"
        return f"telefono ***{self.value[-3:]}"


@dataclass
class Found:
    pre_applications: list[dict] = field(default_factory=list)  # each with its "history"
    registrations: list[dict] = field(default_factory=list)
    mails: list[dict] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.pre_applications or self.registrations or self.mails)

    def references(self) -> dict[str, list]:
        return {
            "pre_applications": [r["reference"] for r in self.pre_applications],
            "registrations": [r["reference"] for r in self.registrations],
            "mails": [r["id"] for r in self.mails],
        }

    def counts(self) -> dict[str, int]:
        return {name: len(values) for name, values in self.references().items()}

    @property
    def fingerprint(self) -> str:
        """Short and opaque: which rows were shown, so an erasure deletes just those."""
        listed = repr(sorted((k, sorted(map(str, v))) for k, v in self.references().items()))
        return hashlib.sha256(listed.encode()).hexdigest()[:32]

    def as_json(self, now: datetime) -> dict:
        """A copy for the person: every stored field of every row, without internal ids."""
        return {
            "generated_at": now.isoformat(timespec="seconds"),
            "pre_applications": [_shown(r) for r in self.pre_applications],
            "registrations": [_shown(r) for r in self.registrations],
            "mails": [_shown(r) for r in self.mails],
        }


def _shown(row: dict) -> dict:
    shown = {
        name: bool(value) if name in BOOLEANS and value is not None else value
        for name, value in row.items()
        if name not in ("id", "history")
    }
    if "history" in row:
        shown["history"] = [_shown(change) for change in row["history"]]
    return shown


def find(db: Database, conn, key: Key) -> Found:
    mine = {
        table: [
            r["reference"]
            for r in subjects_store.contacts(db, conn, table)
            if key.matches(r["phone"], r["email"])
        ]
        for table in subjects_store.PEOPLE
    }
    references = set(mine["pre_applications"]) | set(mine["registrations"])
    mails = [
        r["id"]
        for r in subjects_store.recipients(db, conn)
        if r["reference"] in references or key.matches(None, r["recipient"])
    ]
    history: dict[str, list] = {}
    for change in subjects_store.rows(
        db, conn, "status_changes", "reference", mine["pre_applications"]
    ):
        history.setdefault(change["reference"], []).append(change)
    pre_applications = subjects_store.rows(
        db, conn, "pre_applications", "reference", mine["pre_applications"]
    )
    return Found(
        [r | {"history": history.get(r["reference"], [])} for r in pre_applications],
        subjects_store.rows(db, conn, "registrations", "reference", mine["registrations"]),
        subjects_store.rows(db, conn, "outbox", "id", mails),
    )


@dataclass(frozen=True)
class Erased:
    counts: dict[str, int]
    promoted: list[str]  # registrations taken off the waiting list into the freed places


def erase(
    db: Database,
    conn,
    key: Key,
    fingerprint: str,
    events: Mapping,
    now: datetime,
    actor: str,
    then: Callable[[object, list], None] | None = None,
) -> Erased:
    """Erase what ``find`` finds, when it is still what was shown (``fingerprint``; else
    Changed). ``events`` (id -> Event) gives the capacity to refill; ``then(conn,
    promoted)`` runs in a cancellation's transaction (the promoted people's e-mail)."""
    found = find(db, conn, key)
    if found.fingerprint != fingerprint:
        raise Changed()
    promoted: list[str] = []
    for row in found.registrations:
        event = events.get(row["event_id"])
        if row["status"] != "cancelled" and event and signup_state(event, now) != "past":
            promoted += store.cancel(db, conn, row["reference"], event.capacity, then)[1]
    references = found.references()
    subjects_store.erase(
        db,
        conn,
        references["pre_applications"],
        references["registrations"],
        references["mails"],
        lambda inside: audit.record(
            db,
            inside,
            actor,
            "subject.erased",
            None,
            **found.counts(),
            references=references["pre_applications"] + references["registrations"],
            promoted=promoted,
        ),
    )
    return Erased(found.counts(), promoted)


def record_search(db: Database, conn, actor: str, action: str, key: Key, found: Found) -> None:
    """Audit a search or a download: the masked key and what was found, by reference."""
    refs = found.references()
    audit.record(
        db,
        conn,
        actor,
        action,
        key.masked,
        **found.counts(),
        references=refs["pre_applications"] + refs["registrations"],
    )
