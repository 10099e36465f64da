"""Every validation a volunteer relies on: message, file and line are all asserted."""

from __future__ import annotations

import typing

import yaml

from portal.model import Content, Problems, check, kinds
from portal.model.fields import Context, field_names, unwrap_optional
from portal.model.types import Event

from .conftest import model_classes, only_problem, problems_of, write
from .helpers import ROOT

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
    write(
        project,
        DESK_FILE,
        DESK.replace("  street: via", "   street: via").replace("schedule:", "  schedule:"),
    )
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
    assert problem.message() == (
        '«25:00» non è un orario valido: scrivi HH:MM tra 00:00 e 23:59, es. "09:00".'
    )


def test_closing_before_opening(project):
    write(project, DESK_FILE, DESK.replace('closes: "12:00"', 'closes: "08:30"'))
    problem = only_problem(project)
    assert (problem.line, problem.field) == (14, "schedule.weekly[0].closes")
    assert "la chiusura (08:30) non è dopo l'apertura (09:00)" in problem.message()


def test_overlapping_slots(project):
    write(
        project,
        DESK_FILE,
        DESK.replace(
            '      closes: "12:00"\n',
            '      closes: "12:00"\n    - day: wednesday\n'
            '      opens: "11:00"\n      closes: "13:00"\n',
        ),
    )
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
    assert problem.message() == (
        "la fine (2027-05-10 09:00) non è dopo l'inizio "
        "(2027-05-10 10:00): correggi una delle due date."
    )


def test_event_needs_dates_unless_to_be_confirmed(project):
    write(
        project,
        EVENT_FILE,
        EVENT.replace("start: 2027-05-10 10:00\n", "").replace("end: 2027-05-10 09:00\n", ""),
    )
    found = problems_of(project)
    assert [p.field for p in found] == ["start", "end"]
    assert "to_confirm:\n      - field: start" in found[0].message()


def test_reference_to_a_desk_that_does_not_exist(project):
    write(
        project,
        EVENT_FILE,
        EVENT.replace("desk: celadina", "desk: celadna").replace(
            "end: 2027-05-10 09:00", "end: 2027-05-10 12:00"
        ),
    )
    problem = only_problem(project)
    assert (problem.file, problem.line, problem.field) == (EVENT_FILE, 10, "place.desk")
    assert "non esiste nessun elemento «celadna» tra sportelli" in problem.message()
    assert "Forse intendevi «celadina»?" in problem.message()


def test_duplicate_ids(project):
    write(project, "content/desks/zz-copia.yml", DESK)
    problem = only_problem(project)
    assert (problem.file, problem.line, problem.code) == (
        "content/desks/zz-copia.yml",
        1,
        "id.duplicate",
    )
    assert "già usato in content/desks/celadina.yml" in problem.message()


def test_duplicate_yaml_key(project):
    write(
        project,
        DESK_FILE,
        DESK.replace(
            "neighbourhood: Celadina\n", "neighbourhood: Celadina\nneighbourhood: Boccaleone\n"
        ),
    )
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
    write(
        project,
        EVENT_FILE,
        EVENT.replace("end: 2027-05-10 09:00", "end: 2027-05-10 12:00") + "languages: [it, xx]\n",
    )
    problem = only_problem(project)
    assert (problem.line, problem.field) == (14, "languages[1]")


def test_unknown_language_in_languages_file(project):
    write(
        project,
        "site_config/languages.yml",
        """
    languages:
      - code: it
        name: Italiano
      - code: en
        name: English
      - code: qq
        name: ??
    """,
    )
    found = problems_of(project)
    assert [(p.file, p.line, p.code) for p in found] == [
        ("site_config/languages.yml", 6, "lang.unknown_locale")
    ]


def test_isee_range_reversed(project):
    path = project / "content/heating-grant.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.strip().startswith("min:"))
    lines[number - 1] = lines[number - 1].split("min:")[0] + "min: 16000.00"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problem = only_problem(project)
    assert (problem.file, problem.line, problem.field) == (
        "content/heating-grant.yml",
        number,
        "rules.isee.min",
    )
    assert problem.message() == "il minimo (16000.00) è più alto del massimo (15000.00): scambiali."


def test_amount_with_italian_comma_is_explained(project):
    path = project / "content/heating-grant.yml"
    text = path.read_text(encoding="utf-8").replace("max_amount: 600.00", "max_amount: 600,00")
    path.write_text(text, encoding="utf-8")
    problem = only_problem(project)
    assert problem.field == "rules.max_amount"
    assert "usa il punto per i decimali" in problem.message()


