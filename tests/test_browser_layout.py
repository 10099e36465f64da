"""On a phone, as residents read it: Debian's Chromium at 320 and 360 CSS px, with and
without JavaScript, in every language, on the session's shared `portal serve`.

- no page scrolls sideways (the language menu, hidden by script otherwise, once stuck out
  by 38 px and cut off the start of every right-to-left line);
- the language menu shows all eleven languages;
- a desk's next opening is on the first screen (360×740), "not checked" notice included;
- the easy-Italian pages' switcher keeps the reader on the same page; the home page's
  title names the site once; Italian fallback on right-to-left pages reads left to right;
- the header shows the whole site name, not cut with "…".
"""

from __future__ import annotations

import urllib.parse

import pytest

from portal.model import load

from .helpers import ROOT

pytestmark = pytest.mark.browser

CODES = load(ROOT).codes  # every language of site_config/languages.yml, Italian first
RTL = ("ar", "ur")
DESKS = ("celadina", "colognola", "conca-fiorita-lazzaretto")
JS = pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])

# Representative pages: one of each template of the site (an index, a desk, the grant, a
# service, an event, a free page with tables and lists), and the forms a resident fills in:
# each is loaded in 11 languages, twice, so the list is kept to what differs.
SITE_PAGES = (
    "",
    "sportelli/celadina/",
    "contributo-riscaldamento/",
    "servizi/portierato-sociale/",
    "corsi-ed-eventi/evento-assemblea/",
    "privacy/",
)
FORM_PAGES = (
    "contributo-riscaldamento/riscaldamento",
    "eventi/assemblea/",
)
EASY_PAGES = ("facile/sportelli/celadina/", "facile/contributo-riscaldamento/")

WIDTHS = """() => [document.documentElement.scrollWidth, document.body.scrollWidth]"""
WIDE = """width => [...document.querySelectorAll('body *')]
    .filter(e => { const r = e.getBoundingClientRect();
                   return r.width > 0 && (r.right > width + 1 || r.left < -1) &&
                          getComputedStyle(e).position !== 'fixed'; })
    .slice(0, 4).map(e => e.tagName + '.' + e.className)"""


def site_url(base: str, lang: str, path: str) -> str:
    return f"{base}/{'' if lang == CODES[0] else lang + '/'}{path}"


def urls(base: str, lang: str) -> list[str]:
    found = [site_url(base, lang, path) for path in SITE_PAGES]
    found += [f"{base}/moduli/{lang}/{path}" for path in FORM_PAGES]
    if lang == CODES[0]:
        found += [f"{base}/{path}" for path in EASY_PAGES]
    return found


def sideways(page, width: int) -> tuple | None:
    """(scroll widths, the elements past the edge) when the page scrolls sideways."""
    widths = page.evaluate(WIDTHS)
    return None if max(widths) <= width else (widths, page.evaluate(WIDE, width))


@JS
@pytest.mark.timeout(400)  # some 90 pages
def test_no_page_scrolls_sideways_at_320_px_in_any_language(browser, base, javascript):
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 320, "height": 640}
    )
    page = context.new_page()
    wide = {}
    for lang in CODES:
        for url in urls(base, lang):
            page.goto(url)
            if found := sideways(page, 320):
                wide[url] = found
    # The language menu open (a tap focuses its button, with or without script) stays
    # inside the screen too, on left-to-right and right-to-left pages.
    for lang in ("it", *RTL):
        page.goto(site_url(base, lang, "sportelli/celadina/"))
        page.locator(".md-select button").first.focus()
        page.wait_for_timeout(400)  # the menu's transition
        if found := sideways(page, 320):
            wide[f"{page.url} (menu open)"] = found
    context.close()
    assert not wide, wide


@JS
@pytest.mark.parametrize("lang", ["it", "uk", *RTL])
def test_the_language_menu_shows_all_eleven_languages(browser, base, javascript, lang):
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    page.goto(site_url(base, lang, "sportelli/celadina/"))
    page.locator(".md-select button").first.focus()
    page.wait_for_timeout(400)
    boxes = page.evaluate("""() => {
        const list = document.querySelector('.md-select__list').getBoundingClientRect();
        return [...document.querySelectorAll('.md-select__link')].map(a => {
            const r = a.getBoundingClientRect();
            return {lang: a.lang, shown: r.height > 0 && r.top >= list.top - 1 &&
                    r.bottom <= list.bottom + 1 && r.left >= 0 && r.right <= innerWidth &&
                    r.bottom <= innerHeight};
        });
    }""")
    assert [box["lang"] for box in boxes] == list(CODES)
    assert [box["lang"] for box in boxes if not box["shown"]] == []
    assert max(page.evaluate(WIDTHS)) <= 360
    context.close()


