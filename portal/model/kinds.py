"""The registry of value kinds (Lektor-style): every kind of value is described once.

A ``Kind`` says how to read a value from YAML (its converter in fields.py), how JSON
Schema describes it (for editors), how docs/riferimento-campi.md names it in Italian,
and what it looks like written in YAML (the example in "a field is missing" messages).
``convert``, ``schema_of``, ``label_of`` and ``example_of`` walk an annotation through
this registry, so a new kind is one entry here and every use follows.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated, Literal, get_args, get_origin

import yaml

from .fields import (
    INVALID,
    LangCode,
    Pattern,
    Ref,
    Text,
    TimeZoneName,
    convert_bool,
    convert_choice,
    convert_date,
    convert_datetime,
    convert_decimal,
    convert_int,
    convert_lang,
    convert_pattern,
    convert_ref,
    convert_str,
    convert_text,
    convert_time,
    convert_timezone,
    is_null,
    is_required,
    unwrap_optional,
)
from .italian import field_hint
from .yamlsource import mark_of

TIME = r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$"
DATE = r"^\d{4}-\d{2}-\d{2}$"
DATETIME = r"^\d{4}-\d{2}-\d{2}[ T]([01]?[0-9]|2[0-3]):[0-5][0-9]$"
STRING = {"type": "string", "minLength": 1}


@dataclass(frozen=True)
class Kind:
    """One kind of value. Each function takes the annotation's detail (see ``kind_of``)."""

    convert: Callable  # (node, ctx, name, detail) -> the value, or INVALID after recording why
    schema: Callable  # (detail, languages) -> JSON Schema fragment
    label: Callable  # (detail) -> Italian words for the field reference
    example: Callable  # (detail) -> YAML: one line (str) or the lines of a block (list)


def simple(convert, schema: dict, label: str, example: str) -> Kind:
    """A kind whose schema, label and example are the same for every field."""
    return Kind(
        convert,
        lambda detail, languages: dict(schema),
        lambda detail: label,
        lambda detail: example,
    )


def _text_schema(detail, languages) -> dict:
    return {
        "type": "object",
        "description": "Un testo per lingua; it è obbligatorio.",
        "properties": {code: {"type": "string"} for code in languages},
        "required": ["it"],
        "additionalProperties": False,
    }


TYPES = {
    str: simple(convert_str, STRING, "testo semplice", "…"),
    int: simple(convert_int, {"type": "integer", "minimum": 0}, "numero intero", "12"),
    bool: simple(convert_bool, {"type": "boolean"}, "true o false", "true"),
    Decimal: simple(
        convert_decimal,
        {"type": "number", "minimum": 0},
        "numero, con il punto per i decimali",
        "9360.01",
    ),
    date: simple(
        convert_date, {"type": "string", "pattern": DATE}, "data (AAAA-MM-GG)", "2026-03-01"
    ),
    time: simple(convert_time, {"type": "string", "pattern": TIME}, 'orario ("HH:MM")', '"09:00"'),
    datetime: simple(
        convert_datetime,
        {"type": "string", "pattern": DATETIME},
        "data e ora (AAAA-MM-GG HH:MM)",
        "2026-04-18 09:30",
    ),
    Text: Kind(
        convert_text, _text_schema, lambda detail: "testo per lingua", lambda detail: ["it: …"]
    ),
}

# Markers refine a plain string: Annotated[str, marker]. Keyed by the marker's class.
MARKERS = {
    Pattern: Kind(
        convert_pattern,
        lambda p, languages: {**STRING, "pattern": p.regex},
        lambda p: p.label,
        lambda p: p.example,
    ),
    LangCode: Kind(
        convert_lang,
        lambda d, languages: {**STRING, "enum": list(languages)},
        lambda d: "codice di una lingua del sito (site_config/languages.yml)",
        lambda d: "it",
    ),
    TimeZoneName: simple(
        convert_timezone,
        {**STRING, "examples": ["Europe/Rome"]},
        "fuso orario IANA (es. Europe/Rome)",
        "Europe/Rome",
    ),
    Ref: Kind(
        convert_ref,
        lambda ref, languages: {**STRING, "description": f"id di un elemento di {ref.kind}"},
        lambda ref: f"testo semplice (id di un elemento di {ref.kind})",
        lambda ref: "…",
    ),
}


