"""The pre-application an operator makes for a resident at the desk or on the phone.

One page with every field of the resident's form, generated from its declaration
(``forms.PRE_APPLICATION``), labels and errors in Italian. It goes through the resident's
own ``actions.submit_pre_application``: the same validation and eligibility rules, marked
with the operator's name and the privacy notice given on paper (the ticked box stands for
the resident's consent). Not eligible: the reasons, and nothing stored. The form's
submission id makes a double click store one pre-application.
"""

from __future__ import annotations

from flask import Blueprint, redirect, url_for

from ..domain import actions, audit
from ..domain.forms import CONSENT, PRE_APPLICATION, Field
from ..domain.questionnaire import YES_NO
from ..storage import store
from . import notify, submissions
from .db import database
from .grant_answers import answer_text
from .i18n import Messages, content, messages, pick_lang
from .pages import choose_overrides, invalid, new_submission_id, privacy_link, show
from .requests import idempotency_key, payload
from .staff_auth import ButtonForm, actor, requires
from .staff_cookie import STAFF_PREFIX

bp = Blueprint("staff_assisted", __name__, url_prefix=f"{STAFF_PREFIX}/pre-domande")
TEMPLATE = "staff/assisted.html"
EXPIRED = "Il modulo non è valido o è scaduto: riprova."
PRIVACY_NEEDED = (
    "Spunta la casella dopo aver consegnato l'informativa privacy su carta: "
    "senza, la pre-domanda non si può salvare."
)
RADIOS = ("choice", "yes_no", "desk")  # the kinds asked with radio buttons
INPUT_TYPES = {"phone": "tel", "email": "email", "past_date": "date"}
WIDTHS = {"phone": "medium", "count": "short", "amount": "short", "past_date": "short"}
ASKED = tuple(f for f in PRE_APPLICATION.fields if f.name != CONSENT.name)  # consent: the tick
KEPT = (*PRE_APPLICATION.names, "lang", "submission_id")  # what the page shows again


def options(f: Field, m: Messages) -> list[tuple[str, str]]:
    if f.kind == "yes_no":
        return [(value, m.s(f"form_{value}")) for value in YES_NO]
    values = content().desks if f.kind == "desk" else f.choices
    return [(value, answer_text(f.name, value, m)) for value in values]


def hint(f: Field, m: Messages) -> str | None:
    """The resident form's hint for a typed answer (its format), when it has one."""
    key = f"form_hint_{f.name}"
    return m.s(key) if f.kind not in RADIOS and key in m.content.strings[m.source] else None


def shown_fields(m: Messages) -> list[dict]:
    return [
        {
            "name": f.name,
            "label": m.s(f.label),
            "options": options(f, m) if f.kind in RADIOS else None,
            "hint": hint(f, m),
            "type": INPUT_TYPES.get(f.kind, "text"),
            "width": WIDTHS.get(f.kind, ""),
        }
        for f in ASKED
    ]


def page(values: dict, status: int = 200, errors=None, reasons=(), refused: str = ""):
    m = messages("it")
    context = dict(
        form=ButtonForm(),
        values=values,
        fields=shown_fields(m),
        languages=content().languages,
        privacy=privacy_link(content().source_language),
        reasons=list(reasons),
        refused=refused,
    )
    if errors:
        radios = [f.name for f in ASKED if f.kind in RADIOS]
        overrides = {**choose_overrides(errors, radios, m), CONSENT.name: PRIVACY_NEEDED}
        return invalid(TEMPLATE, m, errors, order=KEPT, overrides=overrides, **context)
    return show(TEMPLATE, m, status, errors={}, **context)


@bp.get("/nuova")
@requires("desk:work")
def new():
    return page({"lang": content().codes[0], "submission_id": new_submission_id()})


@bp.post("/nuova")
@requires("desk:work")
def create():
    data = payload()
    values = {name: str(data.get(name) or "") for name in KEPT}
    if not ButtonForm().validate_on_submit():
        return page(values, 400, refused=EXPIRED)
    lang = pick_lang(data.get("lang"), content().codes)
    who = actor()

    def saved(conn, row: dict) -> None:
        """In the submission's transaction, once, only when a pre-application is stored."""
        audit.record(database(), conn, who, "pre_application.assisted", row["reference"], lang=lang)
        notify.after_pre_application(team=False)(conn, row)  # the resident's e-mail

    try:
        outcome = submissions.pre_apply(
            {name: data[name] for name in PRE_APPLICATION.names if name in data},
            lang,
            idempotency_key(data),
            assisted=actions.Assisted(by=who, privacy_on_paper=True),
            then=saved,
        )
    except store.KeyReused:
        values["submission_id"] = new_submission_id()
        return page(values, 422, refused=messages("it").s("error_key_reused"))
    if outcome.kind == "invalid":
        return page(values, errors=outcome.errors)
    if outcome.kind == "ineligible":
        m = messages("it")
        return page(values, 422, reasons=[m.reason(reason) for reason in outcome.reasons])
    return redirect(url_for("staff_cases.detail", reference=outcome.reference), 303)
