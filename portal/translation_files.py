"""Hand texts to translators and take their work back, without touching anything else.

``export`` lists every translatable text (content and UI strings) with its Italian
source and English version, for one language, and who reviewed its translation and
when (while that review still holds). ``import_file`` writes the filled-in
translations into the YAML files: a ``<lang>:`` line is added (or replaced) inside
each text's mapping, so comments, order and layout stay as the volunteers wrote them.
With a reviewer, exactly the imported texts are recorded as reviewed
(site_config/reviews/<lang>.yml), against the Italian the reviewer saw in the file.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import date
from pathlib import Path

import yaml

from .model import Content
from .model.reviews import Review, fingerprint, write_reviews

STRINGS_SOURCE = "site_config/strings/it.yml"


def export(content: Content, lang: str) -> list[dict]:
    entries = []
    for file, field, text, mark in content.texts:
        review = content.reviews.current(lang, file, field, text)
        entries.append(
            {
                "file": file,
                "line": mark[0],
                "field": field,
                "it": text.get("it"),
                "en": text.get("en"),
                lang: text.get(lang) or "",
                # A reviewer may fill these in for the texts they checked (or use --reviewer).
                "reviewed_by": review.reviewer if review else "",
                "reviewed_on": review.date.isoformat() if review else "",
            }
        )
    return entries


def _node_at(root, field: str):
    """The YAML node for a field path such as ``sections[1].body``."""
    node = root
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", field):
        if part.startswith("["):
            node = node.value[int(part[1:-1])]
        else:
            node = next(v for k, v in node.value if k.value == part)
    return node


def _yaml_value(text: str | dict, indent: int) -> list[str]:
    if isinstance(text, dict):  # a string's plural forms, one line each
        pad = " " * (indent + 2)
        return [""] + [
            f"{pad}{form}: {json.dumps(v, ensure_ascii=False)}" for form, v in text.items()
        ]
    if "\n" in text:
        pad = " " * (indent + 2)
        return ["|"] + [f"{pad}{line}" if line else "" for line in text.splitlines()]
    return [json.dumps(text, ensure_ascii=False)]  # a JSON string is a valid YAML scalar


def _set_in_mapping(lines: list[str], mapping, lang: str, text: str) -> None:
    """Add or replace ``lang: text`` in a block mapping of texts (edits ``lines`` in place)."""
    if mapping.flow_style:
        raise ValueError(
            f"line {mapping.start_mark.line + 1}: write this text as one line per "
            "language (not {it: …, en: …}) before importing"
        )
    indent = mapping.value[0][0].start_mark.column
    value = _yaml_value(text, indent)
    new = [f"{' ' * indent}{lang}: {value[0]}".rstrip()] + value[1:]
    for key, node in mapping.value:
        if key.value == lang:
            end = node.end_mark.line if node.end_mark.column == 0 else node.end_mark.line + 1
            lines[key.start_mark.line : end] = new
            return
    last = mapping.value[-1][1]
    at = last.end_mark.line if last.end_mark.column == 0 else last.end_mark.line + 1
    lines[at:at] = new


def _import_content(path: Path, lang: str, items: list[tuple[str, str]]) -> None:
    source = path.read_text(encoding="utf-8")
    root = yaml.compose(source, Loader=yaml.SafeLoader)
    # A YAML alias (*name) reaches the same mapping by two fields: write it once.
    targets = list(
        {
            id(node): (node, text) for field, text in items for node in [_node_at(root, field)]
        }.values()
    )
    lines = source.splitlines()
    # Bottom to top, so earlier line numbers stay valid while we edit.
    for mapping, text in sorted(targets, key=lambda t: t[0].start_mark.line, reverse=True):
        _set_in_mapping(lines, mapping, lang, text)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _import_strings(root: Path, lang: str, items: list[tuple[str, str | dict]]) -> None:
    """Replace (or add at the end) each key's lines; comments and order stay."""
    path = root / "site_config" / "strings" / f"{lang}.yml"
    header = f"# Interface strings: {lang}. Keep the {{braces}} words as they are."
    source = path.read_text(encoding="utf-8") if path.exists() else header + "\n"
    root_node = yaml.compose(source, Loader=yaml.SafeLoader)
    where = {}
    if isinstance(root_node, yaml.MappingNode):
        where = {key.value: (key, node) for key, node in root_node.value}
    lines = source.splitlines()
    placed = sorted(
        ((where[key], text) for key, text in items if key in where),
        key=lambda t: t[0][0].start_mark.line,
        reverse=True,  # bottom to top, so earlier line numbers stay valid
    )
    for (key, node), text in placed:
        end = node.end_mark.line if node.end_mark.column == 0 else node.end_mark.line + 1
        value = _yaml_value(text, 0)
        lines[key.start_mark.line : end] = [f"{key.value}: {value[0]}".rstrip()] + value[1:]
    for key, text in items:
        if key not in where:
            value = _yaml_value(text, 0)
            lines += [f"{key}: {value[0]}".rstrip()] + value[1:]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _filled(value) -> str | dict:
    """A translation from the file: a text, or a plural string's forms; "" when empty."""
    if isinstance(value, dict):
        forms = {k: str(v).strip() for k, v in value.items() if str(v or "").strip()}
        return forms or ""
    return (value or "").strip()


def import_file(
    root: Path,
    entries: list[dict],
    lang: str,
    reviewer: str | None = None,
    day: date | None = None,
    current: dict | None = None,
) -> tuple[int, int]:
    """Write every non-empty ``lang`` text of ``entries`` and record the reviews;
    returns how many texts were written and how many reviews recorded.

    With ``reviewer``, every text written is reviewed by them on ``day``. Without it, an
    entry's own ``reviewed_by``/``reviewed_on`` count when they differ from the review
    already recorded (``current``: (file, field) -> Review), so that a file exported with
    old reviews and translated again does not pass its new texts off as reviewed."""
    day = day or date.today()
    by_file: dict[str, list] = defaultdict(list)
    reviews = []
    for entry in entries:
        text = _filled(entry.get(lang))
        if not text:
            continue
        by_file[entry["file"]].append((entry["field"], text))
        by_whom, on = reviewer, day
        if not reviewer and (entry.get("reviewed_by") or "").strip():
            by_whom = entry["reviewed_by"].strip()
            on = date.fromisoformat(entry.get("reviewed_on") or day.isoformat())
            old = (current or {}).get((entry["file"], entry["field"]))
            if old and (old.reviewer, old.date) == (by_whom, on):
                by_whom = None  # the review the export carried: it holds or not by itself
        if by_whom:
            reviews.append(
                Review(
                    entry["file"],
                    entry["field"],
                    by_whom,
                    on,
                    fingerprint(entry.get("it")),  # the Italian the reviewer had in front of them
                    fingerprint(text),
                )
            )
    for file, items in by_file.items():
        if file == STRINGS_SOURCE:
            _import_strings(root, lang, items)
        else:
            _import_content(root / file, lang, items)
    if reviews:
        write_reviews(root, lang, reviews)
    return sum(len(items) for items in by_file.values()), len(reviews)
