"""An event's date and place as one sentence each, in one language, from one content snapshot:
the form pages and the outbox's e-mail say them the same way. No Flask: ``f`` is a
``portal.formats.Formats`` (the web layer's ``Messages`` is one), whose ``content`` is the
snapshot the sentence is made from."""

from __future__ import annotations

from portal.formats import Formats


def text(f: Formats, value) -> str:
    """A translatable content text in ``f``'s language (Italian when missing)."""
    return f.fill(value.resolve(f.lang, f.source)[0]) if value else ""


def event_when(f: Formats, event) -> str:
    if event.date_to_be_confirmed or event.start is None:
        when = f.s("date_to_be_confirmed")
        return f"{when}. {text(f, event.when)}" if event.when else when
    if event.end and event.start.date() == event.end.date():
        return f.at(f.date(event.start.date()), f.hours(event.start.time(), event.end.time()))
    return (
        f"{f.datetime(event.start)} – {f.datetime(event.end)}"
        if event.end
        else f.datetime(event.start)
    )


def event_place(f: Formats, event) -> str:
    desk = f.content.desks.get(event.place.desk) if event.place.desk else None
    line = f"{text(f, desk.name)} – {f.desk_address(desk)}" if desk else event.place.address or ""
    return f"{line}. {text(f, event.place.note)}" if event.place.note else line
