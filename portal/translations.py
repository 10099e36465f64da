"""The translation report: per language, which texts are missing and which are outdated.

A translation is outdated when its Italian source was changed after it: we ask
``git blame`` when each line was last touched, so volunteers keep no extra
bookkeeping. Outside a git checkout the outdated column says it cannot tell.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from wcwidth import wcswidth

from .model import Content
from .model.fields import Text
from .readability import gulpease

NEW_FILE: dict = {}  # marker: the file is not committed yet


@dataclass
class LanguageReport:
    code: str
    name: str
    reviewed: bool
    total: int = 0
    missing: list = field(default_factory=list)  # (file, line, field)
    outdated: list = field(default_factory=list)
    unknown: bool = False  # no git history to compare with


def blame_times(root: Path, file: str, cache: dict) -> dict | None:
    """line number -> time it was last changed (uncommitted lines count as now)."""
    if file in cache:
        return cache[file]
    now = int(time.time())
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "blame", "--line-porcelain", "--", file],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
    except (subprocess.CalledProcessError, FileNotFoundError, subprocess.TimeoutExpired):
        # A file git does not track yet is all new: every line changed now.
        cache[file] = NEW_FILE if _inside_git(root) else None
        return cache[file]
    times, line = {}, None
    for row in out.splitlines():
        parts = row.split()
        if len(parts) >= 3 and len(parts[0]) == 40 and parts[1].isdigit() and parts[2].isdigit():
            line = int(parts[2])
            times[line] = now if set(parts[0]) == {"0"} else None
        elif row.startswith("author-time ") and line is not None and times[line] is None:
            times[line] = int(parts[1])
    cache[file] = times
    return times


def _inside_git(root: Path) -> bool:
    try:
        return (
            subprocess.run(
                ["git", "-C", str(root), "rev-parse", "--is-inside-work-tree"],
                capture_output=True,
                timeout=30,
            ).returncode
            == 0
        )
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return False


def _changed(root, where, cache) -> int | None:
    file, first, last = where
    times = blame_times(root, file, cache)
    if times is None:
        return None
    if times is NEW_FILE:
        return int(time.time())
    values = [t for n in range(first, last + 1) if (t := times.get(n)) is not None]
    return max(values) if values else None


def report(content: Content) -> list[LanguageReport]:
    root, source = content.root, content.source_language
    cache: dict = {}
    reports = [
        LanguageReport(lang.code, lang.name, lang.reviewed) for lang in content.languages[1:]
    ]
    for path, name, text, mark in content.texts:
        source_time = _changed(root, text.lines[source], cache) if source in text.lines else None
        for entry in reports:
            entry.total += 1
            if not text.get(entry.code):
                entry.missing.append((path, mark[0], name))
                continue
            translated = _changed(root, text.lines[entry.code], cache)
            if source_time is None or translated is None:
                entry.unknown = True
            elif source_time > translated:
                entry.outdated.append((text.lines[entry.code][0], text.lines[entry.code][1], name))
    return reports


def display_width(text: str) -> int:
    """Terminal columns of ``text``: a Chinese character takes two, a combining mark none."""
    width = wcswidth(text)
    return width if width >= 0 else len(text)  # a control character: count characters


def format_table(reports: list[LanguageReport], details: bool = False) -> str:
    header = ("lingua", "nome", "rivista", "testi", "mancanti", "da aggiornare")
    rows = [header]
    for r in reports:
        outdated = str(len(r.outdated)) + (" (git non disponibile)" if r.unknown else "")
        rows.append(
            (
                r.code,
                r.name,
                "sì" if r.reviewed else "no",
                str(r.total),
                str(len(r.missing)),
                outdated,
            )
        )
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(
            cell + " " * (width - display_width(cell))
            for cell, width in zip(row, widths, strict=True)
        ).rstrip()
        for row in rows
    ]
    if details:
        for r in reports:
            for kind, items in (("manca", r.missing), ("da aggiornare", r.outdated)):
                lines += [f"{file}:{line}: {name}: {kind} ({r.code})" for file, line, name in items]
    return "\n".join(lines)


@dataclass(frozen=True)
class Readability:
    file: str
    easy: float | None  # Gulpease of the "italiano semplice" text
    full: float | None  # Gulpease of the same item's ordinary Italian texts


def _italian_texts(item, source: str) -> str:
    """Every Italian text of a content item, nested ones included, as one document."""
    found = []

    def walk(value):
        if isinstance(value, Text):
            found.append(value.get(source) or "")
        elif isinstance(value, tuple):
            for element in value:
                walk(element)
        elif hasattr(value, "__dataclass_fields__"):
            for name in value.__dataclass_fields__:
                if name != "easy":
                    walk(getattr(value, name))

    walk(item)
    return "\n\n".join(found)


def readability(content: Content) -> list[Readability]:
    items = [*content.desks.values(), content.heating_grant, *content.pages.values()]
    kinds = {id(content.heating_grant): "heating_grant"}
    rows = []
    for item in items:
        if getattr(item, "easy", None):
            kind = kinds.get(id(item)) or ("desks" if item in content.desks.values() else "pages")
            file = content.sources.get((kind, item.id), item.id)
            rows.append(
                Readability(
                    file,
                    gulpease(item.easy),
                    gulpease(_italian_texts(item, content.source_language)),
                )
            )
    return rows


def format_readability(rows: list[Readability]) -> str:
    lines = [
        "",
        "Italiano semplice: indice Gulpease (0-100, più alto = più facile; "
        "sotto 80 è difficile per chi ha la licenza elementare)",
        f"{'file':<44}semplice  completo",
    ]
    for row in rows:
        lines.append(f"{row.file:<44}{row.easy!s:>8}  {row.full!s:>8}")
    return "\n".join(lines)
