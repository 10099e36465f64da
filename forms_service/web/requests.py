"""Reading a submission: JSON or a form-encoded body, an optional idempotency key.

Unreadable characters stop here. A NUL cannot be stored in PostgreSQL and a lone surrogate
("\\ud800", which JSON can spell) cannot be encoded at all, neither into a page nor into the
database: every value of a body (JSON or form) and of the query string has them replaced by
U+FFFD, the character that stands for "unreadable". The resident keeps the form and sees a
field error where the character was (the text parsers refuse U+FFFD as ``text_control``);
a path holding one is a 404 page in the path's language (no form is lost there).
"""

from __future__ import annotations

import re
from typing import Any

from flask import abort, request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

KEY = re.compile(r"^[A-Za-z0-9._:\-]{8,100}$")
REPLACEMENT = "\ufffd"
UNREADABLE = re.compile("[\x00\ud800-\udfff]")


def readable(text: str) -> str:
    """``text`` with every NUL and lone surrogate replaced by U+FFFD."""
    return UNREADABLE.sub(REPLACEMENT, text)


def _clean(value: Any) -> Any:
    """A JSON value with every string (keys too) made ``readable``."""
    if isinstance(value, str):
        return readable(value)
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(item) for item in value]
    return value


def _cleaned(pairs: MultiDict) -> ImmutableMultiDict | None:
    """A cleaned copy of a query string or form, or None when there was nothing to clean."""
    items = list(pairs.items(multi=True))
    if not any(
        UNREADABLE.search(k) or UNREADABLE.search(v) for k, v in items if isinstance(v, str)
    ):
        return None
    return ImmutableMultiDict(
        [(readable(k), readable(v) if isinstance(v, str) else v) for k, v in items]
    )


def clean_request() -> None:
    """before_request: no NUL or lone surrogate reaches a view, a template or the database,
    whichever way the view reads the request (``payload()``, ``request.form``, ``request.args``,
    Flask-WTF)."""
    if UNREADABLE.search(request.path):  # no page has such an address
        abort(404)
    if (args := _cleaned(request.args)) is not None:
        request.args = args  # werkzeug's cached_property takes a value
    form_body = request.method != "GET" and request.mimetype in FORM_TYPES  # parsed only then
    if form_body and (form := _cleaned(request.form)) is not None:
        request.form = form


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def payload() -> dict:
    """The body as a flat dict of raw values; 400 when it is not an object, 415 when not a form."""
    if request.is_json:
        try:
            data = request.get_json(silent=True)
        except RecursionError:  # "[[[[…]]]]" nested deeper than json can parse: was a 500
            data = None
        if not isinstance(data, dict):
            abort(400)
        return _clean(data)
    if request.mimetype in FORM_TYPES:
        return {readable(key): _clean(request.form.get(key)) for key in request.form}
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
