"""Free-form pages (rules, project, privacy…) and the home page."""

from __future__ import annotations

from .context import Page, Renderer
from .desks import contacts_list, desk_path
from .easy import easy_link
from .openings import openings_line
from .punctuation import WANTED


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
    pending = r.content.forms.pending("retention") is not None
    settled = r.s("retention_proposal") if pending else r.s("retention_confirmed")
    return "\n".join([r.s("retention_intro"), ""] + [f"- {item}" for item in items] + ["", settled])


def _mark(r: Renderer, char: str) -> str:
    """``char`` as this language's script writes it (Chinese "：", "（")."""
    return WANTED.get(r.lang, {}).get(char, char)


def in_list(label: str) -> str:
    """A field's label inside a sentence's list: "Email" becomes "email", "ISEE" stays."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def form_notice(r: Renderer, name: str, form) -> str:
    """What one online form collects, why, on which legal basis, who sees it, how long."""
    heading = f"### {r.s(f'privacy_form_{name}')}"
    if form.state != "open":
        return f"{heading}\n\n{r.s('privacy_form_closed')}"
    forms = r.content.forms
    retention = forms.retention
    keep = {
        "pre_application": lambda: r.s(
            "privacy_keep_pre_application", months=retention.pre_applications_months
        ),
        "registration": lambda: r.s(
            "privacy_keep_registration", days=retention.registrations_days_after_event
        ),
    }[name]()
    labels = [
        r.s(f"privacy_label_{field}")
        if f"privacy_label_{field}" in r.content.strings[r.source]
        else r.s(f"form_label_{field}")
        for field in form.collects
    ]
    facts = [
        ("privacy_collects", r.join(labels[:1] + [in_list(label) for label in labels[1:]])),
        ("privacy_purpose", r.inline(form.purpose)),
        (
            "privacy_legal_basis",
            r.marked(
                forms, f"online_forms.{name}.legal_basis", r.inline(form.legal_basis.text), True
            ),
        ),
        ("privacy_seen_by", r.inline(form.seen_by)),
        ("privacy_how_long", r.marked(forms, "retention", keep, inline=True)),
    ]
    colon = _mark(r, ":") if _mark(r, ":") != ":" else ": "
    return heading + "\n\n" + "\n".join(f"- **{r.s(key)}**{colon}{text}" for key, text in facts)


def online_forms(r: Renderer) -> str:
    forms = r.content.forms.online_forms
    return "\n\n".join(
        form_notice(r, name, getattr(forms, name)) for name in ("pre_application", "registration")
    )


GENERATED = {"data_retention": data_retention, "online_forms": online_forms}


def render_page(r: Renderer, page) -> Page:
    title = r.plain(page.title)
    parts = [f"# {title}", easy_link(r, page, page_path(page.id))]
    if page.summary:
        parts.append(r.marked(page, "summary", r.block(page.summary)))
    for i, section in enumerate(page.sections):
        body = GENERATED[section.generated](r) if section.generated else r.block(section.body)
        # A section in to_confirm (sections[2], or its body) shows its text inside the marker.
        parts.append(f"## {r.plain(section.heading)}\n\n{r.marked(page, f'sections[{i}]', body)}")
    # Its contacts (site_config/contacts.yml), listed as a desk's or a service's are.
    parts.append(r.section(page, "contacts", r.s("contacts"), contacts_list(r, page.contacts)))
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
        next_ones = openings_line(r, desk)
        parts.append(
            f"- **{link}**{r.colon}{r.desk_hours(desk)} — {r.desk_address(desk)}<br>{next_ones}"
        )
    cards = [
        f"-   **{r.link(path, label, here)}**\n\n    {text}" for path, label, text in home_links(r)
    ]
    parts.append(f"## {r.s('home_what')}")
    parts.append('<div class="grid cards" markdown>\n\n' + "\n\n".join(cards) + "\n\n</div>")
    parts.append(r.s("home_offline"))
    updated = max([d.updated for d in r.content.desks.values()] + [r.content.heating_grant.updated])
    return r.page(here, title, "\n\n".join(parts), updated)
