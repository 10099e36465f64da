"""What the site and the forms service share is written once: the Markdown configuration,
the rule sentences, the addresses; and the service reads one content version per request."""

from __future__ import annotations

import html as html_lib
from datetime import date

from forms_service.web.i18n import content as request_content
from portal import markup, urls
from portal.formats import Formats
from portal.model import load
from portal.site.build import mkdocs_config
from portal.site.render import render_site

from .helpers import ROOT


def test_the_site_build_uses_the_shared_markdown_configuration(tmp_path):
    content = load(ROOT)
    config = mkdocs_config(
        ROOT,
        content,
        render_site(content, date(2026, 11, 28)),
        tmp_path / "docs",
        tmp_path / "site",
    )
    assert config["markdown_extensions"] == markup.mkdocs_extensions()


def test_the_forms_render_markdown_like_the_site():
    html = markup.to_html(
        'Intro:\n- uno\n- due\n\n!!! note "Nota"\n    Testo.\n\nUn [link](/privacy/){ .md-button }'
    )
    assert "<ul>\n<li>uno</li>" in html  # the list after a paragraph line, as on the site
    assert '<div class="admonition note">' in html  # admonitions, as on the site
    assert '<a class="md-button" href="/privacy/">' in html  # attribute lists, as on the site


def test_rule_sentences_are_the_same_on_the_site_and_the_form(client):
    content = load(ROOT)
    lines = Formats(content, "en").rule_lines(content.heating_grant.rules)
    page = client.get("/moduli/en/contributo-riscaldamento/").get_data(as_text=True)
    text = html_lib.unescape(page)
    assert all(line in text for line in lines)


def test_links_between_site_and_service_come_from_one_place(client):
    page = client.get("/moduli/ar/eventi/assemblea/").get_data(as_text=True)
    assert f'href="{urls.privacy_page("ar", "it")}"' in page
    assert f'href="{urls.event_page("ar", "it", "assemblea")}"' in page
    assert urls.grant_form("en") == "/moduli/en/contributo-riscaldamento/"


def test_a_request_keeps_one_content_version(service):
    """A reload half-way through a request does not reach it: the snapshot is taken first."""
    cache = service.extensions["portal_content"]
    with service.test_request_context("/api/events"):
        service.preprocess_request()
        before = request_content()
        cache._content = load(ROOT)  # a volunteer's edit is picked up by another request
        assert request_content() is before
    with service.test_request_context("/api/events"):
        service.preprocess_request()
        assert request_content() is cache._content