def test_every_problem_is_reported_at_once(project):
    write(
        project,
        DESK_FILE,
        DESK.replace('closes: "12:00"', 'closes: "25:00"').replace(
            "neighbourhood:", "neighbourhod:"
        ),
    )
    write(project, EVENT_FILE, EVENT)
    assert len(problems_of(project)) == 3


def test_message_format_and_english(project, monkeypatch):
    write(project, DESK_FILE, DESK.replace('closes: "12:00"', 'closes: "25:00"'))
    problem = only_problem(project)
    assert problem.format("it") == (
        f"{DESK_FILE}:14:15: schedule.weekly[0].closes: «25:00» non è un orario valido: "
        'scrivi HH:MM tra 00:00 e 23:59, es. "09:00".'
    )
    monkeypatch.setenv("PORTAL_LANG", "en")
    assert problem.format().endswith(
        "'25:00' is not a valid time: write HH:MM between 00:00 and 23:59, e.g. \"09:00\"."
    )


def test_status_reason_required(project):
    write(
        project,
        "content/services/prova.yml",
        """
    id: prova
    updated: 2026-11-22
    title: {it: Prova, en: Test}
    summary: {it: Prova, en: Test}
    status:
      state: suspended
    """,
    )
    problem = only_problem(project)
    assert (problem.file, problem.line, problem.field) == (
        "content/services/prova.yml",
        6,
        "status",
    )
    assert "aggiungi reason" in problem.message()


def test_not_yet_available_contact_cannot_have_a_value(project):
    path = project / "site_config/contacts.yml"
    text = path.read_text(encoding="utf-8").replace(
        "    status: not_yet_available\n",
        '    status: not_yet_available\n    value: "035 000000"\n',
        1,
    )
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
    path.write_text(
        text.replace("from {min} to {max}", "from {minimum} to {max}"), encoding="utf-8"
    )
    problem = only_problem(project)
    assert (problem.file, problem.line, problem.field) == (
        "site_config/strings/en.yml",
        number,
        "rule_isee",
    )
    assert "servono {max} {min}" in problem.message()


def test_yes_is_not_a_boolean(project):
    grant = "content/heating-grant.yml"
    text = (project / grant).read_text(encoding="utf-8")
    old = "arrears_need_repayment_plan: true"
    write(project, grant, text.replace(old, "arrears_need_repayment_plan: sì"))
    problem = only_problem(project)
    assert (problem.line, problem.code) == (text[: text.index(old)].count("\n") + 1, "value.bool")
    assert "scrivi true oppure false" in problem.message()


def test_the_old_address_flag_points_to_to_confirm(project):
    write(
        project,
        DESK_FILE,
        DESK.replace(
            "  street: via Pizzo Tre Signori 2",
            "  street: via Pizzo Tre Signori 2\n  confirmed: false",
        ),
    )
    problem = only_problem(project)
    assert (problem.line, problem.code) == (9, "field.replaced_by_to_confirm")
    assert "- field: address" in problem.message()


# --- quotes: reported where the quote is, not as indentation on the next line -------------


def test_unclosed_quote_is_reported_on_its_own_line(project):
    write(project, DESK_FILE, DESK.replace('opens: "09:00"', 'opens: "09:00'))
    problem = only_problem(project)
    assert (problem.file, problem.line, problem.code) == (DESK_FILE, 13, "yaml.quote_unclosed")
    assert problem.message() == (
        "le virgolette aperte su questa riga non sono chiuse, così YAML legge come testo anche "
        'le righe seguenti. Chiudile alla fine del testo, così: opens: "09:00"'
    )


def test_unclosed_quote_on_the_last_line(project):
    write(project, DESK_FILE, DESK + "summary:\n  it: 'Lo sportello di Celadina\n")
    problem = only_problem(project)
    assert (problem.line, problem.code) == (19, "yaml.quote_unclosed")
    assert problem.message().endswith("così: it: 'Lo sportello di Celadina'")


ARABIC = 'ar: "مكتب "Celadina" الجديد"'


def with_name_line(line: str) -> str:
    """The desk with one more line in its name: the Italian one, or a translation."""
    if line.startswith("it:"):
        return DESK.replace("  it: Sportello Celadina", f"  {line}")
    return DESK.replace("  en: Celadina desk", f"  en: Celadina desk\n  {line}")


