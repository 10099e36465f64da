"""Messages with a count take the plural form CLDR gives each language (issue #10).

Arabic has six forms (zero, one, two, few, many, other), Ukrainian one, few, many and other,
Romanian one, few and other ("20 de locuri"); a language that lacks one of the forms its
locale needs is a check error at the string's line. Lists and dates in Arabic join with the
Arabic comma, and an event's places are no longer headed by the same word twice.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from babel import Locale

from portal.formats import Formats
from portal.model import load
from portal.plurals import choose, needed
from portal.site.render.activities import language_names, render_event

from .conftest import add_event, only_problem, problems_of
from .helpers import ROOT


@pytest.fixture(scope="module")
def content():
    return load(ROOT)


def test_each_locale_needs_the_forms_cldr_gives_it():
    assert needed(Locale.parse("ar")) == ("zero", "one", "two", "few", "many", "other")
    assert needed(Locale.parse("uk")) == ("one", "few", "many", "other")
    assert needed(Locale.parse("ro")) == ("one", "few", "other")
    assert needed(Locale.parse("it")) == ("one", "other")
    assert needed(Locale.parse("zh")) == ("other",)


@pytest.mark.parametrize(
    "lang, count, expected",
    [
        ("ro", 1, "1 loc"),
        ("ro", 19, "19 locuri"),
        ("ro", 20, "20 de locuri"),
        ("ro", 101, "101 locuri"),
        ("uk", 1, "1 місце"),
        ("uk", 3, "3 місця"),
        ("uk", 5, "5 місць"),
        ("uk", 21, "21 місце"),
        ("it", 1, "1 posto"),
        ("it", 20, "20 posti"),
        ("en", 1, "1 place"),
        ("zh", 2, "2个名额"),
    ],
)
def test_places_agree_with_the_number(content, lang, count, expected):
    assert Formats(content, lang).s("places", count=count) == expected


def test_arabic_uses_the_dual_and_its_other_forms(content):
    arabic = Formats(content, "ar")
    two = arabic.s("error_text_short", min_length=2)
    assert "حرفين" in two and "حرفًا" not in two  # the dual, not "2 حرفًا"
    assert "أحرف" in arabic.s("error_text_short", min_length=3)
    assert "حرفًا" in arabic.s("error_text_short", min_length=11)
    assert arabic.s("places", count=1).startswith("مكان واحد")
    assert arabic.s("places", count=2).startswith("مكانان")


def test_the_forms_service_hands_numbers_over_as_digits():
    forms = {"one": "{n} minuto", "other": "{n} minuti"}
    assert choose(forms, Locale.parse("it"), {"n": "1"}) == "{n} minuto"
    assert choose(forms, Locale.parse("it"), {"n": "5"}) == "{n} minuti"
    # No single whole number among the parameters: the general form.
    assert choose(forms, Locale.parse("it"), {"a": 1, "b": 2}) == "{n} minuti"


def test_a_language_missing_a_form_its_locale_needs_is_an_error_with_its_line(project):
    path = project / "site_config/strings/uk.yml"
    text = path.read_text(encoding="utf-8")
    start = text.index("\nplaces:\n") + 1
    end = text.index("\n", text.index("  other:", start)) + 1
    line = text[:start].count("\n") + 1
    path.write_text(
        text[:start] + 'places:\n  one: "{count} місце"\n  other: "{count} місця"\n' + text[end:],
        encoding="utf-8",
    )
    problem = only_problem(project)
    assert (problem.file, problem.line, problem.field) == (
        "site_config/strings/uk.yml",
        line,
        "places",
    )
    message = problem.format("it")
    assert "mancano few, many" in message and "one, few, many, other" in message


def test_one_text_for_a_count_is_an_error_where_the_language_has_forms(project):
    path = project / "site_config/strings/ro.yml"
    text = path.read_text(encoding="utf-8")
    start = text.index("\nplaces:\n") + 1
    end = text.index("\n", text.index("  other:", start)) + 1
    path.write_text(text[:start] + 'places: "{count} locuri"\n' + text[end:], encoding="utf-8")
    problem = only_problem(project)
    assert problem.field == "places" and "mancano one, few" in problem.format("it")


def test_an_unknown_plural_form_is_an_error(project):
    path = project / "site_config/strings/en.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('  one: "{count} place"', '  single: "{count} place"'), "utf-8")
    codes = {p.code for p in problems_of(project)}
    assert "strings.plural_unknown" in codes


def test_chinese_needs_a_single_form(content):
    assert isinstance(content.strings["zh"]["places"], str)
    assert isinstance(content.strings["it"]["places"], dict)


def test_arabic_dates_and_lists_use_the_arabic_comma(content):
    arabic = Formats(content, "ar")
    moment = datetime(2026, 3, 4, 9, 30)
    assert "،" in arabic.datetime(moment) and ", " not in arabic.datetime(moment)
    assert arabic.at("x", "y") == "x، y"
    assert Formats(content, "it").at("x", "y") == "x, y"
    assert ", " not in arabic.join(["a", "b", "c"])
    assert Formats(content, "ur").at("x", "y") == "x y"  # Urdu joins them with a space


def test_the_event_page_says_places_once(project):
    from datetime import date

    from portal.site.render.context import Renderer

    add_event(project, capacity=2)
    content = load(project)
    event = content.events["assemblea"]
    for lang, line in (
        ("it", "- **Capienza**: 2 posti"),
        ("en", "- **Capacity**: 2 places"),
        ("ar", "- **السعة**: مكانان (2)"),
        ("uk", "- **Місткість**: 2 місця"),
    ):
        body = render_event(Renderer(content, lang, date(2026, 11, 22)), event).body
        assert line in body, body
    arabic = Renderer(content, "ar", date(2026, 11, 22))
    assert ", " not in language_names(arabic, ["it", "ar", "en"])
