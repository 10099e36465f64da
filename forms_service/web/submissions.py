"""The resident's submissions as every web path makes them (the JSON API, the HTML forms and
the desk's pages): on the request's connection and content snapshot, with the service's
signing key, and with their e-mail written into the outbox in the same transaction. What is
valid, eligible or full is decided in domain/actions.py; this module only supplies the
request's parts, so the paths cannot drift apart.
"""

from __future__ import annotations

from portal.model.types import Event

from ..domain import actions
from ..domain.forms import PRE_APPLICATION, REGISTRATION, Facts, online_open
from ..storage import store
from . import notify
from .db import database, get_db
from .i18n import content, request_facts
from .requests import idempotency_key
from .security import signing_key


def pre_apply(
    data: dict,
    lang: str,
    key: str | None,
    facts: Facts | None = None,
    assisted: actions.Assisted | None = None,
    then: store.AfterSave | None = None,
) -> actions.Outcome:
    """``then`` defaults to the e-mail of a resident's own pre-application. While the online
    form is switched off, a resident's own is refused (kind "form_closed") before anything is
    read or stored."""
    if assisted is None and not online_open(content().forms, PRE_APPLICATION):
        return actions.Outcome("form_closed")
    return actions.submit_pre_application(
        database(),
        get_db(),
        data,
        content().heating_grant.rules,
        facts or request_facts(),
        lang,
        key,
        assisted=assisted,
        then=then or notify.after_pre_application(),
    )


def sign_up(
    event: Event | None,
    data: dict,
    lang: str,
    assisted: actions.Assisted | None = None,
    then: store.AfterSave | None = None,
) -> actions.Outcome:
    """The form's idempotency key comes from ``data``; ``then`` defaults to the e-mail of a
    resident's own sign-up, refused (kind "form_closed") while online sign-up is switched off."""
    if assisted is None and event is not None and not online_open(content().forms, REGISTRATION):
        return actions.Outcome("form_closed")
    return actions.sign_up(
        database(),
        get_db(),
        event,
        data,
        lang,
        idempotency_key(data),
        actions.now(),
        signing_key(),
        assisted=assisted,
        then=then or notify.after_sign_up(event),
    )


def cancel(reference: str, token: str) -> actions.Outcome:
    """With the private link's token; whoever then gets a place hears so by e-mail."""
    return actions.cancel(
        database(),
        get_db(),
        content().events,
        reference,
        token,
        signing_key(),
        then=notify.after_promotion(),
    )
