"""Reading a submission: JSON or a form-encoded body, an optional idempotency key."""

from __future__ import annotations

import re

from flask import abort, request

KEY = re.compile(r"^[A-Za-z0-9._:\-]{8,100}$")


def payload() -> dict:
    """The body as a flat dict of raw values; 400 when it is not an object, 415 when not a form."""
    if request.is_json:
        try:
            data = request.get_json(silent=True)
        except RecursionError:  # "[[[[…]]]]" nested deeper than json can parse: was a 500
            data = None
        if not isinstance(data, dict):
            abort(400)
        return data
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return {key: request.form.get(key) for key in request.form}
    if not request.content_length:
        return {}
    abort(415)


def idempotency_key(data: dict) -> str | None:
    """From the Idempotency-Key header or the form's hidden submission id; 400 when malformed."""
    key = request.headers.get("Idempotency-Key") or data.get("submission_id")
    if key is None or key == "":
        return None
    # fullmatch: with match, "$" let a trailing newline through ("abcdefgh\n" was a key).
    if not isinstance(key, str) or not KEY.fullmatch(key):
        abort(400)
    return key
