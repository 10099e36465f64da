"""Whether an event takes sign-ups now, from the event's own dates in its time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def local_now(event, now: datetime) -> datetime:
    """``now`` (aware) as the naive local time the content's dates are written in."""
    return now.astimezone(ZoneInfo(event.timezone)).replace(tzinfo=None)


def signup_state(event, now: datetime) -> str:
    """open, not_yet_open, closed, past, to_be_confirmed or no_signup."""
    if event.date_to_be_confirmed or event.start is None:
        return "to_be_confirmed"
    here = local_now(event, now)
    if event.end is not None and here >= event.end:
        return "past"
    if event.signup is None:
        return "no_signup"
    if here < event.signup.opens:
        return "not_yet_open"
    if here >= event.signup.closes or here >= event.start:
        return "closed"
    return "open"


def iso(moment) -> str | None:
    return moment.isoformat(timespec="minutes") if moment else None
