"""Notice-board posters (portal/posters/): the real command and the service's print links,
read back with poppler (pdfinfo, pdftotext, pdffonts), which `make test` installs."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, timedelta
from functools import partial

import pytest
import segno
import yaml

from portal import urls
from portal.model import load
from portal.posters import all_posters, find_poster, poster_html, to_pdf
from tests.conftest import add_event
from tests.helpers import PORTAL

SITE = "https://portale.example.invalid/"


@pytest.fixture(scope="module", autouse=True)
def poppler():
    missing = [tool for tool in ("pdfinfo", "pdftotext", "pdffonts") if not shutil.which(tool)]
    assert not missing, f"{missing}: `make test` installs poppler-utils (make system)"


def info(pdf) -> str:
    return subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout


def text(pdf) -> str:
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return done.stdout


def fonts(pdf) -> str:
    return subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout


def run_posters(project, out, *langs):
    args = [arg for lang in langs for arg in ("--lang", lang)]
    return subprocess.run(
        [*PORTAL, "--root", str(project), "posters", *args, "--out", str(out)],
        capture_output=True,
        text=True,
        env={"PORTAL_SITE_URL": SITE, "PATH": "/usr/bin:/bin", "NO_MKDOCS_2_WARNING": "1"},
    )


def test_every_poster_is_one_a4_page_with_italian_beside_arabic_and_chinese(project, tmp_path):
    add_event(project, "assemblea")
    out = tmp_path / "manifesti"
    done = run_posters(project, out, "ar", "zh")
    assert done.returncode == 0, done.stderr
    names = sorted(path.name for path in out.iterdir())
    assert names == sorted(
        [
            "contributo-riscaldamento-it-ar-zh.pdf",
            "sportello-celadina-it-ar-zh.pdf",
            "sportello-colognola-it-ar-zh.pdf",
            "sportello-conca-fiorita-lazzaretto-it-ar-zh.pdf",
            "evento-assemblea-it-ar-zh.pdf",
            "evento-pulizia-celadina-it-ar-zh.pdf",
        ]
    )
    for pdf in out.iterdir():
        details = info(pdf)
        assert "Pages:           1" in details, pdf.name
        assert "(A4)" in details, pdf.name  # three columns: A4 landscape
    desk = out / "sportello-celadina-it-ar-zh.pdf"
    words = text(desk)
    assert "Sportello Celadina" in words
    assert "via Pizzo Tre Signori 2" in words
    assert "09:00" in words and "12:00" in words
    assert "Celadina服务点" in words
    assert "مكتب" in words  # shaped Arabic that still extracts as text
    embedded = fonts(desk)
    assert "Noto-Naskh-Arabic" in embedded and "Noto-Sans-CJK-SC" in embedded


def test_urdu_is_set_in_nastaliq_and_a_portrait_page_holds_two_columns(project, tmp_path):
    content, today = load(project), date.today()
    poster = find_poster(content, "contributo-riscaldamento", today)
    pdf = tmp_path / "grant.pdf"
    pdf.write_bytes(to_pdf(partial(poster_html, content, poster, ("ur",), SITE, today)))
    assert "Pages:           1" in info(pdf)
    assert "595.276 x 841.89 pts (A4)" in info(pdf)  # portrait
    assert "Noto-Nastaliq-Urdu" in fonts(pdf)
    assert "600" in text(pdf)  # the maximum amount, formatted from the rule


@pytest.mark.parametrize(
    ("langs", "message"),
    [(("en", "fr", "es"), "al massimo 2 lingue"), (("xx",), "lingua sconosciuta: xx")],
)
def test_a_wrong_language_choice_is_refused_with_a_sentence(project, tmp_path, langs, message):
    done = run_posters(project, tmp_path / "out", *langs)
    assert done.returncode != 0
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_each_column_has_the_qr_code_of_its_own_page_and_nothing_is_fetched(project):
    content = load(project)
    today = date.today()
    poster = find_poster(content, "sportello-celadina", today)
    html = poster_html(content, poster, ("en",), SITE, today)
    for lang in ("it", "en"):
        url = SITE.rstrip("/") + urls.desk_page(lang, "it", "celadina")
        assert segno.make(url, error="m").svg_data_uri(scale=4, border=2) in html
        assert url in html  # printed under the code, for whoever cannot scan it
    assert 'src="data:' in html and 'src="http' not in html and "url(http" not in html
    grant = poster_html(
        content, find_poster(content, "contributo-riscaldamento", today), (), SITE, today
    )
    assert SITE.rstrip("/") + urls.grant_form("it") in grant  # the eligibility check


def test_a_closure_announced_for_the_coming_weeks_is_on_the_desk_poster(project, tmp_path):
    day = date.today() + timedelta(days=((2 - date.today().weekday()) % 7) + 7)  # a Wednesday
    desk = project / "content" / "desks" / "celadina.yml"
    data = yaml.safe_load(desk.read_text(encoding="utf-8"))
    data["schedule"].setdefault("exceptions", []).append({"date": day, "kind": "closed"})
    desk.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    content = load(project)
    html = poster_html(
        content, find_poster(content, "sportello-celadina", date.today()), (), SITE, date.today()
    )
    assert "Chiusure e aperture straordinarie" in html
    assert "chiuso" in html


def test_past_events_have_no_poster(project):
    past = date.today() - timedelta(days=3)
    (project / "content" / "events" / "passato.yml").write_text(
        "id: passato\nupdated: 2026-11-22\ntitle:\n  it: Festa passata\n"
        "description:\n  it: Una festa.\nplace:\n  desk: celadina\n"
        f"start: {past} 10:00\nend: {past} 12:00\n",
        encoding="utf-8",
    )
    names = [p.name for p in all_posters(load(project), date.today())]
    assert "evento-passato" not in names


def test_the_service_makes_the_poster_of_a_site_link_in_the_page_language(client):
    response = client.get(urls.poster("ar", "sportello-celadina"))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert 'filename="sportello-celadina-it-ar.pdf"' in response.headers["Content-Disposition"]
    again = client.get(urls.poster("ar", "sportello-celadina"))
    assert again.data == response.data  # kept, not made twice
    chosen = client.get(urls.poster("it", "contributo-riscaldamento") + "?con=uk&con=bn")
    assert chosen.status_code == 200
    assert (
        'filename="contributo-riscaldamento-it-uk-bn.pdf"' in chosen.headers["Content-Disposition"]
    )


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (urls.poster("it", "sportello-nessuno"), 404),
        (urls.poster("xx", "sportello-celadina"), 404),
        (urls.poster("it", "sportello-celadina") + "?con=en&con=fr&con=es", 400),
        (urls.poster("it", "sportello-celadina") + "?con=xx", 400),
    ],
)
def test_a_wrong_poster_address_gets_a_clear_error(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert b"%PDF" not in response.data[:10]


def test_desk_grant_and_event_pages_link_their_poster_in_every_language(project):
    from portal.site.render import render_site

    add_event(project, "assemblea")
    content = load(project)
    for site in render_site(content, date.today()):
        pages = {page.path: page.body for page in site.pages}
        expected = {
            "sportelli/celadina.md": urls.poster(site.lang, "sportello-celadina"),
            "contributo-riscaldamento.md": urls.poster(site.lang, "contributo-riscaldamento"),
            "corsi-ed-eventi/evento-assemblea.md": urls.poster(site.lang, "evento-assemblea"),
        }
        for path, link in expected.items():
            assert f"]({link})" in pages[path], (site.lang, path)


def test_a_poster_link_of_the_built_site_gives_the_pdf(base):
    import re
    import urllib.request

    with urllib.request.urlopen(base + "/ar/sportelli/celadina/") as response:
        html = response.read().decode()
    href = re.search(r'href="([^"]*/manifesti/[^"]+\.pdf)"', html)
    assert href, "no poster link on the Arabic desk page"
    with urllib.request.urlopen(base + href.group(1)) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.read().startswith(b"%PDF")
