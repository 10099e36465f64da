"""Language-aware formats and sentences shared by the site renderer and the forms service.

Dates, times, money and lists follow each language's CLDR conventions (Babel);
UI strings come from site_config/strings and fall back to Italian.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import cache

from babel.dates import (
    format_date,
    format_time,
    get_datetime_format,
    get_day_names,
    match_skeleton,
)
from babel.lists import format_list
from babel.numbers import format_currency, get_currency_symbol

from . import plurals
from .model import Content, public_holidays
from .model.amounts import PLACEHOLDER
from .model.schedule import WEEKDAYS, Closure, Opening

# Every language shows the 24-hour clock of Italian notice boards (CLDR's short time is
# "2:00 PM" in English, Bengali and Urdu, "2:00 m.d." in Albanian): a resident who reads two
# languages sees the same times, the ones on the desk's door.
TIME_PATTERN = "HH:mm"


@cache
def _day_soon_pattern(locale) -> str:
    """Matching a skeleton walks every pattern of the language: once per language."""
    skeletons = locale.datetime_skeletons
    pattern = str(skeletons[match_skeleton("MMMMEd", skeletons)])
    return re.sub(r"(?<!M)MMM(?!M)", "MMMM", re.sub(r"E+|c+", "EEEE", pattern))


class Formats:
    def __init__(self, content: Content, lang: str):
        self.content, self.lang = content, lang
        self.fell_back = False  # set when a string or text had to fall back to Italian
        self.unreviewed = False  # set when a string or text used is not reviewed by a person

    @property
    def source(self) -> str:
        return self.content.source_language

    @property
    def locale(self):
        return self.content.language(self.lang).locale

    def s(self, key: str, **params) -> str:
        """A UI string from site_config/strings, in this language or else Italian."""
        table = self.content.strings.get(self.lang, {})
        locale = self.locale
        if key in table:
            template = table[key]
            if self.lang != self.source and not self.content.reviews.string(self.lang, key):
                self.unreviewed = True
        else:
            template = self.content.strings[self.source][key]
            locale = self.content.language(self.source).locale
            self.fell_back = self.fell_back or self.lang != self.source
            self.unreviewed = self.unreviewed or self.lang != self.source
        if isinstance(template, dict):  # one form per CLDR plural category
            template = plurals.choose(template, locale, params)
        template = self.fill(template)
        return template.format(**params) if params else template

    @property
    def colon(self) -> str:
        """What follows a label: ": ", or Chinese's full-width colon (the render step's
        punctuation check holds every Chinese page to it)."""
        return "：" if self.lang.startswith("zh") else ": "

    def paren(self, text: str) -> str:
        return f"（{text}）" if self.lang.startswith("zh") else f"({text})"

    def fill(self, text: str) -> str:
        """``text`` with each {amount:name} written as money in this language; the model
        has checked every name (content/amounts.yml and the grant's rules)."""
        if "{amount:" not in text:
            return text
        amounts = self.content.amounts
        return PLACEHOLDER.sub(lambda m: self.money(amounts[m[1].strip()]), text)

    def date(self, day: dt.date) -> str:
        return format_date(day, "full", locale=self.locale)

    def short_date(self, day: dt.date) -> str:
        return format_date(day, "long", locale=self.locale)

    def time(self, moment: dt.time) -> str:
        text = format_time(moment, TIME_PATTERN, locale=self.locale)
        if self.content.language(self.lang).dir == "rtl":
            # First-strong isolates keep each time whole in a right-to-left line, so a range
            # reads in right-to-left order whatever stands beside it.
            return f"\u2068{text}\u2069"
        return text

    def hours(self, opens: dt.time, closes: dt.time) -> str:
        return f"{self.time(opens)}–{self.time(closes)}"

    def datetime(self, moment: dt.datetime) -> str:
        return self.at(self.short_date(moment.date()), self.time(moment.time()))

    def at(self, day: str, hours: str) -> str:
        """A formatted date with its time or hours, joined as CLDR joins them in this
        language: "1 marzo 2025, 9:00", Arabic "1 مارس 2025، 09:00" with its own comma."""
        pattern = str(get_datetime_format("medium", locale=self.locale))
        return pattern.replace("{1}", day).replace("{0}", hours)

    def join(self, items) -> str:
        """A list in this language's words and punctuation ("a, b e c"; Arabic "a وb")."""
        return format_list(list(items), style="standard", locale=self.locale)

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
        """An amount in euro as this language writes it (CLDR): "740.800 €", "€740,800",
        "7,40,800€". Whole amounts drop the ",00" that reads as a price tag."""
        locale = self.locale
        pattern = locale.currency_formats["standard"].pattern
        whole = amount == amount.to_integral_value()
        text = format_currency(
            amount,
            "EUR",
            format=re.sub(r"\.0+", "", pattern) if whole else pattern,
            locale=locale,
            currency_digits=not whole,
        )
        # Where CLDR's symbol is the code "EUR" (Ukrainian, Romanian), its narrow symbol is
        # "€", which Babel does not carry: no Latin letters inside a Cyrillic sentence.
        symbol = get_currency_symbol("EUR", locale=locale)
        return text.replace(symbol, "€") if symbol.isalpha() else text

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
        # Plain text for the forms; the site's Renderer marks it its own way (context.py).
        pending = desk.pending("address") is not None  # the desk's to_confirm list
        return f"{line} ({self.s('to_be_confirmed')})" if pending else line

    def opening_lines(self, desk) -> list[str]:
        """'Wednesday 09:00–12:00', one per weekly opening (posters list them)."""
        return [
            f"{self.weekday(s.day)} {self.hours(s.opens, s.closes)}" for s in desk.schedule.week
        ]

    def desk_hours(self, desk) -> str:
        """The weekly openings on one line, for lists, service pages and the forms."""
        return "; ".join(self.opening_lines(desk))

    # --- next openings: the site's badge and list, the forms at request time -------------
    def day_soon(self, day: dt.date) -> str:
        """A day in the coming weeks, without its year: "mercoledì 2 dicembre",
        "Wednesday, December 2": CLDR's pattern for weekday, day and month, with the weekday
        and month written out (some languages' patterns abbreviate them, which reads badly
        aloud)."""
        return format_date(day, _day_soon_pattern(self.locale), locale=self.locale)

    def opening_when(self, opening: Opening) -> str:
        """ "mercoledì 2 dicembre, 09:00–12:00"."""
        return self.at(self.day_soon(opening.day), self.hours(opening.opens, opening.closes))

    def open_now(self, opening: Opening) -> str:
        return self.s("open_now_until", time=self.time(opening.closes))

    def closure_line(self, closure: Closure) -> str:
        """ "martedì 8 dicembre: chiuso (giorno festivo: Immacolata Concezione)", or the
        closure's announced reason in brackets."""
        line = f"{self.day_soon(closure.day)}{self.colon}{self.s('closed')}"
        why = ""
        if closure.calendar is not None:
            name = public_holidays.holiday_name(closure.calendar, closure.day, self.lang)
            named = public_holidays.LANGUAGES.get(self.lang) is not None
            why = self.s("public_holiday")
            if name:
                why += self.colon + (name if named else self.in_source_language(name))
        elif closure.reason is not None:
            why = self.inline_text(closure.reason)
        if not why:
            return line
        return f"{line}{'' if self.lang.startswith('zh') else ' '}{self.paren(why)}"

    def inline_text(self, text) -> str:
        """A content text in this language, else Italian (the site's Renderer marks the
        Italian one)."""
        return self.fill(text.resolve(self.lang, self.source)[0])

    def in_source_language(self, text: str) -> str:
        """Words left in Italian inside this language's sentence (the Renderer marks them
        lang="it" dir="ltr")."""
        return text

    def next_openings_lines(self, desk, now: dt.datetime, count: int = 1) -> list[str]:
        """What the forms say of a desk at request time: "Open now, until 12:00" or "Next
        opening: …", then the next ``count`` openings and the closures before them."""
        agenda = desk.schedule.agenda(now, count)
        openings = [item for item in agenda if isinstance(item, Opening)]
        if not openings:
            return []
        first = openings[0]
        start, _ = first.span(desk.schedule.zone)
        lines = [
            self.open_now(first)
            if start <= now
            else self.s("next_opening", when=self.opening_when(first))
        ]
        for item in agenda:
            if isinstance(item, Closure):
                lines.append(self.closure_line(item))
            elif count > 1:
                lines.append(self.opening_when(item))
        return lines
