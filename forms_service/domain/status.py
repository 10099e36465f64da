"""A resident looks up where their pre-application is: its reference and the phone number
or e-mail they gave, nothing else; the answer is the status and the desk chosen.

A wrong pair and an unknown reference are the same answer (None), reached the same way:
one query, every comparison made, so neither the page nor the time tells them apart.
No Flask here.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from ..storage import casework_store
from ..storage.db import Database
from .fields import email_key, phone_key
from .references import normalise


@dataclass(frozen=True)
class Status:
    """All a lookup tells: no name, no ISEE, no answers."""

    reference: str
    status: str  # a key of casework.STATES
    preferred_desk: str


def _same(given: str, stored: str) -> bool:
    # Both sides always compared, in constant time; an empty key never matches.
    return hmac.compare_digest(given.encode(), stored.encode()) and bool(given)


def contact_matches(contact: str, phone: str | None, email: str | None) -> bool:
    """``contact`` is an e-mail when it has an @, else a phone number."""
    is_email = "@" in contact
    by_phone = _same(phone_key(contact) if not is_email else "", phone_key(phone or ""))
    by_email = _same(email_key(contact) if is_email else "", email_key(email or ""))
    return by_phone or by_email


def look_up(db: Database, conn, reference: str, contact: str) -> Status | None:
    """The status when ``reference`` (as typed or read out) and ``contact`` belong together."""
    row = casework_store.one(db, conn, normalise(reference))
    found = row or {"phone": None, "email": None}
    if not contact_matches(contact, found["phone"], found["email"]) or row is None:
        return None
    return Status(row["reference"], row["status"], row["preferred_desk"])
