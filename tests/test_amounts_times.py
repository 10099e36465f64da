"""Numbers and times in every language: amounts come from data and are formatted per
language (CLDR), times use the 24-hour clock everywhere, and Chinese and Urdu sentences
keep their own punctuation. A real build of every language, and the formats one by one."""

from __future__ import annotations

import html as html_lib
import re
from datetime import date, time
from decimal import Decimal
from pathlib import Path

import pytest
from babel import Locale

from portal.formats import Formats
from portal.model import ContentError, load
from portal.model.amounts import HAND_TYPED
from portal.site.build import render
from portal.site.render.punctuation import findings

from .conftest import problems_of
from .helpers import ROOT

CONTENT = load(ROOT)
CODES = CONTENT.codes
ISOLATES = str.maketrans("", "", "\u2068\u2069\u200f")

# The project's total and the first phase's, as each language writes them (CLDR patterns;
# "€" for the code "EUR" of Ukrainian and Romanian; whole amounts without cents).
MONEY = {
    "it": ("740.800\xa0€", "7.869,78\xa0€"),
    "en": ("€740,800", "€7,869.78"),
    "fr": ("740\u202f800\xa0€", "7\u202f869,78\xa0€"),
    "es": ("740.800\xa0€", "7.869,78\xa0€"),
    "ro": ("740.800\xa0€", "7.869,78\xa0€"),
    "sq": ("740\xa0800\xa0€", "7\xa0869,78\xa0€"),
    "uk": ("740\xa0800\xa0€", "7\xa0869,78\xa0€"),
    "zh": ("€740,800", "€7,869.78"),
    "bn": ("7,40,800€", "7,869.78€"),
    "ar": ("740,800\xa0€", "7,869.78\xa0€"),
    "ur": ("€740,800", "€7,869.78"),
}


# --- formats, one language at a time ---------------------------------------------------------


@pytest.mark.parametrize("lang", CODES)
def test_amounts_follow_each_languages_cldr_format(lang):
    f = Formats(CONTENT, lang)
    shown = (f.money(Decimal("740800")), f.money(Decimal("7869.78")))
    assert tuple(s.translate(ISOLATES) for s in shown) == MONEY[lang]
    if lang in ("uk", "zh", "ar", "ur"):  # no Latin letters inside these scripts
        assert not re.search(r"[A-Za-z]", "".join(shown))


@pytest.mark.parametrize("lang", CODES)
def test_times_use_the_24_hour_clock_in_every_language(lang):
    f = Formats(CONTENT, lang)
    assert f.hours(time(9), time(14, 30)).translate(ISOLATES) == "09:00–14:30"
    celadina = f.desk_hours(CONTENT.desks["celadina"]).translate(ISOLATES)
    assert celadina.endswith(" 09:00–12:00")  # the forms service and the e-mail say it so


@pytest.mark.parametrize("lang", CODES)
def test_a_placeholder_becomes_the_amount_in_this_language(lang):
    f = Formats(CONTENT, lang)
    filled = f.fill("{amount:project_total} / {amount:grant_max}")
    assert filled == f"{f.money(Decimal('740800'))} / {f.money(Decimal('600'))}"


def test_the_punctuation_check_finds_ascii_marks_only_inside_the_script():
    assert findings("zh", "请到服务点.") == [(5, ".", "。")]
    assert findings("zh", "项目名称: 取暖") == [(4, ":", "：")]
    assert [m for _, m, _ in findings("zh", "欧盟指令(UE) 2016")] == ["(", ")"]
    # Lists, names, times, amounts and links are not sentence punctuation.
    assert findings("zh", "1. **预申请。** L.1部分 09:00 €7,869.78 [链接](../a.md)。") == []
    assert findings("ur", "ٹیم آپ سے رابطہ کرتی ہے.") == [(23, ".", "۔")]
    assert findings("ur", "Vivere SAP Bergamo. 09:00 ۔") == []
    assert findings("it", "Fine.") == []


# --- the model: a name is declared once, a figure is never typed ----------------------------


