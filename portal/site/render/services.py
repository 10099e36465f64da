"""Service pages in the Italian public-service page order, and the team roles."""

from __future__ import annotations

from .context import Page, Renderer
from .desks import contacts_list, desk_path
from .openings import openings_line

FOLDER = "servizi"
# (field, UI string of its heading), in the order of the Italian public-service model.
SECTIONS = (
    ("audience", "service_audience"),
    ("how_to", "service_how_to"),
    ("what_you_need", "service_what_you_need"),
    ("what_you_get", "service_what_you_get"),
    ("times", "service_times"),
    ("costs", "service_costs"),
)


def service_path(service_id: str) -> str:
    return f"{FOLDER}/{service_id}.md"


def status_line(r: Renderer, status) -> str:
    label = r.s(f"status_{status.state}")
    css = f"portal-status portal-status--{status.state}"
    line = f'<p class="{css}">{r.s("status")}{r.colon}{label}</p>'
    if status.reason:
        line += "\n\n" + r.block(status.reason)
    return line


def where_to_go(r: Renderer, desk_ids, here: str) -> str:
    lines = []
    for desk_id in desk_ids:
        desk = r.content.desks[desk_id]
        name = r.link(desk_path(desk_id), r.plain(desk.name), here)
        hours = f"{r.desk_hours(desk)}<br>{openings_line(r, desk)}"
        lines.append(f"- {name}{r.colon}{r.desk_address(desk)} — {hours}")
    return "\n".join(lines)


def roles_list(r: Renderer, role_ids, here: str) -> str:
    return "\n".join(
        f"- {r.link(f'{FOLDER}/index.md', r.plain(r.content.roles[i].title), here)}"
        for i in role_ids
    )


def render_service(r: Renderer, service) -> Page:
    here = service_path(service.id)
    title = r.plain(service.title)
    parts = [
        f"# {title}",
        r.marked(service, "summary", r.block(service.summary)),
        r.marked(service, "status", status_line(r, service.status)),
    ]
    for field, heading in SECTIONS:
        parts.append(r.section(service, field, r.s(heading), r.block(getattr(service, field))))
    where = where_to_go(r, service.desks, here)
    parts.append(r.section(service, "desks", r.s("service_where"), where))
    roles = roles_list(r, service.roles, here)
    parts.append(r.section(service, "roles", r.s("service_roles"), roles))
    contacts = contacts_list(r, service.contacts)
    parts.append(r.section(service, "contacts", r.s("contacts"), contacts))
    return r.page(here, title, "\n\n".join(parts), service.updated)


def render_role(r: Renderer, role) -> str:
    count = r.paren(r.s("people_count", count=role.people)) if role.people > 1 else ""
    count = r.marked(role, "people", count, inline=True)
    heading = f"### {r.plain(role.title)} {count}".rstrip()
    parts = [heading, r.marked(role, "helps_with", r.block(role.helps_with))]
    if role.ask_about or role.pending("ask_about"):
        asks = "\n".join(
            f"- {r.marked(role, f'ask_about[{i}]', r.inline(item), inline=True)}"
            for i, item in enumerate(role.ask_about)
        )
        asks = r.marked(role, "ask_about", asks, deeper=False)
        parts.append(f"{r.s('ask_about')}\n\n{asks}")
    return "\n\n".join(parts)


def render_service_index(r: Renderer) -> Page:
    here = f"{FOLDER}/index.md"
    title = r.s("services_title")
    parts = [f"# {title}", r.s("services_intro")]
    for service in r.content.services.values():
        link = r.link(service_path(service.id), r.plain(service.title), here)
        parts.append(f"- **{link}** — {r.inline(service.summary)}")
    parts.append(f"## {r.s('team_title')}\n\n{r.s('team_intro')}")
    parts.extend(render_role(r, role) for role in r.content.roles.values())
    updated = max(
        [s.updated for s in r.content.services.values()]
        + [role.updated for role in r.content.roles.values()]
    )
    return r.page(here, title, "\n\n".join(parts), updated)
