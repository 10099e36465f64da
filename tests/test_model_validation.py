"""Every validation a volunteer relies on: message, file and line are all asserted."""

from __future__ import annotations

from portal.model import Content, check

from .conftest import only_problem, problems_of, write

DESK = """
id: celadina
updated: 2026-11-22
name:
  it: Sportello Celadina
  en: Celadina desk
neighbourhood: Celadina
address:
  street: via Pizzo Tre Signori 2
schedule:
  timezone: Europe/Rome
  weekly:
    - day: wednesday
      opens: "09:00"
      closes: "12:00"
what_to_ask:
  - it: Informazioni
    en: Information
"""
DESK_FILE = "content/desks/celadina.yml"


def test_shipped_content_is_valid_and_complete(project):
    content = check(project)
    assert isinstance(content, Content), "\n".join(p.format() for p in content.sorted())
    assert content.problems.items == []  # not even a missing translation
    assert set(content.desks) == {"celadina", "colognola", "conca-fiorita-lazzaretto"}


def test_tab_in_indentation(project):
    write(project, DESK_FILE, DESK.replace("  street:", "\tstreet:"))
    problem = only_problem(project)
    assert (problem.file, problem.line, problem.column) == (DESK_FILE, 8, 1)
    assert "tabulazione" in problem.message() and "spazi" in problem.message()


def test_bad_indentation(project):
    write(project, DESK_FILE, DESK.replace("  street: via", "   street: via").replace(
        "schedule:", "  schedule:"))
    problem = only_problem(project)
    assert problem.file == DESK_FILE and problem.code == "yaml.indent"
    assert problem.line in (8, 9)
    assert "rientro" in problem.message()


def test_unknown_field_suggests_the_right_one(project):
    write(project, DESK_FILE, DESK.replace("neighbourhood:", "neighbourhod:"))
    problem = only_problem(project)
    assert (problem.file, problem.line, problem.column) == (DESK_FILE, 6, 1)
    assert problem.field == "neighbourhod"
    assert "Forse intendevi «neighbourhood»?" in problem.message()


def test_unknown_nested_field(project):
    write(project, DESK_FILE, DESK.replace("      opens:", "      open:"))
    found = problems_of(project)
    assert [(p.line, p.code) for p in found] == [(13, "field.unknown")]
    assert found[0].field == "schedule.weekly[0].open"
    assert "Forse intendevi «opens»?" in found[0].message()


def test_missing_required_field(project):
    write(project, DESK_FILE, DESK.replace("neighbourhood: Celadina\n", ""))
    problem = only_problem(project)
    assert (problem.file, problem.line, problem.code) == (DESK_FILE, 1, "field.missing")
    assert "manca il campo obbligatorio «neighbourhood»" in problem.message()


def test_impossible_time(project):
    write(project, DESK_FILE, DESK.replace('closes: "12:00"', 'closes: "25:00"'))
    problem = only_problem(project)
    assert (problem.file, problem.line, problem.column) == (DESK_FILE, 14, 15)
    assert problem.message() == ("«25:00» non è un orario valido: scrivi HH:MM tra 00:00 e 23:59, "
                                 'es. "09:00".')


def test_closing_before_opening(project):
    write(project, DESK_FILE, DESK.replace('closes: "12:00"', 'closes: "08:30"'))
    problem = only_problem(project)
    assert (problem.line, problem.field) == (14, "schedule.weekly[0].closes")
    assert "la chiusura (08:30) non è dopo l'apertura (09:00)" in problem.message()


def test_overlapping_slots(project):
    write(project, DESK_FILE, DESK.replace('      closes: "12:00"\n',
                                           '      closes: "12:00"\n    - day: wednesday\n'
                                           '      opens: "11:00"\n      closes: "13:00"\n'))
    problem = only_problem(project)
    assert (problem.line, problem.code) == (15, "schedule.overlap")


EVENT = """
id: festa
updated: 2026-11-22
title:
  it: Festa
  en: Party
description:
  it: Una festa.
  en: A party.
place:
  desk: celadina
start: 2027-05-10 10:00
end: 2027-05-10 09:00
capacity: 20
"""
EVENT_FILE = "content/events/festa.yml"


