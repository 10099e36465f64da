""" "Open now" and a desk's next openings, as the static build writes them.

The build lists the openings of the coming weeks from the model (``Schedule.agenda``: weekly
slots, announced closures and extra openings, public holidays), each with its start and end
in seconds since 1970. Without JavaScript the page shows what the build knew: the next
openings and the closures among them, which is also what a screen reader reads.
``site_config/theme/assets/javascripts/openings.js`` runs on the reader's clock: it drops what
is over, shows the next ones, and says "Open now, until 12:00" or "Next opening: …", so a page
built last week is still right. Every text is written here, in the page's language; the
script only picks among them.

Two shapes share that markup: a block for the desk page (the next four openings), and a line
for the places that show a desk's hours among other things (the desks overview, the home
page, the heating page, a service's desks): the next opening, and the closures before it.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from html import escape

from ...model.schedule import Closure, Opening
from .context import Renderer

SHOWN = 4  # the openings a desk page lists
# How far ahead the page carries openings for the script: a page built up to this long ago
# still shows the next ones (the build runs at each change and at least daily, see
# docs/operators.md).
AHEAD = timedelta(weeks=8)


def _agenda(r: Renderer, desk, shown: int) -> list[Opening | Closure]:
    """From the start of the build's day, so a page built in the morning still lists the
    opening under way; the script drops it once it is over."""
    schedule = desk.schedule
    start = datetime.combine(r.today, time.min, schedule.zone)
    ahead = schedule.agenda(start, openings=10_000, horizon_days=AHEAD.days)
    if sum(isinstance(item, Opening) for item in ahead) >= shown:
        return ahead
    return schedule.agenda(start, openings=shown)


def _attrs(**values: object) -> str:
    """HTML attributes: ``data_end=1`` as data-end="1", True as a bare name, False left out."""
    return " ".join(
        k.replace("_", "-") if v is True else f'{k.replace("_", "-")}="{escape(str(v))}"'
        for k, v in values.items()
        if v is not False
    )


def _items(r: Renderer, desk, agenda, shown: int, tag: str, short: bool) -> list[str]:
    zone, items, openings = desk.schedule.zone, [], 0
    for item in agenda:
        hidden = openings >= shown
        if isinstance(item, Opening):
            start, end = item.span(zone)
            when = r.opening_when(item)
            attrs = _attrs(
                data_start=int(start.timestamp()),
                data_end=int(end.timestamp()),
                data_until=r.time(item.closes),
                data_when=when,
                hidden=hidden or short,
            )
            # The short line says the next opening in its badge: its items carry data only.
            body = "" if short else f'<time datetime="{start.isoformat()}">{when}</time>'
            openings += 1
        else:
            start, end = item.span(zone)
            attrs = _attrs(
                data_closed=True,
                data_start=int(start.timestamp()),
                data_end=int(end.timestamp()),
                hidden=hidden,
                **{"class": "portal-openings__closed"},
            )
            body = r.closure_line(item)
        items.append(f"<{tag} {attrs}>{body}</{tag}>")
    return items


def _badge(r: Renderer, agenda, tag: str) -> str:
    first = next((item for item in agenda if isinstance(item, Opening)), None)
    text = r.s("next_opening", when=r.opening_when(first)) if first else r.s("openings_see_week")
    return f'<{tag} class="portal-openings__badge">{text}</{tag}>'


def _box(r: Renderer, shown: int, short: bool) -> str:
    return _attrs(
        **{"class": "portal-openings" + (" portal-openings--short" if short else "")},
        data_openings=shown,
        data_next=r.s("next_opening", when="%s"),
        data_now=r.s("open_now_until", time="%s"),
        data_none=r.s("openings_see_week"),
    )


def openings_block(r: Renderer, desk, shown: int = SHOWN) -> str:
    """The desk page's "open now" badge and its next ``shown`` openings, as raw HTML."""
    r.uses_openings = True
    agenda = _agenda(r, desk, shown)
    items = "\n".join(_items(r, desk, agenda, shown, "li", short=False))
    return (
        f"<div {_box(r, shown, short=False)}>\n"
        f"{_badge(r, agenda, 'p')}\n"
        f'<p class="portal-openings__title">{r.s("next_openings")}</p>\n'
        f"<ul>\n{items}\n</ul>\n</div>"
    )


def openings_line(r: Renderer, desk) -> str:
    """One line of inline HTML, for a table cell or a list item: the next opening (or "open
    now"), and the closures before it."""
    r.uses_openings = True
    agenda = _agenda(r, desk, 1)
    items = "".join(" " + item for item in _items(r, desk, agenda, 1, "span", short=True))
    return f"<span {_box(r, 1, short=True)}>{_badge(r, agenda, 'span')}{items}</span>"
