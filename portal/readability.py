"""The Gulpease readability index for Italian (Lucisano & Piemontese, 1988).

    89 + (300 × sentences − 10 × letters) / words

0–100 (capped), higher is easier: below 80 is hard for people with only primary schooling,
below 60 for those with lower secondary schooling, below 40 for graduates.

``page_text`` turns a rendered page's Markdown into what its reader reads, so the index is
taken on the page as published (facts written from data included), not on one text of it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)
SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")
MARKUP = re.compile(r"[*_`#>\[\]()]|https?://\S+")


def gulpease(text: str) -> float | None:
    """The index of ``text`` (Markdown allowed), or None when it has no words."""
    plain = MARKUP.sub(" ", text)
    words = WORD.findall(plain)
    if not words:
        return None
    letters = sum(len(w.replace("'", "").replace("’", "")) for w in words)
    sentences = max(1, len(SENTENCE_END.findall(plain.strip() + "\n")))
    return round(min(100.0, 89 + (300 * sentences - 10 * letters) / len(words)), 1)


LINK_TARGET = re.compile(r"\]\([^)]*\)")  # [text](target): the reader sees the text only
HTML_TAG = re.compile(r"<[^>]+>")
ATTRIBUTES = re.compile(r"\{\s*[:.#][^}]*\}")  # { .md-button } and the like
ADMONITION = re.compile(r'^!!!\s*\w+(?:\s+"([^"]*)")?', re.M)
BLOCK = re.compile(r"^\s*(?:#{1,6}\s|[-*+]\s|\d+[.)]\s)")  # a heading or a list item


class _Shown(HTMLParser):
    """The text with every element marked ``hidden`` left out, whole (the openings a page
    carries for its script, render/openings.py): nobody reads them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping: str | None = None  # the tag of the hidden element being left out
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        if self.skipping:
            self.depth += tag == self.skipping
        elif any(name == "hidden" for name, _ in attrs):
            self.skipping, self.depth = tag, 1
        else:
            self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag):
        if self.skipping:
            self.depth -= tag == self.skipping
            if not self.depth:
                self.skipping = None
        else:
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.skipping:
            self.out.append(data)


def shown(markdown: str) -> str:
    parser = _Shown()
    parser.feed(markdown)
    parser.close()
    return "".join(parser.out)


def page_text(markdown: str) -> str:
    """What a reader reads of a rendered page: no front matter, link targets, tags or
    attribute lists. A heading or a list item is read as a sentence of its own, so one
    without a full stop still ends there."""
    text = markdown
    if text.startswith("---\n"):
        text = text.split("\n---\n", 1)[-1]
    text = ADMONITION.sub(lambda m: m[1] or "", shown(text))
    text = ATTRIBUTES.sub(" ", LINK_TARGET.sub("]", HTML_TAG.sub(" ", text)))
    lines = []
    for line in text.splitlines():
        stripped = line.rstrip()
        if BLOCK.match(stripped) and stripped[-1] not in ".!?:;":
            stripped += "."
        lines.append(stripped)
    return "\n".join(lines)
