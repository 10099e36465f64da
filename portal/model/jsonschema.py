"""JSON Schema of each content type, derived from the same annotations that validate it.

Text editors (VS Code with the YAML extension, for instance) use these files to
check and autocomplete the YAML while volunteers type.
"""

from __future__ import annotations

import dataclasses
import typing
from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated, Literal, get_args, get_origin

from .fields import LangCode, Pattern, Ref, Text, TimeZoneName, is_required, unwrap_optional

TIME = r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$"
DATE = r"^\d{4}-\d{2}-\d{2}$"
DATETIME = r"^\d{4}-\d{2}-\d{2}[ T]([01]?[0-9]|2[0-3]):[0-5][0-9]$"


def _text_schema(languages) -> dict:
    return {
        "type": "object",
        "description": "Un testo per lingua; it è obbligatorio.",
        "properties": {code: {"type": "string"} for code in languages},
        "required": ["it"],
        "additionalProperties": False,
    }


def schema_of(annotation, languages) -> dict:
    annotation, optional = unwrap_optional(annotation)
    schema = _schema(annotation, languages)
    return {"anyOf": [schema, {"type": "null"}]} if optional else schema


def _schema(annotation, languages) -> dict:
    markers = ()
    if get_origin(annotation) is Annotated:
        annotation, *markers = get_args(annotation)
    simple = {
        str: {"type": "string", "minLength": 1},
        int: {"type": "integer", "minimum": 0},
        bool: {"type": "boolean"},
        Decimal: {"type": "number", "minimum": 0},
        date: {"type": "string", "pattern": DATE},
        time: {"type": "string", "pattern": TIME},
        datetime: {"type": "string", "pattern": DATETIME},
    }
    if annotation is Text:
        return _text_schema(languages)
    if annotation in simple:
        schema = dict(simple[annotation])
        for marker in markers:
            if isinstance(marker, Pattern):
                schema["pattern"] = marker.regex
            elif marker is LangCode:
                schema["enum"] = list(languages)
            elif marker is TimeZoneName:
                schema["examples"] = ["Europe/Rome"]
            elif isinstance(marker, Ref):
                schema["description"] = f"id di un elemento di {marker.kind}"
        return schema
    if get_origin(annotation) is Literal:
        return {"enum": list(get_args(annotation))}
    if get_origin(annotation) is tuple:
        return {"type": "array", "items": schema_of(get_args(annotation)[0], languages)}
    if dataclasses.is_dataclass(annotation):
        return object_schema(annotation, languages)
    raise TypeError(f"no JSON Schema for {annotation!r}")


def object_schema(cls, languages) -> dict:
    hints = typing.get_type_hints(cls, include_extras=True)
    fields = [f for f in dataclasses.fields(cls) if not f.name.startswith("_")]
    properties = {}
    for f in fields:
        prop = schema_of(hints[f.name], languages)
        if f.metadata.get("doc"):
            prop = {**prop, "description": f.metadata["doc"]}
        properties[f.name] = prop
    return {
        "type": "object",
        "properties": properties,
        "required": [f.name for f in fields if is_required(f)],
        "additionalProperties": False,
    }


def document(cls, name: str, languages) -> dict:
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{name}.schema.json", "title": name, **object_schema(cls, languages)}
