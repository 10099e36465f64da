"""The desk team's journey in Chromium, on the session's shared portal: log in, find a
pre-application, call back, change its status with a note, export, log out; make a
pre-application at the desk, which the resident then looks up; sign someone up for an event
at the desk, mark who came, print the attendance sheet (A4) and export the list."""

from __future__ import annotations

import json
import os
import re
import subprocess
import urllib.request
import uuid

import pytest

from .helpers import PORTAL, PRE_APPLICATION, ROOT
from .test_browser_forms import PHONE, screenshot

pytestmark = pytest.mark.browser
PASSWORD = "una frase lunga per lo sportello"


def pre_apply(base: str, name: str) -> str:
    body = {**PRE_APPLICATION, "full_name": name, "phone": "035 246810", "household_size": 2}
    request = urllib.request.Request(
        f"{base}/api/heating-grant/pre-applications?lang=uk",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["reference"]


def add_coordinator(shared_portal, name: str) -> None:
    env = {**os.environ, "PORTAL_DATABASE_URL": f"sqlite:///{shared_portal.database}"}
    subprocess.run(
        [
            *PORTAL,
            "--root",
            str(shared_portal.project),
            "staff",
            "add",
            name,
            "--role",
            "coordinator",
        ],
        input=PASSWORD + "\n",
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def test_the_desk_teams_journey(browser, shared_portal):
    base = shared_portal.base
    name = f"staff{uuid.uuid4().hex[:6]}"
    add_coordinator(shared_portal, name)
    resident = f"Olena Koval {uuid.uuid4().hex[:4]}"
    reference = pre_apply(base, resident)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/staff/")
    assert "/staff/login" in page.url  # a stranger is sent to the login
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Entra").click()
    page.get_by_role("link", name="Pre-domande per il contributo riscaldamento").click()
    page.fill("#cerca", resident.split()[-1])
    page.get_by_role("button", name="Filtra").click()
    assert page.locator("tbody tr").count() == 1
    assert page.locator("tbody").get_by_role("link", name="035 246810").count() == 1
    screenshot(page, "staff-list")
    page.get_by_role("link", name=reference).click()
    assert "12.345,67" in page.locator("main").inner_text()  # the ISEE: detail page only
    page.select_option("#status", "contacted")
    page.fill("#note", "Richiamata: viene mercoledì")
    page.get_by_role("button", name="Salva").click()
    assert "Richiamata: viene mercoledì" in page.locator("ol").inner_text()
    assert "Stato: Contattata" in page.locator("main").inner_text()
    screenshot(page, "staff-detail")
    with page.expect_download() as download:
        page.goto(f"{base}/staff/pre-domande/")
        page.get_by_role("link", name="Scarica questo elenco (CSV per Excel)").click()
    assert download.value.suggested_filename == "pre-domande.csv"
    page.get_by_role("button", name="Esci").click()
    page.goto(f"{base}/staff/pre-domande/")
    assert "/staff/login" in page.url
    context.close()


def test_the_staff_pages_fit_a_phone(browser, shared_portal):
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(f"{shared_portal.base}/staff/login")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.close()


def log_in(page, base: str, name: str) -> None:
    page.goto(f"{base}/staff/login")
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Entra").click()
    page.wait_for_url(f"{base}/staff/")


def pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """(width, height) in points of each page of a PDF Chromium printed."""
    boxes = re.findall(rb"/MediaBox\s*\[([^\]]+)\]", pdf)
    return [tuple(float(n) for n in box.split()[2:]) for box in boxes]  # type: ignore[misc]


def test_at_the_desk_a_pre_application_a_lookup_and_an_event(browser, shared_portal):
    base = shared_portal.base
    name = f"staff{uuid.uuid4().hex[:6]}"
    add_coordinator(shared_portal, name)
    resident = f"Amina Haddad {uuid.uuid4().hex[:4]}"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, base, name)

    # A pre-application made for a resident on the phone: the same fields as online.
    page.get_by_role("link", name="Pre-domande per il contributo riscaldamento").click()
    page.get_by_role("link", name="Nuova pre-domanda allo sportello").click()
    page.fill("#full_name", resident)
    page.fill("#phone", "035 135790")
    page.fill("#address", "Via Roma 1, Bergamo")
    page.fill("#household_size", "3")
    page.check("#heating")  # centralised
    page.check("#band")  # "accesso"
    page.fill("#tenancy_start", "2019-03-01")
    page.check("#arrears-2")  # no arrears
    page.fill("#isee", "9.800,00")
    page.check("#preferred_desk")
    page.select_option("#lang", "ar")
    screenshot(page, "staff-assisted")
    page.check("#consent")  # the privacy notice, given on paper
    page.get_by_role("button", name="Salva la pre-domanda").click()
    main = page.locator("main").inner_text()
    assert f"Inserita allo sportello da {name}" in main and resident in main
    reference = page.url.rstrip("/").rsplit("/", 1)[-1]

    # The resident looks it up in Arabic with the reference and the phone number.
    lookup = context.new_page()
    lookup.goto(f"{base}/moduli/ar/stato/")
    lookup.fill("#reference", reference.lower())
    lookup.fill("#contact", "+39 035135790")
    lookup.locator("main button[type=submit]").click()
    answer = lookup.locator("main").inner_text()
    assert reference in answer and resident not in answer and "9.800" not in answer
    assert lookup.locator("html").get_attribute("dir") == "rtl"
    screenshot(lookup, "status-lookup")
    lookup.close()

    # An event: a sign-up at the desk, who came, the sheet to print, the export.
    page.goto(f"{base}/staff/")
    page.get_by_role("link", name="Eventi").first.click()
    page.locator("main").get_by_role("link", name="Assemblea di condominio").first.click()
    page.get_by_role("link", name="Iscrivi una persona (allo sportello o al telefono)").click()
    page.fill("#full_name", resident)
    page.fill("#phone", "035 135790")
    page.fill("#people", "1")
    page.check("#consent")
    page.get_by_role("button", name="Iscrivi").click()
    row = page.locator("tr", has_text=resident)
    assert row.count() == 1
    row.get_by_role("button", name="Presente").click()
    assert page.locator("tr", has_text=resident).get_by_role("button", name="Assente").count() == 1
    screenshot(page, "staff-event")
    page.get_by_role("link", name="Stampa il foglio presenze").click()
    assert resident in page.locator("body").inner_text()
    page.emulate_media(media="print")
    assert page.locator("nav, header").filter(has_text="Esci").count() == 0  # no navigation
    boxes = pdf_pages(page.pdf(prefer_css_page_size=True))
    a4 = (595.28, 841.89)  # 210 × 297 mm in points; Chromium rounds to whole pixels
    assert boxes and all(abs(w - a4[0]) < 2 and abs(h - a4[1]) < 2 for w, h in boxes)
    page.emulate_media(media="screen")
    page.go_back()
    with page.expect_download() as download:
        page.get_by_role("link", name="Scarica gli iscritti (CSV per Excel)").click()
    exported = download.value.path().read_text(encoding="utf-8-sig")
    assert resident in exported and ";" in exported
    page.get_by_role("button", name="Esci").click()
    context.close()
