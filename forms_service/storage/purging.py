"""Deleting rows past their retention: the SQL of ``portal purge``.

Which moments count as "past" is decided by the caller (domain/retention.py, from
site_config/forms.yml); this module only counts and deletes, in one transaction. Each row
is folded into the statistics (statistics_store.py) in that transaction, just before it goes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from . import drafts, outbox_store
from .db import Database
from .statistics_store import PRE_APPLICATIONS, REGISTRATIONS, fold


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def delete_expired(
    db: Database,
    applications_before: datetime,
    cutoffs: Callable[[list[str]], dict],
    orphan_age: timedelta,
    now: datetime,
    dry_run: bool,
    audit_before: datetime,
) -> tuple[int, int, int]:
    """(pre-applications, registrations, audit log entries) deleted, or counted with
    ``dry_run``.

    ``cutoffs(event_ids)`` gives per event the moment after which its registrations go;
    None for an event gone from the site, whose sign-ups each go ``orphan_age`` after
    they were made. Audit entries go when they were written before ``audit_before``.
    """
    oldest = _iso(applications_before)
    conn = db.connect()
    try:
        with db.transaction(conn):
            applications = db.one(
                conn, "SELECT COUNT(*) AS n FROM pre_applications WHERE created_at < ?", (oldest,)
            )["n"]
            events = [
                r["event_id"] for r in db.all(conn, "SELECT DISTINCT event_id FROM registrations")
            ]
            registrations = 0
            for event_id, cutoff in cutoffs(events).items():
                params: tuple
                if cutoff is None:
                    where, params = (
                        "event_id = ? AND created_at < ?",
                        (event_id, _iso(now - orphan_age)),
                    )
                elif now >= cutoff:
                    where, params = "event_id = ?", (event_id,)
                else:
                    continue
                registrations += db.one(
                    conn, f"SELECT COUNT(*) AS n FROM registrations WHERE {where}", params
                )["n"]
                if not dry_run:
                    fold(db, conn, REGISTRATIONS, where, params)
                    db.execute(conn, f"DELETE FROM registrations WHERE {where}", params)
            entries = db.one(
                conn, "SELECT COUNT(*) AS n FROM audit_log WHERE at < ?", (_iso(audit_before),)
            )["n"]
            if not dry_run:
                _delete_the_rest(db, conn, oldest, now)
                db.execute(conn, "DELETE FROM audit_log WHERE at < ?", (_iso(audit_before),))
    finally:
        conn.close()
    return applications, registrations, entries


def _delete_the_rest(db: Database, conn, oldest: str, now: datetime) -> None:
    fold(db, conn, PRE_APPLICATIONS, "created_at < ?", (oldest,))
    db.execute(conn, "DELETE FROM pre_applications WHERE created_at < ?", (oldest,))
    # Their history goes with them: a note may name the person.
    db.execute(
        conn,
        "DELETE FROM status_changes WHERE reference NOT IN "
        "(SELECT reference FROM pre_applications)",
    )
    # Keys only guard against retries, which come within seconds.
    db.execute(
        conn, "DELETE FROM idempotency_keys WHERE created_at < ?", (_iso(now - timedelta(days=2)),)
    )
    # Answers in progress: an hour after their last change (the cookie only named them).
    drafts.forget_expired(db, conn, now)
    # A counter with no registrations left is 0: drop it with them.
    db.execute(
        conn,
        "DELETE FROM event_places WHERE event_id NOT IN "
        "(SELECT DISTINCT event_id FROM registrations)",
    )
    # E-mail: kept a few weeks at most, and never past the submission it was written for.
    outbox_store.forget(db, conn, _iso(now - timedelta(days=outbox_store.KEEP_DAYS)))
