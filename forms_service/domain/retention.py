"""Delete what the privacy notice says we no longer keep (``portal purge``, run daily).

The periods come from site_config/forms.yml, the same values the privacy page
states, so the notice and the deletion cannot disagree.
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
    applications_before = datetime(before.year, before.month, before.day, tzinfo=now.tzinfo)
    applications, registrations = delete_expired(
        db,
        applications_before,
        lambda ids: registration_cutoffs(content, ids, now),
        timedelta(days=retention.registrations_days_after_event),
        now,
        dry_run,
    )
    return Purged(applications, registrations)
