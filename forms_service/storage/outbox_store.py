"""The outbox: e-mail written in a submission's transaction and sent later by
``portal send-mail``. This module only stores, claims and marks rows; what is written and
when it is tried again is decided by domain/mail.py.

A row is waiting (``sent_at`` and ``gave_up_at`` empty), sent or given up. Moments are
stored as UTC ISO text, which sorts as time does.
"""

from __future__ import annotations

from .db import Database
from .filters import newest_first

STATES = {
    "waiting": "sent_at IS NULL AND gave_up_at IS NULL",
    "sent": "sent_at IS NOT NULL",
    "gave_up": "gave_up_at IS NOT NULL",
}
# Where a registration's contact is: the person's e-mail and language, and what the mail says.
CONTACT = (
    "SELECT reference, lang, email, event_id, people, status FROM registrations WHERE reference = ?"
)
KEEP_DAYS = 30  # ``portal purge`` deletes outbox rows older than this


def add(db: Database, conn, mail: dict, now: str) -> None:
    """Queue one e-mail (``mail``: kind, reference, recipient, lang, subject, body), due now;
    inside the caller's transaction."""
    db.execute(
        conn,
        "INSERT INTO outbox (created_at, kind, reference, recipient, lang, subject, body, "
        "next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            now,
            mail["kind"],
            mail["reference"],
            mail["recipient"],
            mail["lang"],
            mail["subject"],
            mail["body"],
            now,
        ),
    )


def contact(db: Database, conn, reference: str) -> dict | None:
    """A registration's contact: for the e-mail of a place that came free."""
    return db.one(conn, CONTACT, (reference,))


def due(db: Database, conn, now: str, limit: int) -> list[dict]:
    """Waiting rows whose next attempt has come, oldest first."""
    return db.all(
        conn,
        f"SELECT * FROM outbox WHERE {STATES['waiting']} AND next_attempt_at <= ? "
        "ORDER BY next_attempt_at, id LIMIT ?",
        (now, limit),
    )


def claim(db: Database, conn, row: dict, until: str) -> bool:
    """Take ``row`` for sending until ``until``; False when another sender took it first
    (two ``send-mail`` runs at once never send the same row twice)."""
    cursor = db.execute(
        conn,
        f"UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND next_attempt_at = ? "
        f"AND {STATES['waiting']}",
        (until, row["id"], row["next_attempt_at"]),
    )
    return cursor.rowcount == 1


def mark_sent(db: Database, conn, row_id: int, now: str, recipient: str, body: str) -> None:
    """Sent; ``recipient`` and ``body`` replace the stored ones (masked, emptied)."""
    db.execute(
        conn,
        "UPDATE outbox SET sent_at = ?, attempts = attempts + 1, recipient = ?, body = ?, "
        "last_error = NULL WHERE id = ?",
        (now, recipient, body, row_id),
    )


def mark_failed(
    db: Database, conn, row_id: int, attempts: int, error: str, retry_at: str | None, now: str
) -> None:
    """A failed attempt: tried again at ``retry_at``, or given up (``retry_at`` None)."""
    if retry_at is None:
        db.execute(
            conn,
            "UPDATE outbox SET attempts = ?, last_error = ?, gave_up_at = ? WHERE id = ?",
            (attempts, error, now, row_id),
        )
    else:
        db.execute(
            conn,
            "UPDATE outbox SET attempts = ?, last_error = ?, next_attempt_at = ? WHERE id = ?",
            (attempts, error, retry_at, row_id),
        )


def retry(db: Database, conn, row_id: int, now: str) -> bool:
    """A given-up row waits again, due now, with its attempts counted from zero."""
    cursor = db.execute(
        conn,
        "UPDATE outbox SET gave_up_at = NULL, attempts = 0, next_attempt_at = ? "
        "WHERE id = ? AND gave_up_at IS NOT NULL",
        (now, row_id),
    )
    return cursor.rowcount == 1


def counts(db: Database, conn) -> dict[str, int]:
    """Rows per state."""
    return {
        state: db.one(conn, f"SELECT COUNT(*) AS n FROM outbox WHERE {where}")["n"]
        for state, where in STATES.items()
    }


def listing(
    db: Database, conn, state: str = "", limit: int = 50, offset: int = 0
) -> tuple[list[dict], int]:
    """(rows, total) in ``state`` (any when empty), newest first."""
    return newest_first(db, conn, "outbox", "*", STATES.get(state, "1 = 1"), (), limit, offset)


def forget(db: Database, conn, before: str) -> None:
    """For ``portal purge``, in its transaction: rows made before ``before``, and the rows of
    submissions that are gone (purged or erased), whatever their state."""
    db.execute(
        conn,
        "DELETE FROM outbox WHERE created_at < ? OR (reference NOT IN "
        "(SELECT reference FROM pre_applications) AND reference NOT IN "
        "(SELECT reference FROM registrations))",
        (before,),
    )
