"""Desk pages: address, weekly hours as a table, next exceptions, what to ask."""

from __future__ import annotations

from ...model.schedule import WEEKDAYS
from .context import Page, Renderer
from .easy import easy_link

FOLDER = "sportelli"


def desk_path(desk_id: str) -> str:
    return f"{FOLDER}/{desk_id}.md"


def hours_table(r: Renderer, desk) -> str:
    slots = sorted(desk.schedule.weekly, key=lambda s: (WEEKDAYS.index(s.day), s.opens))
    rows = [f"| {r.s('day')} | {r.s('hours')} |", "| --- | --- |"]
    rows += [f"| {r.weekday(s.day)} | {r.hours(s.opens, s.closes)} |" for s in slots]
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
        lines.append(f"- **{r.date(item.date)}**: {what}{reason}")
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
            lines.append(f"- {label}: {value}")
        else:
            lines.append(f"- {label}: *{r.s('not_yet_available')}*")
    return "\n".join(lines)


def render_desk(r: Renderer, desk) -> Page:
    here = desk_path(desk.id)
    title = r.plain(desk.name)
    parts = [f"# {title}", easy_link(r, desk, here)]
    if desk.summary:
        parts.append(r.block(desk.summary))
    parts.append(f"## {r.s('where')}\n\n{r.desk_address(desk)}")
    if desk.address and desk.address.note:
        parts.append(r.block(desk.address.note))
    parts.append(f"## {r.s('opening_hours')}\n\n{hours_table(r, desk)}")
    note = validity(r, desk)
    if note:
        parts.append(note)
    parts.append(f"### {r.s('exceptions')}\n\n{exceptions_list(r, desk)}")
    asks = "\n".join(f"- {r.inline(item)}" for item in desk.what_to_ask)
    parts.append(f"## {r.s('what_to_ask')}\n\n{asks}")
    if desk.roles:
        roles = "\n".join(f"- {r.inline(r.content.roles[role].title)}" for role in desk.roles)
        parts.append(f"## {r.s('who_you_find')}\n\n{roles}")
    if desk.contacts:
        parts.append(f"## {r.s('contacts')}\n\n{contacts_list(r, desk.contacts)}")
    parts.append(r.link("contributo-riscaldamento.md", r.s("heating_grant_link"), here))
    return r.page(here, title, "\n\n".join(parts), desk.updated)


def render_desk_index(r: Renderer) -> Page:
    here = f"{FOLDER}/index.md"
    title = r.s("desks_title")
    parts = [f"# {title}", r.s("desks_intro")]
    rows = [f"| {r.s('desk')} | {r.s('where')} | {r.s('opening_hours')} |", "| --- | --- | --- |"]
    for desk in r.content.desks.values():
        name = r.link(desk_path(desk.id), r.plain(desk.name), here)
        rows.append(f"| {name} | {r.desk_address(desk)} | {r.desk_hours(desk)} |")
    parts.append("\n".join(rows))
    updated = max(desk.updated for desk in r.content.desks.values())
    return r.page(here, title, "\n\n".join(parts), updated)
