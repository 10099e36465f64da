"""What the staff's filtered lists share: reading filters from the query string (only known
values pass), the page asked for, and how many pages there are."""

from __future__ import annotations

import re

from flask import request

DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def chosen(name: str, allowed) -> str:
    """The query's value for ``name`` when it is one of ``allowed``, else ""."""
    value = request.args.get(name, "")
    return value if value in allowed else ""


def day(name: str) -> str:
    value = request.args.get(name, "")
    return value if DAY.fullmatch(value) else ""


def text(name: str, longest: int) -> str:
    return request.args.get(name, "").strip()[:longest]


def page_asked() -> int:
    return max(1, request.args.get("pagina", 1, type=int) or 1)


def pages(total: int, size: int) -> int:
    return max(1, -(-total // size))
