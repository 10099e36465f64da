"""Working the events: each event's numbers, its lists (confirmed, waiting, cancelled) with
attendance, moves by hand and cancellations, the attendance sheet to print, the CSV, and
the sign-up an operator makes for a resident at the desk or on the phone.

The rules of every change are in domain/event_desk.py (capacity holds for the desk too);
the desk sign-up goes through the resident's own ``actions.sign_up``.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for

from portal.model.types import Event

from ..domain import actions, audit, event_desk
from ..domain.events import signup_state
from ..domain.forms import REGISTRATION as FORM
from ..domain.forms import most_people
from ..domain.references import normalise
from ..storage import store
from . import notify, submissions
from .db import database, get_db
from .event_pages import event_when
from .i18n import content, messages, pick_lang
from .pages import new_submission_id, privacy_link
from .requests import payload
from .staff_auth import ButtonForm, actor, requires
from .staff_cookie import STAFF_PREFIX
from .staff_csv import csv_download

bp = Blueprint("staff_events", __name__, url_prefix=f"{STAFF_PREFIX}/eventi")
REGISTRATION = "/<event_id>/iscrizioni/<reference>"
SHEET_ROWS = 30  # names on one A4 attendance sheet
EXPIRED = "Il modulo non è valido o è scaduto: riprova."
CONSENT = (
    "Spunta la casella dopo aver consegnato l'informativa privacy su carta: "
    "senza, l'iscrizione non si può salvare."
)


def _event(event_id: str) -> Event:
    event = content().events.get(event_id)
    if event is None:
        abort(404)
    return event


def _facts(event: Event, tally: event_desk.Tally) -> dict:
    m = messages("it")
    return {
        "id": event.id,
        "title": m.text(event.title),
        "when": event_when(m, event),
        "tally": tally,
        "state": signup_state(event, actions.now()),
    }


@bp.get("/")
@requires("desk:read")
def listing():
    tallies = event_desk.tallies(database(), get_db(), content().events.values())
    upcoming, past = event_desk.arrange(content().events.values(), actions.now())
    return render_template(
        "staff/events.html",
        upcoming=[_facts(e, tallies[e.id]) for e in upcoming],
        past=[_facts(e, tallies[e.id]) for e in past],
    )


# --- one event: its lists, and what an operator changes on them --------------------------------


def _detail(event: Event, status: int = 200, refused: str = ""):
    rows = event_desk.registrations(database(), get_db(), event)
    tally = event_desk.tallies(database(), get_db(), [event])[event.id]
    return render_template(
        "staff/event.html",
        event=_facts(event, tally),
        lists={code: [r for r in rows if r["status"] == code] for code in event_desk.LISTS},
        form=ButtonForm(),
        refused=refused,
        added=next((r for r in rows if r["reference"] == request.args.get("iscritta")), None),
        status_labels=event_desk.STATUS,
    ), status


@bp.get("/<event_id>")
@requires("desk:read")
def detail(event_id):
    return _detail(_event(event_id))


def _worked(event: Event, reference: str, change):
    """``change(reference)`` for a valid form, then back to the event (303); or the event's
    page again with why nothing was changed."""
    reference = normalise(reference)
    if not ButtonForm().validate_on_submit():
        return _detail(event, 400, EXPIRED)
    if not reference:
        abort(404)
    try:
        change(reference)
    except LookupError:
        abort(404)
    except event_desk.Refused as exc:
        return _detail(event, 422, str(exc))
    return redirect(url_for("staff_events.detail", event_id=event.id), 303)


@bp.post(f"{REGISTRATION}/sposta")
@requires("desk:work")
def move(event_id, reference):
    event, target = _event(event_id), request.form.get("verso", "")
    return _worked(
        event,
        reference,
        lambda ref: event_desk.move(
            database(), get_db(), event, ref, target, actor(), notify.after_promotion()
        ),
    )


@bp.post(f"{REGISTRATION}/presenza")
@requires("desk:work")
def attendance(event_id, reference):
    event, value = _event(event_id), request.form.get("presente", "")
    if value not in event_desk.ATTENDANCE:
        return _detail(event, 400, EXPIRED)
    return _worked(
        event,
        reference,
        lambda ref: event_desk.mark_attendance(
            database(), get_db(), event, ref, event_desk.ATTENDANCE[value], actor()
        ),
    )


@bp.post(f"{REGISTRATION}/annulla")
@requires("desk:work")
def cancel(event_id, reference):
    event = _event(event_id)
    # The promoted people's e-mail goes in the cancellation's transaction: event_desk.cancel's
    # ``then`` (as the resident's cancellation does).
    return _worked(
        event,
        reference,
        lambda ref: event_desk.cancel(
            database(), get_db(), event, ref, actor(), then=notify.after_promotion()
        ),
    )


# --- on paper and in Excel --------------------------------------------------------------------


@bp.get("/<event_id>/presenze")
@requires("desk:read")
def sheet(event_id):
    """The confirmed people, A-Z, on A4 sheets of SHEET_ROWS names, to sign at the door."""
    event = _event(event_id)
    rows = sorted(
        (
            r
            for r in event_desk.registrations(database(), get_db(), event)
            if r["status"] == "confirmed"
        ),
        key=lambda r: (r["full_name"].casefold(), r["reference"]),
    )
    sheets = [rows[i : i + SHEET_ROWS] for i in range(0, len(rows), SHEET_ROWS)] or [[]]
    audit.record(
        database(),
        get_db(),
        actor(),
        "registrations.printed",
        event.id,
        rows=len(rows),
        pages=len(sheets),
    )
    tally = event_desk.tallies(database(), get_db(), [event])[event.id]
    return render_template(
        "staff/attendance_sheet.html",
        event=_facts(event, tally),
        sheets=sheets,
        per_sheet=SHEET_ROWS,
    )


# Column -> heading: what a call round or the day's list needs, no more.
COLUMNS = {
    "reference": "codice",
    "created_at": "iscritta_utc",
    "lang": "lingua",
    "full_name": "nome",
    "phone": "telefono",
    "email": "email",
    "people": "persone",
    "status": "stato",
    "attended": "presente",
    "assisted_by": "inserita_da",
}
ATTENDED = {None: "", True: "sì", False: "no"}


def _cell(row: dict, name: str):
    if name == "status":
        return event_desk.STATUS.get(row["status"], row["status"])
    if name == "attended":
        return ATTENDED[None if row["attended"] is None else bool(row["attended"])]
    return row[name]


@bp.get("/<event_id>/iscritti.csv")
@requires("desk:export")
def export(event_id):
    """Every registration of the event (cancelled ones too, so marked) for Excel; audited."""
    event = _event(event_id)
    rows = event_desk.registrations(database(), get_db(), event)
    audit.record(database(), get_db(), actor(), "registrations.exported", event.id, rows=len(rows))
    return csv_download(
        f"iscritti-{event.id}.csv",
        COLUMNS.values(),
        ([_cell(row, name) for name in COLUMNS] for row in rows),
    )


# --- the sign-up made at the desk ------------------------------------------------------------


def _signup_page(event: Event, values: dict, status: int = 200, errors=None, refused: str = ""):
    m = messages("it")
    shown = {}
    if errors:
        found = m.errors(errors, named=True)
        if "consent" in found:
            found["consent"] = CONSENT
        shown = {k: found[k] for k in sorted(found, key=_field_order)}
    tally = event_desk.tallies(database(), get_db(), [event])[event.id]
    facts = _facts(event, tally)
    return render_template(
        "staff/event_signup.html",
        m=m,
        event=facts,
        closed="" if facts["state"] == "open" else m.s(f"error_signup_{facts['state']}"),
        form=ButtonForm(),
        values=values,
        errors=shown,
        refused=refused,
        most=most_people(event),
        languages=content().languages,
        privacy=privacy_link(content().source_language),
    ), status


def _field_order(name: str) -> int:
    return FORM.names.index(name) if name in FORM.names else len(FORM.names)


def _fresh_form() -> dict:
    return {"people": "1", "lang": content().codes[0], "submission_id": new_submission_id()}


@bp.get("/<event_id>/iscrivi")
@requires("desk:work")
def assisted_form(event_id):
    return _signup_page(_event(event_id), _fresh_form())


@bp.post("/<event_id>/iscrivi")
@requires("desk:work")
def assisted(event_id):
    """The resident's sign-up, made by an operator: the same validation, window and places
    (``actions.sign_up``), marked with who made it and that the privacy notice was given on
    paper (the ticked box stands for the resident's consent). The form's submission id makes a
    double click store one registration."""
    event = _event(event_id)
    data = {k: v for k, v in payload().items() if k != "csrf_token"}
    values = {name: str(data.get(name) or "") for name in (*FORM.names, "lang", "submission_id")}
    if not ButtonForm().validate_on_submit():
        return _signup_page(event, values, 400, refused=EXPIRED)
    lang = pick_lang(data.get("lang"), content().codes)
    who = actor()

    def saved(conn, row: dict) -> None:
        """In the sign-up's transaction, once, only when a registration is stored."""
        reference = row["reference"]
        audit.record(
            database(), conn, who, "registration.assisted", reference, event=event.id, lang=lang
        )
        notify.after_sign_up(event, team=False)(conn, row)  # the resident's e-mail

    try:
        outcome = submissions.sign_up(
            event,
            data,
            lang,
            assisted=actions.Assisted(by=who, privacy_on_paper=bool(data.get("consent"))),
            then=saved,
        )
    except store.KeyReused:
        values["submission_id"] = new_submission_id()
        return _signup_page(event, values, 422, refused=messages("it").s("error_key_reused"))
    if outcome.kind == "closed":
        return _signup_page(event, values, 409)
    if outcome.kind == "already_signed_up":  # one sign-up per phone or e-mail, at the desk too
        refused = messages("it").s("error_already_signed_up")
        return _signup_page(event, values, 409, refused=refused)
    if outcome.kind == "invalid":
        return _signup_page(event, values, 422, errors=outcome.errors)
    return redirect(
        url_for("staff_events.detail", event_id=event.id, iscritta=outcome.reference), 303
    )