def test_a_short_screen_scrolls_the_language_menu_and_shows_that_it_does(browser, base):
    context = browser.new_context(viewport={"width": 740, "height": 360})  # a phone on its side
    page = context.new_page()
    page.goto(site_url(base, "ar", ""))
    page.locator(".md-select button").first.focus()
    page.wait_for_timeout(400)
    menu = page.evaluate("""() => { const l = document.querySelector('.md-select__list');
        return {scrolls: l.scrollHeight > l.clientHeight, fits: l.getBoundingClientRect().bottom
                <= innerHeight, cue: getComputedStyle(l).backgroundImage}; }""")
    assert menu["scrolls"] and menu["fits"], menu
    assert menu["cue"].count("radial-gradient") == 2, menu  # the shadows at its edges
    last = page.locator('.md-select__link[hreflang="ur"]')
    last.scroll_into_view_if_needed()
    assert last.is_visible()
    context.close()


@JS
@pytest.mark.timeout(200)
def test_a_desks_hours_are_on_the_first_screen_in_every_language(browser, base, javascript):
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    below = {}
    for lang in CODES:
        for desk in DESKS:
            page.goto(site_url(base, lang, f"sportelli/{desk}/"))
            # The answer: the "open now / next opening" badge and the next opening listed.
            hours = page.locator(".md-content div.portal-openings li:not([hidden])").first
            bottom = hours.evaluate("t => t.getBoundingClientRect().bottom")
            if bottom > 740:
                below[page.url] = round(bottom)
            # The "not checked by a person" notice comes after the heading, not above it.
            if page.locator(".portal-unreviewed").count():
                order = page.evaluate("""() => document.querySelector('h1')
                    .compareDocumentPosition(document.querySelector('.portal-unreviewed'))""")
                assert order & 4, page.url  # DOCUMENT_POSITION_FOLLOWING
    context.close()
    assert not below, below


@JS
def test_easy_italian_switcher_keeps_the_reader_on_the_same_page(browser, base, javascript):
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    for easy, full in (
        ("facile/sportelli/colognola/", "sportelli/colognola/"),
        ("facile/contributo-riscaldamento/", "contributo-riscaldamento/"),
    ):
        page.goto(f"{base}/{easy}")
        for code in CODES[1:]:
            href = page.locator(f'a.md-select__link[hreflang="{code}"]').get_attribute("href")
            target = urllib.parse.urljoin(page.url, href)
            assert target == f"{base}/{code}/{full}", (easy, code, href)
        italian = page.locator('a.md-select__link[hreflang="it"]').get_attribute("href")
        assert urllib.parse.urljoin(page.url, italian) == f"{base}/{easy}"
    page.goto(f"{base}/facile/sportelli/colognola/")
    arabic = page.locator('a.md-select__link[hreflang="ar"]')
    page.goto(urllib.parse.urljoin(page.url, arabic.get_attribute("href")))
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("h1").inner_text() == "مكتب Colognola"
    context.close()


def test_the_home_pages_title_names_the_site_once(browser, base):
    page = browser.new_page()
    for lang in CODES:
        page.goto(site_url(base, lang, ""))
        site_name = page.title()
        assert site_name == page.locator("h1").inner_text(), lang  # once, not "X - X"
        page.goto(site_url(base, lang, "sportelli/"))
        assert page.title() == f"{page.locator('h1').inner_text()} - {site_name}"
    page.close()


@pytest.mark.parametrize("lang", RTL)
def test_italian_fallback_reads_left_to_right_on_right_to_left_pages(browser, base, lang):
    """The session's event "un-posto" has Italian and English only: its title and description
    fall back to Italian on an Arabic or Urdu page."""
    page = browser.new_page()
    page.goto(site_url(base, lang, "corsi-ed-eventi/evento-un-posto/"))
    italian = page.locator('[lang="it"]:not(a)')
    assert italian.count() >= 2  # the heading's title and the description
    for element in italian.all():
        assert element.get_attribute("dir") == "ltr", element.evaluate("e => e.outerHTML")
        assert element.evaluate("e => getComputedStyle(e).direction") == "ltr"
    # The link to the Italian original is worded in the page's language: no lang="it".
    original = page.locator('.portal-unreviewed a[hreflang="it"]')
    assert original.count() == 1 and original.get_attribute("lang") is None
    assert page.locator("a.md-select__link[lang]").count() == len(CODES)  # names, own lang
    page.close()


@JS
@pytest.mark.parametrize("lang", ["it", "ar", "uk", "bn"])
def test_the_header_shows_the_whole_site_name_on_a_phone(browser, base, javascript, lang):
    """Material cut the site's name with "…" at 360 px ("…vere SAP Bergamo" in Arabic): it
    wraps now, in smaller type, and is whole; the bar keeps its height (2.4rem)."""
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    page.goto(site_url(base, lang, "sportelli/celadina/"))
    name = page.locator(".md-header__topic:first-child .md-ellipsis")
    assert " ".join(name.inner_text().split()) == load(ROOT).strings[lang]["site_name"]
    width, shown, height, room = name.evaluate(
        "e => [e.scrollWidth, e.clientWidth, e.scrollHeight, e.clientHeight]"
    )
    assert width <= shown and height <= room, (width, shown, height, room)
    assert page.locator(".md-header").evaluate("e => e.getBoundingClientRect().height") < 49
    context.close()
