"""Where fallback text and the language switcher are made, in the renderer: Italian shown
in place of a missing translation is marked with its language and, on right-to-left pages,
its direction; the easy-Italian pages name their full version for the switcher."""

from __future__ import annotations

from datetime import date

from portal.model import load
from portal.site.render import render_site
from tests.conftest import add_event


def pages_of(root, lang: str) -> dict:
    site = next(s for s in render_site(load(root), date.today()) if s.lang == lang)
    return {page.path: page for page in site.pages}


def test_italian_fallback_is_marked_left_to_right_only_on_right_to_left_pages(project):
    add_event(project, "solo-italiano")  # Italian and English texts only
    path = "corsi-ed-eventi/evento-solo-italiano.md"
    for lang in ("ar", "ur"):
        body = pages_of(project, lang)[path].body
        assert body.startswith('# <span lang="it" dir="ltr">Assemblea di condominio</span>')
        assert '<div lang="it" dir="ltr" markdown="1">' in body
        # The "partly in Italian" notice comes after the heading, not above it.
        assert body.index("</span>\n") < body.index('!!! info "')
    french = pages_of(project, "fr")[path].body
    assert '<div lang="it" markdown="1">' in french and 'dir="ltr"' not in french
    assert '<div lang="it"' not in pages_of(project, "en")[path].body  # translated


def test_easy_italian_pages_name_their_full_version_for_the_switcher(project):
    pages = pages_of(project, "it")
    assert pages["facile/sportelli/celadina.md"].full_version == "sportelli/celadina/"
    assert 'full_version: "sportelli/celadina/"' in pages["facile/sportelli/celadina.md"].markdown()
    assert pages["sportelli/celadina.md"].full_version is None
