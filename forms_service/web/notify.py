"""The e-mail a submission writes into the outbox: the ``then`` hooks that the JSON API, the
HTML forms and the desk's own pages pass to ``actions.submit_pre_application``,
``actions.sign_up`` and ``actions.cancel`` (or ``event_desk.cancel``). They run inside the
submission's transaction, so the e-mail is kept with it or not at all; domain/mail.py
writes it, from the request's content snapshot and with absolute links on the public
address (``PORTAL_SITE_URL``), because an e-mail is read far from the request.

To the desk team (``PORTAL_TEAM_MAIL``, when set): every new pre-application and sign-up.
To the resident, when they gave an e-mail: the confirmation, and the place that came free.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from flask import current_app, url_for

from portal import urls

from ..domain import mail
from ..domain.event_text import text
from ..domain.references import cancel_token
from ..storage import outbox_store, store
from .db import database
from .i18n import content, messages
from .security import signing_key


def public(path: str) -> str:
    """``path`` as an absolute link on the public address."""
    return urls.site_url(current_app.config).rstrip("/") + path


def staff_event_path(event_id: str) -> str:
    return f"{urls.STAFF_PREFIX}/eventi/{event_id}"


def _team(wanted: bool) -> str:
    return current_app.config["PORTAL_TEAM_MAIL"].strip() if wanted else ""


def _italian():
    return messages(content().source_language)


def _team_pre_application(to: str, row: dict) -> mail.Mail:
    desk = content().desks.get(row["preferred_desk"])
    return mail.team_pre_application(
        to,
        row["reference"],
        text(_italian(), desk.name) if desk else row["preferred_desk"],
        public(url_for("staff_cases.detail", reference=row["reference"])),
    )


def _resident_pre_application(row: dict) -> mail.Mail:
    lang = row["lang"]
    return mail.pre_application_confirmation(
        messages(lang),
        row["email"],
        row["reference"],
        content().heating_grant,
        content().desks.get(row["preferred_desk"]),
        public(urls.status_form(lang)),
    )


def _team_registration(to: str, row: dict, event) -> mail.Mail:
    return mail.team_registration(
        to,
        row["reference"],
        mail.event_facts(_italian(), event),
        row["status"],
        row["people"],
        public(staff_event_path(event.id)),
    )


def _resident_registration(row: dict, event, promoted: bool) -> mail.Mail:
    lang, reference = row["lang"], row["reference"]
    m = messages(lang)
    token = cancel_token(signing_key(), reference)
    link = url_for("events.registration", lang=lang, reference=reference, t=token)
    return mail.registration_confirmation(
        m,
        row["email"],
        reference,
        row["status"],
        row["people"],
        mail.event_facts(m, event),
        public(link),
        promoted,
    )


def after_pre_application(team: bool = True) -> store.AfterSave:
    """``then`` for a new pre-application; ``team=False`` when the team made it itself."""

    def write(conn, row: dict) -> None:
        composers = []
        if to := _team(team):
            composers.append(partial(_team_pre_application, to, row))
        if row["email"]:
            composers.append(partial(_resident_pre_application, row))
        mail.enqueue(database(), conn, composers)

    return write


def after_sign_up(event, team: bool = True) -> store.AfterSave:
    """``then`` for a new sign-up to ``event``; ``team=False`` when the team made it itself."""

    def write(conn, row: dict) -> None:
        if event is None:  # pragma: no cover - a sign-up is always for an event
            return
        composers = []
        if to := _team(team):
            composers.append(partial(_team_registration, to, row, event))
        if row["email"]:
            composers.append(partial(_resident_registration, row, event, False))
        mail.enqueue(database(), conn, composers)

    return write


def after_promotion() -> Callable[[object, list], None]:
    """``then`` for a cancellation or a move by hand: each person who leaves the waiting list
    for a place, and gave an e-mail, hears so in their language, with their private link."""

    def write(conn, promoted: list) -> None:
        db = database()
        composers = []
        for reference in promoted:
            row = outbox_store.contact(db, conn, reference)
            event = content().events.get(row["event_id"]) if row else None
            if row and row["email"] and event is not None:
                composers.append(partial(_resident_registration, row, event, True))
        mail.enqueue(db, conn, composers)

    return write
