"""Where is my pre-application? A resident types the reference and the phone number or
e-mail they gave, and sees only the status, in their language, with their desk's hours.

A wrong pair and an unknown reference get the same page, byte for byte (nothing typed is
echoed back). Failed lookups are throttled per client with the staff login's
Flask-Limiter; a resident over the limit gets a 429 page in their language. POST only, so
the phone number or e-mail never lands in a URL, a log line or the browser's history.
"""

from __future__ import annotations

import time

from flask import Blueprint, g

from portal import urls

from ..domain import casework, status
from ..domain.references import normalise
from .db import database, get_db
from .errors import render_error, request_lang
from .i18n import Messages, content, messages
from .pages import messages_for, rejected_bot, show
from .requests import payload
from .staff_auth import limiter

bp = Blueprint("status", __name__, url_prefix=f"{urls.FORMS_PREFIX}/<lang>/{urls.STATUS_FORM_SLUG}")
FIELDS = ("reference", "contact")
TRIES, MINUTES = 10, 15  # failed lookups per client
LIMIT = f"{TRIES} per {MINUTES} minutes"


def _failed(response) -> bool:
    return response.status_code != 200


def lookup_page(m: Messages, status_code: int = 200, **context):
    context = {"values": {}, "errors": {}, "not_found": False, **context}
    return show("status_lookup.html", m, status_code, **context)


def problems(m: Messages, values: dict) -> dict:
    """{field: message}, in the page's order: both are needed, the reference well formed."""
    found = {}
    for name in FIELDS:
        if not values[name]:
            found[name] = m.s("error_required_field", field=m.s(f"status_label_{name}"))
        elif name == "reference" and not normalise(values[name]):
            found[name] = m.s("status_error_reference")
    return found


@bp.get("/")
def form(lang):
    return lookup_page(messages_for(lang))


@bp.post("/")
@limiter.limit(LIMIT, methods=["POST"], deduct_when=_failed)
def lookup(lang):
    m = messages_for(lang)
    data = payload()
    if bot := rejected_bot(data, m):
        return bot
    values = {name: str(data.get(name) or "").strip()[:254] for name in FIELDS}
    if errors := problems(m, values):
        return lookup_page(m, 422, errors=errors, values=values)
    found = status.look_up(database(), get_db(), values["reference"], values["contact"])
    if found is None:  # nothing typed goes back on the page: the two cases stay identical
        return lookup_page(m, 404, not_found=True)
    desk = content().desks.get(found.preferred_desk)
    state = casework.STATES[found.status]
    return show(
        "status_result.html",
        m,
        reference=found.reference,
        state=state.code,
        still_open=state.open,
        grant=content().heating_grant,
        desks=[desk] if desk else list(content().desks.values()),
        chosen=desk is not None,
    )


@bp.errorhandler(429)
def too_many(error):
    """Over the failed-lookup limit: say so in the resident's language, and when to try again
    (the service's own per-minute limit keeps its usual page)."""
    current = limiter.current_limit
    if "retry_after" in g or current is None:
        return render_error(error)
    g.retry_after = max(1, int(current.reset_at - time.time()))
    m = messages(request_lang())
    return show("error.html", m, 429, message=m.s("status_too_many", minutes=MINUTES))
