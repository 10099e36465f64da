"""Which translations a person has reviewed: ``site_config/reviews/<lang>.yml``.

One entry per reviewed text, written by ``portal import-translations LANG FILE --reviewer
NAME`` (never by hand)::

    - file: content/team/tenant-manager.yml
      field: title
      reviewer: Olena
      date: 2026-11-28
      source: 3f2a9c1e0b7d4a55   # fingerprint of the Italian text the reviewer saw
      text: 9b1c77e2f0a3d6c4     # fingerprint of the translation they approved

A review holds only while both fingerprints match the texts as they are now: a later
change to the Italian (or to the translation) makes the text un-reviewed again, with no
git history needed. Pages lose the "not yet checked by a person" notice when every text
on them holds a review (portal/site/render/context.py).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from .problems import WARNING, Problems
from .yamlsource import mark_of, read

REVIEWS_DIR = "site_config/reviews"
KEYS = ("file", "field", "reviewer", "date", "source", "text")


def fingerprint(value: str | dict | None) -> str:
    """A short digest of a text (a plural string: of all its forms)."""
    if isinstance(value, dict):
        value = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256((value or "").strip().encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Review:
    file: str
    field: str
    reviewer: str
    date: date
    source: str
    text: str


@dataclass
class Reviews:
    records: dict = field(default_factory=dict)  # lang -> {(file, field): Review}
    holding: dict = field(default_factory=dict)  # lang -> {id(Text)} whose review holds
    strings: dict = field(default_factory=dict)  # lang -> {key} of UI strings that hold

    def holds(self, lang: str, text) -> bool:
        return id(text) in self.holding.get(lang, ())

    def string(self, lang: str, key: str) -> bool:
        return key in self.strings.get(lang, ())

    def current(self, lang: str, file: str, name: str, text) -> Review | None:
        """The review of this text that still holds, if any."""
        review = self.records.get(lang, {}).get((file, name))
        return review if review and self.holds(lang, text) else None


def still_holds(review: Review, text, lang: str, source: str) -> bool:
    return review.source == fingerprint(text.get(source)) and review.text == fingerprint(
        text.get(lang)
    )


def _entry(node, display: str, problems: Problems) -> Review | None:
    values = {}
    if isinstance(node, yaml.MappingNode):
        values = {k.value: v.value.strip() for k, v in node.value if isinstance(v, yaml.ScalarNode)}
    try:
        if not all(values.get(key) for key in KEYS):
            raise ValueError
        return Review(**{k: values[k] for k in KEYS if k != "date"}, date=_day(values["date"]))
    except ValueError:
        problems.add(display, mark_of(node), "review.malformed")
        return None


def _day(value: str) -> date:
    return date.fromisoformat(value)


def load_reviews(root: Path, codes, texts: list, problems: Problems) -> Reviews:
    source = codes[0]
    reviews = Reviews()
    where = {(file, name): text for file, name, text, _ in texts}
    strings_file = f"site_config/strings/{source}.yml"
    for code in codes[1:]:
        path = root / REVIEWS_DIR / f"{code}.yml"
        records: dict = {}
        reviews.records[code], reviews.holding[code], reviews.strings[code] = records, set(), set()
        if not path.exists():
            continue
        display = f"{REVIEWS_DIR}/{code}.yml"
        node = read(path, problems, display)
        if node is None:
            continue
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for item in items:
            review = _entry(item, display, problems)
            if review is None:
                continue
            text = where.get((review.file, review.field))
            if text is None:
                problems.add(
                    display,
                    mark_of(item),
                    "review.unknown_text",
                    "",
                    WARNING,
                    file=review.file,
                    field=review.field,
                )
                continue
            records[(review.file, review.field)] = review  # a later entry replaces an earlier
        for (file, name), review in records.items():
            text = where[(file, name)]
            if still_holds(review, text, code, source):
                reviews.holding[code].add(id(text))
                if file == strings_file:
                    reviews.strings[code].add(name)
    return reviews


def write_reviews(root: Path, lang: str, new: list[Review]) -> None:
    """Add ``new`` to ``lang``'s review file, replacing older entries for the same texts.

    The file belongs to this command alone (volunteers do not edit it), so it is
    written whole, sorted by file and field so that git diffs stay small."""
    path = root / REVIEWS_DIR / f"{lang}.yml"
    old = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    entries = {(e["file"], e["field"]): e for e in old or [] if isinstance(e, dict)}
    for review in new:
        entries[(review.file, review.field)] = {
            "file": review.file,
            "field": review.field,
            "reviewer": review.reviewer,
            "date": review.date.isoformat(),
            "source": review.source,
            "text": review.text,
        }
    lines = [
        f"# Traduzioni in «{lang}» riviste da una persona: scritto da "
        f"`portal import-translations {lang} FILE --reviewer NOME`, non modificarlo a mano.",
        "# Una revisione vale finché il testo italiano (source) e la traduzione (text) "
        "restano quelli rivisti.",
    ]
    for key in sorted(entries):
        entry = entries[key]
        lines.append(f"- file: {json.dumps(str(entry['file']), ensure_ascii=False)}")
        for name in KEYS[1:]:
            lines.append(f"  {name}: {json.dumps(str(entry[name]), ensure_ascii=False)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
