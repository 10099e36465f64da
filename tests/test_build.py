"""A real MkDocs build of the shipped content, and what a broken build must not touch."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path, PurePosixPath

import pytest

from portal.model import ContentError, load
from portal.site.build import BuildFailed, build

from .conftest import write
from .helpers import ROOT, table_rows, tree_digest

pytestmark = pytest.mark.build
CODES = load(ROOT).codes
# Accessibility, legal notes, open data, privacy: the pages with placement "footer".
FOOTER_PAGES = sum(p.placement == "footer" for p in load(ROOT).pages.values())
DESKS = {
    "celadina": (
        "via Pizzo Tre Signori 2, Bergamo",
        "mercoledì",
        "Wednesday",
        "09:00–12:00",
        "09:00–12:00",  # the 24-hour clock in every language, as on the desk's door
    ),
    "colognola": (
        "via Carlo Alberto 23, Bergamo",
        "martedì",
        "Tuesday",
        "09:00–12:00",
        "09:00–12:00",
    ),
    "conca-fiorita-lazzaretto": (
        None,
        "giovedì",
        "Thursday",
        "14:00–17:00",
        "14:00–17:00",
    ),
}


@pytest.fixture
def site(shipped_site) -> Path:
    """The shipped content built on 2026-11-22, once for the run (conftest.py), read-only."""
    return shipped_site


def html_pages(site: Path):
    return [p for p in sorted(site.rglob("*.html")) if p.name != "404.html"]


def test_desk_pages_hold_exact_days_and_hours_in_both_languages(site):
    for desk, (address, giorno, day, orario, hours) in DESKS.items():
        italian = (site / "sportelli" / desk / "index.html").read_text(encoding="utf-8")
        english = (site / "en" / "sportelli" / desk / "index.html").read_text(encoding="utf-8")
        assert table_rows(italian) == [["Giorno", "Orario"], [giorno, orario]]
        assert table_rows(english) == [["Day", "Hours"], [day, hours]]
        if address:
            assert address in italian and address in english
    conca = (site / "sportelli/conca-fiorita-lazzaretto/index.html").read_text(encoding="utf-8")
    assert 'data-pending="address">Da confermare</span>' in conca


def test_desk_index_lists_all_three_desks(site):
    rows = table_rows((site / "sportelli/index.html").read_text(encoding="utf-8"))
    # The weekly hours, then the next opening (render/openings.py, tests/test_openings.py).
    assert [row[2].partition("Prossima apertura")[0] for row in rows[1:]] == [
        "mercoledì 09:00–12:00",
        "martedì 09:00–12:00",
        "giovedì 14:00–17:00",
    ]
    assert all("Prossima apertura: " in row[2] for row in rows[1:])


def _resolve(site: Path, page: Path, href: str) -> Path:
    base = PurePosixPath("/" + str(page.parent.relative_to(site)))
    parts: list[str] = []
    for part in (base / href).parts[1:]:
        if part == "..":
            parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    target = site.joinpath(*parts)
    return target / "index.html" if not target.suffix else target


def test_language_switcher_links_each_page_to_its_translation(site):
    for page in html_pages(site):
        html = page.read_text(encoding="utf-8")
        links = dict(
            (lang, href)
            for href, lang in re.findall(
                r'<a href="([^"]+)" hreflang="([^"]+)"[^>]* class="md-select__link"', html
            )
        )
        assert set(links) == set(CODES), page
        relative = page.relative_to(site)
        if relative.parts[0] == "facile":  # italiano semplice: Italian only; the others
            full = relative.relative_to("facile")  # go to the same page's full version
            assert _resolve(site, page, links["en"]) == site / "en" / full, page
            continue
        path = relative.relative_to(relative.parts[0]) if relative.parts[0] in CODES else relative
        for code in CODES:
            expected = site / path if code == "it" else site / code / path
            assert _resolve(site, page, links[code]) == expected, (page, code)


def test_every_page_has_footer_links_and_last_updated(site):
    for page in html_pages(site):
        html = page.read_text(encoding="utf-8")
        footer = html[html.index('class="portal-footer-links"') :]
        hrefs = re.findall(r'<a href="([^"]+)">', footer.split("</nav>")[0])
        assert len(hrefs) == FOOTER_PAGES, page
        for href in hrefs:
            assert _resolve(site, page, href).exists(), (page, href)
        assert re.search(r'class="portal-updated">[^<]+<time datetime="2026-\d\d-\d\d">', html), (
            page
        )


def test_home_reaches_every_section_in_one_click(site):
    for prefix in ("", "en/"):
        home = site / prefix / "index.html"
        html = home.read_text(encoding="utf-8")
        content = html[html.index("<article") : html.index("</article>")]
        resolved = [
            _resolve(site, home, href)
            for href in re.findall(r'href="([^"#]+)"', content)
            if not href.startswith(("http", "/"))
        ]
        targets = {
            str(p.relative_to(site / prefix)) for p in resolved if p.is_relative_to(site / prefix)
        }
        for section in (
            "sportelli/index.html",
            "contributo-riscaldamento/index.html",
            "servizi/index.html",
            "corsi-ed-eventi/index.html",
            "regole/index.html",
        ):
            assert section in targets, (prefix, section)
        for legal in ("privacy/index.html", "accessibilita/index.html", "note-legali/index.html"):
            assert legal in html.replace("../", "") or (site / prefix / legal).exists()


def test_heating_page_is_generated_from_the_rules(site):
    italian = (site / "contributo-riscaldamento/index.html").read_text(encoding="utf-8")
    english = (site / "en/contributo-riscaldamento/index.html").read_text(encoding="utf-8")
    assert "9.360,01\xa0€ a 15.000\xa0€" in italian
    assert "almeno 12 mesi" in italian and "centralizzato" in italian
    assert "«accesso» o «protezione»" in italian
    assert "€9,360.01 to €15,000" in english and "600\xa0€" in italian


def test_no_page_loads_anything_from_another_host(site):
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        loads = re.findall(r'<(?:script|img|iframe|source|audio|video)[^>]+src="([^"]+)"', html)
        loads += re.findall(r'<link[^>]+href="([^"]+)"', html)
        for url in loads:
            if re.match(r"^(https?:)?//", url):
                assert url.startswith("http://127.0.0.1:8000/"), (page, url)
    for sheet in site.rglob("*.css"):
        css = sheet.read_text(encoding="utf-8")
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css), sheet
    assert "fonts.googleapis" not in "".join(p.read_text("utf-8") for p in site.rglob("*.html"))


def test_missing_translation_falls_back_to_italian_and_says_so(project, tmp_path):
    desk = project / "content/desks/colognola.yml"
    lines = desk.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("name:"))
    english = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("en:"))
    del lines[english]
    desk.write_text("".join(lines), encoding="utf-8")
    build(project, tmp_path / "site", today=date(2026, 11, 22))
    html = (tmp_path / "site/en/sportelli/colognola/index.html").read_text(encoding="utf-8")
    assert "Some parts of this page are not translated yet and are shown in Italian." in html
    assert (
        '<h1 id="sportello-colognola">Sportello Colognola</h1>' in html
        or "Sportello Colognola" in html
    )
    untouched = (tmp_path / "site/en/sportelli/celadina/index.html").read_text(encoding="utf-8")
    assert "not translated yet" not in untouched


def test_changed_rule_reaches_the_page_without_code_changes(project, tmp_path):
    grant = project / "content/heating-grant.yml"
    grant.write_text(
        grant.read_text(encoding="utf-8").replace("max: 15000.00", "max: 15500.00"),
        encoding="utf-8",
    )
    build(project, tmp_path / "site", today=date(2026, 11, 22))
    html = (tmp_path / "site/contributo-riscaldamento/index.html").read_text(encoding="utf-8")
    assert "15.500\xa0€" in html


def test_broken_content_leaves_the_built_site_untouched(project, tmp_path, shipped_site):
    site = tmp_path / "site"
    shutil.copytree(shipped_site, site)  # a built site of the same content, as built before
    before = tree_digest(site)
    write(
        project,
        "content/desks/celadina.yml",
        (project / "content/desks/celadina.yml")
        .read_text(encoding="utf-8")
        .replace('"12:00"', '"25:00"'),
    )
    with pytest.raises(ContentError) as raised:
        build(project, site, today=date(2026, 11, 22))
    assert any(p.code == "value.time" for p in raised.value.problems)
    assert tree_digest(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "site"]  # no leftovers


def test_mkdocs_failure_leaves_the_built_site_untouched(project, tmp_path, shipped_site):
    site = tmp_path / "site"
    shutil.copytree(shipped_site, site)  # a built site of the same content, as built before
    before = tree_digest(site)
    rules = project / "content/pages/regole.yml"
    text = rules.read_text(encoding="utf-8")
    marker = next(line for line in text.splitlines() if line.strip().startswith("it: |"))
    indent = " " * (len(marker) - len(marker.lstrip()) + 2)
    rules.write_text(
        text.replace(marker, f"{marker}\n{indent}[rotto](pagina-che-non-esiste.md)\n", 1),
        encoding="utf-8",
    )
    with pytest.raises(BuildFailed):
        build(project, site, today=date(2026, 11, 22))
    assert tree_digest(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "site"]


def test_no_paragraph_swallows_a_list(site):
    for page in html_pages(site):
        for paragraph in re.findall(r"<p>(.*?)</p>", page.read_text(encoding="utf-8"), re.S):
            assert not re.search(r"\n\s*(- |\d+\. )", paragraph), (page, paragraph[:80])


def test_404_is_italian_and_links_every_language(site):
    html = (site / "404.html").read_text(encoding="utf-8")
    assert '<html lang="it" dir="ltr"' in html
    assert "<h1>Pagina non trovata</h1>" in html
    listed = dict(
        re.findall(
            r'<a href="([^"]+)" hreflang="([^"]+)">',
            html.split('class="portal-not-found"')[1].split("</ul>")[0],
        )
    )
    assert sorted(listed.values()) == sorted(CODES)
    for href, code in listed.items():  # absolute: the page is served at any missing path
        assert href == ("/" if code == "it" else f"/{code}/"), (href, code)


def test_every_page_has_lang_dir_and_absolute_alternates(site):
    content = load(ROOT)
    for page in html_pages(site):
        relative = page.relative_to(site)
        lang = relative.parts[0] if relative.parts[0] in CODES else "it"
        html = page.read_text(encoding="utf-8")
        direction = content.language(lang).dir
        assert f'<html lang="{lang}" dir="{direction}"' in html, page
        alternates = re.findall(r'<link rel="alternate" href="([^"]+)" hreflang="([^"]+)">', html)
        assert {code for _, code in alternates} == {*CODES, "x-default"}, page
        assert all(href.startswith("http://127.0.0.1:8000/") for href, _ in alternates), page


def test_search_index_per_language(site):
    import json

    for code in CODES:
        folder = site if code == "it" else site / code
        index = json.loads((folder / "search/search_index.json").read_text(encoding="utf-8"))
        assert index["docs"], code
        assert not any(doc["location"].split("/")[0] in CODES for doc in index["docs"]), code
        desk = next(doc for doc in index["docs"] if doc["location"] == "sportelli/celadina/")
        assert "Celadina" in desk["title"], code