def test_quotes_inside_an_arabic_translation(project):
    write(project, DESK_FILE, with_name_line(ARABIC))
    problem = only_problem(project)
    assert (problem.file, problem.line, problem.code) == (DESK_FILE, 6, "yaml.quote_nested")
    assert 'contiene le stesse virgolette (")' in problem.message()
    assert "l'altro tipo di virgolette, o scritto senza virgolette esterne" in problem.message()
    assert problem.message().endswith("""Per esempio: ar: 'مكتب "Celadina" الجديد'""")


def test_the_suggested_quotes_are_valid_yaml(project):
    """Writing back what the message suggests gives the text the volunteer meant."""
    for line, meant in (
        (ARABIC, 'مكتب "Celadina" الجديد'),
        ('it: "La sede "Celadina" è aperta"', 'La sede "Celadina" è aperta'),
        ("it: 'L'ufficio di Celadina'", "L'ufficio di Celadina"),
        ('zh: "新的"Celadina"服务台"', '新的"Celadina"服务台'),
        ('it: "Il "Punto d\'ascolto" di Celadina"', """Il "Punto d'ascolto" di Celadina"""),
    ):
        write(project, DESK_FILE, with_name_line(line))
        fixed = only_problem(project).message().rsplit("Per esempio: ", 1)[1]
        write(project, DESK_FILE, with_name_line(fixed))
        content = check(project)
        assert isinstance(content, Content), fixed
        assert content.desks["celadina"].name.get(line[:2]) == meant


def test_italian_apostrophe_inside_single_quotes(project):
    write(project, DESK_FILE, with_name_line("it: 'L'ufficio di Celadina'"))
    problem = only_problem(project)
    assert (problem.line, problem.column, problem.code) == (4, 7, "yaml.quote_nested")
    assert "le stesse virgolette (')" in problem.message()
    assert problem.message().endswith('Per esempio: it: "L\'ufficio di Celadina"')


def test_typographic_quotes_need_no_care(project):
    """«», “”, „“ are ordinary letters for YAML, inside quotes or not."""
    write(
        project,
        DESK_FILE,
        DESK.replace(
            "  en: Celadina desk",
            "  en: Celadina desk\n"
            '  zh: "“塞拉迪纳”服务台"\n'
            "  fr: Le bureau «Celadina»\n"
            "  uk: Офіс „Celadina“",
        ).replace("  it: Sportello Celadina", '  it: "Lo sportello «Celadina»"'),
    )
    assert problems_of(project) == []


def test_quote_messages_in_english(project, monkeypatch):
    write(project, DESK_FILE, DESK.replace('opens: "09:00"', 'opens: "09:00'))
    monkeypatch.setenv("PORTAL_LANG", "en")
    assert only_problem(project).message() == (
        "the quotes opened on this line are not closed, so YAML reads the following lines as text "
        'too. Close them at the end of the text, like this: opens: "09:00"'
    )


# --- a missing field comes with an example of what to write --------------------------------


def test_missing_time_shows_an_example(project):
    write(project, DESK_FILE, DESK.replace('      opens: "09:00"\n', ""))
    problem = only_problem(project)
    assert (problem.line, problem.field) == (12, "schedule.weekly[0].opens")
    assert problem.message() == (
        'manca il campo obbligatorio «opens»: aggiungilo, per esempio opens: "09:00"'
    )
    assert (
        problem.message("en") == "the required field 'opens' is missing: add it, "
        'e.g. opens: "09:00"'
    )


def test_missing_text_or_group_shows_a_small_block(project):
    without = DESK.replace("what_to_ask:\n  - it: Informazioni\n    en: Information\n", "")
    write(
        project,
        DESK_FILE,
        without.replace("name:\n  it: Sportello Celadina\n  en: Celadina desk\n", ""),
    )
    found = problems_of(project)
    assert [p.field for p in found] == ["name", "what_to_ask"]
    assert found[0].message() == (
        "manca il campo obbligatorio «name»: aggiungilo, per esempio\n    name:\n      it: …"
    )
    assert found[1].message().endswith("per esempio\n    what_to_ask:\n      - it: …")


def test_missing_schedule_shows_one_weekly_slot(project):
    write(project, DESK_FILE, DESK[: DESK.index("schedule:")] + DESK[DESK.index("what_to_ask:") :])
    problem = only_problem(project)
    assert problem.message().endswith(
        "per esempio\n    schedule:\n      weekly:\n"
        '        - day: monday\n          opens: "09:00"\n'
        '          closes: "12:00"'
    )


