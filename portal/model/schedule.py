"""Opening schedules as data: weekly slots, dated exceptions, public holidays, validity,
time zone.

Kept structured so that pages, "open now / next opening", iCalendar feeds, HSDS open data,
JSON-LD, posters and the forms service all derive from the same values. What a day holds is
decided in one place, ``openings_on``: the dated exceptions the team announces win over the
public-holiday rule, which wins over the weekly slots.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from . import public_holidays
from .fields import Text, TimeZoneName, child

LOCAL_TIMEZONE = "Europe/Rome"  # the default of every schedule and event
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def doc(text: str, example: str = "", **kwargs):
    """A dataclass field with its Italian documentation (used by JSON Schema and the guide).

    ``example`` replaces the example of the field's kind in messages, where that one would
    be wrong here (a closing time equal to the opening one).
    """
    metadata = {"doc": text, **({"example": example} if example else {})}
    return dataclasses.field(metadata=metadata, **kwargs)


@dataclass(frozen=True)
class Slot:
    day: Weekday = doc("Giorno della settimana, in inglese minuscolo: monday … sunday.")
    opens: time = doc("Ora di apertura, HH:MM (24 ore).")
    closes: time = doc("Ora di chiusura, HH:MM; deve essere dopo l'apertura.", example='"12:00"')

    def check(self, node, ctx, name):
        if self.closes <= self.opens:
            ctx.error(
                child(node, "closes"),
                "schedule.closes_before_opens",
                f"{name}.closes",
                opens=self.opens.strftime("%H:%M"),
                closes=self.closes.strftime("%H:%M"),
            )


@dataclass(frozen=True)
class ScheduleException:
    date: date = doc("Il giorno dell'eccezione, AAAA-MM-GG.")
    kind: Literal["closed", "extra"] = doc(
        "closed = chiuso quel giorno; extra = apertura straordinaria (servono opens e closes)."
    )
    opens: time | None = doc("Ora di apertura dell'apertura straordinaria.", default=None)
    closes: time | None = doc("Ora di chiusura dell'apertura straordinaria.", default=None)
    reason: Text | None = doc("Motivo, mostrato ai residenti (es. festività).", default=None)

    def check(self, node, ctx, name):
        if self.kind == "extra":
            if self.opens is None or self.closes is None:
                ctx.error(node, "schedule.extra_needs_times", name)
            elif self.closes <= self.opens:
                ctx.error(
                    child(node, "closes"),
                    "schedule.closes_before_opens",
                    f"{name}.closes",
                    opens=self.opens.strftime("%H:%M"),
                    closes=self.closes.strftime("%H:%M"),
                )
        elif self.opens is not None or self.closes is not None:
            ctx.error(node, "schedule.closed_has_times", name)


@dataclass(frozen=True)
class Opening:
    day: date
    opens: time
    closes: time
    extra: bool = False

    def span(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """Start and end as aware moments (the local times of that day, DST included)."""
        return datetime.combine(self.day, self.opens, zone), datetime.combine(
            self.day, self.closes, zone
        )


@dataclass(frozen=True)
class Closure:
    """A day whose weekly openings do not take place: a closure the team announced (with its
    reason, if given) or a public holiday (``calendar`` names the holiday calendar)."""

    day: date
    reason: Text | None = None
    calendar: str | None = None

    @property
    def holiday(self) -> bool:
        return self.calendar is not None

    def span(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The whole local day, from its midnight to the next."""
        return datetime.combine(self.day, time.min, zone), datetime.combine(
            self.day + timedelta(days=1), time.min, zone
        )