def kind_of(annotation) -> tuple[Kind, object]:
    """The kind of a non-optional annotation, and the detail its functions take."""
    if get_origin(annotation) is Annotated:
        _, marker = get_args(annotation)  # one marker per field
        return MARKERS[marker if isinstance(marker, type) else type(marker)], marker
    if annotation in TYPES:
        return TYPES[annotation], None
    origin = get_origin(annotation)
    if origin is Literal:
        return CHOICE, get_args(annotation)
    if origin is tuple:
        return LIST, get_args(annotation)[0]
    if dataclasses.is_dataclass(annotation):
        return GROUP, annotation
    raise TypeError(f"no kind for {annotation!r}")  # a programming error


def convert(annotation, node, ctx, name: str):
    """Convert ``node`` to ``annotation``'s type, or record why not and return INVALID."""
    annotation, optional = unwrap_optional(annotation)
    if is_null(node):
        if optional:
            return None
        ctx.error(node, "value.required_null", name)
        return INVALID
    kind, detail = kind_of(annotation)
    return kind.convert(node, ctx, name, detail)


def schema_of(annotation, languages) -> dict:
    annotation, optional = unwrap_optional(annotation)
    kind, detail = kind_of(annotation)
    schema = kind.schema(detail, languages)
    return {"anyOf": [schema, {"type": "null"}]} if optional else schema


def label_of(annotation) -> str:
    annotation, optional = unwrap_optional(annotation)
    kind, detail = kind_of(annotation)
    return kind.label(detail) + (" o vuoto" if optional else "")


def example_of(annotation) -> str | list[str]:
    kind, detail = kind_of(unwrap_optional(annotation)[0])
    return kind.example(detail)


def example_entry(name: str, annotation, field=None) -> list[str]:
    """``name: value`` as a volunteer writes it, in one line or as a block."""
    value = (field.metadata.get("example") if field else None) or example_of(annotation)
    if isinstance(value, str):
        return [f"{name}: {value}"]
    return [f"{name}:"] + [f"  {line}" for line in value]


def nested_group(annotation):
    """The content type nested in a field (alone or as list items), if any."""
    kind, detail = kind_of(unwrap_optional(annotation)[0])
    if kind is LIST:
        kind, detail = kind_of(unwrap_optional(detail)[0])
    return detail if kind is GROUP else None


# --- choices, lists and groups of fields -------------------------------------------------


def _convert_list(node, ctx, name, item_type):
    if not isinstance(node, yaml.SequenceNode):
        ctx.error(node, "value.not_list", name)
        return INVALID
    items = [convert(item_type, item, ctx, f"{name}[{i}]") for i, item in enumerate(node.value)]
    return INVALID if any(i is INVALID for i in items) else tuple(items)


def _list_example(item_type) -> list[str]:
    value = example_of(item_type)
    lines = [value] if isinstance(value, str) else value
    return [f"- {lines[0]}"] + [f"  {line}" for line in lines[1:]]


def _fields(cls) -> list[dataclasses.Field]:
    return [x for x in dataclasses.fields(cls) if not x.name.startswith("_")]


def _group_example(cls) -> list[str]:
    """The required fields of ``cls`` (or its first field when none is required)."""
    hints = typing.get_type_hints(cls, include_extras=True)
    shown = [x for x in _fields(cls) if is_required(x)] or _fields(cls)[:1]
    return [line for x in shown for line in example_entry(x.name, hints[x.name], x)]


