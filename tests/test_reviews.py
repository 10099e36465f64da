"""Review as a workflow (issue #10): who reviewed a translation and when travels through
``export-translations`` / ``import-translations``, is stored in site_config/reviews/, lapses
when the Italian changes, and takes the "not yet checked by a person" notice off a page only
when every text on that page is reviewed."""

from __future__ import annotations

import json
import subprocess
from datetime import date

import pytest
from click.testing import CliRunner

from portal.cli import main
from portal.model import load
from portal.model.reviews import fingerprint
from portal.site.build import build
from portal.translations import report

from .conftest import only_problem, problems_of, write

NAME = ("content/desks/celadina.yml", "name")
WHERE = ("site_config/strings/it.yml", "where")


def portal(root, *args) -> subprocess.CompletedProcess:
    result = CliRunner().invoke(main, ["--root", str(root), *args], catch_exceptions=False)
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


def exported(root, lang: str = "en") -> list[dict]:
    result = portal(root, "export-translations", lang)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def imported(root, entries, *options, lang: str = "en") -> str:
    path = root / f"{lang}-filled.json"
    path.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    result = portal(root, "import-translations", lang, str(path), *options)
    assert result.returncode == 0, result.stderr
    return result.stdout


def by_key(entries) -> dict:
    return {(e["file"], e["field"]): e for e in entries}


def test_an_import_with_a_reviewer_marks_exactly_the_imported_texts(project):
    entries = exported(project)
    assert {e["reviewed_by"] for e in entries} == {""}  # nothing is reviewed yet
    chosen = [by_key(entries)[NAME], by_key(entries)[WHERE]]
    out = imported(project, chosen, "--reviewer", "Anna Rossi", "--date", "2026-11-20")
    assert "2 testi scritti in en. 2 revisioni registrate." in out
    again = by_key(exported(project))
    reviewed = {key for key, e in again.items() if e["reviewed_by"]}
    assert reviewed == {NAME, WHERE}
    assert again[NAME]["reviewed_by"] == "Anna Rossi" and again[NAME]["reviewed_on"] == "2026-11-20"
    stored = (project / "site_config/reviews/en.yml").read_text(encoding="utf-8")
    assert stored.count("- file:") == 2 and "Anna Rossi" in stored
    content = load(project)
    english = next(r for r in report(content) if r.code == "en")
    assert english.reviewed == 2
    assert not load(project).reviews.records["fr"]  # other languages untouched


def test_a_reviewer_may_sign_single_entries_in_the_file(project):
    entries = exported(project)
    for entry in entries:
        if (entry["file"], entry["field"]) == NAME:
            entry["reviewed_by"], entry["reviewed_on"] = "Luca", "2026-11-21"
    assert "1 revisione registrata" in imported(project, entries)
    assert [k for k, e in by_key(exported(project)).items() if e["reviewed_by"]] == [NAME]
    # Translated again from a file that still carries the old signature: not reviewed.
    entries = exported(project)
    by_key(entries)[NAME]["en"] = "Celadina desk (new wording)"
    assert "revision" not in imported(project, entries)
    assert by_key(exported(project))[NAME]["reviewed_by"] == ""


def test_a_change_to_the_italian_makes_the_translation_unreviewed(project):
    imported(project, [by_key(exported(project))[NAME]], "--reviewer", "Anna Rossi")
    assert by_key(exported(project))[NAME]["reviewed_by"] == "Anna Rossi"
    desk = project / NAME[0]
    desk.write_text(
        desk.read_text(encoding="utf-8").replace(
            "it: Sportello Celadina", "it: Sportello di Celadina"
        ),
        encoding="utf-8",
    )
    assert by_key(exported(project))[NAME]["reviewed_by"] == ""


def test_a_review_counts_against_the_italian_the_reviewer_saw(project):
    """The file carries the Italian of its export: if it changed since, the review is void."""
    entry = by_key(exported(project))[NAME]
    entry["it"] = "Sportello Celadina (vecchio testo)"
    imported(project, [entry], "--reviewer", "Anna Rossi")
    stored = (project / "site_config/reviews/en.yml").read_text(encoding="utf-8")
    assert fingerprint("Sportello Celadina (vecchio testo)") in stored
    assert by_key(exported(project))[NAME]["reviewed_by"] == ""


