"""A poster as HTML: one column per language, each with its QR code.

Every text comes from the content model and the site's strings, formatted per language by
``portal.formats`` exactly as on the site, so the stairwell and the website never disagree
on an hour or an amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import segno
from markupsafe import Markup, escape

from .. import urls
from ..formats import Formats
from ..markup import to_html, to_inline_html
from ..model import Content, Text

MAX_EXTRA_LANGUAGES = 2  # beside Italian: three columns are as narrow as A4 allows
CLOSURES_AHEAD = timedelta(days=60)  # the exceptions a poster printed today should show
STYLE = (Path(__file__).parent / "poster.css").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Poster:
    name: str  # file and URL name, e.g. "sportello-celadina"
    kind: str  # desk | grant | event
    item: Any  # a Desk, the HeatingGrant or an Event, as ``kind`` says


def all_posters(content: Content, today: date) -> list[Poster]:
    """Every poster the content allows, in a stable order; events only until they end."""
    found = [Poster(urls.poster_name("grant"), "grant", content.heating_grant)]
    found += [Poster(urls.poster_name("desk", d.id), "desk", d) for d in content.desks.values()]
    found += [
        Poster(urls.poster_name("event", e.id), "event", e)
        for e in content.events.values()
        if has_poster(e, today)
    ]
    return found


def has_poster(event, today: date) -> bool:
    """An event has a poster until it ends (or while its date is to be confirmed)."""
    return event.start is None or (event.end or event.start).date() >= today


def find_poster(content: Content, name: str, today: date) -> Poster | None:
    return next((p for p in all_posters(content, today) if p.name == name), None)


BASE_SIZE = {1: 15.0, 2: 12.5, 3: 10.5}  # points, by number of columns; see to_pdf's fitting


def poster_html(
    content: Content,
    poster: Poster,
    extra: tuple[str, ...],
    site_url: str,
    today: date,
    scale: float = 1.0,
) -> str:
    """The poster in Italian plus the ``extra`` languages, as a complete HTML document;
    ``scale`` shrinks every size (pdf.py tries smaller ones until it fits one page)."""
    langs = (content.source_language, *(lang for lang in extra if lang != content.source_language))
    columns = [_Column(content, lang, site_url.rstrip("/"), today) for lang in langs]
    body = Markup("").join(column.render(poster) for column in columns)
    first = columns[0]
    orientation = "landscape" if len(columns) == 3 else "portrait"
    return (
        '<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
        "<style>@page {{ size: A4 {orientation}; }}\n{style}\n"
        "html {{ font-size: {size:.2f}pt; }}</style></head>"
        '<body class="columns-{count}"><p class="site">{site}</p><main>{body}</main>'
        '<p class="updated">{updated}: {day}</p></body></html>'
    ).format(
        lang=first.lang,
        title=escape(first.title(poster)),
        orientation=orientation,
        style=STYLE,
        size=BASE_SIZE[len(columns)] * scale,
        count=len(columns),
        site=escape(first.s("site_name")),
        body=body,
        updated=escape(first.s("last_updated")),
        day=escape(first.short_date(today)),
    )


class _Column(Formats):
    """One language's column."""

    def __init__(self, content: Content, lang: str, site_url: str, today: date):
        super().__init__(content, lang)
        self.site_url, self.today = site_url, today
        self.dir = content.language(lang).dir

    # --- texts -----------------------------------------------------------------------------
    def text(self, value: Text | None) -> Markup:
        """A content text in this language; Italian, marked as such, where it is missing."""
        if value is None:
            return Markup("")
        html, fell_back = value.resolve(self.lang, self.source)
        return self._marked(to_inline_html(html), fell_back)

    def block(self, value: Text | None) -> Markup:
        if value is None:
            return Markup("")
        html, fell_back = value.resolve(self.lang, self.source)
        return self._marked(to_html(html), fell_back)

    def _marked(self, html: Markup, fell_back: bool) -> Markup:
        if not fell_back:
            return html
        return Markup('<span lang="{}" dir="ltr">{}</span>').format(self.source, html)

    def plain(self, value: Text) -> str:
        return value.resolve(self.lang, self.source)[0]

    def title(self, poster: Poster) -> str:
        return self.plain(poster.item.title if poster.kind != "desk" else poster.item.name)

    # --- the column ------------------------------------------------------------------------
    def render(self, poster: Poster) -> Markup:
        parts = getattr(self, f"_{poster.kind}")(poster.item)
        return Markup('<section class="column" lang="{}" dir="{}">{}</section>').format(
            self.lang, self.dir, Markup("").join(parts)
        )

    def _heading(self, key: str) -> Markup:
        return Markup("<h2>{}</h2>").format(self.s(key))

    def _items(self, items) -> Markup:
        return Markup("<ul>{}</ul>").format(
            Markup("").join(Markup("<li>{}</li>").format(item) for item in items)
        )

    def _qr(self, path: str, caption_key: str) -> Markup:
        url = self.site_url + path
        image = segno.make(url, error="m").svg_data_uri(scale=4, border=2)
        return Markup(
            '<figure class="qr"><img src="{}" alt=""><figcaption>{}<br>'
            '<span class="url" dir="ltr">{}</span></figcaption></figure>'
        ).format(image, self.s(caption_key), url)

    def _desk(self, desk) -> list[Markup]:
        parts = [
            Markup("<h1>{}</h1>").format(self.text(desk.name)),
            self._heading("where"),
            Markup("<p>{}</p>").format(self.desk_address(desk)),
            self._heading("opening_hours"),
            self._items(self.opening_lines(desk)),
        ]
        # The announced exceptions and the public holidays of the next weeks, by date.
        until = self.today + CLOSURES_AHEAD
        soon = [
            (item.date, self._exception(item))
            for item in desk.schedule.upcoming_exceptions(self.today)
            if item.date <= until
        ] + [
            (closure.day, Markup("{}").format(self.closure_line(closure)))
            for closure in desk.schedule.closures(self.today, until)
            if closure.holiday
        ]
        if soon:
            parts.append(self._heading("exceptions"))
            parts.append(self._items(line for _, line in sorted(soon, key=lambda s: s[0])))
        if desk.what_to_ask:
            parts.append(self._heading("what_to_ask"))
            parts.append(self._items(self.text(item) for item in desk.what_to_ask))
        path = urls.desk_page(self.lang, self.source, desk.id)
        parts.append(self._qr(path, "poster_scan"))
        return parts

    def _exception(self, item) -> Markup:
        what = (
            self.s("closed")
            if item.kind == "closed"
            else f"{self.s('extra_opening')} {self.hours(item.opens, item.closes)}"
        )
        return Markup("<strong>{}</strong>: {}").format(self.date(item.date), what)

    def _grant(self, grant) -> list[Markup]:
        rules = grant.rules
        window = rules.application_window
        return [
            Markup("<h1>{}</h1>").format(self.text(grant.title)),
            self.block(grant.summary),
            self._heading("grant_who"),
            Markup("<p>{}</p>").format(self.s("grant_who_intro")),
            self._items(self.rule_lines(rules)),
            self._heading("grant_how_much"),
            Markup("<p>{}</p>").format(self.s("grant_max", amount=self.money(rules.max_amount))),
            Markup("<p>{}</p>").format(
                self.date_span("window", window.opens, window.closes) or self.s("window_unknown")
            ),
            self._heading("desks_title"),
            self._items(
                Markup("{}: {}").format(self.text(d.name), self.desk_hours(d))
                for d in self.content.desks.values()
            ),
            self._qr(urls.grant_form(self.lang), "poster_check"),
        ]

    def _event(self, event) -> list[Markup]:
        if event.start is None or event.date_to_be_confirmed:
            when = Markup("{}").format(self.s("date_to_be_confirmed"))
        else:
            end = f"–{self.time(event.end.time())}" if event.end else ""
            when = Markup("{}{}").format(self.datetime(event.start), end)
        parts = [
            Markup("<h1>{}</h1>").format(self.text(event.title)),
            self._heading("when"),
            Markup("<p>{}</p>").format(when),
            self._heading("where"),
            Markup("<p>{}</p>").format(self._place(event.place)),
            self._heading("how_to_join"),
            Markup("<p>{}</p>").format(self._signup(event)),
        ]
        path = urls.event_page(self.lang, self.source, event.id)
        parts.append(self._qr(path, "poster_scan"))
        return parts

    def _place(self, place) -> Markup:
        note = Markup(" — {}").format(self.text(place.note)) if place.note else Markup("")
        if place.desk:
            desk = self.content.desks[place.desk]
            return Markup("{}, {}{}").format(self.text(desk.name), self.desk_address(desk), note)
        return Markup("{}{}").format(place.address or self.s("address_unknown"), note)

    def _signup(self, event) -> str:
        if event.signup is None:
            return self.s("error_signup_no_signup")
        return self.s(
            "signup_window",
            start=self.datetime(event.signup.opens),
            end=self.datetime(event.signup.closes),
        )
