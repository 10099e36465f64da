"""A resident's requests about their own data (coordinators): find everything stored about
them by phone or e-mail, give them a copy (JSON), erase it. The rules are in
domain/subjects.py.

Every step is a POST with its CSRF token, so the phone or the e-mail never stands in an
address (and so in no access log or browser history); the audit log gets a masked form.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from flask import Blueprint, Response, abort, make_response, render_template
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import DataRequired, Length

from ..domain import subjects
from ..domain.casework import STATES
from .db import database, get_db
from .i18n import content
from .notify import after_promotion
from .staff_auth import actor, requires
from .staff_cookie import STAFF_PREFIX

bp = Blueprint("staff_subjects", __name__, url_prefix=STAFF_PREFIX)


class SearchForm(FlaskForm):
    cerca = StringField("Telefono o e-mail", validators=[DataRequired(), Length(max=254)])


class EraseForm(SearchForm):
    impronta = HiddenField(validators=[DataRequired(), Length(max=64)])
    conferma = BooleanField(
        "Ho verificato che la richiesta viene dalla persona e confermo la cancellazione "
        "definitiva di tutti questi dati",
        validators=[DataRequired()],
    )


def _page(status: int = 200, **shown) -> Response:
    site = content()
    page = render_template(
        "staff/subject.html",
        form=shown.pop("form", None) or SearchForm(),
        states=STATES,
        events={event_id: event.title.get("it") for event_id, event in site.events.items()},
        **shown,
    )
    return make_response(page, status)


def _searched(form: SearchForm) -> tuple[subjects.Key, subjects.Found]:
    """The key typed and what it finds; for an invalid form, the page that says why (400)."""
    if not form.validate_on_submit():
        abort(_page(400, form=form, refused="Scrivi un numero di telefono o un'e-mail."))
    try:
        key = subjects.Key.parse(form.cerca.data)
    except subjects.NotAKey as exc:
        abort(_page(400, form=form, refused=f"Non si può cercare: {exc}."))
    return key, subjects.find(database(), get_db(), key)


def _results(form: SearchForm, found: subjects.Found, status: int = 200, **more) -> Response:
    return _page(status, form=form, found=found, typed=form.cerca.data, **more)


@bp.get("/persona")
@requires("subjects:manage")
def start():
    return _page()


@bp.post("/persona")
@requires("subjects:manage")
def search():
    form = SearchForm()
    key, found = _searched(form)
    subjects.record_search(database(), get_db(), actor(), "subject.searched", key, found)
    return _results(form, found)


@bp.post("/persona/scarica")
@requires("subjects:manage")
def download():
    """Everything found, as a JSON file to hand to the person; audited."""
    key, found = _searched(SearchForm())
    subjects.record_search(database(), get_db(), actor(), "subject.downloaded", key, found)
    body = json.dumps(found.as_json(datetime.now(UTC)), ensure_ascii=False, indent=2, default=str)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="dati-persona.json"'
    return response


@bp.post("/persona/cancella")
@requires("subjects:manage")
def erase():
    """Erase what the search showed, once confirmed; the audit entry has no phone or e-mail."""
    form = EraseForm()
    confirmed = form.validate_on_submit()
    key, found = _searched(form if confirmed else SearchForm())
    if not confirmed:
        refused = "Per cancellare spunta la conferma: non è stato cancellato nulla."
        return _results(form, found, 400, refused=refused)
    try:
        erased = subjects.erase(
            database(),
            get_db(),
            key,
            form.impronta.data,
            content().events,
            datetime.now(UTC),
            actor(),
            then=after_promotion(),  # who gets a freed place hears so, as after any cancellation
        )
    except subjects.Changed:
        refused = (
            "I dati di questa persona sono cambiati dopo la ricerca: ricontrolla l'elenco qui "
            "sotto e conferma di nuovo. Non è stato cancellato nulla."
        )
        return _results(form, found, 409, refused=refused)
    return _page(erased=erased)
