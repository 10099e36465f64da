"""Desk pages: address, weekly hours as a table, next exceptions, what to ask."""

from __future__ import annotations

from ...urls import DESKS_FOLDER, desk_calendar, poster, poster_name
from .context import Page, Renderer
from .easy import easy_link
from .openings import openings_block, openings_line

FOLDER = DESKS_FOLDER


def desk_path(desk_id: str) -> str:
    return f"{FOLDER}/{desk_id}.md"


def hours_table(r: Renderer, desk) -> str:
    rows = [f"| {r.s('day')} | {r.s('hours')} |", "| --- | --- |"]
    rows += [f"| {r.weekday(s.day)} | {r.hours(s.opens, s.closes)} |" for s in desk.schedule.week]
    return "\n".join(rows)


def exceptions_list(r: Renderer, desk) -> str:
    upcoming = desk.schedule.upcoming_exceptions(r.today)
    if not upcoming:
        return r.s("no_exceptions")
    lines = []
    for item in upcoming:
        what = (
            r.s("closed")
            if item.kind == "closed"
            else f"{r.s('extra_opening')} {r.hours(item.opens, item.closes)}"
        )
        reason = f" — {r.inline(item.reason)}" if item.reason else ""
        lines.append(f"- **{r.date(item.date)}**{r.colon}{what}{reason}")
    return "\n".join(lines)


def validity(r: Renderer, desk) -> str:
    return r.date_span("valid", desk.schedule.valid_from, desk.schedule.valid_until)


def contacts_list(r: Renderer, ids) -> str:
    lines = []
    for contact_id in ids:
        contact = r.content.contacts[contact_id]
        label = r.inline(contact.label)
        if contact.status == "available":
            value = contact.value
            if contact.kind == "phone":
                value = f"[{value}](tel:{value.replace(' ', '')})"
            elif contact.kind == "email":
                value = f"[{value}](mailto:{value})"
            lines.append(f"- {label}{r.colon}{value}")
        else:
            lines.append(f"- {label}{r.colon}*{r.s('not_yet_available')}*")
    return "\n".join(lines)


def calendar_link(r: Renderer, label: str, url: str) -> str:
    """A link to an iCalendar feed (portal/site/calendars.py, written by the build); its
    type tells the browser it is a calendar file before it is fetched."""
    return f'[{label}]({url}){{ type="text/calendar" }}'


def poster_link(r: Renderer, kind: str, item_id: str = "") -> str:
    """The poster to print (portal/posters/), made by the forms service in Italian and the
    page's language."""
    url = poster(r.lang, poster_name(kind, item_id))
    return f'[{r.s("poster_link")}]({url}){{ type="application/pdf" }}'


def render_desk(r: Renderer, desk) -> Page:
    here = desk_path(desk.id)
    title = r.plain(desk.name)
    parts = [f"# {title}", easy_link(r, desk, here)]
    if desk.summary:
        parts.append(r.marked(desk, "summary", r.block(desk.summary)))
    # The hours first, then the address: "when is it open" is what most people come for,
    # and on a phone it must be on the first screen (tests/test_browser_layout.py).
    hours = r.marked(desk, "schedule", f"{openings_block(r, desk)}\n\n{hours_table(r, desk)}")
    parts.append(f"## {r.s('opening_hours')}\n\n{hours}")
    note = validity(r, desk)
    if note:
        parts.append(note)
    parts.append(f"### {r.s('exceptions')}\n\n{exceptions_list(r, desk)}")
    parts.append(calendar_link(r, r.s("calendar_add"), desk_calendar(r.lang, r.source, desk.id)))
    parts.append(f"## {r.s('where')}\n\n{r.desk_address(desk)}")
    if desk.address and desk.address.note:
        parts.append(r.block(desk.address.note))
    asks = "\n".join(
        f"- {r.marked(desk, f'what_to_ask[{i}]', r.inline(item), inline=True)}"
        for i, item in enumerate(desk.what_to_ask)
    )
    parts.append(f"## {r.s('what_to_ask')}\n\n{r.marked(desk, 'what_to_ask', asks, deeper=False)}")
    roles = "\n".join(f"- {r.inline(r.content.roles[role].title)}" for role in desk.roles)
    parts.append(r.section(desk, "roles", r.s("who_you_find"), roles))
    contacts = contacts_list(r, desk.contacts)
    parts.append(r.section(desk, "contacts", r.s("contacts"), contacts))
    parts.append(r.link("contributo-riscaldamento.md", r.s("heating_grant_link"), here))
    parts.append(poster_link(r, "desk", desk.id))
    return r.page(here, title, "\n\n".join(parts), desk.updated)


def render_desk_index(r: Renderer) -> Page:
    here = f"{FOLDER}/index.md"
    title = r.s("desks_title")
    parts = [f"# {title}", r.s("desks_intro")]
    rows = [f"| {r.s('desk')} | {r.s('where')} | {r.s('opening_hours')} |", "| --- | --- | --- |"]
    for desk in r.content.desks.values():
        name = r.link(desk_path(desk.id), r.plain(desk.name), here)
        hours = f"{r.desk_hours(desk)}<br>{openings_line(r, desk)}"
        rows.append(f"| {name} | {r.desk_address(desk)} | {hours} |")
    parts.append("\n".join(rows))
    updated = max(desk.updated for desk in r.content.desks.values())
    return r.page(here, title, "\n\n".join(parts), updated)
