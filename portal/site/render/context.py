"""What every page renderer shares: the language, UI strings, fallback tracking, formats."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from ...formats import Formats
from ...markup import language_attrs, loosen_lists
from ...model import Content, Text


@dataclass(frozen=True)
class Page:
    """One generated page: its path inside a language folder and its Markdown."""

    path: str  # e.g. "sportelli/celadina.md"
    title: str
    body: str
    updated: date
    fallback: bool = False
    reviewed: bool = True  # every text on the page is reviewed (or Italian): no notice
    # An Italian-only page (italiano semplice): the address of its full version below each
    # language's root, where the language switcher sends the other languages.
    full_version: str | None = None
    openings: bool = False  # shows a desk's next openings: the theme loads openings.js

    def markdown(self) -> str:
        front: dict[str, object] = {"title": self.title, "updated": self.updated.isoformat()}
        if self.fallback:
            front["fallback"] = True
        if not self.reviewed:
            front["unreviewed"] = True  # the theme shows "not yet checked by a person"
        if self.full_version is not None:
            front["full_version"] = self.full_version
        if self.openings:
            front["openings"] = True
        header = "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in front.items())
        return f"---\n{header}\n---\n\n{self.body.strip()}\n"


class Renderer(Formats):
    """Renders texts in one language and remembers whether any fell back to Italian."""

    def __init__(self, content: Content, lang: str, today: date):
        super().__init__(content, lang)
        self.today = today
        self.italian_titles: set[str] = set()  # plain() values that fell back, for page()
        self.uses_openings = False  # render/openings.py was used: the page needs its script

    # --- texts -------------------------------------------------------------------------
    def _check_review(self, text: Text) -> None:
        if self.lang != self.source and not self.content.reviews.holds(self.lang, text):
            self.unreviewed = True

    def inline(self, text: Text | None) -> str:
        if text is None:
            return ""
        self._check_review(text)
        value, fallback = text.resolve(self.lang, self.source)
        value = self.fill(value)
        if fallback:
            self.fell_back = True
            return f"<span {self.source_attrs()}>{value}</span>"
        return value

    def inline_text(self, text: Text) -> str:
        return self.inline(text)

    def in_source_language(self, text: str) -> str:
        return f"<span {self.source_attrs()}>{text}</span>"

    def block(self, text: Text | None) -> str:
        if text is None:
            return ""
        self._check_review(text)
        value, fallback = text.resolve(self.lang, self.source)
        value = loosen_lists(self.fill(value))
        if fallback:
            self.fell_back = True
            return f'<div {self.source_attrs()} markdown="1">\n\n{value}\n\n</div>'
        return value

    def source_attrs(self) -> str:
        """The attributes of Italian text shown in place of a missing translation: its language
        and, on a right-to-left page, its direction, else its full stops and brackets land on
        the wrong side of the line."""
        source_dir = self.content.language(self.source).dir
        return language_attrs(self.source, source_dir, self.content.language(self.lang).dir)

    def plain(self, text: Text) -> str:
        """For titles and navigation, where no markup may go."""
        self._check_review(text)
        value, fallback = text.resolve(self.lang, self.source)
        self.fell_back = self.fell_back or fallback
        if fallback:
            self.italian_titles.add(self.fill(value))
        return self.fill(value)

    # --- what is still to be confirmed (the item's to_confirm list) -------------------------
    # One marker everywhere: the words "to be confirmed" of the page's language, inside one
    # element that also holds the provisional value, so no guess reads as a fact.
    pending_shown = False  # set when the page shows a marker: it then says what it means
    pending_help = ""  # what it means, when a page says it its own way (italiano semplice)

    def badge(self, path: str) -> str:
        self.pending_shown = True
        label = self.s("pending_badge")
        return f'<span class="portal-tbc" data-pending="{path}">{label}</span>'

    def marked(self, item, path: str, body: str, inline: bool = False, deeper: bool = True) -> str:
        """``body`` as it is; or, when ``path`` of ``item`` is to be confirmed, the marker with
        the provisional ``body`` (if any) inside it. ``deeper=False`` when the caller marks the
        parts of ``path`` (a list's items) itself."""
        if item.pending(path, deeper) is None:
            return body
        badge = self.badge(path)
        if not body:
            return badge
        if inline:
            return f'<span class="portal-tbc-value" data-pending="{path}">{body} {badge}</span>'
        return (
            f'<div class="portal-tbc-value" data-pending="{path}" markdown="1">\n\n'
            f"{badge}\n\n{body}\n\n</div>"
        )

    def section(self, item, path: str, heading: str, body: str, level: str = "##") -> str:
        """A heading and its body. An empty field to be confirmed keeps its heading, with the
        marker; an empty field that is not is left out ("")."""
        if not body and item.pending(path) is None:
            return ""
        return f"{level} {heading}\n\n{self.marked(item, path, body)}"

    def desk_address(self, desk) -> str:
        if desk.address is None:
            return self.marked(desk, "address", "", inline=True) or self.s("address_unknown")
        line = f"{desk.address.street}, {desk.address.city}"
        return self.marked(desk, "address", line, inline=True)

    # --- links and shared fragments ----------------------------------------------------
    def link(self, target: str, label: str, here: str) -> str:
        """A Markdown link from page ``here`` to page ``target`` (both docs paths)."""
        depth = here.count("/")
        return f"[{label}]({'../' * depth}{target})"

    def updated(self, day: date) -> str:
        return (
            f'<p class="portal-updated">{self.s("last_updated")}{self.colon}'
            f'<time datetime="{day.isoformat()}">{self.short_date(day)}</time></p>'
        )

    def page(self, path: str, title: str, body: str, updated: date) -> Page:
        if self.fell_back:
            notice = f'!!! info "{self.s("fallback_title")}"\n\n    {self.s("fallback_notice")}\n\n'
            # After the page's heading, like the theme's "not checked" notice: the heading
            # comes first on a phone's first screen.
            head, _, rest = body.partition("\n")
            if head.startswith("# ") and head[2:] in self.italian_titles:
                head = f"# <span {self.source_attrs()}>{head[2:]}</span>"  # marked as the rest
            body = f"{head}\n\n{notice}{rest.lstrip()}" if head.startswith("# ") else notice + body
        if self.pending_shown:
            help_text = self.pending_help or self.s("pending_help")
            body += f'\n\n<p class="portal-tbc-help">{help_text}</p>'
        body += "\n\n" + self.updated(updated)
        # Read after every string of the page, the notices' included, has been looked up.
        return Page(
            path,
            title,
            body,
            updated,
            self.fell_back,
            not self.unreviewed,
            openings=self.uses_openings,
        )
