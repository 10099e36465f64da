"""WCAG 2.1 AA in Debian's Chromium, on a real `portal serve`.

- axe-core on every page template of the site and of the forms, in five languages that
  between them take every path the templates have, and the other six on the templates that
  carry the most translated text: no serious or critical violation (WCAG 2.0/2.1 A and AA
  rules, plus the name of the search dialog, which axe files under best practice but WCAG
  4.1.2 requires);
- reflow at 320 CSS px without horizontal scrolling;
- the heating-grant pre-application done with the keyboard alone, with a visible focus;
- right-to-left pages that mirror: hours tables, forms, error summary, language switchers.

The session's shared server (``base``, see conftest.py: its events "assemblea", open, and
"chiusa", closed, give the event templates) and one browser context for the axe scan, the
slow part (about 0.4 s a page; two tabs taking turns were slower, not faster, on two cores).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import axe_playwright_python
import pytest

from portal.model import load

from .helpers import ROOT

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "test-artifacts"
CODES = load(ROOT).codes  # every language of site_config/languages.yml, Italian first
DESKTOP = {"width": 1280, "height": 900}  # wide enough for the navigation tabs
GRANT = "contributo-riscaldamento"

# The bundled axe-core. Evaluated, not added as a <script>: the forms' Content-Security-Policy
# (script-src 'self') refuses inline scripts, and it must stay on while we test.
AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text("utf-8")
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "rules": {"aria-dialog-name": {"enabled": True}},
    "resultTypes": ["violations"],
}
RUN_AXE = """options => axe.run(document, options).then(results => results.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({
                    target: n.target.join(" "),
                    summary: (n.failureSummary || "").replace(/\\s+/g, " ")}))})))"""

ANSWERS = (
    ("riscaldamento", {"heating": "centralized"}),
    ("fascia", {"band": "accesso"}),
    ("assegnazione", {"tenancy_start": "2020-01-15"}),
    ("morosita", {"arrears": "yes"}),
    ("piano-di-rientro", {"repayment_plan": "yes"}),
    ("isee", {"isee": "12.345,67"}),
)
DETAILS = {
    "full_name": "Maria Rossi",
    "phone": "035 123456",
    "address": "Via Roma 1, Bergamo",
    "household_size": "3",
    "preferred_desk": "colognola",
    "consent": "on",
}


# --- the server and a resident half-way through every form --------------------------------


@dataclass
class Portal:
    base: str
    confirmation: str  # the path after /moduli/<lang>/ of a sent pre-application
    registration: str  # the path after /moduli/<lang>/ of an event registration (with ?t=)
    ruled_out: object  # a browser context whose last answer ruled the grant out


def post(context, url: str, form: dict, ends: str):
    """A form post with the context's cookies, redirects followed; checks where it lands."""
    response = context.request.post(url, form=form)
    assert response.ok and re.search(ends, response.url), (url, response.status, response.url)
    return response.url


@pytest.fixture(scope="module")
def session(browser, base):
    """(Portal, context): in the context the grant questionnaire is answered and the details
    are given, but nothing is sent, so every form page can be shown in any language; a
    pre-application and an event registration were sent before. Answers that rule the
    grant out clear the session, so that page has a context of its own."""
    context = browser.new_context(viewport=DESKTOP)
    ruled_out = browser.new_context(viewport=DESKTOP)
    grant = f"{base}/moduli/it/{GRANT}/"

    def answer_everything():
        for slug, form in ANSWERS:
            post(
                context,
                grant + slug,
                form,
                r"/(fascia|assegnazione|morosita|piano-di-rientro|isee|dati)$",
            )
        post(context, grant + "dati", DETAILS, "/controlla$")

    answer_everything()
    done = post(context, grant + "controlla", {}, r"/conferma/C-[A-Z0-9-]+$")
    answer_everything()  # sending cleared the session: again, and stop before sending
    post(ruled_out, grant + "riscaldamento", {"heating": "autonomous"}, "/non-ammissibile$")
    registration = post(
        context,
        f"{base}/moduli/it/eventi/assemblea/",
        {"full_name": "Anna Bianchi", "email": "anna@example.it", "people": "1", "consent": "on"},
        r"/iscrizione/[^/]+\?t=",
    )
    yield (
        Portal(
            base,
            done.split("/moduli/it/", 1)[1],
            registration.split("/moduli/it/", 1)[1],
            ruled_out,
        ),
        context,
    )
    context.close()
    ruled_out.close()


