"""The statistics for the project's reporting to the Region (coordinators): counts without
names, per year, on a page and as CSV. The numbers are in domain/statistics.py."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, render_template

from ..domain import audit, statistics
from .db import database, get_db
from .i18n import content
from .staff_auth import actor, requires
from .staff_cookie import STAFF_PREFIX
from .staff_csv import csv_download
from .staff_lists import text

bp = Blueprint("staff_stats", __name__, url_prefix=STAFF_PREFIX)
EVERY_YEAR = "tutti gli anni"


def _report() -> statistics.Report:
    """For the year asked (``anno``), names from the request's content snapshot."""
    site = content()
    events = sorted(site.events.values(), key=lambda e: (e.start or datetime.max, e.id))
    labels = statistics.Labels(
        desks={desk_id: desk.name.get("it") or desk_id for desk_id, desk in site.desks.items()},
        languages={
            language.code: language.locale.get_display_name("it") or language.code
            for language in site.languages
        },
        events={event.id: event.title.get("it") or event.id for event in events},
    )
    return statistics.report(database(), get_db(), labels, text("anno", 4))


@bp.get("/statistiche")
@requires("stats:read")
def overview():
    return render_template("staff/stats.html", report=_report(), every_year=EVERY_YEAR)


@bp.get("/statistiche.csv")
@requires("stats:read")
def export():
    """Every table one below the other (title, headings, rows, a blank line); audited."""
    report = _report()
    audit.record(database(), get_db(), actor(), "stats.exported", None, year=report.year or "-")
    return csv_download(
        f"statistiche-{report.year or 'tutti-gli-anni'}.csv",
        [f"Statistiche Vivere SAP, {report.year or EVERY_YEAR}"],
        _one_below_the_other(report.tables),
    )


def _one_below_the_other(tables: list[statistics.Table]) -> list[list]:
    rows: list[list] = []
    for table in tables:
        rows += [[table.title], list(table.headings), *table.rows, []]
    return rows
