"""The values of the content model and their converters.

Each content type is a frozen dataclass; its annotations *are* the schema. Here are
the value types (``Text``), the markers that refine a plain string, and one small
converter per kind of value, which returns the value or records a problem that names
the field and says how to fix it. ``kinds.py`` registers them, one entry per kind.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import types
import typing
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import get_args, get_origin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from .problems import WARNING, Problems
from .yamlsource import mark_of

INVALID = object()  # a value that failed conversion; its problem is already recorded


@dataclass(frozen=True)
class Text:
    """A text with one version per language code. Italian is the source."""

    values: dict
    # lang -> (file, first line, last line) of each version, for the translation report
    lines: dict = dataclasses.field(default_factory=dict, compare=False, repr=False)

    def get(self, lang: str) -> str | None:
        return self.values.get(lang)

    def resolve(self, lang: str, source: str = "it") -> tuple[str, bool]:
        """The text in ``lang``, or the source text and True when it falls back."""
        if self.values.get(lang):
            return self.values[lang], False
        return self.values.get(source, ""), lang != source

    def __hash__(self):
        return hash(tuple(sorted(self.values.items())))


# Markers used inside Annotated[...] to refine a plain string.
@dataclass(frozen=True)
class Ref:
    kind: str  # the registry name of the referenced content type ("desks", "roles", ...)


@dataclass(frozen=True)
class Pattern:
    regex: str
    code: str  # the message when a value does not match
    label: str = "testo semplice"  # for the field reference
    example: str = "…"


class LangCode:
    pass


class TimeZoneName:
    pass


SLUG = Pattern(
    r"^[a-z0-9]+(-[a-z0-9]+)*$",
    "value.slug",
    "id (lettere minuscole, cifre e trattini)",
    "conca-fiorita",
)


@dataclass
class Context:
    """What a conversion needs to know and where it records what it finds."""

    path: str
    problems: Problems
    languages: tuple = ("it",)
    source_language: str = "it"
    references: list = dataclasses.field(default_factory=list)  # (kind, id, mark, field, path)
    texts: list = dataclasses.field(default_factory=list)  # (path, field, Text, mark)

    def error(self, node, code, field_name, /, **params):
        self.problems.add(self.path, mark_of(node), code, field_name, **params)

    def warning(self, node, code, field_name, /, **params):
        self.problems.add(self.path, mark_of(node), code, field_name, WARNING, **params)


def suggestion(word: str, choices) -> str:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return match[0] if match else ""


def _scalar(node, ctx, name, expected) -> str | object:
    if not isinstance(node, yaml.ScalarNode):
        ctx.error(node, "value.not_scalar", name, expected=expected)
        return INVALID
    return node.value.strip()


def is_null(node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")


def convert_str(node, ctx, name, detail=None):
    value = _scalar(node, ctx, name, "testo")
    if value is INVALID:
        return value
    if value == "":
        ctx.error(node, "value.empty", name)
        return INVALID
    return value


def convert_pattern(node, ctx, name, pattern: Pattern):
    value = convert_str(node, ctx, name)
    if value is not INVALID and not re.match(pattern.regex, value):
        ctx.error(node, pattern.code, name, value=value)
        return INVALID
    return value


def convert_lang(node, ctx, name, detail=None):
    value = convert_str(node, ctx, name)
    if value is not INVALID and value not in ctx.languages:
        hint = suggestion(value, ctx.languages)
        ctx.error(node, "lang.unknown", name, code=value, known=", ".join(ctx.languages), hint=hint)
        return INVALID
    return value


def convert_timezone(node, ctx, name, detail=None):
    value = convert_str(node, ctx, name)
    if value is INVALID:
        return value
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        ctx.error(node, "value.timezone", name, value=value)
        return INVALID
    return value


def convert_ref(node, ctx, name, ref: Ref):
    value = convert_str(node, ctx, name)
    if value is not INVALID:  # checked once every file is loaded
        ctx.references.append((ref.kind, value, mark_of(node), name, ctx.path))
    return value


def convert_int(node, ctx, name, detail=None):
    value = _scalar(node, ctx, name, "numero intero")
    if value is INVALID:
        return value
    if not re.fullmatch(r"[0-9]+", value):
        ctx.error(node, "value.int", name, value=value)
        return INVALID
    return int(value)


def convert_bool(node, ctx, name, detail=None):
    value = _scalar(node, ctx, name, "true o false")
    if value is INVALID:
        return value
    # Only true/false, as JSON Schema and editors expect; the message says so.
    if value.lower() == "true":
        return True
    if value.lower() == "false":
        return False
    ctx.error(node, "value.bool", name, value=value)
    return INVALID


def convert_decimal(node, ctx, name, detail=None):
    value = _scalar(node, ctx, name, "numero")
    if value is INVALID:
        return value
    # Content uses the dot as decimal separator, as YAML does: 9360.01
    if not re.fullmatch(r"[0-9]+(\.[0-9]{1,2})?", value):
        ctx.error(node, "value.decimal", name, value=value)
        return INVALID
    try:
        return Decimal(value)
    except InvalidOperation:  # pragma: no cover - excluded by the pattern above
        ctx.error(node, "value.decimal", name, value=value)
        return INVALID


def convert_date(node, ctx, name, detail=None):
    value = _scalar(node, ctx, name, "data")
    if value is INVALID:
        return value
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        ctx.error(node, "value.date", name, value=value)
        return INVALID


def convert_time(node, ctx, name, detail=None):
    value = _scalar(node, ctx, name, "orario")
    if value is INVALID:
        return value
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", value)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        ctx.error(node, "value.time", name, value=value)
        return INVALID
    return time(int(match[1]), int(match[2]))


def convert_datetime(node, ctx, name, detail=None):
    value = _scalar(node, ctx, name, "data e ora")
    if value is INVALID:
        return value
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})", value)
    try:
        if not match or int(match[2]) > 23 or int(match[3]) > 59:
            raise ValueError
        day = date.fromisoformat(match[1])
        return datetime(day.year, day.month, day.day, int(match[2]), int(match[3]))
    except ValueError:
        ctx.error(node, "value.datetime", name, value=value)
        return INVALID


def convert_text(node, ctx, name, detail=None):
    if not isinstance(node, yaml.MappingNode):
        ctx.error(node, "text.not_mapping", name, source=ctx.source_language)
        return INVALID
    values, lines = {}, {}
    for key, value in node.value:
        code = key.value
        if code not in ctx.languages:
            hint = suggestion(code, ctx.languages)
            ctx.error(
                key, "lang.unknown", name, code=code, known=", ".join(ctx.languages), hint=hint
            )
            continue
        if not isinstance(value, yaml.ScalarNode) or is_null(value):
            ctx.error(value, "text.not_string", f"{name}.{code}")
            continue
        if value.value.strip():
            values[code] = value.value.strip()
            lines[code] = (
                ctx.path,
                value.start_mark.line + 1,
                max(value.end_mark.line, value.start_mark.line + 1),
            )
    if ctx.source_language not in values:
        ctx.error(node, "text.missing_source", name, source=ctx.source_language)
        return INVALID
    text = Text(values, lines)
    ctx.texts.append((ctx.path, name, text, mark_of(node)))
    return text


def convert_choice(node, ctx, name, choices):
    value = _scalar(node, ctx, name, "una scelta")
    if value is INVALID:
        return value
    if value not in choices:
        ctx.error(
            node,
            "value.choice",
            name,
            value=value,
            choices=", ".join(choices),
            hint=suggestion(value, choices),
        )
        return INVALID
    return value


def unwrap_optional(annotation):
    if get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0], True
    return annotation, False


def field_names(cls) -> list[str]:
    return [f.name for f in dataclasses.fields(cls) if not f.name.startswith("_")]


def is_required(f: dataclasses.Field) -> bool:
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


def child(node, key):
    """The value node under ``key`` in a mapping node (for pointing problems at it)."""
    for k, v in node.value:
        if k.value == key:
            return v
    return node
