#!/usr/bin/env python3
"""Write docs/riferimento-campi.md: every content type and field, from the code itself.

Run by `make docs`; tests/test_docs.py fails when the committed file is stale, so the
volunteers' reference cannot drift from what `portal check` accepts.
"""

from __future__ import annotations

import dataclasses
import sys
import typing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.model.fields import is_required, unwrap_optional  # noqa: E402
from portal.model.kinds import label_of, nested_group  # noqa: E402
from portal.model.loader import CONTENT_TYPES, SETTINGS_FILES  # noqa: E402

TARGET = ROOT / "docs" / "riferimento-campi.md"


def table(cls, prefix: str = "") -> list[str]:
    """One row per field (the kinds registry names its type), then the nested fields."""
    hints = typing.get_type_hints(cls, include_extras=True)
    rows, nested = [], []
    for f in dataclasses.fields(cls):
        if f.name.startswith("_"):
            continue
        required = "sì" if is_required(f) else "no"
        name = f"{prefix}{f.name}"
        rows.append(
            f"| `{name}` | {label_of(hints[f.name])} | {required} | {f.metadata.get('doc', '')} |"
        )
        inner = nested_group(hints[f.name])
        if inner is not None:
            plural = typing.get_origin(unwrap_optional(hints[f.name])[0]) is tuple
            nested.extend(table(inner, f"{name}{'[].' if plural else '.'}"))
    return rows + nested


def render() -> str:
    out = [
        "# Riferimento dei campi",
        "",
        "<!-- Generato da scripts/field_reference.py: non modificare a mano, usa `make docs`. -->",
        "",
        "Ogni tipo di contenuto, i suoi campi e che cosa vogliono. "
        "«Obbligatorio: no» vuol dire che il campo si può omettere.",
        "",
    ]
    sections = [(kind.label, kind.location, kind.cls) for kind in CONTENT_TYPES]
    sections += [
        (name.capitalize(), location, cls) for name, (cls, location) in SETTINGS_FILES.items()
    ]
    for label, location, cls in sections:
        where = location if location.endswith(".yml") else f"{location}/*.yml"
        out += [
            f"## {label}",
            "",
            f"File: `{where}`",
            "",
            "| campo | tipo | obbligatorio | descrizione |",
            "| --- | --- | --- | --- |",
        ]
        out += table(cls)
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
    print(f"Scritto {TARGET.relative_to(ROOT)}")
