"""Courses and events: one page each, and one index page for both."""

from __future__ import annotations

from datetime import datetime

from babel import Locale

from ...posters.compose import has_poster
from ...urls import ACTIVITIES_FOLDER, event_calendar, event_form, events_calendar
from .context import Page, Renderer
from .desks import calendar_link, desk_path, poster_link
from .services import status_line, where_to_go

FOLDER = ACTIVITIES_FOLDER


def course_path(course_id: str) -> str:
    return f"{FOLDER}/corso-{course_id}.md"


def event_path(event_id: str) -> str:
    return f"{FOLDER}/evento-{event_id}.md"


def language_names(r: Renderer, codes) -> str:
    return r.join(_language_name(r, code) for code in codes)  # "، " / "و" in Arabic


def _language_name(r: Renderer, code: str) -> str:
    name = Locale.parse(code, sep="-").get_display_name(r.locale)
    # The codes are site languages, all known to Babel (lang.unknown_locale); a missing
    # name would have failed in the join just the same.
    assert name is not None, code
    return name


def event_when(r: Renderer, event) -> str:
    """The date, or the period in words while the date (start, with its end) is to be
    confirmed."""
    path = "start"
    if not event.start or not event.end:
        return r.marked(event, path, r.inline(event.when), inline=True)
    if event.start.date() == event.end.date():
        when = r.at(r.date(event.start.date()), r.hours(event.start.time(), event.end.time()))
    else:
        when = f"{r.datetime(event.start)} – {r.datetime(event.end)}"
    return r.marked(event, path, when, inline=True)


def event_place(r: Renderer, event, here: str) -> str:
    place = event.place
    if place.desk:
        desk = r.content.desks[place.desk]
        line = f"{r.link(desk_path(desk.id), r.plain(desk.name), here)} — {r.desk_address(desk)}"
    else:
        line = place.address or ""
    line = f"{line} — {r.inline(place.note)}" if place.note and line else line
    return r.marked(event, "place", line, inline=True)


def event_signup(r: Renderer, event) -> str:
    if event.signup is None:
        return r.s("signup_not_open")
    return r.s(
        "signup_window", start=r.datetime(event.signup.opens), end=r.datetime(event.signup.closes)
    )


def render_event(r: Renderer, event) -> Page:
    here = event_path(event.id)
    title = r.plain(event.title)
    capacity = r.s("places", count=event.capacity) if event.capacity else ""
    facts = [
        (r.s("when"), event_when(r, event)),
        (r.s("where"), event_place(r, event, here)),
        # No capacity and nothing to confirm: no limit, nothing to say.
        (r.s("capacity"), r.marked(event, "capacity", capacity, inline=True)),
        # Languages are said only when known (or marked to be confirmed), never assumed.
        (r.s("languages"), r.marked(event, "languages", language_names(r, event.languages), True)),
        (r.s("signup"), event_signup(r, event)),
    ]
    lines = "\n".join(f"- **{label}**{r.colon}{value}" for label, value in facts if value)
    parts = [f"# {title}", r.marked(event, "description", r.block(event.description)), lines]
    if event.signup and not event.date_to_be_confirmed:
        parts.append(signup_button(r, event))
    if not event.date_to_be_confirmed:  # the build writes a feed for each dated event
        feed = event_calendar(r.lang, r.source, event.id)
        parts.append(calendar_link(r, r.s("calendar_add"), feed))
    if has_poster(event, r.today):
        parts.append(poster_link(r, "event", event.id))
    return r.page(here, title, "\n\n".join(parts), event.updated)


def signup_button(r: Renderer, event) -> str:
    """The sign-up form of the forms service; it says itself when sign-up is not open. While
    online sign-up is switched off (site_config/forms.yml), the desks instead."""
    if r.content.forms.online_forms.registration.state != "open":
        desks = where_to_go(r, r.content.desks, event_path(event.id))
        return (
            f'!!! warning "{r.s("form_closed_title")}"\n\n    {r.s("form_closed_event")}\n\n{desks}'
        )
    # Built once, this page cannot know whether places are left: with a capacity it
    # promises none, and sends to the live sign-up page, which counts them.
    if event.capacity is None:
        label, note = r.s("form_link_event"), ""
    else:
        label, note = r.s("form_link_event_live"), r.s("event_signup_live") + "\n\n"
    return f"{note}[{label}]({event_form(r.lang, event.id)}){{ .md-button .md-button--primary }}"


def course_when(r: Renderer, course) -> str:
    if course.sessions:
        return "\n".join(
            f"- {r.at(r.date(s.start.date()), r.hours(s.start.time(), s.end.time()))}"
            for s in course.sessions
        )
    return r.inline(course.when)


def render_course(r: Renderer, course) -> Page:
    here = course_path(course.id)
    title = r.plain(course.title)
    parts = [
        f"# {title}",
        r.marked(course, "summary", r.block(course.summary)),
        # "active" only with confirmed dates: the model derives it (Course.shown_status).
        status_line(r, course.shown_status),
        r.section(course, "audience", r.s("service_audience"), r.block(course.audience)),
        r.section(course, "sessions", r.s("when"), course_when(r, course)),
        r.section(course, "desks", r.s("where"), where_to_go(r, course.desks, here)),
        r.section(course, "languages", r.s("languages"), language_names(r, course.languages)),
        r.section(course, "how_to_join", r.s("how_to_join"), r.block(course.how_to_join)),
        r.section(course, "costs", r.s("service_costs"), r.block(course.costs)),
    ]
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
    if any(not event.date_to_be_confirmed for event in events):
        parts.append(calendar_link(r, r.s("calendar_events"), events_calendar(r.lang, r.source)))
    dates = [c.updated for c in r.content.courses.values()] + [e.updated for e in events]
    return r.page(here, title, "\n\n".join(parts), max(dates, default=r.today))
