"""Maintenance that runs through the app: the same settings, database and content as the
service itself, so a command never assembles its own view of them.

``portal purge`` calls these; they are also Flask commands
(``flask --app forms_service purge``) for operators used to that.
"""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import Flask, current_app

from .domain.retention import Purged
from .domain.retention import purge as purge_expired


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
    click.echo(f"pre-applications: {done.pre_applications}, registrations: {done.registrations}")


def init_app(app: Flask) -> None:
    app.cli.add_command(purge_command)
