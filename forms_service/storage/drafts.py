"""Answers in progress (the grant questionnaire), kept on the server under a random id.

The browser's cookie holds only that id: the answers themselves (name, phone, address,
ISEE) never leave the server, so nobody can read them back from a shared computer's
cookie. A draft lasts ``IDLE`` after its last change; an older one is as good as gone
(``load`` ignores it), is deleted when anyone saves a draft, and by ``portal purge``.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta

from .db import Database

IDLE = timedelta(minutes=60)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def load(db: Database, conn, draft_id: str, now: datetime) -> dict | None:
    """The draft's data, or None when there is none or it expired."""
    row = db.one(
        conn,
        "SELECT data FROM form_drafts WHERE id = ? AND updated_at >= ?",
        (draft_id, _iso(now - IDLE)),
    )
    return json.loads(row["data"]) if row else None


def save(db: Database, conn, draft_id: str | None, data: dict, now: datetime) -> str:
    """Store ``data`` under ``draft_id`` while it is alive, else under a new id; returns the
    id. Expired drafts (anyone's) go first, so none outlives its hour by much."""
    text = json.dumps(data, ensure_ascii=False)
    with db.transaction(conn):
        forget_expired(db, conn, now)
        if draft_id:
            updated = db.execute(
                conn,
                "UPDATE form_drafts SET data = ?, updated_at = ? WHERE id = ?",
                (text, _iso(now), draft_id),
            )
            if updated.rowcount == 1:
                return draft_id
        draft_id = secrets.token_urlsafe(32)
        db.execute(
            conn,
            "INSERT INTO form_drafts (id, data, created_at, updated_at) VALUES (?, ?, ?, ?)",
            (draft_id, text, _iso(now), _iso(now)),
        )
    return draft_id


def delete(db: Database, conn, draft_id: str) -> None:
    db.execute(conn, "DELETE FROM form_drafts WHERE id = ?", (draft_id,))


def forget_expired(db: Database, conn, now: datetime) -> int:
    """Delete the drafts idle for longer than ``IDLE``; how many."""
    return db.execute(
        conn, "DELETE FROM form_drafts WHERE updated_at < ?", (_iso(now - IDLE),)
    ).rowcount
