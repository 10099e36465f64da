"""Statistics without names: the live rows grouped, plus what was folded in before deletions.

``fold`` runs inside the caller's deleting transaction (``portal purge`` in purging.py, an
erasure on request in subjects_store.py): the rows about to go are counted into the
``folded_*`` tables (migration 4) with exactly the grouping ``totals`` applies to the live
rows, so every number is the same before and after a deletion. Months are Europe/Rome's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from portal.model.schedule import LOCAL_TIMEZONE

from .db import Database


@dataclass(frozen=True)
class Grouping:
    """How one kind of row is counted: group keys and counts, as SQL on the live table;
    the folded table has the same columns, with ``month`` in place of ``created_at``."""

    source: str  # the live table
    table: str  # its folded counts
    keys: dict[str, str]  # name -> SQL on a live row ("month" is computed here, in Python)
    counts: dict[str, str]  # name -> SQL on a live row, summed

    def live(self, where: str = "1 = 1") -> str:
        columns = {"month": "NULL", **self.keys, **self.counts}
        listed = ", ".join(f"{sql} AS {name}" for name, sql in columns.items())
        return f"SELECT created_at, {listed} FROM {self.source} WHERE {where}"

    def folded(self) -> str:
        return f"SELECT NULL AS created_at, {', '.join(self.names)} FROM {self.table}"

    @property
    def names(self) -> tuple[str, ...]:
        return ("month", *self.keys, *self.counts)


PRE_APPLICATIONS = Grouping(
    "pre_applications",
    "folded_pre_applications",
    keys={
        "desk": "preferred_desk",
        "lang": "lang",
        "status": "status",
        "assisted": "assisted_by IS NOT NULL",
    },
    counts={"pre_applications": "1"},
)
REGISTRATIONS = Grouping(
    "registrations",
    "folded_registrations",
    keys={"event_id": "event_id", "status": "status", "assisted": "assisted_by IS NOT NULL"},
    counts={
        "registrations": "1",
        "people": "people",
        "attended_people": "CASE WHEN attended THEN people ELSE 0 END",
        "absent_people": "CASE WHEN NOT attended THEN people ELSE 0 END",
    },
)


def month(created_at: str) -> str:
    """ "2026-03" for a stored UTC moment, as the desks' calendar has it."""
    moment = datetime.fromisoformat(created_at).astimezone(ZoneInfo(LOCAL_TIMEZONE))
    return moment.strftime("%Y-%m")


def _grouped(grouping: Grouping, rows: list[dict]) -> dict[tuple, list[int]]:
    """(month, *keys) -> summed counts."""
    totals: dict[tuple, list[int]] = {}
    for row in rows:
        key = (
            row["month"] or month(row["created_at"]),
            *(bool(row[k]) if k == "assisted" else row[k] for k in grouping.keys),
        )
        sums = totals.setdefault(key, [0] * len(grouping.counts))
        for i, name in enumerate(grouping.counts):
            sums[i] += int(row[name] or 0)
    return totals


def fold(db: Database, conn, grouping: Grouping, where: str, params=()) -> None:
    """Add the rows matching ``where`` to the folded counts; in the caller's transaction,
    just before it deletes them."""
    rows = db.all(conn, grouping.live(where), params)
    names = grouping.names
    added = ", ".join(f"{c} = {grouping.table}.{c} + excluded.{c}" for c in grouping.counts)
    for key, sums in _grouped(grouping, rows).items():
        db.execute(
            conn,
            f"INSERT INTO {grouping.table} ({', '.join(names)}) "
            f"VALUES ({', '.join('?' * len(names))}) "
            f"ON CONFLICT ({', '.join(names[: len(key)])}) DO UPDATE SET {added}",
            (*key, *sums),
        )


def totals(db: Database, conn, grouping: Grouping) -> list[dict]:
    """Live and folded rows together, one dict per group (``Grouping.names`` as keys).

    One statement, so a purge committing meanwhile cannot count a row twice or not at all.
    """
    rows = db.all(conn, f"{grouping.live()} UNION ALL {grouping.folded()}")
    return [
        dict(zip(grouping.names, (*key, *sums), strict=True))
        for key, sums in _grouped(grouping, rows).items()
    ]