def test_event_ending_before_it_starts(project):
    write(project, EVENT_FILE, EVENT)
    problem = only_problem(project)
    assert (problem.file, problem.line, problem.field) == (EVENT_FILE, 12, "end")
    assert problem.message() == ("la fine (2027-05-10 09:00) non è dopo l'inizio "
                                 "(2027-05-10 10:00): correggi una delle due date.")


def test_event_needs_dates_unless_to_be_confirmed(project):
    write(project, EVENT_FILE, EVENT.replace("start: 2027-05-10 10:00\n", "").replace(
        "end: 2027-05-10 09:00\n", ""))
    found = problems_of(project)
    assert [p.field for p in found] == ["start", "end"]
    assert "date_to_be_confirmed: true" in found[0].message()


def test_reference_to_a_desk_that_does_not_exist(project):
    write(project, EVENT_FILE, EVENT.replace("desk: celadina", "desk: celadna").replace(
        "end: 2027-05-10 09:00", "end: 2027-05-10 12:00"))
    problem = only_problem(project)
    assert (problem.file, problem.line, problem.field) == (EVENT_FILE, 10, "place.desk")
    assert "non esiste nessun elemento «celadna» tra sportelli" in problem.message()
    assert "Forse intendevi «celadina»?" in problem.message()


def test_duplicate_ids(project):
    write(project, "content/desks/zz-copia.yml", DESK)
    problem = only_problem(project)
    assert (problem.file, problem.line, problem.code) == ("content/desks/zz-copia.yml", 1,
                                                          "id.duplicate")
    assert "già usato in content/desks/celadina.yml" in problem.message()


def test_duplicate_yaml_key(project):
    write(project, DESK_FILE, DESK.replace("neighbourhood: Celadina\n",
                                           "neighbourhood: Celadina\nneighbourhood: Boccaleone\n"))
    problem = only_problem(project)
    assert (problem.line, problem.code) == (7, "yaml.duplicate_key")
    assert "compare due volte (la prima alla riga 6)" in problem.message()


def test_missing_italian_text(project):
    write(project, DESK_FILE, DESK.replace("  it: Sportello Celadina\n", ""))
    problem = only_problem(project)
    assert (problem.file, problem.line, problem.field) == (DESK_FILE, 4, "name")
    assert "manca il testo in italiano" in problem.message()


def test_missing_translation_is_only_a_warning(project):
    write(project, DESK_FILE, DESK.replace("  en: Celadina desk\n", ""))
    assert problems_of(project) == []
    warning = [w for w in problems_of(project, "warning") if w.file == DESK_FILE]
    # The scratch desk has only it/en texts, so every other language is missing too.
    assert [(w.line, w.field) for w in warning] == [(4, "name"), (15, "what_to_ask[0]")]
    assert "manca la traduzione in en, fr," in warning[0].message()
    assert "manca la traduzione in fr," in warning[1].message()


def test_unknown_language_code(project):
    write(project, DESK_FILE, DESK.replace("  en: Celadina desk", "  eng: Celadina desk"))
    problem = only_problem(project)
    assert (problem.line, problem.column, problem.code) == (5, 3, "lang.unknown")
    assert "la lingua «eng» non è tra quelle del sito (it, en, fr, " in problem.message()
    assert "Forse intendevi «en»?" in problem.message()


def test_unknown_language_in_event_languages(project):
    write(project, EVENT_FILE, EVENT.replace("end: 2027-05-10 09:00", "end: 2027-05-10 12:00")
          + "languages: [it, xx]\n")
    problem = only_problem(project)
    assert (problem.line, problem.field) == (14, "languages[1]")


def test_unknown_language_in_languages_file(project):
    write(project, "site_config/languages.yml", """
    languages:
      - code: it
        name: Italiano
      - code: en
        name: English
      - code: qq
        name: ??
    """)
    found = problems_of(project)
    assert [(p.file, p.line, p.code) for p in found] == [
        ("site_config/languages.yml", 6, "lang.unknown_locale")]


