"""Errors as JSON for the API and as pages for people; never a traceback."""

from __future__ import annotations

import logging

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from .i18n import content, messages, pick_lang

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
}


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
        return jsonify({"error": {"code": code, "message": message}}), status, headers
    return render_template("error.html", m=m, status=status, message=message), status, headers


def handle_crash(error: Exception):
    # Log where it happened, never the submitted values (they are personal data).
    log.error(
        "unhandled %s on %s %s", type(error).__name__, request.method, request.path, exc_info=error
    )
    return render_error(InternalServerError())


def init_app(app) -> None:
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(Exception, handle_crash)
