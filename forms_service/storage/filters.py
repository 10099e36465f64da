"""The staff's filtered lists: the WHERE clause (only the filters given, always as
parameters) and one page of the rows, newest first, with how many there are in all."""

from __future__ import annotations

from datetime import datetime, timedelta

from .db import Database


def where(*filters: tuple[str, str | list[str]]) -> tuple[str, list]:
    """("a = ? AND b = ?", [values]) for the (clause, value) pairs whose value is given; a
    clause with several "?" takes a list of values."""
    given = [(clause, value) for clause, value in filters if value]
    params: list = []
    for _, value in given:
        params.extend(value if isinstance(value, list) else [value])
    return " AND ".join(["1 = 1", *(c for c, _ in given)]), params


def days(column: str, since: str, until: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """Filters for ISO days, both included, on a column of ISO moments."""
    after = (datetime.fromisoformat(until) + timedelta(days=1)).date().isoformat() if until else ""
    return (f"{column} >= ?", since), (f"{column} < ?", after)


def newest_first(
    db: Database,
    conn,
    table: str,
    columns: str,
    condition: str,
    params: list | tuple,
    limit: int,
    offset: int,
) -> tuple[list[dict], int]:
    """(one page of ``columns`` from ``table`` where ``condition`` holds, newest first; how
    many rows hold it in all)."""
    total = db.one(conn, f"SELECT COUNT(*) AS n FROM {table} WHERE {condition}", params)["n"]
    rows = db.all(
        conn,
        f"SELECT {columns} FROM {table} WHERE {condition} ORDER BY id DESC LIMIT ? OFFSET ?",
        (*params, limit, offset),
    )
    return rows, int(total)
