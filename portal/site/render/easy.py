"""Italiano semplice: an easy-Italian version of the key pages (desks, heating contribution,
rules), for residents who read Italian with difficulty.

These pages exist in Italian only, so their few labels are Italian here rather than in
site_config/strings (where every language would have to translate them).
"""

from __future__ import annotations

from collections.abc import Iterable

from ...markup import loosen_lists
from .context import Page, Renderer

FOLDER = "facile"
LINK = "Leggi questa pagina in italiano semplice"
BACK = "Leggi la versione completa"
SUFFIX = "in italiano semplice"


def easy_path(path: str) -> str:
    return f"{FOLDER}/{path}"


def easy_link(r: Renderer, item, path: str) -> str:
    """A line at the top of the full Italian page, when an easy version exists."""
    if r.lang != r.source or not getattr(item, "easy", None):
        return ""
    return (
        f'<div class="portal-easy-link" markdown="1">\n\n{r.link(easy_path(path), LINK, path)}'
        f"\n\n</div>"
    )


def render_easy(r: Renderer, item, path: str, title: str, facts: Iterable[str] = ()) -> Page:
    """The easy text, after the facts that come from data (so they are written once)."""
    here = easy_path(path)
    lines = "\n".join(f"- {fact}" for fact in facts)
    body = "\n\n".join(
        part
        for part in [
            f"# {title}",
            f"*{SUFFIX}*",
            lines,
            loosen_lists(item.easy),
            r.link(path, BACK, here),
        ]
        if part
    )
    return r.page(here, f"{title} – {SUFFIX}", body, item.updated)


def desk_facts(r: Renderer, desk) -> list[str]:
    return [f"**Dove**: {r.desk_address(desk)}.", f"**Quando**: {r.desk_hours(desk)}."]