def test_isee_range_reversed(project):
    path = project / "content/heating-grant.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.strip().startswith("min:"))
    lines[number - 1] = lines[number - 1].split("min:")[0] + "min: 16000.00"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problem = only_problem(project)
    assert (problem.file, problem.line, problem.field) == ("content/heating-grant.yml", number,
                                                           "rules.isee.min")
    assert problem.message() == "il minimo (16000.00) è più alto del massimo (15000.00): scambiali."


def test_amount_with_italian_comma_is_explained(project):
    path = project / "content/heating-grant.yml"
    text = path.read_text(encoding="utf-8").replace("max_amount: 600.00", "max_amount: 600,00")
    path.write_text(text, encoding="utf-8")
    problem = only_problem(project)
    assert problem.field == "rules.max_amount"
    assert "usa il punto per i decimali" in problem.message()


def test_every_problem_is_reported_at_once(project):
    write(project, DESK_FILE, DESK.replace('closes: "12:00"', 'closes: "25:00"').replace(
        "neighbourhood:", "neighbourhod:"))
    write(project, EVENT_FILE, EVENT)
    assert len(problems_of(project)) == 3


def test_message_format_and_english(project, monkeypatch):
    write(project, DESK_FILE, DESK.replace('closes: "12:00"', 'closes: "25:00"'))
    problem = only_problem(project)
    assert problem.format("it") == (
        f"{DESK_FILE}:14:15: schedule.weekly[0].closes: «25:00» non è un orario valido: "
        'scrivi HH:MM tra 00:00 e 23:59, es. "09:00".')
    monkeypatch.setenv("PORTAL_LANG", "en")
    assert problem.format().endswith("'25:00' is not a valid time: write HH:MM between 00:00 "
                                     'and 23:59, e.g. "09:00".')


def test_status_reason_required(project):
    write(project, "content/services/prova.yml", """
    id: prova
    updated: 2026-11-22
    title: {it: Prova, en: Test}
    summary: {it: Prova, en: Test}
    status:
      state: suspended
    """)
    problem = only_problem(project)
    assert (problem.file, problem.line, problem.field) == ("content/services/prova.yml", 6, "status")
    assert "aggiungi reason" in problem.message()


def test_not_yet_available_contact_cannot_have_a_value(project):
    path = project / "site_config/contacts.yml"
    text = path.read_text(encoding="utf-8").replace(
        "    status: not_yet_available\n", '    status: not_yet_available\n    value: "035 000000"\n', 1)
    path.write_text(text, encoding="utf-8")
    problem = only_problem(project)
    assert (problem.file, problem.code) == ("site_config/contacts.yml", "contact.value_unexpected")


def test_wrong_id_does_not_cascade_into_reference_errors(project):
    write(project, DESK_FILE, DESK.replace("id: celadina", "id: Celadina"))
    problem = only_problem(project)
    assert (problem.line, problem.code) == (1, "value.slug")


def test_unquoted_colon_in_a_text(project):
    write(project, DESK_FILE, DESK.replace("  en: Celadina desk", "  en: Celadina: the desk"))
    problem = only_problem(project)
    assert (problem.file, problem.line, problem.code) == (DESK_FILE, 5, "yaml.colon")
    assert "tra virgolette" in problem.message()


def test_translated_placeholder_is_caught(project):
    path = project / "site_config/strings/en.yml"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.startswith("rule_isee:"))
    path.write_text(text.replace("from {min} to {max}", "from {minimum} to {max}"),
                    encoding="utf-8")
    problem = only_problem(project)
    assert (problem.file, problem.line, problem.field) == ("site_config/strings/en.yml", number,
                                                           "rule_isee")
    assert "servono {max} {min}" in problem.message()


def test_yes_is_not_a_boolean(project):
    write(project, DESK_FILE, DESK.replace("  street: via Pizzo Tre Signori 2",
                                           "  street: via Pizzo Tre Signori 2\n  confirmed: sì"))
    problem = only_problem(project)
    assert (problem.line, problem.code) == (9, "value.bool")
    assert "scrivi true oppure false" in problem.message()
