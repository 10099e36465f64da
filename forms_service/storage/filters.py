"""The WHERE clause of a filtered list: only the filters given, always as parameters."""

from __future__ import annotations

from datetime import datetime, timedelta


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