# --- Italian field names lead to the English ones ------------------------------------------


def test_italian_field_name_suggests_the_english_one(project):
    write(project, DESK_FILE, DESK.replace("neighbourhood:", "quartiere:"))
    problem = only_problem(project)  # and no second error for the missing neighbourhood
    assert (problem.file, problem.line, problem.code) == (DESK_FILE, 6, "field.italian")
    assert problem.message().startswith(
        "il campo «quartiere» non esiste: i nomi dei campi sono in inglese. "
        "Forse intendevi «neighbourhood»? Campi ammessi:"
    )
    assert problem.message("en").startswith(
        "there is no field 'quartiere': field names are in English. "
        "Did you mean 'neighbourhood'? Allowed fields:"
    )


def test_italian_names_in_nested_fields_and_events(project):
    write(
        project,
        DESK_FILE,
        DESK.replace("- day:", "- giorno:")
        .replace("  opens:", "  apre:")
        .replace("  closes:", "  Chiude:")
        .replace("address:", "indirizzo:"),
    )
    hints = {
        p.field: p.message().split("Forse intendevi «")[1].split("»")[0]
        for p in problems_of(project)
    }
    assert hints == {
        "schedule.weekly[0].giorno": "day",
        "schedule.weekly[0].apre": "opens",
        "schedule.weekly[0].Chiude": "closes",
        "indirizzo": "address",
    }
    write(project, DESK_FILE, DESK)
    write(
        project,
        EVENT_FILE,
        EVENT.replace("end: 2027-05-10 09:00", "end: 2027-05-10 12:00")
        .replace("capacity:", "posti:")
        .replace("title:", "titolo:")
        .replace("place:", "luogo:"),
    )
    assert {p.field: p.code for p in problems_of(project)} == {
        "posti": "field.italian",
        "titolo": "field.italian",
        "luogo": "field.italian",
    }


def test_a_misspelt_italian_name_still_finds_the_field(project):
    write(project, DESK_FILE, DESK.replace("neighbourhood:", "quartire:"))
    assert "Forse intendevi «neighbourhood»?" in only_problem(project).message()


def test_every_italian_name_is_a_real_field_and_unambiguous():
    from portal.model.italian import ITALIAN_NAMES

    names = {}
    for cls in model_classes():
        own = field_names(cls)
        names.update(dict.fromkeys(own))
        words = [w for name in own for w in ITALIAN_NAMES.get(name, ())]
        assert len(words) == len(set(words)), f"{cls.__name__}: one Italian word, two fields"
    assert set(ITALIAN_NAMES) <= set(names), set(ITALIAN_NAMES) - set(names)


# --- the kinds registry ------------------------------------------------------------------


def test_every_kind_has_a_converter_a_schema_a_label_and_an_example():
    for cls in model_classes():
        hints = typing.get_type_hints(cls, include_extras=True)
        for name in field_names(cls):
            kind, _ = kinds.kind_of(unwrap_optional(hints[name])[0])
            assert callable(kind.convert), (cls, name)
            assert isinstance(kinds.schema_of(hints[name], ("it", "en")), dict), (cls, name)
            assert kinds.label_of(hints[name]).strip(), (cls, name)
            assert kinds.example_of(hints[name]), (cls, name)


def test_every_example_is_accepted_by_its_own_kind():
    """What "aggiungilo, per esempio …" suggests reads without a field or value error."""
    for cls in model_classes():
        problems = Problems()
        node = yaml.compose("\n".join(kinds.example_of(cls)))
        kinds.convert_object(cls, node, Context("x.yml", problems, ("it", "en")))
        codes = {p.code.split(".")[0] for p in problems.items}
        assert not codes & {"yaml", "value", "field", "text", "lang"}, (
            cls.__name__,
            [p.format() for p in problems.items],
        )


def test_a_language_field_accepts_every_site_language():
    """The field reference once said an event's languages could only be `it`."""
    languages = typing.get_type_hints(Event, include_extras=True)["languages"]
    assert (
        kinds.label_of(languages)
        == "elenco, ogni voce: codice di una lingua del sito (site_config/languages.yml)"
    )
    assert kinds.schema_of(languages, ("it", "en", "ar"))["items"]["enum"] == ["it", "en", "ar"]
    reference = (ROOT / "docs/riferimento-campi.md").read_text(encoding="utf-8")
    assert "uno tra: `it`" not in reference
    assert "| `languages` | elenco, ogni voce: codice di una lingua del sito" in reference
