"""Free-form pages (rules, project, privacy…) and the home page."""

from __future__ import annotations

from .context import Page, Renderer
from .desks import desk_path
from .easy import easy_link


def page_path(page_id: str) -> str:
    return f"{page_id}.md"


def data_retention(r: Renderer) -> str:
    """The retention periods, from the same settings `portal purge` applies."""
    retention = r.content.forms.retention
    items = [
        r.s("retention_pre_applications", months=retention.pre_applications_months),
        r.s("retention_registrations", days=retention.registrations_days_after_event),
        r.s("retention_audit_log", months=retention.audit_log_months),
        r.s("retention_not_eligible"),
    ]
    return "\n".join(
        [r.s("retention_intro"), ""]
        + [f"- {item}" for item in items]
        + ["", r.s("retention_proposal")]
    )


GENERATED = {"data_retention": data_retention}


def render_page(r: Renderer, page) -> Page:
    title = r.plain(page.title)
    parts = [f"# {title}", easy_link(r, page, page_path(page.id))]
    if page.summary:
        parts.append(r.block(page.summary))
    for section in page.sections:
        body = GENERATED[section.generated](r) if section.generated else r.block(section.body)
        parts.append(f"## {r.plain(section.heading)}\n\n{body}")
    return r.page(page_path(page.id), title, "\n\n".join(parts), page.updated)


def home_links(r: Renderer) -> list[tuple[str, str, str]]:
    """(path, title, one-line description) of every section, all one click from home."""
    links = [
        ("sportelli/index.md", r.s("desks_title"), r.s("home_desks")),
        (
            "contributo-riscaldamento.md",
            r.plain(r.content.heating_grant.title),
            r.inline(r.content.heating_grant.summary),
        ),
        ("servizi/index.md", r.s("services_title"), r.s("home_services")),
        ("corsi-ed-eventi/index.md", r.s("activities_title"), r.s("home_activities")),
    ]
    for page in r.content.pages.values():
        if page.placement == "main":
            summary = r.inline(page.summary) if page.summary else ""
            links.append((page_path(page.id), r.plain(page.title), summary))
    return links


def render_home(r: Renderer) -> Page:
    here = "index.md"
    title = r.s("site_name")
    parts = [f"# {title}", r.s("home_intro"), f"## {r.s('desks_title')}"]
    for desk in r.content.desks.values():
        link = r.link(desk_path(desk.id), r.plain(desk.name), here)
        parts.append(f"- **{link}**: {r.desk_hours(desk)} — {r.desk_address(desk)}")
    cards = [
        f"-   **{r.link(path, label, here)}**\n\n    {text}" for path, label, text in home_links(r)
    ]
    parts.append(f"## {r.s('home_what')}")
    parts.append('<div class="grid cards" markdown>\n\n' + "\n\n".join(cards) + "\n\n</div>")
    parts.append(r.s("home_offline"))
    updated = max([d.updated for d in r.content.desks.values()] + [r.content.heating_grant.updated])
    return r.page(here, title, "\n\n".join(parts), updated)
