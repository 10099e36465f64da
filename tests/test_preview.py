"""`portal serve` as a volunteer uses it: a real server on localhost that follows the edits."""

from __future__ import annotations

import json
import time
from datetime import date, datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest

from portal.model import load
from portal.site import build as site_build
from portal.site.build import Sources, build

from .helpers import ROOT, get, running_portal, tree_digest, wait_for

CODES = load(ROOT).codes


def status(base, path=None):
    """What the injected script gets; with ``path``, as a page at that path asks."""
    query = f"?path={quote(path)}" if path else ""
    return json.loads(get(f"{base}/__portal/status{query}")[2])


def test_live_preview_rebuilds_reports_errors_and_keeps_serving(project):
    desk = project / "content/desks/celadina.yml"
    original = desk.read_text(encoding="utf-8")
    with running_portal(project) as base:
        code, headers, html = get(f"{base}/sportelli/celadina/")
        assert code == 200 and "Sportello Celadina" in html
        assert '<script src="/__portal/reload.js"></script></body>' in html
        assert "location.reload" in get(f"{base}/__portal/reload.js")[2]
        first = status(base)
        assert first["errors"] == []

        desk.write_text(
            original.replace("it: Sportello Celadina", "it: Sportello Celadina Nord"),
            encoding="utf-8",
        )
        wait_for(lambda: status(base)["version"] > first["version"])
        assert "Sportello Celadina Nord" in get(f"{base}/sportelli/celadina/")[2]

        second = status(base)["version"]
        desk.write_text(original.replace('"12:00"', '"25:00"'), encoding="utf-8")
        broken = wait_for(lambda: (s := status(base))["version"] > second and s)
        assert any(
            e.startswith("content/desks/celadina.yml:") and "25:00" in e for e in broken["errors"]
        )
        code, _, html = get(f"{base}/sportelli/celadina/")
        assert code == 200 and "Sportello Celadina Nord" in html  # the last good site stays


def test_static_serving_behaves_like_a_web_server(base):
    """On the session's shared ``portal serve --no-watch`` (conftest.py), read only."""
    assert get(f"{base}/")[0] == 200
    code, headers, _ = get(f"{base}/en/sportelli/celadina")
    assert code == 301 and headers["Location"] == "/en/sportelli/celadina/"
    code, _, html = get(f"{base}/non-esiste/")
    assert code == 404 and "<html" in html
    assert get(f"{base}/__portal/status")[0] == 404  # no preview endpoints without --watch
    assert get(f"{base}/../../etc/passwd")[0] == 404


DESK = "sportelli/celadina/"
CLOSES = 'closes: "12:00"'


def desk_page(base, lang=""):
    return get(f"{base}/{lang}{DESK}")[2]


@pytest.mark.timeout(400)
def test_open_language_first_then_the_rest_and_the_site_ends_complete(
    project, tmp_path, monkeypatch
):
    desk = project / "content/desks/celadina.yml"
    with running_portal(project) as base:
        arabic = status(base, f"/ar/{DESK}")  # an Arabic page is open in a browser
        assert arabic["language"] == "ar" and not arabic["building"]
        desk.write_text(
            desk.read_text(encoding="utf-8").replace(CLOSES, 'closes: "12:40"'), encoding="utf-8"
        )

        wait_for(lambda: status(base, f"/ar/{DESK}")["version"] > arabic["version"])
        assert "12:40" in desk_page(base, "ar/")
        quick_arabic = (project / "site/ar" / DESK / "index.html").read_bytes()
        assert "12:40" not in desk_page(base, "fr/")  # the others follow...
        assert "12:40" not in desk_page(base)  # ...Italian included: nobody looks at it
        assert status(base, f"/ar/{DESK}")["building"]

        # A French page opened meanwhile interrupts the full build: French comes next.
        french = status(base, f"/fr/{DESK}")
        wait_for(lambda: status(base, f"/fr/{DESK}")["version"] > french["version"])
        assert "12:40" in desk_page(base, "fr/")
        assert "12:40" not in desk_page(base, "uk/")

        wait_for(lambda: not status(base, f"/fr/{DESK}")["building"], timeout=240)
        final = status(base, f"/fr/{DESK}")
        assert final["errors"] == []
        for lang in CODES:
            assert "12:40" in desk_page(base, "" if lang == "it" else f"{lang}/"), lang
        monkeypatch.setenv("PORTAL_SITE_URL", base + "/")
        build(project, tmp_path / "expected")  # what `portal build` makes of the same content
        assert tree_digest(project / "site") == tree_digest(tmp_path / "expected")
        assert quick_arabic == (tmp_path / "expected/ar" / DESK / "index.html").read_bytes()
        assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site")) == []


