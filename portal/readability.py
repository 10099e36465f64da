"""The Gulpease readability index for Italian (Lucisano & Piemontese, 1988).

    89 + (300 × sentences − 10 × letters) / words

0–100 (capped), higher is easier: below 80 is hard for people with only primary schooling,
below 60 for those with lower secondary schooling, below 40 for graduates.
"""

from __future__ import annotations

import re

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
