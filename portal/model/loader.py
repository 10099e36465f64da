"""Load and validate everything under ``content/`` and ``site_config/`` in one pass.

``load`` returns the whole model or raises ``ContentError`` with every problem;
``check`` returns the problems without raising. Both the site build and the
forms service call ``load``, so a rule or a capacity is written only once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from babel import Locale

from ..plurals import CATEGORIES, needed
from .amounts import AmountsFile
from .amounts import scan as scan_amounts
from .fields import INVALID, Context, Text, suggestion
from .kinds import convert_object
from .problems import WARNING, ContentError, Problems
from .reviews import Reviews, load_reviews
from .settings import ContactsFile, FormsFile, Language, LanguagesFile
from .types import Course, Desk, Event, HeatingGrant, Page, Role, Service
from .yamlsource import mark_of, read


@dataclass(frozen=True)
class ContentType:
    name: str  # how references and the model call it
    cls: type
    location: str  # a folder of one file each, or one file
    label: str  # Italian, for the editing guide

    @property
    def single(self) -> bool:
        return self.location.endswith(".yml")


# The registry of content types: adding a type means adding a line here.
CONTENT_TYPES = (
    ContentType("desks", Desk, "content/desks", "Sportelli"),
    ContentType("roles", Role, "content/team", "Ruoli del team"),
    ContentType("services", Service, "content/services", "Servizi"),
    ContentType("courses", Course, "content/courses", "Corsi"),
    ContentType("events", Event, "content/events", "Eventi"),
    ContentType("pages", Page, "content/pages", "Pagine"),
    ContentType(
        "heating_grant", HeatingGrant, "content/heating-grant.yml", "Contributo riscaldamento"
    ),
)
SETTINGS_FILES = {
    "languages": (LanguagesFile, "site_config/languages.yml"),
    "contacts": (ContactsFile, "site_config/contacts.yml"),
    "forms": (FormsFile, "site_config/forms.yml"),
    "amounts": (AmountsFile, "content/amounts.yml"),
}
STRINGS_DIR = "site_config/strings"


@dataclass
class Content:
    root: Path
    languages: tuple[Language, ...]
    strings: dict  # lang -> {key: text}
    contacts: dict
    forms: FormsFile
    desks: dict
    roles: dict
    services: dict
    courses: dict
    events: dict
    pages: dict
    heating_grant: HeatingGrant
    sources: dict = field(default_factory=dict)  # (type name, id) -> file, relative to root
    texts: list = field(default_factory=list)  # (file, field, Text, mark)
    problems: Problems = field(default_factory=Problems)
    reviews: Reviews = field(default_factory=Reviews)  # which translations a person checked
    amounts: dict = field(default_factory=dict)  # name -> Decimal, for {amount:name}

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(language.code for language in self.languages)

    @property
    def source_language(self) -> str:
        return self.languages[0].code

    def language(self, code: str) -> Language:
        return next(language for language in self.languages if language.code == code)


def _relative(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _load_file(root, path, cls, problems, languages, references, texts):
    display = _relative(root, path)
    if not path.exists():
        problems.add(display, (1, 1), "file.missing", path=display)
        return INVALID, None
    node = read(path, problems, display)
    if node is None:
        return INVALID, None
    scan_amounts(node, display, references, problems)
    ctx = Context(display, problems, languages, languages[0], references, texts)
    return convert_object(cls, node, ctx), node


def placeholders(template: str) -> set[str]:
    """The {names} the site fills in; a translation must keep exactly the same ones."""
    return set(re.findall(r"{(\w*)}", template))


def _string_value(node, display: str, key: str, problems: Problems) -> str | dict | None:
    """A UI string: one text, or one text per CLDR plural category (portal/plurals.py)."""
    if isinstance(node, yaml.ScalarNode) and node.value.strip():
        return node.value.strip()
    if not isinstance(node, yaml.MappingNode) or not node.value:
        problems.add(display, mark_of(node), "text.not_string", key)
        return None
    forms = {}
    for category, form in node.value:
        if category.value not in CATEGORIES:
            problems.add(
                display,
                mark_of(category),
                "strings.plural_unknown",
                f"{key}.{category.value}",
                form=category.value,
                allowed=", ".join(CATEGORIES),
            )
        elif not isinstance(form, yaml.ScalarNode) or not form.value.strip():
            problems.add(display, mark_of(form), "text.not_string", f"{key}.{category.value}")
        else:
            forms[category.value] = form.value.strip()
    return forms or None


def _placeholders(value: str | dict) -> set[str]:
    forms = value.values() if isinstance(value, dict) else [value]
    return set().union(*(placeholders(form) for form in forms))


def _check_plural(value, code: str, key: str, display: str, node, problems: Problems) -> None:
    """A string with a count has every plural form its language needs (CLDR, via Babel)."""
    forms = value if isinstance(value, dict) else {"other": value}
    need = needed(Locale.parse(code, sep="-"))
    missing = [c for c in need if c not in forms]
    if missing:
        # A block of forms starts on the line after its key: point at the key.
        block = isinstance(node, yaml.MappingNode) and not node.flow_style
        problems.add(
            display,
            (node.start_mark.line, 1) if block else mark_of(node),
            "strings.plural_missing",
            key,
            missing=", ".join(missing),
            needed=", ".join(need),
            code=code,
        )


def _load_strings(root: Path, codes, problems: Problems, texts: list, references=None) -> dict:
    folder = root / STRINGS_DIR
    strings: dict[str, dict] = {}
    nodes: dict[str, dict] = {}
    for code in codes:
        path = folder / f"{code}.yml"
        display = _relative(root, path)
        if not path.exists():
            if code == codes[0]:
                problems.add(display, (1, 1), "strings.missing_file", code=code)
            strings[code], nodes[code] = {}, {}
            continue
        node = read(path, problems, display)
        strings[code], nodes[code] = {}, {}
        if node is None:
            continue
        scan_amounts(node, display, references if references is not None else [], problems)
        if not isinstance(node, yaml.MappingNode):
            problems.add(display, mark_of(node), "value.not_mapping", "(file)")
            continue
        for key, value in node.value:
            text = _string_value(value, display, key.value, problems)
            if text is None:
                continue
            strings[code][key.value] = text
            nodes[code][key.value] = (display, value)
    source = strings.get(codes[0], {})
    for code in codes[1:]:
        for key, (display, value) in nodes[code].items():
            if key not in source:
                problems.add(
                    display,
                    mark_of(value),
                    "strings.unknown_key",
                    key,
                    key=key,
                    hint=suggestion(key, source),
                )
            elif _placeholders(strings[code][key]) != _placeholders(source[key]):
                names = sorted(_placeholders(source[key]))
                expected = " ".join(f"{{{name}}}" for name in names)
                problems.add(
                    display, mark_of(value), "strings.placeholders", key, expected=expected or "-"
                )
            elif isinstance(source[key], dict) or isinstance(strings[code][key], dict):
                _check_plural(strings[code][key], code, key, display, value, problems)
    for key, (display, value) in nodes[codes[0]].items():
        if isinstance(source[key], dict):
            _check_plural(source[key], codes[0], key, display, value, problems)
    for key in source:
        values = {code: strings[code][key] for code in codes if key in strings[code]}
        lines = {
            code: (
                nodes[code][key][0],
                nodes[code][key][1].start_mark.line + 1,
                nodes[code][key][1].start_mark.line + 1,
            )
            for code in values
        }
        display, value = nodes[codes[0]][key]
        texts.append((display, key, Text(values, lines), mark_of(value)))
    return strings


def _raw_id(node) -> set:
    if isinstance(node, yaml.MappingNode):
        return {
            v.value for k, v in node.value if k.value == "id" and isinstance(v, yaml.ScalarNode)
        }
    return set()


def _load_type(root, kind: ContentType, problems, languages, references, texts, sources, broken):
    paths = [root / kind.location] if kind.single else sorted((root / kind.location).glob("*.yml"))
    if kind.single and not paths[0].exists():
        problems.add(kind.location, (1, 1), "file.missing", path=kind.location)
        return {}
    items: dict[str, object] = {}
    first_seen: dict[str, str] = {}  # id -> the file that defined it first
    for path in paths:
        value, node = _load_file(root, path, kind.cls, problems, languages, references, texts)
        if value is INVALID:
            # Remember its id (or, if unreadable, its file name) so references to it do not
            # cascade into more errors.
            broken.update(_raw_id(node) | {path.stem})
            continue
        display = _relative(root, path)
        if value.id in items:
            id_node = next(v for k, v in node.value if k.value == "id")
            problems.add(
                display,
                mark_of(id_node),
                "id.duplicate",
                "id",
                id=value.id,
                other=first_seen[value.id],
            )
            continue
        items[value.id] = value
        first_seen[value.id] = display
        sources[(kind.name, value.id)] = display
    for stray in sorted((root / kind.location).glob("*.yaml")) if not kind.single else ():
        problems.add(_relative(root, stray), (1, 1), "file.extension", name=stray.name)
    return items


LABELS = {
    "contacts": "Contatti",
    "amounts": "gli importi di content/amounts.yml",
    **{kind.name: kind.label for kind in CONTENT_TYPES},
}


def _check_references(references, loaded: dict, broken: dict, problems: Problems) -> None:
    for kind, ref, mark, name, path in references:
        known = loaded.get(kind, {})
        if ref not in known and ref not in broken.get(kind, ()):
            problems.add(
                path,
                mark,
                "ref.unknown",
                name,
                kind=LABELS[kind].lower(),
                id=ref,
                hint=suggestion(ref, known),
                known=", ".join(known) or "-",
            )


def _check_form_fields(forms, node, source: dict, path: str, problems: Problems) -> None:
    """Each field a form says it collects has its label, which the privacy notice shows."""
    known = [key.removeprefix("form_label_") for key in source if key.startswith("form_label_")]
    forms_node = _child(node, "online_forms")
    for name in ("pre_application", "registration"):
        items = _child(_child(forms_node, name), "collects")
        for i, field_name in enumerate(getattr(forms.online_forms, name).collects):
            if field_name not in known:
                at = items.value[i] if isinstance(items, yaml.SequenceNode) else items
                problems.add(
                    path,
                    mark_of(at),
                    "form.unknown_field",
                    f"online_forms.{name}.collects[{i}]",
                    field=field_name,
                    hint=suggestion(field_name, known),
                )


def _child(node, key):
    if isinstance(node, yaml.MappingNode):
        return next((v for k, v in node.value if k.value == key), node)
    return node


def _amounts(root: Path, loaded: dict, problems: Problems, codes, broken: dict, refs) -> dict:
    """The names texts may write as {amount:name}: content/amounts.yml plus the grant's rule
    amounts. When either failed to load, its names are not reported again as unknown."""
    cls, location = SETTINGS_FILES["amounts"]
    amounts_file, _ = _load_file(root, root / location, cls, problems, codes, [], [])
    grant = next(iter(loaded.get("heating_grant", {}).values()), None)
    if amounts_file is INVALID or grant is None:
        broken["amounts"] = {ref for kind, ref, *_ in refs if kind == "amounts"}
        return {}
    return amounts_file.values(grant.rules)


def _warn_missing_translations(texts, codes, problems: Problems) -> None:
    for path, name, text, mark in texts:
        missing = [code for code in codes[1:] if not text.get(code)]
        if missing:
            problems.add(
                path, mark, "text.missing_translation", name, WARNING, langs=", ".join(missing)
            )


def check(root: Path) -> Content | Problems:
    """Load everything; return the model, or the problems when there are errors."""
    root = Path(root).resolve()
    problems = Problems()
    cls, location = SETTINGS_FILES["languages"]
    languages_file, _ = _load_file(root, root / location, cls, problems, ("it",), [], [])
    if languages_file is INVALID or problems.errors:
        return problems
    codes = tuple(language.code for language in languages_file.languages)
    references: list[tuple] = []  # (type name, id, mark, field, file) of every reference
    texts: list[tuple] = []  # (file, field, Text, mark)
    sources: dict[tuple[str, str], str] = {}  # (type name, id) -> file
    cls, location = SETTINGS_FILES["contacts"]
    contacts_file, _ = _load_file(root, root / location, cls, problems, codes, references, texts)
    contacts = {} if contacts_file is INVALID else {c.id: c for c in contacts_file.contacts}
    cls, location = SETTINGS_FILES["forms"]
    forms_file, forms_node = _load_file(
        root, root / location, cls, problems, codes, references, texts
    )
    strings = _load_strings(root, codes, problems, texts, references)
    if forms_file is not INVALID:
        _check_form_fields(forms_file, forms_node, strings.get(codes[0], {}), location, problems)
    loaded = {"contacts": contacts}
    broken: dict[str, set[str]] = {}  # type name -> ids of items that failed to load
    for kind in CONTENT_TYPES:
        broken[kind.name] = set()
        loaded[kind.name] = _load_type(
            root, kind, problems, codes, references, texts, sources, broken[kind.name]
        )
    loaded["amounts"] = _amounts(root, loaded, problems, codes, broken, references)
    _check_references(references, loaded, broken, problems)
    _warn_missing_translations(texts, codes, problems)
    reviews = load_reviews(root, codes, texts, problems)
    if problems.errors:
        return problems
    grant = loaded.pop("heating_grant")
    return Content(
        root,
        languages_file.languages,
        strings,
        forms=forms_file,
        heating_grant=next(iter(grant.values())),
        sources=sources,
        texts=texts,
        problems=problems,
        reviews=reviews,
        **loaded,
    )


def load(root: Path) -> Content:
    result = check(root)
    if isinstance(result, Problems):
        raise ContentError(result.sorted())
    return result
