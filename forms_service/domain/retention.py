"""Delete what the privacy notice says we no longer keep (``portal purge``, run daily).

The periods come from site_config/forms.yml, the same values the privacy page
states, so the notice and the deletion cannot disagree. The audit log has its own period
(``audit_log_months``). What goes is counted into the statistics first, without names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from portal.model import Content

from ..storage.db import Database
from ..storage.purging import delete_expired
from .eligibility import add_months


@dataclass(frozen=True)
class Purged:
    pre_applications: int
    registrations: int
    audit_entries: int


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


def _months_before(now: datetime, months: int) -> datetime:
    day = add_months(now.date(), -months)
    return datetime(day.year, day.month, day.day, tzinfo=now.tzinfo)


def purge(db: Database, content: Content, now: datetime, dry_run: bool = False) -> Purged:
    retention = content.forms.retention
    applications, registrations, entries = delete_expired(
        db,
        _months_before(now, retention.pre_applications_months),
        lambda ids: registration_cutoffs(content, ids, now),
        timedelta(days=retention.registrations_days_after_event),
        now,
        dry_run,
        audit_before=_months_before(now, retention.audit_log_months),
    )
    return Purged(applications, registrations, entries)
