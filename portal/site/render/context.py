"""What every page renderer shares: the language, UI strings, fallback tracking, formats."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from babel.dates import format_date, format_time, get_day_names
from babel.lists import format_list
from babel.numbers import format_currency

from ...model import Content, Text
from ...model.schedule import WEEKDAYS


LIST_ITEM = re.compile(r"^(\s{0,3})([-*+]|\d+[.)])\s")


def loosen_lists(text: str) -> str:
    """Put a blank line before a list that follows a paragraph line.

    Volunteers write "Intro:\n- item", as in most editors; Python-Markdown would
    otherwise glue the items into the paragraph.
    """
    out: list[str] = []
    for line in text.splitlines():
        previous = out[-1] if out else ""
        if (LIST_ITEM.match(line) and previous.strip() and not LIST_ITEM.match(previous)
                and not previous.startswith((" ", "\t"))):
            out.append("")
        out.append(line)
    return "\n".join(out)


@dataclass(frozen=True)
class Page:
    """One generated page: its path inside a language folder and its Markdown."""

    path: str  # e.g. "sportelli/celadina.md"
    title: str
    body: str
    updated: date
    fallback: bool = False

    def markdown(self) -> str:
        front = {"title": self.title, "updated": self.updated.isoformat()}
        if self.fallback:
            front["fallback"] = True
        header = "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in front.items())
        return f"---\n{header}\n---\n\n{self.body.strip()}\n"


@dataclass
class Renderer:
    """Renders texts in one language and remembers whether any fell back to Italian."""

    content: Content
    lang: str
    today: date
    fell_back: bool = field(default=False)

    @property
    def source(self) -> str:
        return self.content.source_language

    @property
    def locale(self):
        return self.content.language(self.lang).locale

    # --- texts -------------------------------------------------------------------------
    def s(self, key: str, **params) -> str:
        """A UI string from site_config/strings, in this language or else Italian."""
        table = self.content.strings.get(self.lang, {})
        if key in table:
            template = table[key]
        else:
            template = self.content.strings[self.source][key]
            self.fell_back = self.fell_back or self.lang != self.source
        return template.format(**params) if params else template

    def inline(self, text: Text | None) -> str:
        if text is None:
            return ""
        value, fallback = text.resolve(self.lang, self.source)
        if fallback:
            self.fell_back = True
            return f'<span lang="{self.source}">{value}</span>'
        return value

    def block(self, text: Text | None) -> str:
        if text is None:
            return ""
        value, fallback = text.resolve(self.lang, self.source)
        value = loosen_lists(value)
        if fallback:
            self.fell_back = True
            return f'<div lang="{self.source}" markdown="1">\n\n{value}\n\n</div>'
        return value

    def plain(self, text: Text) -> str:
        """For titles and navigation, where no markup may go."""
        value, fallback = text.resolve(self.lang, self.source)
        self.fell_back = self.fell_back or fallback
        return value

    # --- formats (CLDR conventions of the language) ------------------------------------
    def date(self, day: date) -> str:
        return format_date(day, "full", locale=self.locale)

    def short_date(self, day: date) -> str:
        return format_date(day, "long", locale=self.locale)

    def time(self, moment: time) -> str:
        return format_time(moment, "short", locale=self.locale)

    def hours(self, opens: time, closes: time) -> str:
        return f"{self.time(opens)}–{self.time(closes)}"

    def datetime(self, moment: datetime) -> str:
        return f"{self.short_date(moment.date())}, {self.time(moment.time())}"

    def weekday(self, name: str) -> str:
        names = get_day_names("wide", locale=self.locale)
        return names[WEEKDAYS.index(name)]

    def money(self, amount: Decimal) -> str:
        return format_currency(amount, "EUR", locale=self.locale)

    def either(self, items) -> str:
        return format_list(list(items), style="or", locale=self.locale)

    # --- links and shared fragments ----------------------------------------------------
    def link(self, target: str, label: str, here: str) -> str:
        """A Markdown link from page ``here`` to page ``target`` (both docs paths)."""
        depth = here.count("/")
        return f"[{label}]({'../' * depth}{target})"

    def updated(self, day: date) -> str:
        return (f'<p class="portal-updated">{self.s("last_updated")}: '
                f'<time datetime="{day.isoformat()}">{self.short_date(day)}</time></p>')

    def page(self, path: str, title: str, body: str, updated: date) -> Page:
        if self.fell_back:
            notice = (f'!!! info "{self.s("fallback_title")}"\n\n'
                      f'    {self.s("fallback_notice")}\n\n')
            body = notice + body
        return Page(path, title, body + "\n\n" + self.updated(updated), updated, self.fell_back)
