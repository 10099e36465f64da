"""Hand texts to translators and take their work back, without touching anything else.

``export`` lists every translatable text (content and UI strings) with its Italian
source and English version, for one language. ``import_file`` writes the filled-in
translations into the YAML files: a ``<lang>:`` line is added (or replaced) inside
each text's mapping, so comments, order and layout stay as the volunteers wrote them.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import yaml

from .model import Content

STRINGS_SOURCE = "site_config/strings/it.yml"


def export(content: Content, lang: str) -> list[dict]:
    entries = []
    for file, field, text, mark in content.texts:
        entries.append(
            {
                "file": file,
                "line": mark[0],
                "field": field,
                "it": text.get("it"),
                "en": text.get("en"),
                lang: text.get(lang) or "",
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


def _yaml_value(text: str, indent: int) -> list[str]:
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
    new = [f"{' ' * indent}{lang}: {value[0]}"] + value[1:]
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
    targets = [(_node_at(root, field), text) for field, text in items]
    lines = source.splitlines()
    # Bottom to top, so earlier line numbers stay valid while we edit.
    for mapping, text in sorted(targets, key=lambda t: t[0].start_mark.line, reverse=True):
        _set_in_mapping(lines, mapping, lang, text)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _import_strings(root: Path, lang: str, items: list[tuple[str, str]]) -> None:
    path = root / "site_config" / "strings" / f"{lang}.yml"
    current = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    current = current or {}
    current.update(dict(items))
    order = list(yaml.safe_load((root / STRINGS_SOURCE).read_text(encoding="utf-8")))
    body = "\n".join(
        f"{key}: {json.dumps(current[key], ensure_ascii=False)}" for key in order if key in current
    )
    path.write_text(
        f"# Interface strings: {lang}. Keep the {{braces}} words as they are.\n{body}\n",
        encoding="utf-8",
    )


def import_file(root: Path, entries: list[dict], lang: str) -> int:
    """Write every non-empty ``lang`` text of ``entries``; returns how many were written."""
    by_file: dict[str, list] = defaultdict(list)
    for entry in entries:
        text = (entry.get(lang) or "").strip()
        if text:
            by_file[entry["file"]].append((entry["field"], text))
    for file, items in by_file.items():
        if file == STRINGS_SOURCE:
            _import_strings(root, lang, items)
        else:
            _import_content(root / file, lang, items)
    return sum(len(items) for items in by_file.values())