# --- the page templates --------------------------------------------------------------------


def site(path: str, status: int = 200):
    return lambda p, lang: (f"{p.base}/{'' if lang == CODES[0] else lang + '/'}{path}", status)


def form(path, status: int = 200):
    return lambda p, lang: (f"{p.base}/moduli/{lang}/{path(p) if callable(path) else path}", status)


SITE = {
    "home": site(""),
    "desk index": site("sportelli/"),
    "desk page": site("sportelli/celadina/"),
    "heating-grant page": site(f"{GRANT}/"),
    "service index": site("servizi/"),
    "service page": site("servizi/portierato-sociale/"),
    "courses and events": site("corsi-ed-eventi/"),
    "event page": site("corsi-ed-eventi/evento-assemblea/"),
    "rules": site("regole/"),
    "privacy": site("privacy/"),
    "404": site("questa-pagina-non-esiste/", 404),
}
FORMS = {
    "grant start": form(f"{GRANT}/"),
    "grant question (choice)": form(f"{GRANT}/riscaldamento"),
    "grant question (date)": form(f"{GRANT}/assegnazione"),
    "grant question with errors": form(f"{GRANT}/isee", 422),  # see open_template
    "grant details": form(f"{GRANT}/dati"),
    "grant check": form(f"{GRANT}/controlla"),
    "grant confirmation": form(lambda p: p.confirmation),
    "grant not eligible": form(f"{GRANT}/non-ammissibile"),
    "event sign-up": form("eventi/assemblea/"),
    "event sign-up closed": form("eventi/chiusa/", 409),
    "event registration": form(lambda p: p.registration),
    "forms error page": form(f"{GRANT}/conferma/C-AAAA-AAAA", 404),
}
TEMPLATES = {**SITE, **FORMS}


def submit_without_script(page):
    """Posts the form as a browser without JavaScript would: a full page load, no forms.js."""
    with page.expect_navigation() as navigation:
        page.evaluate("document.querySelector('form[data-enhance]').submit()")
    return navigation.value


def open_template(page, portal: Portal, name: str, lang: str) -> str:
    url, status = TEMPLATES[name](portal, lang)
    response = page.goto(url)
    if name == "grant question with errors":
        page.fill("#isee", "12.345.67")  # thousands or decimals? The service asks.
        response = submit_without_script(page)
        assert page.locator("#isee-error").is_visible()
    assert response.status == status, (name, url, response.status)
    return url


# --- axe -------------------------------------------------------------------------------------


def report(found: list[dict], checked: int) -> str:
    """Grouped by rule, then by element and message, with the pages where each was found."""
    groups = defaultdict(list)
    for item in found:
        groups[(item["id"], item["impact"], item["help"])].append(item)
    pages = {item["url"] for item in found}
    lines = [
        f"{len(found)} serious or critical WCAG 2.1 AA violations on {len(pages)} of "
        f"{checked} pages checked:"
    ]
    for (rule, impact, help_text), items in sorted(groups.items()):
        lines.append(f"\n{rule} ({impact}, {len(items)}×): {help_text}")
        same = defaultdict(list)
        for item in items:
            same[(item["target"], item["summary"])].append(item)
        for number, ((target, summary), where) in enumerate(same.items()):
            if number == 12:
                lines.append(f"  … and {len(same) - 12} more elements")
                break
            shown = ", ".join(f"[{w['lang']}] {w['template']}" for w in where[:6])
            more = f" and {len(where) - 6} more" if len(where) > 6 else ""
            lines.append(
                f"  {target}\n    {summary[:400]}\n    on {shown}{more}; first {where[0]['url']}"
            )
    return "\n".join(lines)


def axe_violations(page, name: str, lang: str) -> list[dict]:
    """One entry per element of each serious or critical violation on the open page."""
    # Not page.add_init_script(AXE_SOURCE), though 0.15 s a page faster: run right at the
    # load event, axe now and then caught Material's sidebar before its script had sized it
    # (scrollable-region-focusable), a state gone a moment later.
    page.evaluate(AXE_SOURCE)
    return [
        {**violation, **node, "url": page.url, "template": name, "lang": lang}
        for violation in page.evaluate(RUN_AXE, AXE_OPTIONS)
        for node in violation["nodes"]
    ]


