"""The pre-applications as the desk team works them: search, filters, paging, the status
history. Which moves are allowed is decided in domain/casework.py."""

from __future__ import annotations

from .db import Database
from .filters import days, newest_first, where
from .store import utcnow

LISTED = (
    "reference, created_at, lang, full_name, phone, email, preferred_desk, status, assisted_by,"
    " heating, band"  # "unknown" in either: the team checks it (the export says so)
)


def find(
    db: Database,
    conn,
    search: str = "",
    status: str = "",
    desk: str = "",
    lang: str = "",
    since: str = "",
    until: str = "",
    limit: int = 25,
    offset: int = 0,
) -> tuple[list[dict], int]:
    """(rows, total), newest first. ``search`` matches the reference, part of the name, or
    the phone's digits; the other filters match exactly; days are ISO dates, included."""
    clause, values = (
        "(reference = ? OR LOWER(full_name) LIKE ?",
        [search.upper(), f"%{search.lower()}%"],
    )
    digits = "".join(c for c in search if c.isdigit())
    if len(digits) >= 3:
        clause += " OR REPLACE(REPLACE(phone, ' ', ''), '-', '') LIKE ?"
        values.append(f"%{digits}%")
    condition, params = where(
        (clause + ")", values if search else []),
        ("status = ?", status),
        ("preferred_desk = ?", desk),
        ("lang = ?", lang),
        *days("created_at", since, until),
    )
    return newest_first(db, conn, "pre_applications", LISTED, condition, params, limit, offset)


def one(db: Database, conn, reference: str) -> dict | None:
    return db.one(conn, "SELECT * FROM pre_applications WHERE reference = ?", (reference,))


def history(db: Database, conn, reference: str) -> list[dict]:
    return db.all(
        conn,
        "SELECT at, actor, old_status, new_status, note FROM status_changes "
        "WHERE reference = ? ORDER BY id",
        (reference,),
    )


def locked_status(db: Database, conn, reference: str) -> str | None:
    """The current status, the row locked until the caller's transaction ends."""
    row = db.one(
        conn, "SELECT status FROM pre_applications WHERE reference = ? {for_update}", (reference,)
    )
    return row["status"] if row else None


def set_status(
    db: Database, conn, reference: str, old: str, new: str, note: str, actor: str
) -> None:
    db.execute(conn, "UPDATE pre_applications SET status = ? WHERE reference = ?", (new, reference))
    db.execute(
        conn,
        "INSERT INTO status_changes (reference, at, actor, old_status, new_status, "
        "note) VALUES (?, ?, ?, ?, ?, ?)",
        (reference, utcnow(), actor, old, new, note or None),
    )
