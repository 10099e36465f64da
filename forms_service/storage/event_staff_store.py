"""An event's registrations as the desk team works them: counts, lists, and the changes an
operator makes (status moved by hand, attendance). Which changes are allowed is decided in
domain/event_desk.py; the places counter is locked here exactly as store.register and
store.cancel lock it, so a sign-up at the same moment never overbooks."""

from __future__ import annotations

from .db import Database
from .store import _lock_places, utcnow

LISTED = (
    "reference, event_id, created_at, lang, full_name, phone, email, people, status, "
    "assisted_by, privacy_on_paper, attended, cancelled_at, promoted_at"
)


def counts(db: Database, conn) -> dict[str, dict[str, dict[str, int]]]:
    """{event id: {status: {"rows": registrations, "people": people}}} for every event."""
    found: dict[str, dict[str, dict[str, int]]] = {}
    for row in db.all(
        conn,
        "SELECT event_id, status, COUNT(*) AS n, COALESCE(SUM(people), 0) AS people "
        "FROM registrations GROUP BY event_id, status",
    ):
        found.setdefault(row["event_id"], {})[row["status"]] = {
            "rows": int(row["n"]),
            "people": int(row["people"]),
        }
    return found


def registrations(db: Database, conn, event_id: str) -> list[dict]:
    """Every registration of the event, in the order they came (the waitlist's order)."""
    return db.all(
        conn, f"SELECT {LISTED} FROM registrations WHERE event_id = ? ORDER BY id", (event_id,)
    )


def one(db: Database, conn, event_id: str, reference: str) -> dict | None:
    return db.one(
        conn,
        f"SELECT {LISTED} FROM registrations WHERE reference = ? AND event_id = ?",
        (reference, event_id),
    )


def locked(db: Database, conn, event_id: str, reference: str) -> tuple[dict, int] | None:
    """(the registration, people confirmed for its event), the event's places locked until
    the caller's transaction ends; None when the event has no such registration."""
    if one(db, conn, event_id, reference) is None:
        return None
    confirmed = _lock_places(db, conn, event_id)
    row = one(db, conn, event_id, reference)  # read again: a change may have just committed
    return (row, confirmed) if row else None


def set_status(
    db: Database, conn, reference: str, event_id: str, status: str, confirmed_people: int
) -> None:
    """Move a registration between confirmed and waiting, with the event's new count of
    confirmed people. Off the confirmed list its attendance mark no longer means anything."""
    if status == "confirmed":
        db.execute(
            conn,
            "UPDATE registrations SET status = ?, promoted_at = ? WHERE reference = ?",
            (status, utcnow(), reference),
        )
    else:
        db.execute(
            conn,
            "UPDATE registrations SET status = ?, attended = NULL WHERE reference = ?",
            (status, reference),
        )
    db.execute(
        conn,
        "UPDATE event_places SET confirmed_people = ? WHERE event_id = ?",
        (confirmed_people, event_id),
    )


def set_attended(db: Database, conn, reference: str, attended: bool | None) -> None:
    db.execute(
        conn, "UPDATE registrations SET attended = ? WHERE reference = ?", (attended, reference)
    )
