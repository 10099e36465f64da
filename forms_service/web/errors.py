"""Errors as JSON for the API and as pages for people; never a traceback.

When the database cannot serve (``storage.db.Unavailable``, or a driver error that means
the same) the answer is a 503 with ``Retry-After``, and the log gets one line with the
cause. A person who posted a form gets the "busy" page with the desks' hours and the
same form again, filled: hidden fields re-post what they sent (with its submission id,
so trying again cannot store it twice), and a list shows what they typed.
"""

from __future__ import annotations

import logging

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from ..storage.db import Unavailable, unavailable
from .i18n import Messages, content, messages, pick_lang
from .logsafe import loggable

log = logging.getLogger("forms_service")
CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "media_type",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}
RETRY_AFTER_SECONDS = 60
# Never shown back on the busy page (re-posted hidden: a CSRF token must come back)...
SECRET_FIELDS = ("password", "csrf", "token")
# ... and never put in a page at all: a password is typed again.
UNSENT_FIELDS = ("password",)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def request_lang() -> str:
    parts = request.path.strip("/").split("/")
    from_path = parts[1] if len(parts) > 1 and parts[0] == "moduli" else None
    return pick_lang(from_path or request.args.get("lang"), content().codes)


def render_error(error: HTTPException):
    status = error.code or 500
    code = CODES.get(status, "server_error" if status >= 500 else "bad_request")
    m = messages(request_lang())
    message = m.s(f"error_{code}")
    # Keep the exception's own headers (a 405 must say which methods are Allowed).
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    if wants_json():
        return jsonify({"error": m.message(code, message)}), status, headers
    return render_template("error.html", m=m, status=status, message=message), status, headers


def handle_unavailable(error: Exception):
    down = unavailable(error) or Unavailable(str(error))
    # One line, the cause, no traceback: a database outage must not flood the log.
    log.warning(
        "database unavailable on %s %s: %s",
        request.method,
        loggable(request.path),
        loggable(down.cause),
    )
    m = messages(request_lang())
    message = m.s("error_unavailable")
    headers = [("Retry-After", str(RETRY_AFTER_SECONDS))]
    if wants_json():
        body = {"error": m.message("unavailable", message)}
        return jsonify(body), 503, headers
    page = render_template(
        "unavailable.html",
        m=m,
        message=message,
        desks=list(content().desks.values()),
        resend=resend(m),
    )
    return page, 503, headers


def resend(m: Messages) -> dict | None:
    """The posted form, to post again: every field hidden, the typed ones also listed."""
    if request.method != "POST" or not request.form:
        return None
    fields = [
        (name, value)
        for name, value in request.form.items(multi=True)
        if not any(word in name.lower() for word in UNSENT_FIELDS)
    ]
    labels = m.content.strings[m.source]
    shown = [
        (m.s(f"form_label_{name}"), value)
        for name, value in fields
        if value.strip()
        and f"form_label_{name}" in labels
        and not any(word in name.lower() for word in SECRET_FIELDS)
    ]
    return {"action": request.full_path.rstrip("?"), "fields": fields, "shown": shown}


def handle_crash(error: Exception):
    if unavailable(error) is not None:
        return handle_unavailable(error)
    # Log where it happened, never the submitted values (they are personal data).
    log.error(
        "unhandled %s on %s %s",
        type(error).__name__,
        request.method,
        loggable(request.path),  # decoded: a %0A in it would start a forged line
        exc_info=error,
    )
    return render_error(InternalServerError())


def init_app(app) -> None:
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(Unavailable, handle_unavailable)
    app.register_error_handler(Exception, handle_crash)
