"""iCalendar feeds (RFC 5545) from the content model, written by the build as static files.

Pure like ``render/``: ``calendar_files(content, today)`` returns ``{path: bytes}`` for every
language, with no I/O and nothing of MkDocs; ``build.py`` writes them into the site. The
addresses are in ``portal/urls.py``, shared with the forms service, which links the event's
feed from its registration page.

- One feed per desk, one per dated event and one for all dated events, in every language:
  the texts are in the feed's language, each falling back to Italian on its own, and the
  ``LANGUAGE`` parameter says which one a text is in.
- A desk: one VEVENT per weekly slot with a weekly RRULE and an EXDATE for each of its days on
  which the model says that slot does not open (a ``closed`` exception, a holiday the model
  knows), plus one VEVENT per ``extra`` opening. The series starts on the schedule's
  ``valid_from``, else at the desk file's ``updated`` date, and ends at ``valid_until``.
- UIDs are UUIDs derived from content ids (uuid5), never from file names, file order or the
  build's time, so a rebuild, a renamed or reordered file keeps them; DTSTAMP is the item's
  ``updated`` date, so a feed's bytes change only with its content.
- VTIMEZONE from the zone's current rule (the POSIX rule that ends its tz data file) as
  yearly RRULEs, which hold for a series without end; icalendar's own generator lists each
  change as an RDATE up to 2038 and dates the spring change an hour late.
"""

from __future__ import annotations

import re
import uuid
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from importlib import resources
from pathlib import Path

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from ..formats import Formats
from ..model import Content, Text
from ..model.schedule import LOCAL_TIMEZONE, WEEKDAYS, Opening
from ..urls import desk_calendar, desk_page, event_calendar, event_page, events_calendar, site_url

# The namespace of every UID: fixed forever, or every calendar that imported a feed would
# see all its entries as new ones.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:vivere-sap-bergamo:calendars")
PRODID = "-//Vivere SAP Bergamo//Portale del portierato di comunita//IT"
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def uid(*parts: object) -> str:
    """A UID that depends only on what the entry is: ``uid("desk", "celadina", …)``."""
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


# --- the time zone ------------------------------------------------------------------------


def _posix_rule(name: str) -> str:
    """The POSIX TZ rule at the end of the zone's TZif file (RFC 8536 footer), read where
    ``zoneinfo`` reads the zone: the system's tz data first, then the tzdata package."""
    relative = Path(*name.split("/"))
    for base in zoneinfo.TZPATH:
        path = Path(base) / relative
        if path.is_file():
            return path.read_bytes().rstrip(b"\n").rsplit(b"\n", 1)[-1].decode("ascii")
    data = resources.files("tzdata").joinpath("zoneinfo", *name.split("/")).read_bytes()
    return data.rstrip(b"\n").rsplit(b"\n", 1)[-1].decode("ascii")


_NAME = r"(?:[A-Za-z]{3,}|<[+\-\w]+>)"
_OFFSET = r"[+-]?\d{1,2}(?::\d{2}){0,2}"
_WHEN = r"M(\d{1,2})\.([1-5])\.([0-6])(?:/(\d{1,2}(?::\d{2}){0,2}))?"
_RULE = re.compile(
    rf"^({_NAME})({_OFFSET})(?:({_NAME})({_OFFSET})?,{_WHEN},{_WHEN})?$",
)


def _seconds(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    parts = [int(p) for p in text.lstrip("+-").split(":")] + [0, 0]
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2])


def _nth_weekday(year: int, month: int, week: int, weekday: int) -> date:
    """POSIX ``Mm.w.d``: the ``week``-th (5 = last) ``weekday`` (0 = Sunday) of the month."""
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - (first.weekday() + 1) % 7) % 7)
    day += timedelta(weeks=week - 1)
    while day.month != month:  # a fifth one that does not exist: the last
        day -= timedelta(weeks=1)
    return day