def object_schema(cls, languages) -> dict:
    hints = typing.get_type_hints(cls, include_extras=True)
    properties = {}
    for x in _fields(cls):
        prop = schema_of(hints[x.name], languages)
        if x.metadata.get("doc"):
            prop = {**prop, "description": x.metadata["doc"]}
        properties[x.name] = prop
    return {
        "type": "object",
        "properties": properties,
        "required": [x.name for x in _fields(cls) if is_required(x)],
        "additionalProperties": False,
    }


def convert_object(cls, node, ctx, name: str = ""):
    """Build a ``cls`` from a mapping node, checking every key against its fields."""
    if not isinstance(node, yaml.MappingNode):
        ctx.error(node, "value.not_mapping", name or "(file)")
        return INVALID
    hints = typing.get_type_hints(cls, include_extras=True)
    fields = {x.name: x for x in _fields(cls)}
    given, guessed, ok = {}, set(), True
    for key, value in node.value:
        full = f"{name}.{key.value}" if name else key.value
        if key.value not in fields:
            guessed.add(_unknown_key(key, fields, ctx, full))
            ok = False
            continue
        converted = convert(hints[key.value], value, ctx, full)
        ok = ok and converted is not INVALID
        given[key.value] = converted
    for field_name, x in fields.items():
        # A typo already reported with "did you mean" is not reported again as missing.
        if field_name not in given and field_name not in guessed and is_required(x):
            ctx.error(
                node,
                "field.missing",
                f"{name}.{field_name}" if name else field_name,
                key=field_name,
                example=_shown(example_entry(field_name, hints[field_name], x)),
            )
            ok = False
    if not ok:
        return INVALID
    private = {x.name for x in dataclasses.fields(cls)} - set(fields)
    value = cls(**given, **({"_mark": mark_of(node)} if "_mark" in private else {}))
    check = getattr(value, "check", None)
    if check:
        check(node, ctx, name)
    confirm = getattr(value, "check_to_confirm", None)
    if confirm:
        confirm(node, ctx, name)
    return value


# Fields that are gone, and the one way that replaced them: what is not yet confirmed is
# written in to_confirm (types.Pending), not as a flag beside each value.
REPLACED_BY_TO_CONFIRM = {"date_to_be_confirmed", "confirmed"}


def _unknown_key(key, fields, ctx, full) -> str:
    """Report a key that is no field, with the field it probably means; return that field."""
    if key.value in REPLACED_BY_TO_CONFIRM:
        # The example names the field to list: the event's date, or the group holding the flag.
        instead = "start" if key.value == "date_to_be_confirmed" else full.rpartition(".")[0]
        ctx.error(key, "field.replaced_by_to_confirm", full, key=key.value, instead=instead or "…")
        return "to_confirm"
    hint, italian = field_hint(key.value, fields)
    ctx.error(
        key,
        "field.italian" if italian else "field.unknown",
        full,
        key=key.value,
        hint=hint,
        allowed=", ".join(fields),
    )
    return hint


def _shown(lines: list[str]) -> str:
    """An example inside a message: after a space, or as an indented block on new lines."""
    return f" {lines[0]}" if len(lines) == 1 else "".join(f"\n    {line}" for line in lines)


# The kinds made of other kinds; defined last, as they need the functions above.
CHOICE = Kind(
    convert_choice,
    lambda choices, languages: {"enum": list(choices)},
    lambda choices: "uno tra: " + ", ".join(f"`{c}`" for c in choices),
    lambda choices: choices[0],
)
LIST = Kind(
    _convert_list,
    lambda item, languages: {"type": "array", "items": schema_of(item, languages)},
    lambda item: "elenco, ogni voce: " + label_of(item),
    _list_example,
)
GROUP = Kind(
    lambda node, ctx, name, cls: convert_object(cls, node, ctx, name),
    object_schema,
    lambda cls: "gruppo di campi",
    _group_example,
)
