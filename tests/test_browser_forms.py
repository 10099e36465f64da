"""The forms in Debian's Chromium, with JavaScript on and off, on a real `portal serve`.

One browser and one server for the whole session (they are the slow part): the shared
site of conftest.py, whose event "un-posto" has one place, so the waitlist can be shown
with two people.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from .helpers import ROOT

ARTIFACTS = ROOT / "test-artifacts"
PHONE = {"width": 360, "height": 780}
ONE_PLACE = "un-posto"  # the shared site's event with a single place
pytestmark = pytest.mark.browser


@pytest.fixture
def portal(shared_portal):
    """(base URL, database file) of the session's running portal."""
    return shared_portal.base, shared_portal.database


def stored(database: Path, table: str) -> int:
    with sqlite3.connect(database) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def send(page) -> None:
    page.locator("form[data-enhance] button[type=submit]").click()


def answer(page, selector: str, next_step: str) -> None:
    page.check(selector)
    send(page)
    page.wait_for_url(f"**/{next_step}")


def eligibility(page, base: str, lang: str) -> None:
    page.goto(f"{base}/moduli/{lang}/contributo-riscaldamento/")
    page.locator("a.form-button--start").click()
    page.wait_for_url("**/riscaldamento")
    answer(page, "input[name=heating][value=centralized]", "fascia")
    answer(page, "input[name=band][value=accesso]", "assegnazione")
    page.fill("#tenancy_start", "2020-01-15")
    send(page)
    page.wait_for_url("**/morosita")
    answer(page, "input[name=arrears][value=yes]", "piano-di-rientro")
    answer(page, "input[name=repayment_plan][value=yes]", "isee")


def wrong_isee(page, message_part: str) -> None:
    page.fill("#isee", "12.345.67")
    send(page)
    summary = page.locator("[data-error-summary]")
    summary.wait_for(state="visible")
    assert message_part in page.locator("#isee-error").inner_text()
    assert (
        page.locator("[data-error-summary] a[href='#isee']").inner_text()
        == page.locator("#isee-error [data-message]").inner_text()
    )
    assert page.locator("#isee").get_attribute("aria-invalid") == "true"
    assert "isee-error" in page.locator("#isee").get_attribute("aria-describedby")


def details(page) -> None:
    page.fill("#full_name", "Maria Rossi")
    page.fill("#phone", "035 123456")
    page.fill("#address", "Via Roma 1, Bergamo")
    page.fill("#household_size", "3")
    page.check("input[name=preferred_desk][value=colognola]")
    page.check("#consent")
    send(page)
    page.wait_for_url("**/controlla")


def reference_on(page) -> str:
    reference = page.locator(".form-reference").inner_text()
    assert len(reference) == 11 and reference.startswith("C-")
    return reference


def test_pre_application_with_javascript(browser, portal):
    base, database = portal
    before = stored(database, "pre_applications")
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    eligibility(page, base, "it")
    page.evaluate("window.noReload = 'still the same page'")
    wrong_isee(page, "Non è chiaro se «12.345.67» sono migliaia o decimali.")
    assert page.evaluate("window.noReload") == "still the same page"  # fetch, no reload
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    screenshot(page, "form-error-it-js")
    page.fill("#isee", "12.345,67")
    send(page)
    page.wait_for_url("**/dati")
    send(page)  # everything empty: the errors come back without a reload
    page.locator("#consent-error").wait_for(state="visible")
    assert page.locator("[data-error-summary] li").count() == 6
    details(page)
    assert page.locator("[data-error-summary]").is_hidden()
    assert "12.345,67" in page.locator(".form-summary").inner_text()
    page.locator("form[data-enhance] button[type=submit]").dblclick()  # sends once
    page.wait_for_url("**/conferma/*")
    reference_on(page)
    assert "Sportello Colognola" in page.locator("main").inner_text()
    screenshot(page, "form-confirmation-it-js")
    assert stored(database, "pre_applications") == before + 1
    context.close()


def test_pre_application_without_javascript_in_english(browser, portal):
    base, database = portal
    before = stored(database, "pre_applications")
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    eligibility(page, base, "en")
    wrong_isee(page, "It is not clear whether “12.345.67” means thousands or decimals.")
    screenshot(page, "form-error-en-nojs")
    page.fill("#isee", "12.345,67")
    send(page)
    page.wait_for_url("**/dati")
    details(page)
    assert "Check your answers" in page.locator("h1").inner_text()
    send(page)
    page.wait_for_url("**/conferma/*")
    reference = reference_on(page)
    assert page.locator("h1").inner_text() == "Pre-application sent"
    screenshot(page, "form-confirmation-en-nojs")
    page.goto(page.url)  # the bookmark works again later
    assert page.locator(".form-reference").inner_text() == reference
    assert stored(database, "pre_applications") == before + 1
    context.close()