def drop_english_name(desk_file):
    """Remove the English name of a desk: a missing translation, a warning only."""
    lines = desk_file.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("name:"))
    english = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("en:"))
    del lines[english]
    desk_file.write_text("".join(lines), encoding="utf-8")


@pytest.mark.browser
@pytest.mark.timeout(300)
def test_blocking_errors_show_first_and_apart_from_warnings(project, browser):
    drop_english_name(project / "content/desks/colognola.yml")
    desk = project / "content/desks/celadina.yml"
    original = desk.read_text(encoding="utf-8")
    with running_portal(project) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{base}/{DESK}")
        warnings = page.locator("#portal-preview-warnings")
        warnings.wait_for()  # a successful build with warnings: one quiet, collapsed line
        assert not warnings.evaluate("details => details.open")
        assert "colognola.yml" in warnings.text_content()
        assert page.locator("#portal-preview-errors").count() == 0

        desk.write_text(original.replace('"12:00"', '"25:00"'), encoding="utf-8")
        errors = page.locator("#portal-preview-errors")
        errors.wait_for(timeout=30_000)
        text = errors.inner_text()
        assert text.startswith("Anteprima non aggiornata")
        assert "content/desks/celadina.yml:" in text and "25:00" in text
        assert "colognola" not in text  # warnings are not mixed in
        order = page.eval_on_selector_all("#portal-preview > *", "els => els.map(e => e.id)")
        assert order == ["portal-preview-errors", "portal-preview-warnings"]
        assert not warnings.evaluate("details => details.open")
        panel = page.locator("#portal-preview").bounding_box()
        assert panel["height"] < 0.4 * 800 and panel["width"] < 0.5 * 1280
        assert page.evaluate("""() => {  // the page's title is not covered
            const r = document.querySelector('h1').getBoundingClientRect();
            return document.elementFromPoint(r.x + 5, r.y + r.height / 2).closest('h1') !== null;
        }""")

        page.locator("#portal-preview-warnings summary").click()
        page.wait_for_timeout(1500)  # three polls with the same problems: it stays open
        assert warnings.evaluate("details => details.open")
        assert warnings.locator("li").count() >= 1

        desk.write_text(original, encoding="utf-8")
        errors.wait_for(state="detached", timeout=60_000)
        warnings.wait_for()
        page.close()


def test_pages_are_rendered_for_bergamos_date_whatever_the_machine_clock(project, monkeypatch):
    """Desk pages list the closures still to come as of the build date: Europe/Rome's date,
    as the forms service counts, even on a server whose clock is on another zone."""
    seen = []
    monkeypatch.setattr(site_build, "render_site", lambda content, today: seen.append(today) or ())
    # At any moment one of these two zones has another date than Rome.
    try:
        for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
            monkeypatch.setenv("TZ", zone)
            time.tzset()
            site_build.render(project)
            rome = datetime.now(ZoneInfo("Europe/Rome")).date()
            assert seen[-1] == rome, zone
            if date.today() != rome:
                break
        else:
            raise AssertionError("the machine's date never differed from Rome's")
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_language_build_writes_again_only_pages_whose_markdown_changed():
    before = Sources("frame", {"it/a.md": "A", "it/b.md": "B", "en/a.md": "A", "en/b.md": "B"})
    edited = Sources("frame", {**before.docs, "it/b.md": "B2", "en/a.md": "A2"})
    assert before.changed(edited, "it") == {"it/b.md"}
    assert before.changed(edited, "en") == {"en/a.md"}
    assert before.changed(before, "it") == set()  # nothing to write: the language is skipped
    # Another configuration (navigation, strings, theme) or another set of pages can change
    # any page's navigation, links or language switcher: every page is written.
    assert before.changed(Sources("other", edited.docs), "it") is None
    assert before.changed(Sources("frame", {**edited.docs, "it/c.md": "C"}), "it") is None