def _replace(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _line_of(root: Path, relative: str, needle: str) -> int:
    lines = (root / relative).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


def test_an_unknown_amount_name_is_an_error_at_its_line(project):
    page = "content/pages/progetto.yml"
    _replace(project, page, "with **{amount:project_total}**", "with **{amount:project_totl}**")
    [problem] = problems_of(project)
    assert (problem.file, problem.line) == (page, _line_of(project, page, "project_totl"))
    assert problem.field == "sections[2].body.en"
    assert "«project_totl»" in problem.message("it") and "project_total" in problem.message("it")


def test_a_hand_typed_amount_is_an_error_at_its_line(project):
    page = "content/pages/progetto.yml"
    _replace(project, page, "with **{amount:project_total}**", "with **EUR 740,800**")
    [problem] = problems_of(project)
    assert (problem.file, problem.line) == (page, _line_of(project, page, "EUR 740,800"))
    assert "«EUR 740,800»" in problem.message("it") and "{amount:nome}" in problem.message("it")


def test_an_amount_name_may_not_shadow_a_rule_amount(project):
    with (project / "content/amounts.yml").open("a", encoding="utf-8") as out:
        out.write("  - name: grant_max\n    value: 700\n    source: prova\n")
    [problem] = problems_of(project)
    assert problem.code == "amount.reserved" and problem.file == "content/amounts.yml"


def test_a_ui_string_may_cite_an_amount(project):
    _replace(
        project,
        "site_config/strings/en.yml",
        "grant_how_much: How much",
        'grant_how_much: "How much: up to {amount:grant_max}"',
    )
    f = Formats(load(project), "en")
    assert f.s("grant_how_much") == "How much: up to €600"


def test_an_ascii_full_stop_in_a_chinese_text_stops_the_build_at_its_line(project, tmp_path):
    grant = "content/heating-grant.yml"
    _replace(project, grant, "并核对文件。", "并核对文件.")
    with pytest.raises(ContentError) as caught:
        render(project, date(2026, 11, 22))
    [problem] = caught.value.problems
    assert (problem.file, problem.line) == (grant, _line_of(project, grant, "核对文件."))
    assert "«。»" in problem.message("it")


# --- a real build of every language -----------------------------------------------------------


@pytest.fixture
def site(shipped_site) -> Path:
    """The shipped content built on 2026-11-22, once for the run (conftest.py), read-only."""
    return shipped_site


def _page_text(page: Path) -> str:
    raw = page.read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", raw)).translate(ISOLATES)


def _pages(site: Path, lang: str):
    folder = site if lang == CODES[0] else site / lang
    for page in sorted(folder.rglob("*.html")):
        relative = page.relative_to(site)
        if page.name == "404.html" or (lang == CODES[0] and relative.parts[0] in CODES):
            continue
        yield relative, _page_text(page)


def _twelve_hour(lang: str) -> re.Pattern:
    """A time followed by this language's AM/PM words, or an hour without its leading 0."""
    periods = Locale.parse(lang).day_periods["format"]
    words = {
        name
        for width in periods.values()
        for key, name in width.items()
        if key in ("am", "pm") and name
    }
    marks = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(
        rf"(?<![\d:])\d{{1,2}}:\d{{2}}[ \u00a0\u202f]*(?:{marks})(?!\w)|(?<![\d:])\d:\d{{2}}"
    )


@pytest.mark.parametrize("lang", CODES)
def test_every_amount_on_every_page_comes_from_the_data(site, lang):
    f = Formats(CONTENT, lang)
    from_data = sorted(
        (f.money(v).translate(ISOLATES) for v in CONTENT.amounts.values()), key=len, reverse=True
    )
    grouped = re.compile(r"(?<![\d/])\d{1,3}(?:[.,\u00a0\u202f ]\d{2,3})+(?:[.,]\d{2})?(?![\d/])")
    for relative, text in _pages(site, lang):
        for shown in from_data:
            text = text.replace(shown, " ")
        typed = HAND_TYPED.findall(text) + grouped.findall(text)
        assert not typed, f"{relative}: amounts typed by hand: {typed}"
    project = (site / ("" if lang == CODES[0] else lang) / "progetto/index.html").read_text(
        encoding="utf-8"
    )
    for name in ("project_total", "services_funds", "heating_funds"):
        assert f.money(CONTENT.amounts[name]) in html_lib.unescape(project), (lang, name)


@pytest.mark.parametrize("lang", CODES)
def test_no_page_shows_a_12_hour_time(site, lang):
    twelve = _twelve_hour(lang)
    for relative, text in _pages(site, lang):
        found = twelve.findall(text)
        assert not found, f"{relative}: {found}"
    desk = site / ("" if lang == CODES[0] else lang) / "sportelli/conca-fiorita-lazzaretto"
    assert "14:00–17:00" in _page_text(desk / "index.html")