@dataclass(frozen=True)
class _Change:
    month: int
    week: int
    weekday: int  # 0 = Sunday
    at: int  # seconds after local midnight, in the offset in force before the change

    def onset(self, year: int) -> datetime:
        day = _nth_weekday(year, self.month, self.week, self.weekday)
        return datetime.combine(day, time()) + timedelta(seconds=self.at)

    def rrule(self) -> dict:
        week = -1 if self.week == 5 else self.week
        return {
            "freq": "yearly",
            "bymonth": self.month,
            "byday": f"{week}{BYDAY[self.weekday - 1]}",
        }


def vtimezone(name: str, first_year: int) -> Timezone:
    """The VTIMEZONE of ``name`` from ``first_year`` on (its rule as it is now)."""
    match = _RULE.match(_posix_rule(name))
    if match is None:  # a rule form our zones never use (Jn days, …): the library's way
        return Timezone.from_tzinfo(zoneinfo.ZoneInfo(name), name, date(first_year, 1, 1))
    std_name, std_offset, dst_name, dst_offset = match.group(1, 2, 3, 4)
    standard = timedelta(seconds=-_seconds(std_offset))  # POSIX counts west of Greenwich
    component = Timezone()
    component.add("tzid", name)
    if dst_name is None:
        fixed = TimezoneStandard()
        fixed.add("dtstart", datetime(first_year, 1, 1))
        fixed.add("tzoffsetfrom", standard)
        fixed.add("tzoffsetto", standard)
        fixed.add("tzname", std_name.strip("<>"))
        component.add_component(fixed)
        return component
    daylight = (
        timedelta(seconds=-_seconds(dst_offset)) if dst_offset else standard + timedelta(hours=1)
    )
    groups = match.groups()[4:]
    starts, ends = (
        _Change(int(g[0]), int(g[1]), int(g[2]), _seconds(g[3]) if g[3] else 7200)
        for g in (groups[:4], groups[4:])
    )
    for kind, change, before, after, label in (
        (TimezoneDaylight, starts, standard, daylight, dst_name),
        (TimezoneStandard, ends, daylight, standard, std_name),
    ):
        part = kind()
        part.add("dtstart", change.onset(first_year))
        part.add("rrule", change.rrule())
        part.add("tzoffsetfrom", before)
        part.add("tzoffsetto", after)
        part.add("tzname", label.strip("<>"))
        component.add_component(part)
    return component


# --- feeds --------------------------------------------------------------------------------


class _Feed:
    """One VCALENDAR in one language."""

    def __init__(self, content: Content, lang: str):
        self.formats = Formats(content, lang)
        self.lang, self.source = lang, content.source_language
        self.calendar = Calendar()
        self.events: list[Event] = []

    def start(self, name: str) -> None:
        """The calendar's own properties, ``name`` the one its reader sees in the list."""
        self.calendar.add("prodid", PRODID)
        self.calendar.add("version", "2.0")
        self.calendar.add("calscale", "GREGORIAN")
        self.calendar.add("method", "PUBLISH")
        self.calendar.add("name", name)  # RFC 7986
        self.calendar.add("x-wr-calname", name)  # what Google, Apple and Outlook read
        # Subscribed calendars look again once a day (closures are announced days ahead).
        self.calendar.add("refresh-interval", timedelta(days=1), parameters={"VALUE": "DURATION"})
        self.calendar.add("x-published-ttl", "P1D")

    def text(self, text: Text) -> tuple[str, str]:
        """(the text in this language or else Italian, the language it is in)."""
        value, fallback = text.resolve(self.lang, self.source)
        return self.formats.fill(value).strip(), self.source if fallback else self.lang

    def add_text(self, event: Event, prop: str, value: str, lang: str) -> None:
        event.add(prop, value, parameters={"LANGUAGE": lang})

    def url(self, path: str) -> str:
        return site_url().rstrip("/") + path

    def new_event(self, key: tuple, updated: date, start: datetime, end: datetime) -> Event:
        event = Event()
        event.add("uid", uid(*key))
        stamp = datetime.combine(updated, time(), UTC)
        event.add("dtstamp", stamp)
        event.add("last-modified", stamp)
        event.add("dtstart", start)
        event.add("dtend", end)
        self.events.append(event)
        return event

    def to_ical(self, zones: set[str]) -> bytes:
        starts = [e.decoded("dtstart") for e in self.events]
        first_year = min((s.year for s in starts), default=_FALLBACK_YEAR) - 1
        for name in sorted(zones):
            self.calendar.add_component(vtimezone(name, first_year))
        for event in self.events:
            self.calendar.add_component(event)
        return self.calendar.to_ical()


