"""Opening schedules as data: weekly slots, dated exceptions, validity, time zone.

Kept structured so that pages, "open now / next opening", iCalendar feeds and
HSDS open data can all be derived from the same values.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

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

    def openings_on(self, day: date) -> list[Opening]:
        """The openings of one local day, with its exceptions applied."""
        if not self.valid_on(day):
            return []
        exceptions = [e for e in self.exceptions if e.date == day]
        if any(e.kind == "closed" for e in exceptions):
            return []
        regular = [
            Opening(day, s.opens, s.closes) for s in self.weekly if s.day == WEEKDAYS[day.weekday()]
        ]
        extra = []
        for e in exceptions:  # all "extra" now, whose check() requires both times
            assert e.opens is not None and e.closes is not None
            extra.append(Opening(day, e.opens, e.closes, True))
        return sorted(regular + extra, key=lambda o: o.opens)

    def next_opening(self, now: datetime, horizon_days: int = 366) -> Opening | None:
        """The opening in progress at ``now`` or the next one to start (``now`` is aware)."""
        local = now.astimezone(self.zone)
        for offset in range(horizon_days):
            day = local.date() + timedelta(days=offset)
            for opening in self.openings_on(day):
                if offset or opening.closes > local.time():
                    return opening
        return None

    def upcoming_exceptions(self, today: date, limit: int = 5) -> list[ScheduleException]:
        future = sorted((e for e in self.exceptions if e.date >= today), key=lambda e: e.date)
        return future[:limit]