@dataclass(frozen=True)
class Schedule:
    weekly: tuple[Slot, ...] = doc("Le aperture di ogni settimana.")
    timezone: Annotated[str, TimeZoneName] = doc("Fuso orario IANA.", default=LOCAL_TIMEZONE)
    exceptions: tuple[ScheduleException, ...] = doc(
        "Chiusure e aperture straordinarie in date precise.", default=()
    )
    valid_from: date | None = doc(
        "Primo giorno in cui vale l'orario (vuoto = da sempre).", default=None
    )
    valid_until: date | None = doc(
        "Ultimo giorno in cui vale l'orario (vuoto = senza scadenza).", default=None
    )
    public_holidays: str | None = doc(
        "Il calendario dei giorni festivi in cui lo sportello resta chiuso, come lo chiama la "
        "libreria holidays: IT-BG è l'Italia con la provincia di Bergamo (Sant'Alessandro, "
        "26 agosto). null = aperto anche nei festivi. Le eccezioni valgono sopra i festivi: "
        "per aprire in un giorno festivo aggiungi un'apertura straordinaria (kind: extra).",
        default=public_holidays.DEFAULT_CALENDAR,
    )

    def check(self, node, ctx, name):
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            ctx.error(
                child(node, "valid_until"),
                "schedule.validity_reversed",
                f"{name}.valid_until",
                start=self.valid_from.isoformat(),
                end=self.valid_until.isoformat(),
            )
        weekly = child(node, "weekly")
        for i, a in enumerate(self.weekly):
            for b in self.weekly[:i]:
                if a.day == b.day and a.opens < b.closes and b.opens < a.closes:
                    ctx.error(weekly.value[i], "schedule.overlap", f"{name}.weekly[{i}]", day=a.day)
        if self.public_holidays is not None and not public_holidays.known(self.public_holidays):
            ctx.error(
                child(node, "public_holidays"),
                "schedule.unknown_holiday_calendar",
                f"{name}.public_holidays",
                value=self.public_holidays,
            )
        seen = set()
        exceptions = child(node, "exceptions")
        for i, item in enumerate(self.exceptions):
            if item.date in seen:
                ctx.error(
                    exceptions.value[i],
                    "schedule.duplicate_exception",
                    f"{name}.exceptions[{i}]",
                    day=item.date.isoformat(),
                )
            seen.add(item.date)
            # A closure the site already knows of: harmless, but a sign of a misunderstanding.
            if item.kind == "closed" and self.valid_on(item.date):
                where, field = exceptions.value[i], f"{name}.exceptions[{i}]"
                if not self._regular(item.date):
                    ctx.warning(where, "schedule.closed_not_open", field, day=item.date)
                elif self.holiday(item.date) and item.reason is None:
                    assert self.public_holidays is not None
                    holiday = public_holidays.holiday_name(self.public_holidays, item.date)
                    ctx.warning(
                        where, "schedule.closed_on_holiday", field, day=item.date, name=holiday
                    )

    @property
    def week(self) -> list[Slot]:
        """The weekly openings from Monday to Sunday, earliest first within a day: the
        order every table, list, feed and poster shows them in."""
        return sorted(self.weekly, key=lambda s: (WEEKDAYS.index(s.day), s.opens))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or day >= self.valid_from) and (
            self.valid_until is None or day <= self.valid_until
        )

    def holiday(self, day: date) -> bool:
        """Whether ``day`` is a public holiday of this schedule's calendar."""
        return self.public_holidays is not None and public_holidays.is_holiday(
            self.public_holidays, day
        )

    def _regular(self, day: date) -> list[Opening]:
        name = WEEKDAYS[day.weekday()]
        return [Opening(day, s.opens, s.closes) for s in self.weekly if s.day == name]

    def openings_on(self, day: date) -> list[Opening]:
        """The openings of one local day: the weekly slots, unless the day is closed (an
        announced closure or a public holiday), plus the announced extra openings, which
        hold on a holiday too."""
        if not self.valid_on(day):
            return []
        exceptions = [e for e in self.exceptions if e.date == day]
        if any(e.kind == "closed" for e in exceptions):
            return []
        regular = [] if self.holiday(day) else self._regular(day)
        extra = []
        for e in exceptions:  # all "extra" now, whose check() requires both times
            assert e.opens is not None and e.closes is not None
            extra.append(Opening(day, e.opens, e.closes, True))
        return sorted(regular + extra, key=lambda o: o.opens)

    def closure_on(self, day: date) -> Closure | None:
        """Why a day with weekly openings has none, or None: an announced closure, or a
        public holiday with no extra opening announced for it."""
        if not self.valid_on(day) or not self._regular(day):
            return None
        for e in self.exceptions:
            if e.date == day and e.kind == "closed":
                return Closure(day, reason=e.reason)
        if self.holiday(day) and not self.openings_on(day):
            return Closure(day, calendar=self.public_holidays)
        return None

    def agenda(
        self, now: datetime, openings: int = 4, horizon_days: int = 366
    ) -> list[Opening | Closure]:
        """The next ``openings`` openings from ``now`` (aware), the one under way included,
        with the closures that fall before the last of them, in date order."""
        local = now.astimezone(self.zone)
        found: list[Opening | Closure] = []
        last = 0  # how many of found end with the last opening found so far
        for offset in range(horizon_days):
            day = local.date() + timedelta(days=offset)
            closure = self.closure_on(day)
            if closure is not None:
                found.append(closure)
            for opening in self.openings_on(day):
                if offset or opening.closes > local.time():
                    found.append(opening)
                    last = len(found)
                    if sum(isinstance(i, Opening) for i in found) == openings:
                        return found
        return found[:last]

    def next_opening(self, now: datetime, horizon_days: int = 366) -> Opening | None:
        """The opening in progress at ``now`` or the next one to start (``now`` is aware)."""
        found = self.agenda(now, 1, horizon_days)
        return found[-1] if found and isinstance(found[-1], Opening) else None

    def next_change(self, now: datetime) -> datetime:
        """When ``agenda(now)`` will first read differently: the first closure listed ends,
        or the first opening starts (or ends, when it is under way)."""
        found = self.agenda(now, 1)
        if not found:
            return now + timedelta(days=1)
        first = found[0]
        start, end = first.span(self.zone)
        return end if isinstance(first, Closure) or start <= now else start

    def closures(self, start: date, end: date) -> list[Closure]:
        """Every closure from ``start`` to ``end``, both included."""
        days = (start + timedelta(days=n) for n in range((end - start).days + 1))
        return [c for day in days if (c := self.closure_on(day)) is not None]

    def upcoming_exceptions(self, today: date, limit: int = 5) -> list[ScheduleException]:
        future = sorted((e for e in self.exceptions if e.date >= today), key=lambda e: e.date)
        return future[:limit]
