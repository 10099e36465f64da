"""Working the pre-applications: a list to call people back (search, filters, paging), the
detail with the eligibility answers and the status history, and status changes.

The list shows only what a call back needs; the ISEE and the other answers are on the
detail page, whose every opening is audited.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length

from ..domain import audit, casework
from ..domain.eligibility import Answers, to_check
from ..domain.references import normalise
from ..storage import casework_store
from .db import database, get_db
from .i18n import content, messages
from .staff_auth import actor, requires
from .staff_cookie import STAFF_PREFIX
from .staff_csv import csv_download
from .staff_lists import chosen, day, page_asked, pages, text

bp = Blueprint("staff_cases", __name__, url_prefix=f"{STAFF_PREFIX}/pre-domande")
PAGE = 25


class MoveForm(FlaskForm):
    status = SelectField("Nuovo stato", choices=[])
    note = TextAreaField("Nota (facoltativa)", validators=[Length(max=casework.MAX_NOTE)])


def _filters() -> dict:
    return {
        "search": text("cerca", 100),
        "status": chosen("stato", casework.STATES),
        "desk": chosen("sportello", content().desks),
        "lang": chosen("lingua", content().codes),
        "since": day("dal"),
        "until": day("al"),
    }


EXPORTED = (
    "reference",
    "created_at",
    "lang",
    "full_name",
    "phone",
    "email",
    "preferred_desk",
    "status",
    "assisted_by",
    "to_check",
)
HEADINGS = (
    "codice",
    "arrivata_utc",
    "lingua",
    "nome",
    "telefono",
    "email",
    "sportello",
    "stato",
    "inserita_da",
    "da_verificare",
)
TO_CHECK = {"heating": "riscaldamento", "band": "fascia"}


def _to_check(row: dict) -> str:
    """The answers the resident did not know, which the team checks with the documents."""
    unknown = to_check(Answers(heating=row["heating"], band=row["band"]))
    return ", ".join(TO_CHECK[name] for name in unknown)


def _cell(row: dict, name: str):
    if name == "status":
        return casework.STATES[row["status"]].label
    if name == "to_check":
        return _to_check(row)
    return row[name] or ""


@bp.get("/export.csv")
@requires("desk:export")
def export():
    """The filtered list as CSV for Excel: UTF-8 with a BOM, formula cells neutralised by
    defusedcsv; every export is audited with its filters and size."""
    filters = _filters()
    rows, total = casework_store.find(database(), get_db(), **filters, limit=100_000)
    audit.record(
        database(),
        get_db(),
        actor(),
        "pre_applications.exported",
        rows=total,
        **{k: v for k, v in filters.items() if v},
    )
    return csv_download(
        "pre-domande.csv",
        HEADINGS,
        ([_cell(row, name) for name in EXPORTED] for row in rows),
    )


@bp.get("/")
@requires("desk:read")
def listing():
    filters = _filters()
    page = page_asked()
    rows, total = casework_store.find(
        database(), get_db(), **filters, limit=PAGE, offset=(page - 1) * PAGE
    )
    query = {k: v for k, v in request.args.items() if k != "pagina" and v}
    return render_template(
        "staff/cases.html",
        rows=rows,
        total=total,
        page=page,
        pages=pages(total, PAGE),
        filters=filters,
        query=query,
        states=casework.STATES,
        desks=content().desks,
        languages=content().languages,
    )


def _found(reference: str) -> dict:
    row = casework_store.one(database(), get_db(), normalise(reference))
    if row is None:
        abort(404)
    return row


def _detail(row: dict, form: MoveForm, status: int = 200, refused: str = ""):
    history = casework_store.history(database(), get_db(), row["reference"])
    return render_template(
        "staff/case.html",
        m=messages("it"),
        row=row,
        # Stored as text (exact decimals, ISO days); shown the Italian way.
        isee=Decimal(row["isee"]),
        tenancy_start=date.fromisoformat(row["tenancy_start"]),
        history=history,
        form=form,
        state=casework.STATES[row["status"]],
        states=casework.STATES,
        desk=content().desks.get(row["preferred_desk"]),
        refused=refused,
    ), status


def _move_form(row: dict) -> MoveForm:
    form = MoveForm()
    form.status.choices = [
        (code, casework.STATES[code].label) for code in casework.STATES[row["status"]].next
    ]
    return form


@bp.get("/<reference>")
@requires("desk:read")
def detail(reference):
    row = _found(reference)
    audit.record(database(), get_db(), actor(), "pre_application.viewed", row["reference"])
    return _detail(row, _move_form(row))


@bp.post("/<reference>/stato")
@requires("desk:work")
def move(reference):
    row = _found(reference)
    form = _move_form(row)
    if not form.validate_on_submit():
        return _detail(row, form, 400, "Il modulo non è valido o è scaduto: riprova.")
    try:
        casework.move(
            database(), get_db(), row["reference"], form.status.data, form.note.data or "", actor()
        )
    except casework.MoveRefused as exc:
        return _detail(row, form, 422, str(exc))
    return redirect(url_for("staff_cases.detail", reference=row["reference"]), 303)
