"""The numbers for the project's reporting to the Region: counts only, never a name.

Each number is the live rows plus what ``portal purge`` and erasures on request folded in
just before deleting (storage/statistics_store.py), so a report reads the same before and
after a purge. A year keeps the pre-applications and sign-ups made in it (Rome's calendar).
Every table is a title, headings and rows: the page shows them and the CSV writes them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..storage.db import Database
from ..storage.statistics_store import PRE_APPLICATIONS, REGISTRATIONS, totals
from .casework import STATES

TOTAL = "Totale"


@dataclass(frozen=True)
class Labels:
    """What the tables call an id, from the request's content (Italian); an id missing here
    (a desk or an event gone from the site) is shown as it is."""

    desks: Mapping[str, str]
    languages: Mapping[str, str]
    events: Mapping[str, str]


@dataclass(frozen=True)
class Table:
    title: str
    headings: tuple[str, ...]
    rows: list[list]  # a label, then numbers; the last row is the total


@dataclass(frozen=True)
class Report:
    year: str  # "" for every year
    years: list[str]  # the years with data, newest first
    tables: list[Table]


def report(db: Database, conn, labels: Labels, year: str = "") -> Report:
    applications = totals(db, conn, PRE_APPLICATIONS)
    registrations = totals(db, conn, REGISTRATIONS)
    years = sorted({row["month"][:4] for row in applications + registrations}, reverse=True)
    year = year if year in years else ""
    applications = [row for row in applications if row["month"].startswith(year)]
    registrations = [row for row in registrations if row["month"].startswith(year)]
    states = {code: state.label for code, state in STATES.items()}
    months = {m: m for m in sorted({row["month"] for row in applications})}
    return Report(
        year,
        years,
        [
            _channels("Pre-domande per mese di arrivo", "Mese", applications, "month", months),
            _channels(
                "Pre-domande per sportello scelto", "Sportello", applications, "desk", labels.desks
            ),
            _channels(
                "Pre-domande per lingua del modulo",
                "Lingua",
                applications,
                "lang",
                labels.languages,
            ),
            _channels("Pre-domande per stato", "Stato", applications, "status", states),
            _table(
                "Iscrizioni agli eventi",
                (
                    "Evento",
                    "Iscrizioni",
                    "di cui allo sportello",
                    "Persone confermate",
                    "Persone in attesa",
                    "Persone annullate",
                    "Presenti",
                    "Assenti",
                ),
                registrations,
                "event_id",
                labels.events,
                lambda row: [
                    row["registrations"],
                    row["registrations"] if row["assisted"] else 0,
                    *(row["people"] if row["status"] == s else 0 for s in EVENT_STATUSES),
                    row["attended_people"],
                    row["absent_people"],
                ],
            ),
        ],
    )


EVENT_STATUSES = ("confirmed", "waitlisted", "cancelled")


def _channels(title: str, heading: str, rows: list[dict], key: str, names) -> Table:
    """Pre-applications by ``key``: all, made online, made at the desk."""
    return _table(
        title,
        (heading, TOTAL, "Online", "Allo sportello"),
        rows,
        key,
        names,
        lambda row: [
            row["pre_applications"],
            0 if row["assisted"] else row["pre_applications"],
            row["pre_applications"] if row["assisted"] else 0,
        ],
    )


def _table(
    title: str,
    headings: tuple[str, ...],
    rows: list[dict],
    key: str,
    names: Mapping[str, str],
    values: Callable[[dict], list[int]],
) -> Table:
    """One line per value of ``key`` (in the order of ``names``, unknown ones after, A-Z),
    the sums of ``values``, and the total."""
    sums: dict[str, list[int]] = {}
    for row in rows:
        counted = values(row)
        line = sums.setdefault(row[key], [0] * len(counted))
        for i, number in enumerate(counted):
            line[i] += number
    order = [k for k in names if k in sums] + sorted(k for k in sums if k not in names)
    lines = [[names.get(k, k), *sums[k]] for k in order]
    total = [TOTAL, *(sum(column) for column in zip(*sums.values(), strict=True))] if sums else []
    return Table(title, headings, lines + ([total] if total else []))