# A feed without any entry still holds the local VTIMEZONE (RFC 5545 wants one component);
# its rule then starts in a fixed year, so the bytes do not change with the build's date.
_FALLBACK_YEAR = 2026


def _description(feed: _Feed, text: Text | None, page: str) -> tuple[str, str]:
    """The text, then the page's address on a line of its own."""
    body, lang = feed.text(text) if text else ("", feed.lang)
    return (f"{body}\n\n{page}" if body else page), lang


def _slot_days(day_name: str, start: date, end: date) -> list[date]:
    """Every ``day_name`` from ``start`` to ``end``, both included."""
    first = start + timedelta(days=(WEEKDAYS.index(day_name) - start.weekday()) % 7)
    return [first + timedelta(weeks=n) for n in range((end - first).days // 7 + 1)]


def desk_feed(content: Content, desk, lang: str, today: date) -> bytes:
    feed = _Feed(content, lang)
    name, name_lang = feed.text(desk.name)
    feed.start(name)
    schedule, zone = desk.schedule, desk.schedule.zone
    page = feed.url(desk_page(lang, content.source_language, desk.id))
    description = _description(feed, desk.summary, page)
    location = feed.formats.desk_address(desk)
    tentative = desk.pending("schedule") is not None
    summary = (
        f"{name} {feed.formats.paren(feed.formats.s('to_be_confirmed'))}" if tentative else name
    )
    # Where the series starts and how far the model is asked about each of its days (a
    # holiday rule in the model has no end): the end of next year, so the feed changes once
    # a year at most when nothing else does.
    first = schedule.valid_from or min(desk.updated, today)
    horizon = date(max(today, first).year + 1, 12, 31)
    last = min(horizon, schedule.valid_until) if schedule.valid_until else horizon
    closed = {e.date for e in schedule.exceptions if e.kind == "closed"}
    for slot in schedule.week:
        days = _slot_days(slot.day, first, last)
        if not days:
            continue  # the schedule ends before this weekday comes
        weekday = WEEKDAYS.index(slot.day)
        # Beyond the horizon, the closures written in the file (the model's own rules are
        # asked again by next year's builds).
        until = schedule.valid_until or date.max
        days += sorted(d for d in closed if last < d <= until and d.weekday() == weekday)
        skipped = [
            d for d in days if Opening(d, slot.opens, slot.closes) not in schedule.openings_on(d)
        ]
        event = feed.new_event(
            ("desk", desk.id, "weekly", slot.day, slot.opens.strftime("%H:%M")),
            desk.updated,
            datetime.combine(days[0], slot.opens, zone),
            datetime.combine(days[0], slot.closes, zone),
        )
        rule: dict = {"freq": "weekly", "byday": BYDAY[weekday]}
        if schedule.valid_until:  # UNTIL is in UTC when DTSTART has a time zone (3.3.10)
            end = _slot_days(slot.day, first, schedule.valid_until)[-1]
            rule["until"] = datetime.combine(end, slot.opens, zone).astimezone(UTC)
        event.add("rrule", rule)
        if skipped:
            event.add("exdate", [datetime.combine(d, slot.opens, zone) for d in skipped])
        feed.add_text(event, "summary", summary, name_lang)
        feed.add_text(event, "description", *description)
        event.add("location", location)
        event.add("url", page)
        event.add("status", "TENTATIVE" if tentative else "CONFIRMED")
    extra_label = feed.formats.paren(feed.formats.s("extra_opening"))
    for item in sorted(schedule.exceptions, key=lambda e: e.date):
        if item.kind != "extra":
            continue
        opening = Opening(item.date, item.opens, item.closes, True)
        if opening not in schedule.openings_on(item.date):
            continue  # outside the schedule's validity: the model does not open it either
        event = feed.new_event(
            ("desk", desk.id, "extra", item.date.isoformat(), item.opens.strftime("%H:%M")),
            desk.updated,
            datetime.combine(item.date, item.opens, zone),
            datetime.combine(item.date, item.closes, zone),
        )
        feed.add_text(event, "summary", f"{name} {extra_label}", name_lang)
        feed.add_text(event, "description", *_description(feed, item.reason, page))
        event.add("location", location)
        event.add("url", page)
        event.add("status", "CONFIRMED")
    return feed.to_ical({schedule.timezone})


def dated(event) -> bool:
    """An event goes into the feeds once its date is written and confirmed."""
    return bool(event.start and event.end and not event.date_to_be_confirmed)


def _event_location(feed: _Feed, content: Content, event) -> str:
    place = event.place
    if place.desk:
        line = feed.formats.desk_address(content.desks[place.desk])
    else:
        line = place.address or ""
    if place.note and line:
        line = f"{line} — {feed.text(place.note)[0]}"
    if line and event.pending("place") is not None:
        line = f"{line} {feed.formats.paren(feed.formats.s('to_be_confirmed'))}"
    return line


def events_feed(content: Content, events, lang: str, name: str | None = None) -> bytes:
    """A feed of ``events`` (the dated ones), named ``name`` or after the only event."""
    feed = _Feed(content, lang)
    events = sorted((e for e in events if dated(e)), key=lambda e: (e.start, e.id))
    feed.start(name or (feed.text(events[0].title)[0] if events else ""))
    zones = {e.timezone for e in events} or {LOCAL_TIMEZONE}
    for item in events:
        zone = zoneinfo.ZoneInfo(item.timezone)
        event = feed.new_event(
            ("event", item.id),
            item.updated,
            item.start.replace(tzinfo=zone),
            item.end.replace(tzinfo=zone),
        )
        title, title_lang = feed.text(item.title)
        page = feed.url(event_page(lang, content.source_language, item.id))
        feed.add_text(event, "summary", title, title_lang)
        feed.add_text(event, "description", *_description(feed, item.description, page))
        location = _event_location(feed, content, item)
        if location:
            event.add("location", location)
        event.add("url", page)
        event.add("status", "CONFIRMED")
    return feed.to_ical(zones)


def calendar_files(content: Content, today: date) -> dict[str, bytes]:
    """Every feed of every language: {path inside the site: bytes}."""
    files: dict[str, bytes] = {}
    source = content.source_language
    for lang in content.codes:
        for desk in content.desks.values():
            files[desk_calendar(lang, source, desk.id)] = desk_feed(content, desk, lang, today)
        everything = Formats(content, lang).s("calendar_events_name")
        files[events_calendar(lang, source)] = events_feed(
            content, content.events.values(), lang, everything
        )
        for event in content.events.values():
            if dated(event):
                files[event_calendar(lang, source, event.id)] = events_feed(content, [event], lang)
    return {path.lstrip("/"): data for path, data in sorted(files.items())}


def write_calendars(site_dir: Path, content: Content, today: date) -> int:
    """Write every feed into the built site (before it is swapped in); returns how many."""
    files = calendar_files(content, today)
    for path, data in files.items():
        target = site_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return len(files)
