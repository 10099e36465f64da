"""Script punctuation in Chinese and Urdu: the render step's check, not a hand review.

A Chinese sentence takes 。：（）, an Urdu sentence ends with ۔; an ASCII full stop, colon
or bracket beside those scripts reads as a typo. ``text_problems`` points at the content
file and line of each text that has one, ``page_problems`` at the rendered page, which
also holds what the code joins (labels, lists, dates). Latin words, numbers, times
(09:00), amounts (€7,869.78), "L.1" and link targets are left alone: only a mark that
touches the script itself counts.
"""

from __future__ import annotations

import re

from ...model import Content, Problems

HAN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff01-\uff60]")
ARABIC_SCRIPT = re.compile(r"[\u0620-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f]")
WANTED = {
    "zh": {".": "。", ":": "：", "(": "（", ")": "）"},
    "ur": {".": "۔"},
}
# Markdown emphasis and spaces sit between a mark and the word it belongs to.
_SKIP = " \t*_\u00a0\u2068\u2069"
# What is not sentence text: link targets, HTML tags and attribute lists, entities.
_NOT_TEXT = re.compile(r"\]\([^)\s]*\)|<[^>\n]*>|\{[:.#][^}\n]*\}|&\w+;|https?://\S+")


def _blank(match: re.Match) -> str:
    """Spaces in place of what is not text (a link keeps its "]"), so offsets stay."""
    kept = "]" if match[0].startswith("]") else ""
    return kept + " " * (len(match[0]) - len(kept))


def _neighbour(text: str, i: int, step: int) -> str:
    i += step
    while 0 <= i < len(text) and text[i] in _SKIP:
        i += step
    return text[i] if 0 <= i < len(text) else ""


def findings(lang: str, text: str) -> list[tuple[int, str, str]]:
    """(offset, mark, the script's own mark) for each ASCII mark inside ``lang``'s script."""
    wanted = WANTED.get(lang)
    if not wanted:
        return []
    # Blank out what is not text, keeping offsets (spaces are skipped as neighbours).
    text = _NOT_TEXT.sub(_blank, text)
    found, opened = [], False  # opened: the last "(" was Chinese, so its ")" is too
    for i, char in enumerate(text):
        if char not in wanted:
            continue
        before, after = _neighbour(text, i, -1), _neighbour(text, i, 1)
        if lang == "ur":  # a full stop right after an Urdu word
            hit = bool(ARABIC_SCRIPT.match(before))
        elif char in ".:":  # after a Chinese word; "1. 预申请" is a list, "L.1部分" a name
            hit = bool(HAN.match(before))
        else:  # a bracket touching Chinese on either side
            hit = bool(HAN.match(before) or HAN.match(after)) or (char == ")" and opened)
            opened = hit if char == "(" else False
        if hit:
            found.append((i, char, wanted[char]))
    return found


def _snippet(text: str, i: int) -> str:
    line_start = text.rfind("\n", 0, i) + 1
    line_end = text.find("\n", i)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    at = i - line_start
    return line[max(0, at - 12) : at + 8].strip()


def text_problems(content: Content) -> Problems:
    """Each Chinese or Urdu text of content/ and site_config/strings with an ASCII mark,
    at its file and line."""
    problems = Problems()
    for _path, name, text, _mark in content.texts:
        for lang in WANTED:
            value = text.get(lang)
            if not value or lang not in text.lines:
                continue
            for forms in value.values() if isinstance(value, dict) else [value]:
                for offset, mark, wanted in findings(lang, forms):
                    file, first, last = text.lines[lang]
                    # A block text (|) starts on the line after its key.
                    line = first + (1 + forms[:offset].count("\n") if last > first else 0)
                    problems.add(
                        file,
                        (line, 1),
                        "punctuation.script",
                        f"{name}.{lang}",
                        mark=mark,
                        wanted=wanted,
                        snippet=_snippet(forms, offset),
                    )
    return problems


def page_problems(sites) -> Problems:
    """The same check on each rendered Chinese or Urdu page, for what the code joined."""
    problems = Problems()
    for site in sites:
        for page in site.pages if site.lang in WANTED else ():
            body = page.markdown()
            for offset, mark, wanted in findings(site.lang, body):
                line = body.count("\n", 0, offset) + 1
                problems.add(
                    f"{site.lang}/{page.path}",
                    (line, 1),
                    "punctuation.script",
                    "",
                    mark=mark,
                    wanted=wanted,
                    snippet=_snippet(body, offset),
                )
    return problems


def check_rendered(content: Content, sites) -> Problems:
    """The texts' problems at their file and line; when there are none, the pages' (what
    the code joined), so one slip is not reported twice."""
    found = text_problems(content)
    return found if found.items else page_problems(sites)
