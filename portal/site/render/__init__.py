"""Pure rendering: ``render_site(content, today)`` returns every page of every language.

No file is read or written here and nothing depends on MkDocs: the output is
Markdown with front matter, plus a navigation tree per language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ...model import Content
from .activities import (
    course_path,
    event_path,
    render_activities_index,
    render_course,
    render_event,
)
from .context import Page, Renderer
from .desks import desk_path, render_desk, render_desk_index
from .easy import desk_facts, grant_rules, render_easy
from .grant import PATH as GRANT_PATH
from .grant import render_grant
from .pages import page_path, render_home, render_page
from .services import render_service, render_service_index, service_path

# UI strings used by the theme templates rather than by page bodies.
THEME_STRINGS = (
    "footer_about",
    "not_found_title",
    "not_found_text",
    "unreviewed_notice",
    "unreviewed_link",
    "legal_links",
    "footer_help",
)


@dataclass(frozen=True)
class NavItem:
    title: str
    path: str | None = None
    children: tuple = field(default=())


@dataclass(frozen=True)
class Footer:
    title: str
    path: str


@dataclass(frozen=True)
class LanguageSite:
    lang: str
    pages: tuple[Page, ...]
    nav: tuple[NavItem, ...]
    footer: tuple[Footer, ...]
    site_name: str
    strings: dict  # UI strings the theme needs, already in this language (or Italian)


def _section(title: str, index: Page, pages: list[Page]) -> NavItem:
    return NavItem(
        title,
        None,
        (NavItem(index.title, index.path),) + tuple(NavItem(p.title, p.path) for p in pages),
    )


def render_language(content: Content, lang: str, today: date) -> LanguageSite:
    def r() -> Renderer:  # a fresh renderer per page, so fallback notices stay per page
        return Renderer(content, lang, today)

    desks = [render_desk(r(), d) for d in content.desks.values()]
    services = [render_service(r(), s) for s in content.services.values()]
    courses = [render_course(r(), c) for c in content.courses.values()]
    events = [render_event(r(), e) for e in content.events.values()]
    pages = {p.id: render_page(r(), p) for p in content.pages.values()}
    home, grant = render_home(r()), render_grant(r())
    desk_index, service_index = render_desk_index(r()), render_service_index(r())
    activity_index = render_activities_index(r())
    strings = r()
    nav = (
        NavItem(home.title, home.path),
        _section(strings.s("desks_title"), desk_index, desks),
        NavItem(grant.title, grant.path),
        _section(strings.s("services_title"), service_index, services),
        _section(strings.s("activities_title"), activity_index, courses + events),
    ) + tuple(
        NavItem(pages[p.id].title, pages[p.id].path)
        for p in content.pages.values()
        if p.placement == "main"
    )
    footer = tuple(
        Footer(pages[p.id].title, pages[p.id].path)
        for p in content.pages.values()
        if p.placement == "footer"
    )
    everything = (
        [
            home,
            desk_index,
            *desks,
            grant,
            service_index,
            *services,
            activity_index,
            *courses,
            *events,
        ]
        + list(pages.values())
        + easy_pages(content, lang, r)
    )
    theme_strings = {key: strings.s(key) for key in THEME_STRINGS}
    return LanguageSite(lang, tuple(everything), nav, footer, strings.s("site_name"), theme_strings)


def easy_pages(content: Content, lang: str, r) -> list[Page]:
    """Italiano semplice versions, for the Italian site only."""
    if lang != content.source_language:
        return []
    pages = []
    for desk in content.desks.values():
        if desk.easy:
            renderer = r()
            pages.append(
                render_easy(
                    renderer,
                    desk,
                    desk_path(desk.id),
                    desk.name.get(lang),
                    desk_facts(renderer, desk),
                )
            )
    grant = content.heating_grant
    if grant.easy:
        renderer = r()
        title = grant.title.get(lang)
        assert title is not None  # lang is the source language, whose text is required
        pages.append(
            render_easy(
                renderer, grant, GRANT_PATH, title, block=grant_rules(renderer, grant.rules)
            )
        )
    pages += [
        render_easy(r(), p, page_path(p.id), p.title.get(lang))
        for p in content.pages.values()
        if p.easy
    ]
    return pages


def render_site(content: Content, today: date) -> tuple[LanguageSite, ...]:
    return tuple(render_language(content, code, today) for code in content.codes)


__all__ = [
    "LanguageSite",
    "NavItem",
    "Page",
    "course_path",
    "desk_path",
    "event_path",
    "page_path",
    "render_site",
    "service_path",
]
