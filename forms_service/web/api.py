"""The JSON API under /api: eligibility, pre-applications, events and registrations.

Bodies may be JSON or form-encoded. Messages follow the request's ``lang``
(falling back to Italian), and each says which language it is in: ``lang`` in an error or a
reason, ``<name>_lang`` beside any other text (i18n.Messages.texts). The contract is in
``openapi.py``, served at /api/openapi.json and fuzzed by the tests.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request, url_for

from portal import urls

from ..domain import actions
from ..domain.events import iso, signup_state
from ..domain.forms import most_people
from ..storage import store
from . import submissions
from .db import database, get_db
from .errors import RETRY_AFTER_SECONDS
from .i18n import Messages, content, messages, pick_lang, request_facts
from .openapi import openapi_document
from .ratelimit import limiter
from .requests import idempotency_key, payload
from .security import honeypot_filled, signing_key

bp = Blueprint("api", __name__, url_prefix=urls.API_PREFIX)


def asked_lang(value=None) -> Messages:
    """Messages in the language the request asks for (``lang``), else Italian."""
    return messages(pick_lang(value or request.args.get("lang"), content().codes))


def reasons_json(reasons, m: Messages) -> list[dict]:
    return [m.message(r.code, m.reason(r)) for r in reasons]


def error(status: int, code: str, m: Messages, **params):
    response = jsonify({"error": m.message(code, m.s(f"error_{code}", **params))})
    return response, status


def read() -> tuple[dict, Messages]:
    data = payload()
    return data, asked_lang(data.get("lang"))


@bp.get("/health")
def health():
    """Readiness: every dependency answers. 503 names the one that does not."""
    checks = {"database": _state(database().check())}
    if current_app.config["PORTAL_REDIS_URL"]:
        checks["redis"] = _state(_redis_down())
    up = all(state == "ok" for state in checks.values())
    body = {"status": "ok" if up else "unavailable", "checks": checks}
    body["languages"] = list(content().codes)
    if up:
        return jsonify(body)
    return jsonify(body), 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


@bp.get("/live")
@limiter.exempt  # a load balancer asks often, and the answer costs nothing
def live():
    """Liveness: the process answers; touches neither the database nor Redis."""
    return jsonify({"status": "alive"})


def _state(cause: str | None) -> str:
    return "ok" if cause is None else f"down: {cause}"[:200]


def _redis_down() -> str | None:
    """None when Redis answers a PING within a quarter of a second, else the cause."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    client = current_app.extensions.get("portal_health_redis")
    if client is None:
        client = redis.Redis.from_url(
            current_app.config["PORTAL_REDIS_URL"],
            socket_connect_timeout=0.25,
            socket_timeout=0.25,
            retry=Retry(NoBackoff(), 0),
        )
        current_app.extensions["portal_health_redis"] = client
    try:
        client.ping()
    except redis.RedisError as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return None


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(content()))


@bp.post("/heating-grant/eligibility")
def eligibility():
    data, m = read()
    outcome = actions.check_eligibility(data, content().heating_grant.rules, request_facts())
    if outcome.kind == "invalid":
        return jsonify(m.texts(errors=m.errors(outcome.errors))), 422
    return jsonify({"eligible": not outcome.reasons, "reasons": reasons_json(outcome.reasons, m)})


@bp.post("/heating-grant/pre-applications")
def pre_application():
    data, m = read()
    if honeypot_filled(data):
        return error(400, "rejected", m)
    outcome = submissions.pre_apply(data, m.lang, idempotency_key(data))
    if outcome.kind == "form_closed":
        return error(409, "form_closed", m)
    if outcome.kind == "invalid":
        return jsonify(m.texts(errors=m.errors(outcome.errors))), 422
    if outcome.kind == "ineligible":
        return jsonify({"eligible": False, "reasons": reasons_json(outcome.reasons, m)}), 422
    body = pre_application_json(outcome.reference, data.get("preferred_desk"), m)
    response = jsonify(body)
    response.headers["Idempotent-Replayed"] = str(outcome.kind == "replayed").lower()
    return response, 201


def pre_application_json(reference: str, desk_id: str, m: Messages) -> dict:
    return {
        "reference": reference,
        "status": "received",
        "confirmation_url": url_for("grant.done", lang=m.lang, reference=reference),
        **_what_comes_next(desk_id, m),
    }


# (lang, desk) -> (the content snapshot it was written from, the answer's fixed part). The
# same for every pre-application until the content changes, and formatting the hours (Babel)
# was a fifth of a pre-application's time; a value from an older snapshot is never used.
_next_steps: dict[tuple[str, str], tuple[object, dict]] = {}


