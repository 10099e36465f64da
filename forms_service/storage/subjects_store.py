"""The SQL of a resident's request about their own data: their rows, and their erasure.

Which rows are theirs is decided in domain/subjects.py (phone by digits, e-mail ignoring
case, which SQLite's LOWER cannot do for every alphabet): this module lists the contacts of
every row, reads the rows it is given, and deletes them in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .db import Database
from .statistics_store import PRE_APPLICATIONS, REGISTRATIONS, fold

PEOPLE = ("pre_applications", "registrations")  # the tables with a phone and an e-mail


def _marks(values: Sequence) -> str:
    return ", ".join("?" * len(values))


def contacts(db: Database, conn, table: str) -> list[dict]:
    """(reference, phone, email) of every row of ``table`` (one of PEOPLE)."""
    return db.all(conn, f"SELECT reference, phone, email FROM {table} ORDER BY id")


def recipients(db: Database, conn) -> list[dict]:
    """(id, reference, recipient) of every e-mail in the outbox, sent or not."""
    return db.all(conn, "SELECT id, reference, recipient FROM outbox ORDER BY id")


def rows(db: Database, conn, table: str, column: str, values: Sequence) -> list[dict]:
    """Every row of ``table`` whose ``column`` is one of ``values``, oldest first."""
    if not values:
        return []
    return db.all(
        conn,
        f"SELECT * FROM {table} WHERE {column} IN ({_marks(values)}) ORDER BY id",
        tuple(values),
    )


def erase(
    db: Database,
    conn,
    pre_applications: Sequence[str],
    registrations: Sequence[str],
    mails: Sequence[int],
    then: Callable[[object], None],
) -> None:
    """Delete these rows with their status history and idempotency keys, in one
    transaction: first counted into the statistics (no names there), and a confirmed
    registration's people taken off its event's places. ``then(conn)`` runs last, inside."""
    with db.transaction(conn):
        if registrations:
            inside, params = f"reference IN ({_marks(registrations)})", tuple(registrations)
            for row in db.all(
                conn,
                "SELECT event_id, SUM(people) AS n FROM registrations "
                f"WHERE status = 'confirmed' AND {inside} GROUP BY event_id",
                params,
            ):
                db.execute(
                    conn,
                    "UPDATE event_places SET confirmed_people = confirmed_people - ? "
                    "WHERE event_id = ?",
                    (int(row["n"]), row["event_id"]),
                )
            fold(db, conn, REGISTRATIONS, inside, params)
            db.execute(conn, f"DELETE FROM registrations WHERE {inside}", params)
        if pre_applications:
            inside, params = f"reference IN ({_marks(pre_applications)})", tuple(pre_applications)
            fold(db, conn, PRE_APPLICATIONS, inside, params)
            db.execute(conn, f"DELETE FROM pre_applications WHERE {inside}", params)
            db.execute(conn, f"DELETE FROM status_changes WHERE {inside}", params)
        references = (*pre_applications, *registrations)
        if references:
            # A retried submission must not find a reference that no longer exists.
            db.execute(
                conn,
                f"DELETE FROM idempotency_keys WHERE reference IN ({_marks(references)})",
                references,
            )
        if mails:
            db.execute(conn, f"DELETE FROM outbox WHERE id IN ({_marks(mails)})", tuple(mails))
        then(conn)