def test_an_empty_reviewer_is_refused(project):
    path = project / "en.json"
    path.write_text("[]", encoding="utf-8")
    result = portal(project, "import-translations", "en", str(path), "--reviewer", " ")
    assert result.returncode == 1 and "--reviewer" in result.stderr


def test_a_broken_review_entry_is_an_error_with_its_line(project):
    write(
        project,
        "site_config/reviews/en.yml",
        """
        - file: content/desks/celadina.yml
          field: name
          reviewer: Anna
          date: 2026-11-20
          source: abc
          text: def
        - file: content/desks/celadina.yml
          field: name
          date: 2026-11-20
        """,
    )
    problem = only_problem(project)
    assert (problem.file, problem.line, problem.code) == (
        "site_config/reviews/en.yml",
        7,
        "review.malformed",
    )


def test_a_review_of_a_text_that_is_gone_is_only_a_warning(project):
    write(
        project,
        "site_config/reviews/en.yml",
        """
        - file: content/desks/nowhere.yml
          field: name
          reviewer: Anna
          date: 2026-11-20
          source: abc
          text: def
        """,
    )
    assert problems_of(project) == []
    (warning,) = [p for p in problems_of(project, "warning") if p.code == "review.unknown_text"]
    assert warning.line == 1


@pytest.mark.timeout(300)
def test_the_notice_leaves_a_page_only_when_every_text_on_it_is_reviewed(project, tmp_path):
    imported(project, exported(project), "--reviewer", "Anna Rossi", "--date", "2026-11-20")
    assert all(e["reviewed_by"] == "Anna Rossi" for e in exported(project) if e["en"])
    # Then the Italian of one text on one page changes: that page alone says so again.
    legal = project / "content/pages/note-legali.yml"
    source = legal.read_text(encoding="utf-8")
    content = load(project)
    text = next(
        t
        for f, n, t, _ in content.texts
        if (f, n) == (str(legal.relative_to(project)), "sections[0].body")
    )
    first_line = text.get("it").splitlines()[0]
    legal.write_text(source.replace(first_line, first_line + " (modificato)", 1), encoding="utf-8")
    site = tmp_path / "site"
    build(project, site, today=date(2026, 11, 22))

    def page(path: str) -> str:
        return (site / path).read_text(encoding="utf-8")

    assert "portal-unreviewed" in page("en/note-legali/index.html")
    for reviewed in ("en/sportelli/celadina/index.html", "en/index.html", "en/privacy/index.html"):
        assert "portal-unreviewed" not in page(reviewed), reviewed
    assert "portal-unreviewed" in page("fr/sportelli/celadina/index.html")  # nobody reviewed fr
    assert "portal-unreviewed" not in page("sportelli/celadina/index.html")  # Italian


def test_a_form_page_drops_the_notice_once_every_interface_string_is_reviewed(project):
    from forms_service.web.i18n import Messages

    assert not Messages(load(project), "en").reviewed
    assert Messages(load(project), "it").reviewed
    strings = [e for e in exported(project) if e["file"] == "site_config/strings/it.yml"]
    imported(project, strings[:-1], "--reviewer", "Anna Rossi")
    assert not Messages(load(project), "en").reviewed  # one string still unreviewed
    imported(project, strings[-1:], "--reviewer", "Anna Rossi")
    assert Messages(load(project), "en").reviewed
    assert not Messages(load(project), "fr").reviewed


def test_importing_strings_edits_their_lines_only(project):
    path = project / "site_config/strings/en.yml"
    before = path.read_text(encoding="utf-8").splitlines()
    entries = by_key(exported(project))
    places = entries[("site_config/strings/it.yml", "places")]
    assert places["en"] == {"one": "{count} place", "other": "{count} places"}
    places["en"] = {"one": "{count} seat", "other": "{count} seats"}
    where = entries[WHERE]
    where["en"] = "Where to go"
    imported(project, [places, where])
    after = path.read_text(encoding="utf-8").splitlines()
    assert len(after) == len(before)
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    assert changed == [
        ("where: Where", 'where: "Where to go"'),
        ('  one: "{count} place"', '  one: "{count} seat"'),
        ('  other: "{count} places"', '  other: "{count} seats"'),
    ]
