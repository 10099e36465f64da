"""The desk team's journey in Chromium, on the session's shared portal: log in, find a
pre-application, call back, change its status with a note, export, log out."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request
import uuid

import pytest

from .helpers import PORTAL, ROOT
from .test_browser_forms import PHONE, screenshot

pytestmark = pytest.mark.browser
PASSWORD = "una frase lunga per lo sportello"


def pre_apply(base: str, name: str) -> str:
    body = {
        "full_name": name,
        "phone": "035 246810",
        "address": "Via Roma 1, Bergamo",
        "household_size": 2,
        "tenancy_start": "2020-01-15",
        "heating": "centralized",
        "band": "accesso",
        "isee": "12.345,67",
        "arrears": False,
        "preferred_desk": "celadina",
        "consent": True,
    }
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
    assert "12345.67" in page.locator("main").inner_text()  # the ISEE: detail page only
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