# Every template in these languages: Italian (the source, and the language of the fallbacks
# marked lang="it" on other pages), Arabic (right to left: the mirrored layout and the `dir`
# switches; Urdu's pages are the same templates with the same `dir`), Chinese (no spaces,
# its own punctuation), Ukrainian (Cyrillic, four plural forms) and Bengali (an Indic
# script). The markup axe checks is the same template in every language, filled with other
# words: what could differ is an empty or missing text, which the other six languages are
# checked for on the templates below.
EVERY_TEMPLATE = ("it", "ar", "zh", "uk", "bn")
# The other languages on the templates with the most translated words in names, labels and
# alternatives: the navigation and language menu (home), a form with its error summary, the
# longest form, and the sign-up. 11 × 23 pages took three minutes; these 139 take half that.
SOME_TEMPLATES = ("home", "grant question with errors", "grant details", "event sign-up")
AXE_PAGES = [
    (lang, name)
    for lang in CODES
    for name in TEMPLATES
    if lang in EVERY_TEMPLATE or name in SOME_TEMPLATES
]


@pytest.mark.timeout(400)  # some 140 pages, a minute and a half on a busy machine
def test_axe_finds_no_serious_violation_on_any_template(session):
    portal, context = session
    page, apart = context.new_page(), portal.ruled_out.new_page()
    found, checked = [], 0
    for lang, name in AXE_PAGES:
        tab = apart if name == "grant not eligible" else page
        open_template(tab, portal, name, lang)
        found += axe_violations(tab, name, lang)
        checked += 1
    page.close()
    apart.close()
    assert set(EVERY_TEMPLATE) < set(CODES) and set(SOME_TEMPLATES) < set(TEMPLATES)
    assert {lang for lang, _ in AXE_PAGES} == set(CODES) >= {"it", "ar", "zh", "uk", "bn"}
    assert checked == len(TEMPLATES) * len(EVERY_TEMPLATE) + len(SOME_TEMPLATES) * (
        len(CODES) - len(EVERY_TEMPLATE)
    )
    if found:
        pytest.fail(report(found, checked), pytrace=False)


# --- reflow: 320 CSS px, no horizontal scrolling (WCAG 1.4.10) ------------------------------


