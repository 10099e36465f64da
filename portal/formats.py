"""Language-aware formats and sentences shared by the site renderer and the forms service.

Dates, times, money and lists follow each language's CLDR conventions (Babel);
UI strings come from site_config/strings and fall back to Italian.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.dates import format_date, format_time, get_day_names
from babel.lists import format_list
from babel.numbers import format_currency

from .model import Content
from .model.schedule import WEEKDAYS


class Formats:
    def __init__(self, content: Content, lang: str):
        self.content, self.lang = content, lang
        self.fell_back = False  # set when a string or text had to fall back to Italian

    @property
    def source(self) -> str:
        return self.content.source_language

    @property
    def locale(self):
        return self.content.language(self.lang).locale

    def s(self, key: str, **params) -> str:
        """A UI string from site_config/strings, in this language or else Italian."""
        table = self.content.strings.get(self.lang, {})
        if key in table:
            template = table[key]
        else:
            template = self.content.strings[self.source][key]
            self.fell_back = self.fell_back or self.lang != self.source
        return template.format(**params) if params else template

    def date(self, day: dt.date) -> str:
        return format_date(day, "full", locale=self.locale)

    def short_date(self, day: dt.date) -> str:
        return format_date(day, "long", locale=self.locale)

    def time(self, moment: dt.time) -> str:
        text = format_time(moment, "short", locale=self.locale)
        if self.content.language(self.lang).dir == "rtl":
            # A time that starts with digits and ends in Latin letters ("9:00 AM" in Urdu)
            # is torn apart by the bidi algorithm in a right-to-left line: "9:00 AM–12:00 PM"
            # shows as "AM–12:00 PM 9:00". First-strong isolates keep each time whole and
            # put the ranges in right-to-left order; Arabic times keep their own order.
            return f"\u2068{text}\u2069"
        return text

    def hours(self, opens: dt.time, closes: dt.time) -> str:
        return f"{self.time(opens)}–{self.time(closes)}"

    def datetime(self, moment: dt.datetime) -> str:
        return f"{self.short_date(moment.date())}, {self.time(moment.time())}"

    def date_span(self, prefix: str, start, end) -> str:
        """``{prefix}_between``, ``_until`` or ``_from`` for a date range whose ends may be
        unknown; "" when both are."""
        if start and end:
            return self.s(
                f"{prefix}_between", start=self.short_date(start), end=self.short_date(end)
            )
        if end:
            return self.s(f"{prefix}_until", end=self.short_date(end))
        if start:
            return self.s(f"{prefix}_from", start=self.short_date(start))
        return ""

    def weekday(self, name: str) -> str:
        return get_day_names("wide", locale=self.locale)[WEEKDAYS.index(name)]

    def money(self, amount: Decimal) -> str:
        return format_currency(amount, "EUR", locale=self.locale)

    def either(self, items) -> str:
        return format_list(list(items), style="or", locale=self.locale)

    def rule_lines(self, rules) -> list[str]:
        """One plain sentence per heating-grant rule: the site's page and the form's start."""
        heating = self.either(self.s(f"heating_{kind}") for kind in rules.heating_types)
        bands = self.either(self.s(f"band_{band}") for band in rules.bands)
        lines = [
            self.s("rule_tenancy", months=rules.min_tenancy_months, heating=heating),
            self.s("rule_bands", bands=bands),
            self.s("rule_isee", min=self.money(rules.isee.min), max=self.money(rules.isee.max)),
        ]
        lines.append(
            self.s("rule_arrears_plan")
            if rules.arrears_need_repayment_plan
            else self.s("rule_arrears_any")
        )
        return lines

    def desk_address(self, desk) -> str:
        if desk.address is None:
            return self.s("address_unknown")
        line = f"{desk.address.street}, {desk.address.city}"
        return line if desk.address.confirmed else f"{line} ({self.s('to_be_confirmed')})"

    def desk_hours(self, desk) -> str:
        """'Wednesday 9:00 AM–12:00 PM' for lists, service pages and the forms."""
        slots = sorted(desk.schedule.weekly, key=lambda s: (WEEKDAYS.index(s.day), s.opens))
        return "; ".join(f"{self.weekday(s.day)} {self.hours(s.opens, s.closes)}" for s in slots)
