"""Courses and events: one page each, and one index page for both."""

from __future__ import annotations

from datetime import datetime

from babel import Locale

from ...urls import ACTIVITIES_FOLDER, event_form
from .context import Page, Renderer
from .desks import desk_path
from .services import status_line, where_to_go

FOLDER = ACTIVITIES_FOLDER


def course_path(course_id: str) -> str:
    return f"{FOLDER}/corso-{course_id}.md"


def event_path(event_id: str) -> str:
    return f"{FOLDER}/evento-{event_id}.md"


def language_names(r: Renderer, codes) -> str:
    return ", ".join(_language_name(r, code) for code in codes)


def _language_name(r: Renderer, code: str) -> str:
    name = Locale.parse(code, sep="-").get_display_name(r.locale)
    # The codes are site languages, all known to Babel (lang.unknown_locale); a missing
    # name would have failed in the join just the same.
    assert name is not None, code
    return name


def event_when(r: Renderer, event) -> str:
    if event.date_to_be_confirmed or not event.start:
        when = r.s("date_to_be_confirmed")
        return f"{when}. {r.inline(event.when)}" if event.when else when
    if event.start.date() == event.end.date():
        return f"{r.date(event.start.date())}, {r.hours(event.start.time(), event.end.time())}"
    return f"{r.datetime(event.start)} – {r.datetime(event.end)}"


def event_place(r: Renderer, event, here: str) -> str:
    place = event.place
    if place.desk:
        desk = r.content.desks[place.desk]
        line = f"{r.link(desk_path(desk.id), r.plain(desk.name), here)} — {r.desk_address(desk)}"
    else:
        line = place.address
    return f"{line} — {r.inline(place.note)}" if place.note else line


def event_signup(r: Renderer, event) -> str:
    if event.signup is None:
        return r.s("signup_not_open")
    return r.s(
        "signup_window", start=r.datetime(event.signup.opens), end=r.datetime(event.signup.closes)
    )


def render_event(r: Renderer, event) -> Page:
    here = event_path(event.id)
    title = r.plain(event.title)
    capacity = r.s("places", count=event.capacity) if event.capacity else r.s("to_be_confirmed")
    facts = [
        f"- **{r.s('when')}**: {event_when(r, event)}",
        f"- **{r.s('where')}**: {event_place(r, event, here)}",
        f"- **{r.s('capacity')}**: {capacity}",
        f"- **{r.s('languages')}**: {language_names(r, event.languages)}",
        f"- **{r.s('signup')}**: {event_signup(r, event)}",
    ]
    parts = [f"# {title}", r.block(event.description), "\n".join(facts)]
    if event.signup and not event.date_to_be_confirmed:
        parts.append(signup_button(r, event))
    return r.page(here, title, "\n\n".join(parts), event.updated)


def signup_button(r: Renderer, event) -> str:
    """The sign-up form of the forms service; it says itself when sign-up is not open."""
    return (
        f"[{r.s('form_link_event')}]({event_form(r.lang, event.id)})"
        "{ .md-button .md-button--primary }"
    )


def course_when(r: Renderer, course) -> str:
    if course.sessions:
        return "\n".join(
            f"- {r.date(s.start.date())}, {r.hours(s.start.time(), s.end.time())}"
            for s in course.sessions
        )
    return r.inline(course.when) if course.when else r.s("date_to_be_confirmed")


def render_course(r: Renderer, course) -> Page:
    here = course_path(course.id)
    title = r.plain(course.title)
    parts = [f"# {title}", r.block(course.summary), status_line(r, course.status)]
    if course.audience:
        parts.append(f"## {r.s('service_audience')}\n\n{r.block(course.audience)}")
    parts.append(f"## {r.s('when')}\n\n{course_when(r, course)}")
    if course.desks:
        parts.append(f"## {r.s('where')}\n\n{where_to_go(r, course.desks, here)}")
    if course.languages:
        parts.append(f"## {r.s('languages')}\n\n{language_names(r, course.languages)}")
    parts.append(f"## {r.s('how_to_join')}\n\n{r.block(course.how_to_join)}")
    if course.costs:
        parts.append(f"## {r.s('service_costs')}\n\n{r.block(course.costs)}")
    return r.page(here, title, "\n\n".join(parts), course.updated)


def render_activities_index(r: Renderer) -> Page:
    here = f"{FOLDER}/index.md"
    title = r.s("activities_title")
    parts = [f"# {title}", f"## {r.s('courses_title')}"]
    for course in r.content.courses.values():
        link = r.link(course_path(course.id), r.plain(course.title), here)
        parts.append(f"- **{link}** — {r.inline(course.summary)}")
    parts.append(f"## {r.s('events_title')}")
    events = sorted(
        r.content.events.values(), key=lambda e: (e.start is None, e.start or datetime.min, e.id)
    )
    for event in events:
        link = r.link(event_path(event.id), r.plain(event.title), here)
        parts.append(f"- **{link}** — {event_when(r, event)}")
    if not events:
        parts.append(r.s("no_events"))
    dates = [c.updated for c in r.content.courses.values()] + [e.updated for e in events]
    return r.page(here, title, "\n\n".join(parts), max(dates, default=r.today))
