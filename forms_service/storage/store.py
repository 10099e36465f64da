"""What the service stores: pre-applications and event registrations.

Every write runs in one transaction that also claims the idempotency key, so a
double click or a retry finds the first submission instead of making a second.
Places are counted in ``event_places``, locked while a registration or a
cancellation changes them, so concurrent sign-ups never overbook.

An idempotency key is bound to its form (``scope``) and to a hash of the submission it
first stored, and lasts ``KEY_LIFETIME``. A retry with the same body gets the earlier
answer back (for a sign-up: its reference and private cancel token); the same key with
another body is refused (``KeyMismatch``), so a key seen elsewhere (a shared computer's
history, a log) hands nobody else's sign-up out. Only the body binds it, not the client's
address: a phone moving from Wi-Fi to mobile data retries from another address, and who
knows the exact body (name, phone, e-mail, people) already knows what the answer holds.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .db import Database

ReferenceMaker = Callable[[], str]  # a new random reference; the caller's format
# Runs inside the submission's transaction, once, when a new row was stored: what must be
# kept with it or not at all (the outbox's e-mail). Called with (connection, the row as
# stored: its columns by name, "reference" among them), so it need not read it back.
AfterSave = Callable[[object, dict], None]
# (phone, e-mail) of a live registration -> whether it is the same person as the new one.
SamePerson = Callable[[str | None, str | None], bool]
KEY_LIFETIME = timedelta(hours=24)  # retries come within seconds; `portal purge` after 2 days


class KeyReused(Exception):
    """The idempotency key was first used for a different kind of submission."""


class KeyMismatch(KeyReused):
    """The idempotency key was first used for this form with other answers."""


class AlreadySignedUp(Exception):
    """The event already has a live registration with this phone number or e-mail."""


@dataclass(frozen=True)
class Registration:
    reference: str
    event_id: str
    people: int
    status: str  # confirmed | waitlisted | cancelled
    lang: str
    created_at: str


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def body_hash(values: dict) -> str:
    """The fingerprint of a submission as stored (its columns and language)."""
    text = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _claim_key(
    db: Database, conn, key: str | None, scope: str, digest: str, reference: str
) -> str | None:
    """None when the key is ours now, held for ``reference``; the earlier reference when
    this same body was sent with it before. An expired key is taken over as if new."""
    if not key:
        return None
    now = datetime.now(UTC)
    cursor = db.execute(
        conn,
        "INSERT INTO idempotency_keys (key, scope, body_hash, reference, created_at) "
        "VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (key) DO UPDATE SET scope = excluded.scope, "
        "body_hash = excluded.body_hash, reference = excluded.reference, "
        "created_at = excluded.created_at "
        "WHERE idempotency_keys.created_at < ?",
        (key, scope, digest, reference, _iso(now), _iso(now - KEY_LIFETIME)),
    )
    if cursor.rowcount == 1:
        return None
    row = db.one(
        conn, "SELECT scope, reference, body_hash FROM idempotency_keys WHERE key = ?", (key,)
    )
    if row["scope"] != scope:
        raise KeyReused(key)
    if not hmac.compare_digest(row["body_hash"] or "", digest):  # a key from before hashes too
        raise KeyMismatch(key)
    return row["reference"]


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _insert(
    db: Database, conn, table: str, row: dict, reference: str, make: ReferenceMaker, key: str | None
) -> str:
    """Insert ``row`` under ``reference``, or under a new one in the rare case that it is
    taken (the key claimed for it then follows); returns the reference used."""
    columns = ", ".join(("reference", *row))
    marks = ", ".join("?" * (len(row) + 1))
    while True:
        cursor = db.execute(
            conn,
            f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT (reference) DO NOTHING",
            (reference, *row.values()),
        )
        if cursor.rowcount == 1:
            return reference
        reference = make()
        if key:
            db.execute(
                conn, "UPDATE idempotency_keys SET reference = ? WHERE key = ?", (reference, key)
            )


def save_pre_application(
    db: Database,
    conn,
    row: dict,
    lang: str,
    key: str | None,
    make: ReferenceMaker,
    then: AfterSave | None = None,
) -> tuple[str, bool]:
    """Store a pre-application (``row``: column -> value, from the form's declaration, plus
    ``assisted_by``/``privacy_on_paper`` for one made at the desk); returns (reference,
    created). ``then`` runs in the same transaction. Committed on return.

    Two statements: the key is claimed for a reference drawn beforehand, and the row is
    inserted under it; everything else is ready before the write lock is taken."""
    digest = body_hash({**row, "lang": lang})
    now = utcnow()
    values = {"created_at": now, "lang": lang, **row, "consent_at": now}
    drawn = make()

    def work(conn) -> tuple[str, bool]:
        earlier = _claim_key(db, conn, key, "pre_application", digest, drawn)
        if earlier:
            return earlier, False
        reference = _insert(db, conn, "pre_applications", values, drawn, make, key)
        if then:
            then(conn, {"reference": reference, **values})
        return reference, True

    return db.write(conn, work)


def pre_application_exists(db: Database, conn, reference: str) -> dict | None:
    return db.one(
        conn,
        "SELECT reference, lang, preferred_desk, created_at FROM pre_applications "
        "WHERE reference = ?",
        (reference,),
    )


def _lock_places(db: Database, conn, event_id: str) -> int:
    db.execute(
        conn,
        "INSERT INTO event_places (event_id, confirmed_people) VALUES (?, 0) "
        "ON CONFLICT (event_id) DO NOTHING",
        (event_id,),
    )
    row = db.one(
        conn,
        "SELECT confirmed_people FROM event_places WHERE event_id = ? {for_update}",
        (event_id,),
    )
    return row["confirmed_people"]


def _row(row: dict) -> Registration:
    return Registration(
        row["reference"],
        row["event_id"],
        row["people"],
        row["status"],
        row["lang"],
        row["created_at"],
    )


def find_registration(db: Database, conn, reference: str) -> Registration | None:
    row = db.one(conn, "SELECT * FROM registrations WHERE reference = ?", (reference,))
    return _row(row) if row else None


def _registration(db: Database, conn, reference: str) -> Registration:
    """A registration this transaction knows exists (it just wrote or locked it)."""
    found = find_registration(db, conn, reference)
    if found is None:  # pragma: no cover - would mean a broken transaction
        raise LookupError(reference)
    return found


def register(
    db: Database,
    conn,
    event_id: str,
    capacity: int | None,
    person: dict,
    people: int,
    lang: str,
    key: str | None,
    make: ReferenceMaker,
    assisted_by: str | None = None,
    privacy_on_paper: bool = False,
    then: AfterSave | None = None,
    same_person: SamePerson | None = None,
) -> tuple[Registration, bool]:
    """Confirm or waitlist a sign-up; returns (registration, created). ``assisted_by`` names
    the operator who made it at the desk; ``then`` runs in the same transaction. Committed
    on return. ``AlreadySignedUp`` when ``same_person`` finds the person among the event's
    live registrations: checked under the places lock, so two at once cannot both pass."""
    fields = ("full_name", "phone", "email")
    digest = body_hash(
        {name: person.get(name) for name in fields}
        | {"people": people, "lang": lang, "assisted_by": assisted_by}
        | {"privacy_on_paper": privacy_on_paper}
    )
    now = utcnow()
    drawn = make()

    def work(conn) -> tuple[str, bool]:
        earlier = _claim_key(db, conn, key, f"registration:{event_id}", digest, drawn)
        if earlier:
            return earlier, False
        confirmed = _lock_places(db, conn, event_id)
        if same_person is not None and _signed_up(db, conn, event_id, same_person):
            raise AlreadySignedUp(event_id)
        waiting = db.one(
            conn,
            "SELECT COUNT(*) AS n FROM registrations WHERE event_id = ? AND status = 'waitlisted'",
            (event_id,),
        )["n"]
        fits = capacity is None or confirmed + people <= capacity
        status = "confirmed" if fits and not waiting else "waitlisted"  # first come, first served
        row = {
            "event_id": event_id,
            "created_at": now,
            "lang": lang,
            "full_name": person["full_name"],
            "phone": person.get("phone"),
            "email": person.get("email"),
            "people": people,
            "status": status,
            "consent_at": now,
            "assisted_by": assisted_by,
            "privacy_on_paper": privacy_on_paper,
        }
        reference = _insert(db, conn, "registrations", row, drawn, make, key)
        if status == "confirmed":
            db.execute(
                conn,
                "UPDATE event_places SET confirmed_people = ? WHERE event_id = ?",
                (confirmed + people, event_id),
            )
        if then:
            then(conn, {"reference": reference, **row})
        return reference, True

    reference, created = db.write(conn, work)
    return _registration(db, conn, reference), created


def _signed_up(db: Database, conn, event_id: str, same_person: SamePerson) -> bool:
    live = db.all(
        conn,
        "SELECT phone, email FROM registrations WHERE event_id = ? AND status <> 'cancelled'",
        (event_id,),
    )
    return any(same_person(row["phone"], row["email"]) for row in live)


def cancel(
    db: Database,
    conn,
    reference: str,
    capacity: int | None,
    then: Callable[[object, list], None] | None = None,
) -> tuple[Registration, list]:
    """Cancel (idempotent) and promote the waitlist in order; returns (registration, promoted).
    ``then(conn, promoted)`` runs in the same transaction (the promoted people's e-mail)."""
    with db.transaction(conn):
        found = db.one(conn, "SELECT event_id FROM registrations WHERE reference = ?", (reference,))
        if found is None:
            raise LookupError(reference)
        confirmed = _lock_places(db, conn, found["event_id"])
        registration = _registration(db, conn, reference)
        if registration.status == "cancelled":
            return registration, []
        now = utcnow()
        db.execute(
            conn,
            "UPDATE registrations SET status = 'cancelled', cancelled_at = ? WHERE reference = ?",
            (now, reference),
        )
        if registration.status == "confirmed":
            confirmed -= registration.people
        promoted = []
        for row in db.all(
            conn,
            "SELECT reference, people FROM registrations WHERE event_id = ? "
            "AND status = 'waitlisted' ORDER BY id",
            (registration.event_id,),
        ):
            if capacity is not None and confirmed + row["people"] > capacity:
                break  # strictly in order: nobody jumps the queue
            db.execute(
                conn,
                "UPDATE registrations SET status = 'confirmed', promoted_at = ? "
                "WHERE reference = ?",
                (now, row["reference"]),
            )
            confirmed += row["people"]
            promoted.append(row["reference"])
        db.execute(
            conn,
            "UPDATE event_places SET confirmed_people = ? WHERE event_id = ?",
            (confirmed, registration.event_id),
        )
        if then and promoted:
            then(conn, promoted)
    return _registration(db, conn, reference), promoted


def places_taken(db: Database, conn, event_id: str) -> tuple[int, int]:
    """(people confirmed, people waiting) for an event."""
    row = db.one(conn, "SELECT confirmed_people FROM event_places WHERE event_id = ?", (event_id,))
    waiting = db.one(
        conn,
        "SELECT COALESCE(SUM(people), 0) AS n FROM registrations "
        "WHERE event_id = ? AND status = 'waitlisted'",
        (event_id,),
    )["n"]
    return (row["confirmed_people"] if row else 0), int(waiting)