@pytest.mark.parametrize("lang", ["it", "ar"])
@pytest.mark.parametrize("name", ["desk page", "heating-grant page", "grant question with errors"])
def test_pages_reflow_at_320_px_without_horizontal_scrolling(session, name, lang):
    portal, context = session
    page = context.new_page()
    page.set_viewport_size({"width": 320, "height": 640})
    url = open_template(page, portal, name, lang)
    widths = page.evaluate("""() => ({page: document.documentElement.scrollWidth,
                                      body: document.body.scrollWidth})""")
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => { const r = e.getBoundingClientRect();
                       return r.width > 0 && (r.right > 321 || r.left < -1) &&
                              getComputedStyle(e).position !== 'fixed'; })
        .slice(0, 5).map(e => e.tagName + '.' + e.className)""")
    page.close()
    assert widths["page"] <= 320 and widths["body"] <= 320, (url, widths, wide)


# --- keyboard only, focus always visible (WCAG 2.1.1, 2.4.7) --------------------------------

FOCUS_STYLE = """() => {
    const e = document.activeElement, s = getComputedStyle(e);
    const transparent = c => c === 'transparent' || /rgba\\(.*,\\s*0\\)$/.test(c);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 &&
                    !transparent(s.outlineColor);
    return {element: e.tagName.toLowerCase() + (e.type ? '[' + e.type + ']' : '') +
                     (e.className ? '.' + e.className : ''),
            outline: s.outlineWidth + ' ' + s.outlineStyle + ' ' + s.outlineColor,
            shadow: s.boxShadow, visible: outline || s.boxShadow !== 'none'};
}"""


def focused(page, selector: str) -> bool:
    return page.evaluate(
        "s => !!document.activeElement && document.activeElement.matches(s)", selector
    )


def tab_to(page, selector: str, backwards: bool = False, most: int = 60) -> None:
    for _ in range(most):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if focused(page, selector):
            return
    raise AssertionError(f"{selector} not reached with the keyboard from {page.url}")


def assert_focus_visible(page, kind: str) -> dict:
    style = page.evaluate(FOCUS_STYLE)
    assert style["visible"], f"no visible focus on the {kind}: {style}"
    return style


def test_grant_pre_application_with_the_keyboard_alone(browser, base):
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="it-IT")
    page = context.new_page()
    seen = {}
    page.goto(f"{base}/moduli/it/{GRANT}/")

    page.keyboard.press("Tab")  # the first stop is the skip link, and it shows itself
    assert focused(page, ".portal-skip")
    box = page.locator(".portal-skip").bounding_box()
    assert box["y"] >= 0 and box["height"] > 0
    tab_to(page, "a.form-button--start")
    seen["start link"] = assert_focus_visible(page, "start link")
    page.keyboard.press("Enter")
    page.wait_for_url("**/riscaldamento")

    tab_to(page, "input[name=heating]")
    assert page.evaluate("document.activeElement.value") == "centralized"
    seen["radio"] = assert_focus_visible(page, "radio button")
    tab_to(page, ".form-back__link", backwards=True)
    seen["link"] = assert_focus_visible(page, "back link")
    tab_to(page, "input[name=heating]")
    page.keyboard.press("Space")
    tab_to(page, "form button[type=submit]")
    seen["button"] = assert_focus_visible(page, "button")
    page.keyboard.press("Enter")
    page.wait_for_url("**/fascia")

    tab_to(page, "input[name=band]")
    assert page.evaluate("document.activeElement.value") == "accesso"
    page.keyboard.press("Space")
    tab_to(page, "form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/assegnazione")

    # The date typed in the box behind "type the date", opened with the keyboard.
    tab_to(page, ".form-details > summary")
    seen["summary"] = assert_focus_visible(page, "details summary")
    page.keyboard.press("Enter")
    tab_to(page, "#tenancy_start_text")
    page.keyboard.type("15/01/2020")
    tab_to(page, "form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/morosita")

    for field, next_step in (("arrears", "piano-di-rientro"), ("repayment_plan", "isee")):
        tab_to(page, f"input[name={field}]")
        assert page.evaluate("document.activeElement.value") == "yes"
        page.keyboard.press("Space")
        tab_to(page, "form button[type=submit]")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/{next_step}")

    # A wrong amount: the errors come without a reload, the focus goes to their summary,
    # and its link takes the keyboard back into the field.
    tab_to(page, "#isee")
    seen["text input"] = assert_focus_visible(page, "text input")
    page.keyboard.type("12.345.67")
    page.keyboard.press("Enter")
    page.locator("#isee-error").wait_for(state="visible")
    assert focused(page, "[data-error-summary]")
    if found := axe_violations(page, "grant question with errors (forms.js)", "it"):
        pytest.fail(report(found, 1), pytrace=False)  # the errors as forms.js shows them
    page.keyboard.press("Tab")
    assert focused(page, "[data-error-summary] a[href='#isee']")
    seen["error link"] = assert_focus_visible(page, "error summary link")
    page.keyboard.press("Enter")
    assert focused(page, "#isee")
    page.keyboard.press("Control+A")
    page.keyboard.type("12.345,67")
    page.keyboard.press("Enter")
    page.wait_for_url("**/dati")

    for field, text in (
        ("#full_name", "Maria Rossi"),
        ("#phone", "035 123456"),
        ("#address", "Via Roma 1, Bergamo"),
        ("#household_size", "3"),
    ):
        tab_to(page, field)
        page.keyboard.type(text)
    tab_to(page, "input[name=preferred_desk]")
    page.keyboard.press("Space")
    desk = page.evaluate("document.activeElement.value")
    tab_to(page, "#consent")
    seen["checkbox"] = assert_focus_visible(page, "checkbox")
    page.keyboard.press("Space")
    tab_to(page, "form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/controlla")
    assert "12.345,67" in page.locator(".form-summary").inner_text()

    tab_to(page, "form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/conferma/*")
    assert re.fullmatch(r"C-\w{4}-\w{4}", page.locator(".form-reference").inner_text())
    assert desk in {"celadina", "colognola", "conca-fiorita-lazzaretto"}
    context.close()
    assert set(seen) >= {"link", "radio", "text input", "button"}


def test_site_links_show_their_focus(browser, base):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(f"{base}/sportelli/celadina/")
    tab_to(page, ".md-content a[href]")
    assert_focus_visible(page, "link in the page text")
    tab_to(page, ".md-tabs__link")
    assert_focus_visible(page, "navigation tab")
    page.close()


# --- right to left -----------------------------------------------------------------------------


def box(page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found, f"{selector} is not shown on {page.url}"
    return found


WHERE_IS = """(cell, parts) => {  // the left edge of each part, in the order of the text
    const node = cell.firstChild, text = node.textContent, r = document.createRange();
    let from = 0;
    return parts.map(part => { const at = text.indexOf(part, from); from = at + part.length;
                               r.setStart(node, at); r.setEnd(node, from);
                               return r.getBoundingClientRect().left; });
}"""
TEXT_BOX = """e => { const r = document.createRange(); r.selectNodeContents(e);
                     const b = r.getBoundingClientRect(), o = e.getBoundingClientRect();
                     return {left: b.left - o.left, right: o.right - b.right}; }"""


def test_arabic_and_urdu_pages_mirror(session):
    portal, context = session
    page = context.new_page()
    ARTIFACTS.mkdir(exist_ok=True)

    for lang in ("ar", "ur"):
        page.goto(f"{portal.base}/{lang}/sportelli/celadina/")
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
        # The table of hours: the first column (the day) on the right.
        first, second = box(page, "table th:nth-child(1)"), box(page, "table th:nth-child(2)")
        assert first["x"] > second["x"], (lang, first, second)
        # "09:00–12:00": the range reads right to left, the opening time on the right.
        nine, twelve = page.locator("table td:nth-child(2)").first.evaluate(
            WHERE_IS, ["09:00", "12:00"]
        )
        assert twelve < nine, (lang, twelve, nine)
        # Header: the title on the right, the language switcher on its left, as a mirror.
        title, switcher = box(page, ".md-header__title"), box(page, ".md-select")
        assert switcher["x"] + switcher["width"] <= title["x"], (lang, title, switcher)
        page.screenshot(path=ARTIFACTS / f"desk-{lang}-rtl.png", full_page=True)

    # The switcher's list opens inside the window, each name in its own direction.
    page.goto(f"{portal.base}/ar/sportelli/celadina/")
    tab_to(page, ".md-select button")
    links = page.locator(".md-select__link")
    links.first.wait_for(state="visible")
    listed = box(page, ".md-select__inner")
    assert listed["x"] >= 0 and listed["x"] + listed["width"] <= DESKTOP["width"], listed
    assert links.first.get_attribute("dir") == "ltr"
    assert page.locator(".md-select__link[hreflang=ar]").get_attribute("dir") == "rtl"

    # The form with errors: summary, red bar and question on the right.
    open_template(page, portal, "grant question with errors", "ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    summary = page.locator("[data-error-summary]")
    for part in ("#error-summary-title", "[data-error-summary] li"):
        gaps = page.locator(part).first.evaluate(TEXT_BOX)
        assert gaps["right"] < gaps["left"], (part, gaps)  # text starts on the right
    group = page.locator(".form-group--error").evaluate(
        "e => [getComputedStyle(e).borderRightWidth, getComputedStyle(e).borderLeftWidth]"
    )
    assert group == ["5px", "0px"], group
    page_box, summary_box = box(page, "article"), summary.bounding_box()
    assert (
        abs((page_box["x"] + page_box["width"]) - (summary_box["x"] + summary_box["width"]))
        < 2 * 16
    )  # aligned with the right edge of the text column
    label, field = box(page, "label[for=isee]"), box(page, "#isee")
    assert abs((label["x"] + label["width"]) - (field["x"] + field["width"])) < 8
    # The forms' own language list reads from the right: Italian first, on the right.
    items = page.locator(".form-languages__list li")
    assert items.nth(0).bounding_box()["x"] > items.nth(1).bounding_box()["x"]
    page.screenshot(path=ARTIFACTS / "form-error-ar-rtl.png", full_page=True)
    page.close()
