"""Search in every shipped language, in Chromium: a desk by its neighbourhood, a service by a
common word, and only the page's own language's index is loaded.

lunr has no stemmer for Albanian, Ukrainian, Bengali or Urdu: those indexes match words as
written (plus Material's prefix wildcard); Chinese is indexed character by character.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# A common word for the heating contribution, as a resident would type it.
HEATING = {
    "it": "riscaldamento",
    "en": "heating",
    "fr": "chauffage",
    "es": "calefacción",
    "ro": "încălzire",
    "sq": "ngrohje",
    "uk": "опалення",
    "zh": "取暖",
    "bn": "হিটিং",
    "ar": "التدفئة",
    "ur": "ہیٹنگ",
}


def search(browser, url: str, query: str) -> tuple[list[str], list[str]]:
    """(hrefs of the results, search indexes requested) after typing ``query``."""
    page = browser.new_page()
    indexes = []
    page.on("request", lambda r: indexes.append(r.url) if "search_index" in r.url else None)
    page.goto(url)
    page.locator("input.md-search__input").click()
    page.keyboard.type(query, delay=20)
    page.wait_for_selector(".md-search-result__item", timeout=15_000)
    hrefs = [a.get_attribute("href") for a in page.locator(".md-search-result__link").all()]
    page.close()
    return hrefs, indexes


@pytest.mark.parametrize("lang", list(HEATING))
def test_search_finds_a_desk_and_a_service_in_every_language(browser, base, lang):
    prefix = "" if lang == "it" else f"{lang}/"
    hrefs, indexes = search(browser, f"{base}/{prefix}", "Celadina")
    assert any(f"/{prefix}sportelli/celadina/" in h for h in hrefs), hrefs
    assert indexes == [f"{base}/{prefix}search/search_index.json"]
    hrefs, _ = search(browser, f"{base}/{prefix}sportelli/", HEATING[lang])
    assert any(f"/{prefix}contributo-riscaldamento/" in h for h in hrefs), (lang, hrefs)
    assert all(h.startswith(f"{base}/{prefix}") for h in hrefs), hrefs  # only its own language
