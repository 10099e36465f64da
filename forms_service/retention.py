"""Delete what the privacy notice says we no longer keep (``portal purge``, run daily).

The periods come from site_config/forms.yml, the same values the privacy page
states, so the notice and the deletion cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from portal.model import Content

from .db import Database
from .eligibility import add_months


@dataclass(frozen=True)
class Purged:
    pre_applications: int
    registrations: int


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def registration_cutoffs(content: Content, event_ids, now: datetime) -> dict:
    """Per event: registrations are deleted once ``now`` passes this moment."""
    days = timedelta(days=content.forms.retention.registrations_days_after_event)
    cutoffs = {}
    for event_id in event_ids:
        event = content.events.get(event_id)
        if event is not None and event.end is not None:
            cutoffs[event_id] = event.end.replace(tzinfo=ZoneInfo(event.timezone)) + days
        elif event is None:
            cutoffs[event_id] = None  # gone from the site: keep `days` from each sign-up
    return cutoffs


def purge(db: Database, content: Content, now: datetime, dry_run: bool = False) -> Purged:
    retention = content.forms.retention
    before = add_months(now.date(), -retention.pre_applications_months)
    oldest = _iso(datetime(before.year, before.month, before.day, tzinfo=now.tzinfo))
    conn = db.connect()
    try:
        with db.transaction(conn):
            applications = db.one(conn, "SELECT COUNT(*) AS n FROM pre_applications "
                                        "WHERE created_at < ?", (oldest,))["n"]
            events = [r["event_id"] for r in db.all(
                conn, "SELECT DISTINCT event_id FROM registrations")]
            registrations = 0
            for event_id, cutoff in registration_cutoffs(content, events, now).items():
                if cutoff is None:
                    age = _iso(now - timedelta(days=retention.registrations_days_after_event))
                    where, params = "event_id = ? AND created_at < ?", (event_id, age)
                elif now >= cutoff:
                    where, params = "event_id = ?", (event_id,)
                else:
                    continue
                registrations += db.one(conn, f"SELECT COUNT(*) AS n FROM registrations "
                                              f"WHERE {where}", params)["n"]
                if not dry_run:
                    db.execute(conn, f"DELETE FROM registrations WHERE {where}", params)
            if not dry_run:
                db.execute(conn, "DELETE FROM pre_applications WHERE created_at < ?", (oldest,))
                # Keys only guard against retries, which come within seconds.
                db.execute(conn, "DELETE FROM idempotency_keys WHERE created_at < ?",
                           (_iso(now - timedelta(days=2)),))
                # A counter with no registrations left is 0: drop it with them.
                db.execute(conn, "DELETE FROM event_places WHERE event_id NOT IN "
                                 "(SELECT DISTINCT event_id FROM registrations)")
    finally:
        conn.close()
    return Purged(applications, registrations)
