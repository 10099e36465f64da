"""The translation report: per language, which texts are missing, outdated and reviewed.

A translation is outdated when its Italian source was changed after it: we ask
``git blame`` when each line was last touched, so volunteers keep no extra
bookkeeping. Outside a git checkout the outdated column says it cannot tell.
A text is reviewed while a person's review of it still holds (portal/model/reviews.py).
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from wcwidth import wcswidth

from .model import Content
from .readability import gulpease, page_text

NEW_FILE: dict = {}  # marker: the file is not committed yet


@dataclass
class LanguageReport:
    code: str
    name: str
    total: int = 0
    missing: list = field(default_factory=list)  # (file, line, field)
    outdated: list = field(default_factory=list)
    unknown: bool = False  # no git history to compare with
    reviewed: int = 0  # texts whose review by a person still holds

    @property
    def reviewed_share(self) -> str:
        """The share as a percentage, rounded down: 100% means every text, not nearly all."""
        return f"{100 * self.reviewed // self.total if self.total else 0}%"


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
    reports = [LanguageReport(lang.code, lang.name) for lang in content.languages[1:]]
    for path, name, text, mark in content.texts:
        source_time = _changed(root, text.lines[source], cache) if source in text.lines else None
        for entry in reports:
            entry.total += 1
            if not text.get(entry.code):
                entry.missing.append((path, mark[0], name))
                continue
            if content.reviews.holds(entry.code, text):
                entry.reviewed += 1
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
    header = ("lingua", "nome", "rivisti", "testi", "mancanti", "da aggiornare")
    rows = [header]
    for r in reports:
        outdated = str(len(r.outdated)) + (" (git non disponibile)" if r.unknown else "")
        rows.append(
            (
                r.code,
                r.name,
                r.reviewed_share,
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
    easy: float | None  # Gulpease of the "italiano semplice" page, as rendered
    full: float | None  # Gulpease of the same item's ordinary Italian page, as rendered


def readability(content: Content, today: date | None = None) -> list[Readability]:
    """Both scores on the pages as the site renders them: what a reader reads, the
    sentences written from data (rules, hours, amounts) included."""
    from .site.render import desk_path, page_path, render_language
    from .site.render.easy import easy_path
    from .site.render.grant import PATH as GRANT_PATH

    site = render_language(content, content.source_language, today or date.today())
    bodies = {page.path: page.body for page in site.pages}
    items = [
        *(("desks", d, desk_path(d.id)) for d in content.desks.values()),
        ("heating_grant", content.heating_grant, GRANT_PATH),
        *(("pages", p, page_path(p.id)) for p in content.pages.values()),
    ]
    rows = []
    for kind, item, path in items:
        if getattr(item, "easy", None):
            file = content.sources.get((kind, item.id), item.id)
            easy, full = bodies.get(easy_path(path)), bodies.get(path)
            rows.append(
                Readability(
                    file,
                    gulpease(page_text(easy)) if easy else None,
                    gulpease(page_text(full)) if full else None,
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
