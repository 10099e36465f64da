"""One Markdown configuration for content texts, used by the site build and the forms service.

Volunteers write simple Markdown in the YAML. The site renders it through MkDocs and
the forms through Python-Markdown directly; both take their extensions from here, so
a text looks the same on a site page and on a form page.
"""

from __future__ import annotations

import re
import threading

import markdown
from markupsafe import Markup

# (name, options) in the order MkDocs loads them. portal build writes this list into
# the generated mkdocs.yml, in place of anything written there by hand.
EXTENSIONS: tuple[tuple[str, dict], ...] = (
    ("admonition", {}),
    ("attr_list", {}),
    ("md_in_html", {}),
    ("tables", {}),
    ("toc", {"permalink": False}),
    ("pymdownx.details", {}),
)

LIST_ITEM = re.compile(r"^(\s{0,3})([-*+]|\d+[.)])\s")


def language_attrs(lang: str, direction: str, page_direction: str) -> str:
    """The HTML attributes of a text in ``lang`` shown on a page in another language (the
    Italian original in place of a missing translation): its language, for screen readers
    and hyphenation, and, on a page that runs the other way, its direction, else its full
    stops and brackets land on the wrong side of the line. The site and the forms service
    both mark such texts with these."""
    if direction != page_direction:
        return f'lang="{lang}" dir="{direction}"'
    return f'lang="{lang}"'


def mkdocs_extensions() -> list:
    """The list for mkdocs.yml's ``markdown_extensions``."""
    return [{name: dict(options)} if options else name for name, options in EXTENSIONS]


def loosen_lists(text: str) -> str:
    """Put a blank line before a list that follows a paragraph line.

    Volunteers write "Intro:\n- item", as in most editors; Python-Markdown would
    otherwise glue the items into the paragraph.
    """
    out: list[str] = []
    for line in text.splitlines():
        previous = out[-1] if out else ""
        if (
            LIST_ITEM.match(line)
            and previous.strip()
            and not LIST_ITEM.match(previous)
            and not previous.startswith((" ", "\t"))
        ):
            out.append("")
        out.append(line)
    return "\n".join(out)


_local = threading.local()  # a Markdown instance keeps state: one per thread, reset per use


def _converter() -> markdown.Markdown:
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = markdown.Markdown(
            extensions=[name for name, _ in EXTENSIONS],
            extension_configs={name: options for name, options in EXTENSIONS if options},
        )
        _local.converter = converter
    return converter.reset()


def to_html(text: str | None) -> Markup:
    """A content text (trusted, written by the team) as HTML."""
    return Markup(_converter().convert(loosen_lists(text or "")))


def to_inline_html(text: str | None) -> Markup:
    """One line of Markdown inside a list item: without the paragraph around it."""
    html = _converter().convert(text or "")
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)
