"""What every HTML form page shares: the look of the site, the language, and answers that
suit both a plain browser (a page, a 303 redirect) and forms.js (JSON, no reload).

Its blueprint ``forms`` carries the static files, the template helpers and filters;
the pages themselves are in grant_pages.py and event_pages.py, one blueprint each.

Every POST answers JSON when the request asks for it with ``Accept: application/json``:
``422 {"errors": {field: message}}``, ``{"redirect": url}`` on success, and
``{"error": {code, message}}`` otherwise, each message with its language (``errors_lang``,
the error's ``lang``). The same handlers serve both, so the form works the same with
JavaScript on or off.
"""

from __future__ import annotations

import uuid
from functools import lru_cache
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup

from portal import markup, urls

from ..storage import store
from .i18n import Messages, content, messages, wrapped
from .security import HONEYPOT, honeypot_filled

bp = Blueprint(
    "forms",
    __name__,
    url_prefix=urls.FORMS_PREFIX,
    static_folder="static",
    static_url_path="/static",
)


# --- the site's look ---------------------------------------------------------------------


@lru_cache(maxsize=8)
def _stylesheets(site_dir: str, stamp: float) -> tuple[str, ...]:
    folder = Path(site_dir) / "assets" / "stylesheets"
    found = sorted(folder.glob("main.*.min.css")) + sorted(folder.glob("palette.*.min.css"))
    return tuple(f"/assets/stylesheets/{p.name}" for p in found) + (
        ("/assets/stylesheets/portal.css",) if (folder / "portal.css").exists() else ()
    )


PAGE_BLUEPRINTS = ("grant", "events", "status")  # the pages that exist in every language


def site_home(lang: str) -> str:
    return urls.site_home(lang, content().source_language)


def privacy_link(lang: str) -> str:
    return urls.privacy_page(lang, content().source_language)


def language_links() -> list[tuple]:
    """(language, url) for this same page in every language; [] on pages without a lang."""
    args = dict(request.view_args or {})
    endpoint = request.endpoint
    if endpoint is None or request.blueprint not in PAGE_BLUEPRINTS or "lang" not in args:
        return []
    query = request.args.to_dict()  # keeps the private ?t= of a registration page
    return [
        (language, url_for(endpoint, **{**args, **query, "lang": language.code}))
        for language in content().languages
    ]


@bp.app_context_processor
def site_links():
    site_dir = Path(current_app.config["PORTAL_ROOT"]) / "site"

    def site_stylesheets():
        stamp = site_dir.stat().st_mtime if site_dir.exists() else 0.0
        return _stylesheets(str(site_dir), stamp)

    return {
        "site_stylesheets": site_stylesheets,
        "site_home": site_home,
        "language_links": language_links,
        "honeypot": HONEYPOT,
    }


@bp.app_template_filter("md")
def markdown_filter(text: str) -> Markup:
    """Content texts are simple Markdown written by the team (trusted, like the site's);
    one shown in Italian for want of a translation says so (i18n.Said)."""
    return wrapped(text, markup.to_html(text), "div")


@bp.app_template_filter("md_inline")
def markdown_inline_filter(text: str) -> Markup:
    return wrapped(text, markup.to_inline_html(text), "span")


# --- requests and answers ------------------------------------------------------------------


def messages_for(lang: str) -> Messages:
    if lang not in content().codes:
        abort(404)
    return messages(lang)


def wants_json() -> bool:
    return (
        request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"
    )


def go(url: str):
    """After a successful POST: 303 for a browser (no resubmission on reload), JSON for forms.js."""
    return jsonify({"redirect": url}) if wants_json() else redirect(url, 303)


def show(template: str, m: Messages, status: int = 200, **context):
    return render_template(template, m=m, **context), status


def invalid(template: str, m: Messages, errors: dict, order=(), overrides=None, **context):
    """The same page again (422) with every error, in the form's order, next to its field."""
    found = m.errors(errors, named=True)
    found.update({k: v for k, v in (overrides or {}).items() if k in found})
    ranked = sorted(found, key=lambda k: order.index(k) if k in order else len(order))
    found = {k: found[k] for k in ranked}
    if wants_json():  # forms.js shows the summary's lines as the page would
        summary = {name: m.summary_line(name, message) for name, message in found.items()}
        return jsonify(m.texts(errors=found, summary=summary)), 422
    return show(template, m, 422, errors=found, **context)


def choose_overrides(errors: dict, fields, m: Messages) -> dict:
    """A radio question left empty: "choose an answer" says more than "this field is required",
    and names the question when it has a label."""
    found = {}
    for name in fields:
        if name in errors and errors[name].code == "required":
            label = m.label(name)
            found[name] = (
                m.s("form_error_choose_field", field=label) if label else m.s("form_error_choose")
            )
    return found


def refuse(status: int, code: str, m: Messages, **params):
    """A page (or JSON) that says why nothing was done, with the way back to the site."""
    message = m.s(f"error_{code}", **params)
    if wants_json():
        return jsonify({"error": m.message(code, message)}), status
    return show("error.html", m, status, message=message)


def rejected_bot(data: dict, m: Messages):
    return refuse(400, "rejected", m) if honeypot_filled(data) else None


def new_submission_id() -> str:
    """The idempotency key of one filled-in form: the same on a double click or a resend."""
    return str(uuid.uuid4())


def _path_messages() -> Messages:
    parts = request.path.strip("/").split("/")
    lang = parts[1] if len(parts) > 1 and parts[1] in content().codes else content().codes[0]
    return messages(lang)


def key_reused(_error):
    """An idempotency key first used for another form."""
    return refuse(422, "key_reused", _path_messages())


def key_changed(_error):
    """This form's submission id sent again with other answers: the first one was stored
    and nothing else is; to send new answers, the resident starts the form again."""
    return refuse(422, "key_changed", _path_messages())


def answer_key_errors(bp) -> None:
    """A resident form's blueprint answers a reused or changed submission id with a page."""
    bp.register_error_handler(store.KeyReused, key_reused)
    bp.register_error_handler(store.KeyMismatch, key_changed)
