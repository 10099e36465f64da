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

from portal.model.fields import Text, is_required, unwrap_optional  # noqa: E402
from portal.model.jsonschema import schema_of  # noqa: E402
from portal.model.loader import CONTENT_TYPES, SETTINGS_FILES  # noqa: E402

TARGET = ROOT / "docs" / "riferimento-campi.md"


def kind_of(schema: dict) -> str:
    if "anyOf" in schema:
        return kind_of(schema["anyOf"][0]) + " o vuoto"
    if "enum" in schema:
        return "uno tra: " + ", ".join(f"`{v}`" for v in schema["enum"])
    kind = schema.get("type")
    if kind == "array":
        return "elenco di " + kind_of(schema["items"])
    if kind == "object" and schema.get("required") == ["it"]:
        return "testo per lingua"
    if kind == "object":
        return "gruppo di campi"
    if schema.get("description", "").startswith("id di"):
        return f"testo semplice ({schema['description']})"
    pattern = schema.get("pattern", "")
    if "\\d{4}" in pattern and ":" in pattern:
        return "data e ora (AAAA-MM-GG HH:MM)"
    if "\\d{4}" in pattern:
        return "data (AAAA-MM-GG)"
    if ":" in pattern:
        return 'orario ("HH:MM")'
    return {"string": "testo semplice", "integer": "numero intero", "number": "numero",
            "boolean": "true o false"}.get(kind, str(kind))


def table(cls, prefix: str = "") -> list[str]:
    hints = typing.get_type_hints(cls, include_extras=True)
    rows, nested = [], []
    for f in dataclasses.fields(cls):
        if f.name.startswith("_"):
            continue
        schema = schema_of(hints[f.name], ("it",))
        required = "sì" if is_required(f) else "no"
        name = f"{prefix}{f.name}"
        rows.append(f"| `{name}` | {kind_of(schema)} | {required} | {f.metadata.get('doc', '')} |")
        inner = _dataclass_in(hints[f.name])
        if inner is not None:
            plural = typing.get_origin(unwrap_optional(hints[f.name])[0]) is tuple
            suffix = "[]." if plural else "."
            nested.extend(table(inner, f"{name}{suffix}"))
    return rows + nested


def _dataclass_in(annotation):
    """The nested content type inside a field, if any (a translatable text is not one)."""
    annotation = unwrap_optional(annotation)[0]
    if typing.get_origin(annotation) is tuple:
        annotation = typing.get_args(annotation)[0]
    return annotation if dataclasses.is_dataclass(annotation) and annotation is not Text else None


def render() -> str:
    out = ["# Riferimento dei campi", "",
           "<!-- Generato da scripts/field_reference.py: non modificare a mano, usa `make docs`. -->",
           "", "Ogni tipo di contenuto, i suoi campi e che cosa vogliono. "
           "«Obbligatorio: no» vuol dire che il campo si può omettere.", ""]
    sections = [(kind.label, kind.location, kind.cls) for kind in CONTENT_TYPES]
    sections += [(name.capitalize(), location, cls) for name, (cls, location) in SETTINGS_FILES.items()]
    for label, location, cls in sections:
        where = location if location.endswith(".yml") else f"{location}/*.yml"
        out += [f"## {label}", "", f"File: `{where}`", "",
                "| campo | tipo | obbligatorio | descrizione |", "| --- | --- | --- | --- |"]
        out += table(cls)
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
    print(f"Scritto {TARGET.relative_to(ROOT)}")
