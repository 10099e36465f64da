"""Staff accounts and their server-side sessions.

A session row is what makes a login valid: the cookie only carries a random id, whose
SHA-256 is stored here, so logging out (or disabling an account) ends the session on
the server, and a copied cookie stops working.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from .db import Database
from .filters import days, newest_first, where
from .store import utcnow


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_account(db: Database, conn, username: str, role: str, password_hash: str) -> None:
    now = utcnow()
    with db.transaction(conn):
        db.execute(
            conn,
            "INSERT INTO staff_accounts (username, role, password_hash, created_at, "
            "password_changed_at) VALUES (?, ?, ?, ?, ?)",
            (username, role, password_hash, now, now),
        )


def find_account(db: Database, conn, username: str) -> dict | None:
    return db.one(conn, "SELECT * FROM staff_accounts WHERE username = ?", (username,))


def account_by_id(db: Database, conn, account_id: int) -> dict | None:
    return db.one(conn, "SELECT * FROM staff_accounts WHERE id = ?", (account_id,))


def list_accounts(db: Database, conn) -> list[dict]:
    return db.all(
        conn,
        "SELECT id, username, role, created_at, password_changed_at, disabled_at "
        "FROM staff_accounts ORDER BY username",
    )


def disable_account(db: Database, conn, username: str) -> bool:
    """Disable and end every session of the account; False when there is no such account."""
    return _change_and_log_out(
        db, conn, username, "disabled_at = COALESCE(disabled_at, ?)", lambda now: (now,)
    )


def set_password(db: Database, conn, username: str, password_hash: str) -> bool:
    """New password; every open session of the account ends (a thief's included)."""
    return _change_and_log_out(
        db,
        conn,
        username,
        "password_hash = ?, password_changed_at = ?",
        lambda now: (password_hash, now),
    )


def _change_and_log_out(db: Database, conn, username: str, assignments: str, values) -> bool:
    with db.transaction(conn):
        found = find_account(db, conn, username)
        if found is None:
            return False
        now = utcnow()
        db.execute(
            conn,
            f"UPDATE staff_accounts SET {assignments} WHERE id = ?",
            (*values(now), found["id"]),
        )
        db.execute(
            conn,
            "UPDATE staff_sessions SET ended_at = ? WHERE account_id = ? AND ended_at IS NULL",
            (now, found["id"]),
        )
    return True


def open_session(db: Database, conn, account_id: int, token: str) -> None:
    now = utcnow()
    with db.transaction(conn):
        db.execute(
            conn,
            "INSERT INTO staff_sessions (id, account_id, created_at, last_seen_at) "
            "VALUES (?, ?, ?, ?)",
            (_key(token), account_id, now, now),
        )


def live_session(
    db: Database, conn, token: str, now: datetime, lifetime: timedelta, idle: timedelta
) -> dict | None:
    """The session and its account when the session is open, not too old and not idle too
    long; it is then marked as seen now. None otherwise (and an expired one is ended)."""
    row = db.one(
        conn,
        "SELECT s.id, s.created_at, s.last_seen_at, s.ended_at, a.id AS account_id, "
        "a.username, a.role, a.disabled_at FROM staff_sessions s JOIN staff_accounts "
        "a ON a.id = s.account_id WHERE s.id = ?",
        (_key(token),),
    )
    if row is None or row["ended_at"] is not None or row["disabled_at"] is not None:
        return None
    created = datetime.fromisoformat(row["created_at"])
    seen = datetime.fromisoformat(row["last_seen_at"])
    if now - created > lifetime or now - seen > idle:
        end_session(db, conn, token)
        return None
    with db.transaction(conn):
        db.execute(
            conn,
            "UPDATE staff_sessions SET last_seen_at = ? WHERE id = ?",
            (now.isoformat(timespec="seconds"), row["id"]),
        )
    return row


def end_session(db: Database, conn, token: str) -> None:
    with db.transaction(conn):
        db.execute(
            conn,
            "UPDATE staff_sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL",
            (utcnow(), _key(token)),
        )


def audit_entries(
    db: Database,
    conn,
    action: str = "",
    actor: str = "",
    since: str = "",
    until: str = "",
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict], int]:
    """(entries, total) of the audit log, newest first, filtered by action, actor and days
    (ISO dates, both included)."""
    condition, params = where(
        ("action = ?", action), ("actor = ?", actor), *days("at", since, until)
    )
    columns = "at, actor, action, subject, data"
    return newest_first(db, conn, "audit_log", columns, condition, params, limit, offset)