def test_not_eligible_ends_on_the_exit_page(browser, portal):
    base, database = portal
    before = stored(database, "pre_applications")
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{base}/moduli/it/contributo-riscaldamento/riscaldamento")
    answer(page, "input[name=heating][value=autonomous]", "non-ammissibile")
    text = page.locator("main").inner_text()
    assert "Con queste risposte non puoi fare la pre-domanda" in text
    assert "riscaldamento autonomo" in text
    for day in ("mercoledì", "martedì", "giovedì"):
        assert day in text
    # Nothing is sent, nothing later can be reached; the answer can be changed.
    page.goto(f"{base}/moduli/it/contributo-riscaldamento/fascia")
    assert page.url.endswith("/non-ammissibile")
    page.locator("[data-change-answer]").click()
    page.wait_for_url("**/riscaldamento")
    assert page.locator("input[name=heating][value=autonomous]").is_checked()
    answer(page, "input[name=heating][value=centralized]", "fascia")
    assert stored(database, "pre_applications") == before
    context.close()


# What a summary link shows: the field's label (or legend) below the sticky header, its error
# on the screen, and the control focused.
WHERE_IT_LANDS = """(name) => {
  const header = document.querySelector(".md-header").getBoundingClientRect().bottom;
  const group = document.querySelector(`[data-field="${name}"]`);
  const error = document.getElementById(`${name}-error`).getBoundingClientRect();
  // The group starts with the label or legend (the consent: with the privacy link).
  return {header, label: group.getBoundingClientRect().top, error: error.bottom,
          screen: window.innerHeight, focused: document.activeElement.name || ""};
}"""


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("lang", ["it", "ar"])
def test_error_summary_links_show_the_label_below_the_sticky_header(
    browser, portal, javascript, lang
):
    base, _ = portal
    context = browser.new_context(java_script_enabled=javascript, viewport=PHONE)
    page = context.new_page()
    eligibility(page, base, lang)
    page.fill("#isee", "12.345,67")
    send(page)
    page.wait_for_url("**/dati")
    send(page)  # every field empty: one line per field in the summary
    page.locator("#consent-error").wait_for(state="visible")
    links = page.locator("[data-error-summary] a")
    assert links.count() == 6
    for index in range(links.count()):
        link = links.nth(index)
        name = link.get_attribute("href")[1:]
        link.click()
        page.wait_for_function(
            "(name) => document.activeElement && document.activeElement.name === name", arg=name
        )
        page.wait_for_timeout(100)  # the scroll settles
        landed = page.evaluate(WHERE_IT_LANDS, name)
        assert landed["label"] >= landed["header"], (name, landed)  # not under the header
        assert landed["error"] <= landed["screen"], (name, landed)  # the error shows too
    screenshot(page, f"form-error-link-{lang}-{'js' if javascript else 'nojs'}")
    context.close()


def sign_up(browser, base: str, name: str, javascript: bool):
    context = browser.new_context(java_script_enabled=javascript, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{base}/moduli/it/eventi/{ONE_PLACE}/")
    page.fill("#full_name", name)
    page.fill("#email", f"{name.split()[0].lower()}@example.it")
    page.check("#consent")
    send(page)
    page.wait_for_url("**/iscrizione/*")
    return context, page


def status_of(page) -> str:
    return page.locator("[data-status]").get_attribute("data-status")


def test_waitlisted_person_moves_up_when_the_first_cancels(browser, portal):
    base, _ = portal
    first_context, first = sign_up(browser, base, "Anna Bianchi", javascript=True)
    second_context, second = sign_up(browser, base, "Bruno Verdi", javascript=False)
    assert status_of(first) == "confirmed"
    assert status_of(second) == "waitlisted"
    assert "lista d'attesa" in second.locator("main").inner_text()

    first.get_by_role("button", name="Annulla la mia iscrizione").click()
    first.get_by_role("button", name="Sì, annulla la mia iscrizione").click()  # asked first
    first.locator("[data-status=cancelled]").wait_for()
    assert "L'iscrizione è annullata." in first.locator("main").inner_text()
    second.reload()
    assert status_of(second) == "confirmed"
    assert "il tuo posto è confermato" in second.locator("main").inner_text()
    first_context.close()
    second_context.close()
