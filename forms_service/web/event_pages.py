"""Event sign-up as pages: the event and its form, then a private page per registration
where the resident sees the status and can cancel.

The private page's link carries a token (``?t=``). Opening it never changes anything:
cancelling is a POST, so a link preview or a bot that follows links cannot cancel.
"""

from __future__ import annotations

from flask import Blueprint, abort, request, url_for

from portal import urls

from ..domain import actions
from ..domain.event_text import event_place, event_when
from ..domain.events import signup_state
from ..domain.forms import REGISTRATION as FORM
from ..domain.forms import most_people, online_open
from ..storage import store
from . import submissions
from .db import database, get_db
from .i18n import Messages, content
from .pages import (
    answer_key_errors,
    go,
    invalid,
    messages_for,
    new_submission_id,
    privacy_link,
    refuse,
    rejected_bot,
    show,
    wants_json,
)
from .requests import payload
from .security import signing_key

bp = Blueprint("events", __name__, url_prefix=f"{urls.FORMS_PREFIX}/<lang>")
answer_key_errors(bp)
EVENT = f"/{urls.EVENT_FORM_SLUG}/<event_id>/"
REGISTRATION = "/iscrizione/<reference>"


def event_facts(lang: str, m: Messages, event) -> dict:
    confirmed, waiting = store.places_taken(database(), get_db(), event.id)
    left = None if event.capacity is None else max(event.capacity - confirmed, 0)
    # What a new sign-up gets, by store.register's rule (first come, first served): a place
    # only while nobody is waiting, so "1 free place" with people waiting means the list.
    to_waitlist = left == 0 or bool(left and waiting)
    return {
        "title": m.text(event.title),
        "when": event_when(m, event),
        "where": event_place(m, event),
        "left": left,
        "waiting": waiting,
        "to_waitlist": to_waitlist,
        "closes": m.datetime(event.signup.closes) if event.signup else None,
        "page": urls.event_page(lang, content().source_language, event.id),
        # Its iCalendar feed, which the site's build writes for every dated event.
        "calendar": None
        if event.date_to_be_confirmed
        else urls.event_calendar(lang, content().source_language, event.id),
    }


def found_event(event_id: str):
    event = content().events.get(event_id)
    if event is None:
        abort(404)
    return event


def closed_page(lang: str, m: Messages, event, state: str):
    """Sign-up not open (yet), closed, past or without a date: say so instead of a form."""
    if wants_json():
        return refuse(409, f"signup_{state}", m)
    return show(
        "event_closed.html",
        m,
        409,
        event=event_facts(lang, m, event),
        message=m.s(f"error_signup_{state}"),
    )


def switched_off_page(lang: str, m: Messages, event):
    """Online sign-up is switched off (site_config/forms.yml): say so, nothing stored, and
    send to the desks with their days and hours."""
    if wants_json():
        return refuse(409, "form_closed", m)
    return show(
        "event_closed.html",
        m,
        409,
        event=event_facts(lang, m, event),
        title=m.s("form_closed_title"),
        message=m.s("form_closed_event"),
        desks=list(content().desks.values()),
    )


def event_page(lang: str, m: Messages, event, values: dict, errors=None):
    context = dict(
        event=event_facts(lang, m, event),
        values=values,
        most=most_people(event),
        privacy=privacy_link(lang),
        event_id=event.id,
    )
    if errors is not None:
        return invalid(
            "event.html",
            m,
            errors,
            order=FORM.names,
            overrides={"consent": m.s("error_consent")},
            **context,
        )
    return show("event.html", m, errors={}, **context)


@bp.get(EVENT)
def event(lang, event_id):
    m, found = messages_for(lang), found_event(event_id)
    if not online_open(content().forms, FORM):
        return switched_off_page(lang, m, found)
    state = signup_state(found, actions.now())
    if state != "open":
        return closed_page(lang, m, found, state)
    return event_page(lang, m, found, {"people": "1", "submission_id": new_submission_id()})


@bp.post(EVENT)
def signup(lang, event_id):
    m, found = messages_for(lang), found_event(event_id)
    data = payload()
    if bot := rejected_bot(data, m):
        return bot
    outcome = submissions.sign_up(found, data, m.lang)
    if outcome.kind == "form_closed":
        return switched_off_page(lang, m, found)
    if outcome.kind == "closed":
        return closed_page(lang, m, found, outcome.state)
    if outcome.kind == "already_signed_up":
        return refuse(409, "already_signed_up", m)
    if outcome.kind == "invalid":
        values = {name: str(data.get(name) or "") for name in (*FORM.names, "submission_id")}
        return event_page(lang, m, found, values, outcome.errors)
    return go(
        url_for("events.registration", lang=lang, reference=outcome.reference, t=outcome.token)
    )


# --- the private registration page -----------------------------------------------------------


def registration_answer(lang: str, m: Messages, outcome, template: str = "registration.html"):
    if outcome.kind == "unknown":
        return refuse(404, "registration_unknown", m)
    if outcome.kind == "forbidden":
        return refuse(403, "token_wrong", m)
    registration = outcome.registration
    event = content().events.get(registration.event_id)
    link = url_for(
        "events.registration",
        lang=lang,
        reference=registration.reference,
        t=outcome.token,
        _external=True,
    )
    return show(
        template,
        m,
        registration=registration,
        token=outcome.token,
        event=event_facts(lang, m, event) if event else None,
        link=link,
        errors={},
        cancel=url_for("events.cancel", lang=lang, reference=registration.reference),
        signup=url_for("events.event", lang=lang, event_id=registration.event_id),
        back=url_for(
            "events.registration", lang=lang, reference=registration.reference, t=outcome.token
        ),
    )


@bp.get(REGISTRATION)
def registration(lang, reference):
    m = messages_for(lang)
    outcome = actions.find_registration(
        database(), get_db(), reference, request.args.get("t", ""), signing_key()
    )
    return registration_answer(lang, m, outcome)


@bp.get(f"{REGISTRATION}/annulla")
def cancel_confirm(lang, reference):
    """Asks "cancel?", saying what it means, before anything changes: the registration page's
    button opens this (a GET: no JavaScript needed, and a link preview changes nothing)."""
    m = messages_for(lang)
    token = request.args.get("t", "")
    outcome = actions.find_registration(database(), get_db(), reference, token, signing_key())
    found = outcome.registration
    if outcome.kind == "found" and found is not None and found.status == "cancelled":
        return registration_answer(lang, m, outcome)
    return registration_answer(lang, m, outcome, "registration_cancel.html")


@bp.post(f"{REGISTRATION}/annulla")
def cancel(lang, reference):
    m = messages_for(lang)
    outcome = submissions.cancel(reference, str(payload().get("t") or ""))
    if outcome.kind != "cancelled":
        return registration_answer(lang, m, outcome)
    return go(
        url_for("events.registration", lang=lang, reference=outcome.reference, t=outcome.token)
    )