def _what_comes_next(desk_id: str, m: Messages) -> dict:
    snapshot = content()
    found = _next_steps.get((m.lang, desk_id))
    if found is not None and found[0] is snapshot:
        return _with_next(found[1], snapshot.desks[desk_id], m)
    grant, desk = snapshot.heating_grant, snapshot.desks[desk_id]
    part = {
        **m.texts(
            next_steps=m.text(grant.what_happens_next),
            documents=[m.text(item) for item in grant.what_to_bring],
        ),
        "desk": {
            "id": desk.id,
            **m.texts(name=m.text(desk.name), address=m.desk_address(desk)),
            "hours": m.desk_hours(desk),
        },
    }
    _next_steps[(m.lang, desk_id)] = (snapshot, part)
    return _with_next(part, desk, m)


def _with_next(part: dict, desk, m: Messages) -> dict:
    """The fixed part with the desk's next opening at this request's time (not cached with
    it: "open now" ends)."""
    return {**part, "desk": {**part["desk"], "next": m.desk_next(desk)}}


def event_json(event, m: Messages) -> dict:
    confirmed, waiting = store.places_taken(database(), get_db(), event.id)
    left = None if event.capacity is None else max(event.capacity - confirmed, 0)
    return {
        "id": event.id,
        **m.texts(title=m.text(event.title)),
        "start": iso(event.start),
        "end": iso(event.end),
        "timezone": event.timezone,
        "date_to_be_confirmed": event.date_to_be_confirmed,
        "capacity": event.capacity,
        "max_group": most_people(event),
        "places_left": left,
        "waitlist_people": waiting,
        "signup": {
            "opens": iso(event.signup.opens) if event.signup else None,
            "closes": iso(event.signup.closes) if event.signup else None,
            "state": signup_state(event, actions.now()),
        },
        "languages": list(event.languages),
    }


@bp.get("/events")
def events():
    m = asked_lang()
    return jsonify({"events": [event_json(e, m) for e in content().events.values()]})


@bp.get("/events/<event_id>")
def event(event_id):
    m = asked_lang()
    found = content().events.get(event_id)
    if found is None:
        return error(404, "event_unknown", m)
    return jsonify(event_json(found, m))


@bp.post("/events/<event_id>/registrations")
def register(event_id):
    data, m = read()
    if honeypot_filled(data):
        return error(400, "rejected", m)
    found = content().events.get(event_id)
    outcome = submissions.sign_up(found, data, m.lang)
    if outcome.kind == "unknown":
        return error(404, "event_unknown", m)
    if outcome.kind == "form_closed":
        return error(409, "form_closed", m)
    if outcome.kind == "closed":
        return error(409, f"signup_{outcome.state}", m)
    if outcome.kind == "already_signed_up":
        return error(409, "already_signed_up", m)
    if outcome.kind == "invalid":
        return jsonify(m.texts(errors=m.errors(outcome.errors))), 422
    response = private(jsonify(registration_json(outcome, m)))
    response.headers["Idempotent-Replayed"] = str(outcome.kind == "replayed").lower()
    return response, 201


def registration_json(outcome, m: Messages) -> dict:
    registration = outcome.registration
    return {
        "reference": registration.reference,
        "status": registration.status,
        "event_id": registration.event_id,
        "people": registration.people,
        "cancel_token": outcome.token,
        "manage_url": url_for(
            "events.registration", lang=m.lang, reference=registration.reference, t=outcome.token
        ),
        **m.texts(message=m.s(f"registration_{registration.status}")),
    }


@bp.get("/registrations/<reference>")
def registration(reference):
    m = asked_lang()
    outcome = actions.find_registration(
        database(), get_db(), reference, request.args.get("token", ""), signing_key()
    )
    return registration_response(outcome, m)


@bp.post("/registrations/<reference>/cancel")
def cancel(reference):
    data, m = read()
    outcome = submissions.cancel(reference, str(data.get("token") or ""))
    return registration_response(outcome, m)


def registration_response(outcome, m: Messages):
    if outcome.kind == "unknown":
        return error(404, "registration_unknown", m)
    if outcome.kind == "forbidden":
        return error(403, "token_wrong", m)
    body = registration_json(outcome, m)
    body["promoted"] = len(outcome.promoted)
    return private(jsonify(body))


def private(response):
    """An answer holding a registration's private cancel token: no cache may keep it."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(store.KeyReused)
def key_reused(_error):
    return error(422, "key_reused", asked_lang())


@bp.errorhandler(store.KeyMismatch)
def key_changed(_error):
    """The key was first sent with another body: nothing of that submission is answered."""
    return error(422, "key_changed", asked_lang())
