"""Posta in uscita: the outbox as the desk team sees it. What waits, what was sent, what was
given up and why, and whether sending is on at all (with ``PORTAL_SMTP_URL`` empty the
page shows what would have been sent).

Every account sees the list and the team's e-mail (no personal data in them). A resident's
address is masked and their e-mail's text hidden, except for the accounts allowed to read
personal data in the outbox (coordinators); every opening of the page is audited. A
given-up e-mail can be tried again with one button.
"""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired

from ..domain import audit, mail
from ..storage import outbox_store
from ..storage.store import utcnow
from .db import database, get_db
from .staff_auth import actor, requires
from .staff_cookie import STAFF_PREFIX
from .staff_lists import chosen, page_asked, pages

bp = Blueprint("staff_mail", __name__, url_prefix=f"{STAFF_PREFIX}/posta")
PAGE = 50
PERSONAL = "outbox:personal"  # may read residents' addresses and e-mail texts
STATES = {"waiting": "in attesa", "sent": "inviate", "gave_up": "abbandonate"}


class RetryForm(FlaskForm):
    mail_id = IntegerField("E-mail", validators=[InputRequired()])


def _state(row: dict) -> str:
    return "sent" if row["sent_at"] else "gave_up" if row["gave_up_at"] else "waiting"


def _shown(row: dict, personal: bool) -> dict:
    """A row as the page shows it to this account."""
    team = row["kind"] in mail.TEAM_KINDS
    open_ = team or personal
    return {
        **row,
        "state": _state(row),
        "what": mail.KINDS.get(row["kind"], row["kind"]),
        "recipient": row["recipient"] if open_ else mail.mask(row["recipient"]),
        "body": row["body"] if open_ else "",
        "hidden": not open_ and bool(row["body"]),
    }


def _listing(status: int = 200, refused: str = ""):
    state = chosen("stato", STATES)
    page = page_asked()
    personal = current_user.account.can(PERSONAL)
    db, conn = database(), get_db()
    rows, total = outbox_store.listing(db, conn, state, PAGE, (page - 1) * PAGE)
    if status == 200:  # a refused button shows the page again: not a new viewing
        audit.record(
            db, conn, actor(), "outbox.viewed", state or None, page=page, personal=personal
        )
    return render_template(
        "staff/outbox.html",
        rows=[_shown(row, personal) for row in rows],
        total=total,
        page=page,
        pages=pages(total, PAGE),
        state=state,
        states=STATES,
        counts=outbox_store.counts(db, conn),
        off=not current_app.config["PORTAL_SMTP_URL"].strip(),
        team=current_app.config["PORTAL_TEAM_MAIL"].strip(),
        personal=personal,
        retry=RetryForm(),
        max_attempts=mail.MAX_ATTEMPTS,
        refused=refused,
    ), status


@bp.get("/")
@requires("desk:read")
def listing():
    return _listing()


@bp.post("/riprova")
@requires("desk:work")
def retry():
    form = RetryForm()
    if not form.validate_on_submit():
        return _listing(400, "Il modulo non è valido o è scaduto, e non è stato salvato nulla.")
    if not outbox_store.retry(database(), get_db(), form.mail_id.data, utcnow()):
        return _listing(409, "Questa e-mail non è tra quelle abbandonate: niente da riprovare.")
    return redirect(url_for("staff_mail.listing", stato="waiting"), 303)
