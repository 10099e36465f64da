"""Real Chromium (Debian's) on the real built site: what a resident sees and clicks."""

from __future__ import annotations

import pytest

from .helpers import ROOT

ARTIFACTS = ROOT / "test-artifacts"
pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_switcher_keeps_the_reader_on_the_same_page(browser, base, javascript):
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.goto(f"{base}/sportelli/colognola/")
    assert page.locator("h1").inner_text() == "Sportello Colognola"
    assert page.locator("table td").all_inner_texts() == ["martedì", "09:00–12:00"]
    english = page.locator('a.md-select__link[hreflang="en"]')
    if javascript:
        page.locator(".md-select").first.hover()
        english.click()
    else:
        page.goto(f"{base}/sportelli/colognola/{english.get_attribute('href')}")
    page.wait_for_url(f"{base}/en/sportelli/colognola/")
    assert page.locator("h1").inner_text() == "Colognola desk"
    assert page.locator("html").get_attribute("lang") == "en"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(
        path=ARTIFACTS / f"desk-en-{'js' if javascript else 'nojs'}.png", full_page=True
    )
    context.close()


def test_pages_load_nothing_from_other_hosts(browser, base):
    context = browser.new_context()
    page = context.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    for path in ("/", "/sportelli/celadina/", "/en/contributo-riscaldamento/", "/privacy/"):
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")
    assert requested and all(url.startswith(base) for url in requested), [
        url for url in requested if not url.startswith(base)
    ]
    context.close()


@pytest.mark.parametrize(
    "path", ["/sportelli/celadina/", "/contributo-riscaldamento/", "/ar/sportelli/celadina/"]
)
def test_printing_gives_clean_a4_pages_without_navigation(browser, base, path):
    page = browser.new_page()
    page.goto(f"{base}{path}")
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-tabs", ".md-sidebar--primary", ".md-footer", ".md-search"):
        for element in page.locator(chrome).all():
            assert not element.is_visible(), (path, chrome)
    assert page.locator("h1").is_visible()
    pdf = page.pdf(format="A4", print_background=False)
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    # The heating page now also holds the season, where else to turn and the dates: four
    # sheets at most, still a handout (the one-sheet version is the poster, test_posters.py).
    assert 1 <= pages <= 4, (path, pages)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"print{path.replace('/', '-').rstrip('-')}.pdf").write_bytes(pdf)
    page.close()
