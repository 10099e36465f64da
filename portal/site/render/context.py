"""What every page renderer shares: the language, UI strings, fallback tracking, formats."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from ...formats import Formats
from ...markup import loosen_lists
from ...model import Content, Text


@dataclass(frozen=True)
class Page:
    """One generated page: its path inside a language folder and its Markdown."""

    path: str  # e.g. "sportelli/celadina.md"
    title: str
    body: str
    updated: date
    fallback: bool = False

    def markdown(self) -> str:
        front: dict[str, object] = {"title": self.title, "updated": self.updated.isoformat()}
        if self.fallback:
            front["fallback"] = True
        header = "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in front.items())
        return f"---\n{header}\n---\n\n{self.body.strip()}\n"


class Renderer(Formats):
    """Renders texts in one language and remembers whether any fell back to Italian."""

    def __init__(self, content: Content, lang: str, today: date):
        super().__init__(content, lang)
        self.today = today

    # --- texts -------------------------------------------------------------------------
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

    # --- links and shared fragments ----------------------------------------------------
    def link(self, target: str, label: str, here: str) -> str:
        """A Markdown link from page ``here`` to page ``target`` (both docs paths)."""
        depth = here.count("/")
        return f"[{label}]({'../' * depth}{target})"

    def updated(self, day: date) -> str:
        return (
            f'<p class="portal-updated">{self.s("last_updated")}: '
            f'<time datetime="{day.isoformat()}">{self.short_date(day)}</time></p>'
        )

    def page(self, path: str, title: str, body: str, updated: date) -> Page:
        if self.fell_back:
            notice = f'!!! info "{self.s("fallback_title")}"\n\n    {self.s("fallback_notice")}\n\n'
            body = notice + body
        return Page(path, title, body + "\n\n" + self.updated(updated), updated, self.fell_back)
