"""Maintenance that runs through the app: the same settings, database and content as the
service itself, so a command never assembles its own view of them.

``portal purge`` calls these; they are also Flask commands
(``flask --app forms_service purge``) for operators used to that.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Flask, current_app

from . import smtp
from .domain import audit, mail, staff
from .domain.retention import Purged
from .domain.retention import purge as purge_expired
from .storage import backup as backups
from .storage import staff_store
from .storage.backup import Copy
from .web.db import database, get_db


def purge(app: Flask, dry_run: bool = False, now: datetime | None = None) -> Purged:
    """Delete (or with ``dry_run`` count) what is past its retention period."""
    with app.app_context():
        content = app.extensions["portal_content"].get()
        return purge_expired(
            app.extensions["portal_db"], content, now or datetime.now(UTC), dry_run
        )


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
def purge_command(dry_run: bool) -> None:
    """Delete form data past its retention period (site_config/forms.yml)."""
    done = purge(current_app._get_current_object(), dry_run)  # type: ignore[attr-defined]
    click.echo(
        f"pre-applications: {done.pre_applications}, registrations: {done.registrations}, "
        f"audit log entries: {done.audit_entries}"
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(purge_command)
    app.cli.add_command(send_mail_command)


# --- staff accounts (``portal staff``): the only way an account is made ---------------------


class AccountRefused(ValueError):
    """Said to the person at the terminal, in Italian; nothing was changed."""


def add_account(app: Flask, username: str, role: str, password: str) -> str:
    name = _checked(staff.check_username, username)
    _checked(staff.check_role, role)
    _checked(staff.check_strength, name, password)
    with app.app_context():
        db, conn = database(), get_db()
        if staff_store.find_account(db, conn, name) is not None:
            raise AccountRefused(f"l'account «{name}» esiste già")
        staff_store.add_account(db, conn, name, role, staff.hash_password(password))
        audit.record(db, conn, "riga di comando", "account.added", name, role=role)
    return name


def set_password(app: Flask, username: str, password: str) -> None:
    name = _checked(staff.check_username, username)
    _checked(staff.check_strength, name, password)
    with app.app_context():
        db, conn = database(), get_db()
        if not staff_store.set_password(db, conn, name, staff.hash_password(password)):
            raise AccountRefused(f"non esiste un account «{name}»")
        audit.record(db, conn, "riga di comando", "account.password_changed", name)


def disable_account(app: Flask, username: str) -> None:
    name = _checked(staff.check_username, username)
    with app.app_context():
        db, conn = database(), get_db()
        if not staff_store.disable_account(db, conn, name):
            raise AccountRefused(f"non esiste un account «{name}»")
        audit.record(db, conn, "riga di comando", "account.disabled", name)


def list_accounts(app: Flask) -> list[dict]:
    with app.app_context():
        return staff_store.list_accounts(database(), get_db())


def _checked(check, *args):
    try:
        return check(*args)
    except ValueError as exc:
        raise AccountRefused(str(exc)) from None


# --- backup and restore (``portal backup``, ``portal restore``) ------------------------------


def backup(app: Flask, dest: Path, force: bool = False) -> Copy:
    """A consistent copy of the service's database in ``dest``, safe while it runs."""
    return backups.backup(app.extensions["portal_db"], dest, force)


def restore(app: Flask, src: Path, force: bool = False) -> Copy:
    """The copy ``src`` as the service's database (refused over any row without ``force``)."""
    return backups.restore(app.extensions["portal_db"], src, force)


# --- e-mail (``portal send-mail``) -------------------------------------------------------------


def send_mail(app: Flask, now: datetime | None = None) -> mail.Run:
    """Send the outbox's due e-mail (``PORTAL_SMTP_URL``); with it empty, only count what
    waits. A server that is down is no error: the e-mail waits for the next run."""
    server = smtp.parse_url(app.config["PORTAL_SMTP_URL"])
    with app.app_context():
        db, conn = database(), get_db()
        if server is None:
            return mail.Run(waiting=mail.waiting(db, conn), off=True)
        with smtp.SmtpTransport(server, app.config["PORTAL_MAIL_FROM"]) as transport:
            return mail.send_due(db, conn, transport, now)


@click.command("send-mail")
def send_mail_command() -> None:
    """Send the e-mail waiting in the outbox."""
    done = send_mail(current_app._get_current_object())  # type: ignore[attr-defined]
    click.echo(f"sent: {done.sent}, waiting: {done.waiting}, gave up: {done.gave_up}")
