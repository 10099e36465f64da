"""Logging the desk team in and out, and who may open which staff page.

Kept libraries do the security work: Flask-Login (the logged-in user), Flask-WTF (a CSRF
token in every staff form, on top of the Origin check), Flask-Limiter (failed logins per
account and per client), argon2-cffi (domain/staff.py). A login is a server-side session
row (storage/staff_store.py): logging out ends it, and it expires after 8 hours of work or
30 minutes idle.
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime, timedelta
from functools import wraps
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError, CSRFProtect
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from portal.model.schedule import LOCAL_TIMEZONE

from ..domain import audit
from ..domain.staff import Account, verify_password
from ..storage import staff_store
from .db import database, get_db
from .i18n import messages
from .ratelimit import limiter
from .staff_cookie import STAFF_PREFIX, AreaSessionInterface, in_staff_area

log = logging.getLogger("forms_service.staff")
LIFETIME, IDLE = timedelta(hours=8), timedelta(minutes=30)
# Failed logins only (a success does not count): per account, and per client address.
ACCOUNT_LIMIT, CLIENT_LIMIT = "5 per 15 minutes", "20 per 15 minutes"

bp = Blueprint("staff_auth", __name__, url_prefix=STAFF_PREFIX)
login_manager = LoginManager()
# Every POST under /staff/ is checked here, before any view runs, so a new staff form cannot
# forget its token; the residents' forms keep their own protection (web/security.py).
csrf = CSRFProtect()


class StaffUser:
    """The logged-in person: their account and the id of their server-side session."""

    is_authenticated, is_active, is_anonymous = True, True, False

    def __init__(self, account: Account, token: str):
        self.account, self.token = account, token

    def get_id(self) -> str:
        return self.token  # what Flask-Login keeps in the (signed) staff cookie

    @property
    def name(self) -> str:
        return self.account.username


@login_manager.user_loader
def load_user(token: str) -> StaffUser | None:
    row = staff_store.live_session(database(), get_db(), token, datetime.now(UTC), LIFETIME, IDLE)
    if row is None:
        return None
    return StaffUser(Account(row["account_id"], row["username"], row["role"], False), token)


class LoginForm(FlaskForm):
    username = StringField("Nome utente", validators=[DataRequired(), Length(max=40)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=256)])


class ButtonForm(FlaskForm):
    """A form with only its CSRF token: logout and other one-button actions."""


def requires(permission: str):
    """The view needs a logged-in account with ``permission``: else login page, or 403."""

    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.account.can(permission):
                abort(403)
            return view(*args, **kwargs)

        checked.permission = permission  # read by the access tests
        return checked

    return decorate


def actor() -> str:
    return current_user.name if current_user.is_authenticated else "-"


def _failed(response) -> bool:
    return response.status_code != 303


def _account_key() -> str:
    return "staff-login:" + (request.form.get("username") or "").strip().lower()[:40]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(ACCOUNT_LIMIT, key_func=_account_key, methods=["POST"], deduct_when=_failed)
@limiter.limit(CLIENT_LIMIT, methods=["POST"], deduct_when=_failed)
def login():
    form = LoginForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("staff/login.html", form=form, failed=status == 400), status
    username = form.username.data.strip().lower()
    db, conn = database(), get_db()
    found = staff_store.find_account(db, conn, username)
    usable = found is not None and found["disabled_at"] is None
    if not verify_password(found["password_hash"] if usable else None, form.password.data):
        # The name and the client go to the log, never the password.
        log.warning("staff login failed for %r from %s", username, request.remote_addr)
        audit.record(db, conn, username, "staff.login_failed")
        return render_template("staff/login.html", form=form, failed=True), 401
    token = secrets.token_urlsafe(32)
    staff_store.open_session(db, conn, found["id"], token)
    login_user(StaffUser(Account(found["id"], username, found["role"], False), token))
    audit.record(db, conn, username, "staff.login")
    return redirect(_safe_next(), 303)


def _safe_next() -> str:
    """Back to the staff page that asked for the login, never to another site."""
    target = request.args.get("next") or ""
    if target.startswith(STAFF_PREFIX + "/") and "//" not in target and "\\" not in target:
        return target
    return url_for("staff_auth.home")


@bp.post("/logout")
def logout():
    if current_user.is_authenticated and ButtonForm().validate_on_submit():
        staff_store.end_session(database(), get_db(), current_user.token)
        audit.record(database(), get_db(), current_user.name, "staff.logout")
        logout_user()
    return redirect(url_for("staff_auth.login"), 303)


@bp.get("/")
@requires("desk:read")
def home():
    return render_template("staff/home.html", logout=ButtonForm())


@bp.app_context_processor
def staff_forms():
    return {"logout_form": ButtonForm}


@bp.app_template_filter("rome")
def rome_time(stamp: str | None) -> str:
    """A stored UTC moment as the desks read it: "28/11/2026 18:20", Rome time."""
    if not stamp:
        return ""
    moment = datetime.fromisoformat(stamp).astimezone(ZoneInfo(LOCAL_TIMEZONE))
    return moment.strftime("%d/%m/%Y %H:%M")


def _check_csrf() -> None:
    if in_staff_area() and request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()


def _csrf_refused(error: CSRFError):
    # Nothing was changed; the usual cause is a page left open past the session.
    return render_template(
        "error.html",
        m=messages("it"),
        status=400,
        message="Il modulo è scaduto o non è valido, e non è stato salvato nulla: "
        "torna indietro, ricarica la pagina e riprova.",
    ), 400


def init_app(app) -> None:
    app.register_error_handler(CSRFError, _csrf_refused)
    app.session_interface = AreaSessionInterface()
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)  # only the staff area: _check_csrf
    csrf.init_app(app)
    app.before_request(_check_csrf)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # as long as the 8-hour session
    login_manager.init_app(app)
    login_manager.login_view = "staff_auth.login"
    login_manager.login_message = None  # the login page says why by itself
