"""Italiano semplice: the simple heating page says the rules in whole short sentences, with a
lead-in and the maximum amount, and its Gulpease index is taken on the page as rendered."""

from __future__ import annotations

import re
from datetime import date

import pytest

from portal.formats import Formats
from portal.model import load
from portal.readability import gulpease, page_text
from portal.site.render import render_language
from portal.translations import readability

from .helpers import ROOT

TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def content():
    return load(ROOT)


@pytest.fixture(scope="module")
def pages(content):
    site = render_language(content, content.source_language, TODAY)
    return {page.path: page for page in site.pages}


def test_the_simple_heating_page_says_each_rule_as_a_sentence(content, pages):
    body = pages["facile/contributo-riscaldamento.md"].body
    rules = content.heating_grant.rules
    money = Formats(content, "it").money
    lead_in = "Puoi averlo se è vero tutto questo:"
    assert "## Chi può avere il contributo" in body and lead_in in body
    items = re.findall(r"^- (.+)$", body.split(lead_in, 1)[1].split("\n\n## ", 1)[0], re.M)
    assert len(items) == 5
    for item in items:  # whole sentences: a capital letter, a full stop
        assert item[0].isupper() and item.endswith("."), item
    assert f"da almeno {rules.min_tenancy_months} mesi" in items[0]
    assert "centralizzato" in items[1] and "teleriscaldamento" in items[1]
    assert f"{money(rules.isee.min)} a {money(rules.isee.max)}" in items[3]
    assert f"Il contributo è al massimo di {money(rules.max_amount)}." in body
    # The full page's fragments ("sei assegnatario …;") are not here.
    assert not any(line.rstrip().endswith(";") for line in body.splitlines())


def test_the_readability_score_is_taken_on_the_rendered_pages(content, pages):
    rows = {row.file: row for row in readability(content, TODAY)}
    grant = rows["content/heating-grant.yml"]
    easy = pages["facile/contributo-riscaldamento.md"].body
    full = pages["contributo-riscaldamento.md"].body
    assert grant.easy == gulpease(page_text(easy))
    assert grant.full == gulpease(page_text(full))
    # The rule sentences count: the score is not the easy text's alone.
    assert grant.easy != gulpease(content.heating_grant.easy)
    # Readable with primary schooling, as docs/guida-redazione.md asks.
    assert grant.easy is not None and grant.easy >= 80


def test_page_text_keeps_what_a_reader_reads():
    markdown = (
        '---\ntitle: "x"\n---\n\n# Il titolo\n\n- Una riga\n- [Un link](../a.md){ .md-button }\n\n'
        '<p class="portal-updated">Aggiornato</p>\n'
    )
    text = page_text(markdown)
    assert "../a.md" not in text and "md-button" not in text and "<p" not in text
    assert "title" not in text
    # A heading and each list item end a sentence, as a reader reads them.
    assert "# Il titolo." in text and "- Una riga." in text and "- [Un link]." in text
