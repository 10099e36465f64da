"""The HTML forms under /moduli/ without JavaScript, through Flask's test client, on SQLite
AND PostgreSQL (``client`` and ``service`` are parametrized in conftest).

Pages are read the way a resident meets them: the status, the redirects, the texts in
the page's language, and the error markup a screen reader relies on.
"""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from babel.dates import format_date

from forms_service.domain.actions import today
from forms_service.domain.eligibility import add_months
from tests.conftest import add_event, local_now
from tests.helpers import service_rows

ANSWERS = [
    ("riscaldamento", {"heating": "centralized"}),
    ("fascia", {"band": "accesso"}),
    ("assegnazione", {"tenancy_start": "2020-01-15"}),
    ("morosita", {"arrears": "no"}),
    ("isee", {"isee": "12.345,67"}),
]
DETAILS = {
    "full_name": "Maria Rossi",
    "phone": "035 123456",
    "email": "maria@example.it",
    "address": "Via Roma 1, Bergamo",
    "household_size": "3",
    "preferred_desk": "colognola",
    "consent": "on",
    "website": "",
}
PERSON = {
    "full_name": "Anna Bianchi",
    "email": "anna@example.it",
    "people": "1",
    "consent": "on",
    "website": "",
}
JSON = {"Accept": "application/json"}


# --- helpers ---------------------------------------------------------------------------------


def url(lang: str, place: str = "") -> str:
    return f"/moduli/{lang}/contributo-riscaldamento/{place}"


def text(response) -> str:
    """The page as a person reads it: entities decoded, tags and spacing left in."""
    return html.unescape(response.get_data(as_text=True))


def matched(pattern: str, text: str, group: int = 0, flags: int = 0) -> str:
    """Part ``group`` of the first match of ``pattern`` in ``text``; fails when none."""
    match = re.search(pattern, text, flags)
    assert match is not None, f"{pattern!r} not found"
    return match[group]


def submission_id(response) -> str:
    return matched(r'name="submission_id" value="([^"]+)"', response.get_data(as_text=True), 1)


def summary_items(response) -> list[tuple[str, str]]:
    """(link target, message) of each entry of the error summary at the top."""
    page = response.get_data(as_text=True)
    block = matched(r'<div class="form-error-summary"[^>]*role="alert".*?</ul>', page, flags=re.S)
    return [
        (href, html.unescape(message))
        for href, message in re.findall(r'<a href="([^"]+)">([^<]+)</a>', block)
    ]


def inline_error(response, field: str) -> str | None:
    page = response.get_data(as_text=True)
    found = re.search(
        rf'<p class="form-error-message" id="{field}-error">\s*'
        r'<span class="visually-hidden">[^<]*</span>\s*<span data-message>([^<]*)',
        page,
    )
    return html.unescape(found[1]) if found else None


def control(response, field: str) -> str:
    """The opening tag of the control with id ``field``."""
    return matched(rf'<input[^>]*\bid="{field}"[^>]*>', response.get_data(as_text=True), flags=re.S)


def assert_field_error(response, field: str, message: str, summary: str | None = None):
    """The message next to the field, and in the summary (``summary`` when the summary's line
    adds the field's label to a message that does not name it)."""
    assert inline_error(response, field) == message
    assert (f"#{field}", summary or message) in summary_items(response)
    tag = (
        control(response, field)
        if field not in ("heating", "band", "arrears", "preferred_desk")
        else matched(
            rf'<fieldset[^>]*aria-describedby="[^"]*{field}-error"[^>]*>',
            response.get_data(as_text=True),
        )
    )
    assert f"{field}-error" in tag and 'aria-invalid="true"' in tag


def answer(client, lang: str, slug: str, data: dict, **kwargs):
    return client.post(url(lang, slug), data=data, **kwargs)


def answer_all(client, lang: str = "it", answers=ANSWERS) -> None:
    for slug, data in answers:
        response = answer(client, lang, slug, data)
        assert response.status_code == 303, text(response)


def fill_details(client, lang: str = "it", **changes) -> str:
    page = client.get(url(lang, "dati"))
    assert page.status_code == 200
    key = submission_id(page)
    response = client.post(url(lang, "dati"), data={**DETAILS, **changes, "submission_id": key})
    assert response.status_code == 303, text(response)
    assert response.headers["Location"] == url(lang, "controlla")
    return key


def send(client, lang: str, key: str):
    return client.post(url(lang, "controlla"), data={"submission_id": key, "website": ""})


def count(service, table: str) -> int:
    db = service.extensions["portal_db"]
    conn = db.connect()
    try:
        return db.one(conn, f"SELECT COUNT(*) AS n FROM {table}")["n"]
    finally:
        conn.close()


def stored(service, reference: str) -> dict:
    db = service.extensions["portal_db"]
    conn = db.connect()
    try:
        return db.one(conn, "SELECT * FROM pre_applications WHERE reference = ?", (reference,))
    finally:
        conn.close()


@pytest.fixture
def make_app(project, database_url):
    """Another app on the same project and database, for events other than "assemblea"."""
    from forms_service import create_app

    def make():
        app = create_app(
            {
                "PORTAL_DATABASE_URL": database_url,
                "PORTAL_RATE_LIMITS": "off",
                "PORTAL_SECRET_KEY": "test-secret",
            },
            root=project,
        )
        app.config["TESTING"] = True
        return app

    return make


# --- the heating grant, start to end -----------------------------------------------------------


def test_whole_grant_flow_without_javascript(client, service):
    start = client.get(url("it"))
    assert start.status_code == 200
    page = text(start)
    assert "Un aiuto per pagare il riscaldamento" in page  # the content's summary
    assert "Questa è solo una pre-domanda" in page
    assert "hai un ISEE valido da 9.360,01\xa0€ a 15.000" in page
    assert f'href="{url("it", "riscaldamento")}"' in page

    questions = [
        "Che riscaldamento ha la tua casa?",
        "Qual è la tua fascia SAP?",
        "Da quando sei assegnatario di una casa SAP?",
        "Hai debiti per l'affitto o per le spese comuni?",
        "Quanto è il tuo ISEE?",
    ]
    nexts = [slug for slug, _ in ANSWERS[1:]] + ["dati"]
    steps = zip(ANSWERS, questions, nexts, strict=True)
    for number, ((slug, data), question, following) in enumerate(steps, 1):
        shown = client.get(url("it", slug))
        assert shown.status_code == 200
        assert f"{question}</label></h1>" in text(shown) or f"{question}</h1>" in text(shown)
        assert f"domanda {number} di 5" in text(shown)
        response = answer(client, "it", slug, data)
        assert (response.status_code, response.headers["Location"]) == (303, url("it", following))
    isee = client.get(url("it", "isee"))
    assert 'inputmode="decimal"' in control(isee, "isee")
    assert 'value="12.345,67"' in control(isee, "isee")

    key = fill_details(client)
    check = text(client.get(url("it", "controlla")))
    for shown in (
        "Centralizzato",
        "«accesso»",
        "15 gennaio 2020",
        "12.345,67\xa0€",
        "Maria Rossi",
        "035 123456",
        "maria@example.it",
        "Via Roma 1, Bergamo",
        "Sportello Colognola – martedì 09:00–12:00",
    ):
        assert shown in check
    assert "Piano di rientro" not in check  # only asked of who has arrears
    assert check.count(">Cambia<") == 12
    assert f'name="submission_id" value="{key}"' in check

    sent = send(client, "it", key)
    assert sent.status_code == 303
    done_url = sent.headers["Location"]
    reference = re.fullmatch(
        r"/moduli/it/contributo-riscaldamento/conferma/(C-\w{4}-\w{4})", done_url
    )[1]
    row = stored(service, reference)
    assert (row["full_name"], row["lang"], row["preferred_desk"], row["isee"]) == (
        "Maria Rossi",
        "it",
        "colognola",
        "12345.67",
    )
    assert count(service, "pre_applications") == 1

    done = client.get(done_url)
    page = text(done)
    assert done.status_code == 200
    assert (
        f'<p class="form-reference" dir="ltr" aria-labelledby="reference-label">{reference}<'
        in page
    )
    assert "Dopo la pre-domanda, il team ti contatta." in page  # what_happens_next
    assert "Il certificato ISEE valido." in page and "Un documento d'identità." in page
    assert "Sportello Colognola" in page and "martedì 09:00–12:00" in page
    assert "Sportello Celadina" not in page  # the desk chosen, not every desk
    assert "Maria" not in page and "035" not in page  # nothing personal on a bookmarkable page

    # The session is gone: a new questionnaire starts from the first question.
    assert client.get(url("it", "controlla")).headers["Location"] == url("it", "riscaldamento")
    # A bookmark opened later, in another browser, still shows the confirmation.
    later = service.test_client().get(done_url)
    assert later.status_code == 200 and reference in text(later)


def test_whole_grant_flow_in_english_with_a_repayment_plan(client, service):
    answers = [
        *ANSWERS[:3],
        ("morosita", {"arrears": "yes"}),
        ("piano-di-rientro", {"repayment_plan": "yes"}),
        ANSWERS[4],
    ]
    answer_all(client, "en", answers)
    key = fill_details(client, "en", email="", preferred_desk="celadina")
    check = text(client.get(url("en", "controlla")))
    for shown in (
        "Check your answers",
        "Central",
        'access ("accesso")',
        "January 15, 2020",
        "Repayment plan",
        "€12,345.67",
        "Not given",
        "Celadina desk – Wednesday",
    ):
        assert shown in check, shown
    done = client.get(send(client, "en", key).headers["Location"])
    page = text(done)
    assert "Pre-application sent" in page and "A valid ISEE certificate." in page
    assert "Your desk" in page and "Wednesday 09:00–12:00" in page
    assert count(service, "pre_applications") == 1


def test_change_links_come_back_to_the_check_page(client, service):
    answer_all(client)
    key = fill_details(client)
    check = client.get(url("it", "controlla")).get_data(as_text=True)
    assert f'href="{url("it", "fascia")}"' in check and f'href="{url("it", "dati")}#email"' in check

    band = client.get(url("it", "fascia"))
    assert "checked" in control(band, "band")  # "accesso", the answer given, is ticked
    moved = answer(client, "it", "fascia", {"band": "protezione"})
    assert moved.headers["Location"] == url("it", "controlla")
    assert "«protezione»" in text(client.get(url("it", "controlla")))

    # Arrears now: the plan question comes first, then the check page again.
    assert answer(client, "it", "morosita", {"arrears": "yes"}).headers["Location"] == url(
        "it", "piano-di-rientro"
    )
    assert answer(client, "it", "piano-di-rientro", {"repayment_plan": "yes"}).headers[
        "Location"
    ] == url("it", "controlla")
    assert "Piano di rientro" in text(client.get(url("it", "controlla")))
    answer(client, "it", "morosita", {"arrears": "no"})
    assert "Piano di rientro" not in text(client.get(url("it", "controlla")))

    details = client.get(url("it", "dati"))
    assert 'value="Maria Rossi"' in control(details, "full_name")
    assert submission_id(details) == key  # the same submission, however often it is changed
    assert send(client, "it", key).status_code == 303
    assert count(service, "pre_applications") == 1


def test_steps_cannot_be_skipped_by_typing_the_url(client, service):
    first = url("it", "riscaldamento")
    for place in ("isee", "piano-di-rientro", "dati", "controlla"):
        response = client.get(url("it", place))
        assert (response.status_code, response.headers["Location"]) == (302, first)
    assert answer(client, "it", "isee", {"isee": "12.000"}).headers["Location"] == first
    assert send(client, "it", "a" * 36).headers["Location"] == first
    assert client.get(url("it", "non-ammissibile")).headers["Location"] == first
    assert count(service, "pre_applications") == 0


# --- not eligible: the exit page ------------------------------------------------------------


def recent_start():
    return today() - timedelta(days=60)


EXITS = {
    "heating": (
        [("riscaldamento", {"heating": "autonomous"})],
        "Il contributo non è previsto per le case con riscaldamento autonomo.",
    ),
    "band": (
        [ANSWERS[0], ("fascia", {"band": "permanenza"})],
        "Il contributo non è previsto per la fascia «permanenza».",
    ),
    "tenancy": (
        [*ANSWERS[:2], ("assegnazione", {"tenancy_start_text": "RECENT"})],
        "Il contributo è per chi è assegnatario di una casa SAP da almeno 12 mesi. "
        "Potrai chiederlo dal ",
    ),
    "arrears": (
        [
            *ANSWERS[:3],
            ("morosita", {"arrears": "yes"}),
            ("piano-di-rientro", {"repayment_plan": "no"}),
        ],
        "puoi avere il contributo solo con un piano di rientro",
    ),
    "isee above": (
        [*ANSWERS[:4], ("isee", {"isee": "15.000,01"})],
        "Il tuo ISEE è più alto del massimo: il contributo è per un ISEE tra "
        "9.360,01\xa0€ e 15.000",
    ),
    "isee below": ([*ANSWERS[:4], ("isee", {"isee": "€ 9.000,00"})], "Il tuo ISEE è più basso"),
}


@pytest.mark.parametrize("case", list(EXITS))
def test_not_eligible_ends_on_the_exit_page_and_stores_nothing(client, service, case):
    steps, reason = EXITS[case]
    start = recent_start()
    *before, last = [
        (slug, {k: start.strftime("%d/%m/%Y") if v == "RECENT" else v for k, v in data.items()})
        for slug, data in steps
    ]
    answer_all(client, "it", before)
    response = answer(client, "it", *last)
    assert (response.status_code, response.headers["Location"]) == (
        303,
        url("it", "non-ammissibile"),
    )
    page = text(client.get(url("it", "non-ammissibile")))
    assert reason in page
    for day, hours in (
        ("mercoledì", "09:00–12:00"),
        ("martedì", "09:00–12:00"),
        ("giovedì", "14:00–17:00"),
    ):
        assert f"{day} {hours}" in page
    assert "via Carlo Alberto 23, Bergamo" in page
    assert "Non abbiamo inviato le tue risposte: il team non le vede." in page
    if case == "tenancy":  # the day it becomes possible, said once (not twice, two ways)
        eligible_from = add_months(start, 12)
        assert f"Potrai chiederlo dal {format_date(eligible_from, 'long', locale='it')}." in page
        assert page.count(str(eligible_from.year)) == 1
    # Nothing sent; the answers wait in the draft, so the failing one can be changed.
    assert count(service, "pre_applications") == 0
    changed = last[0]
    assert f'href="{url("it", changed)}" data-change-answer>Cambia questa risposta' in page


def test_exit_page_in_english(client):
    answer(client, "en", "riscaldamento", {"heating": "autonomous"})
    page = text(client.get(url("en", "non-ammissibile")))
    assert "With these answers you cannot make the pre-application" in page
    assert "The contribution is not for homes with individual heating." in page
    assert "Wednesday 09:00–12:00" in page and "Thursday" in page


# --- errors next to the fields and in the summary -------------------------------------------


def test_isee_error_in_italian_and_english_keeps_what_was_typed(client):
    answer_all(client, "it", ANSWERS[:4])
    messages = {
        "it": "Non è chiaro se «12.345.67» sono migliaia o decimali. Scrivi l'importo come sul "
        "certificato ISEE, con la virgola per i centesimi: per esempio 12.345,67.",
        "en": "It is not clear whether “12.345.67” means thousands or decimals. Write the amount "
        "as on your ISEE certificate, with a comma before the cents: for example 12.345,67.",
    }
    for lang, message in messages.items():
        response = answer(client, lang, "isee", {"isee": "12.345.67"})
        assert response.status_code == 422
        assert_field_error(response, "isee", message)  # it names the ISEE: no label added
        assert 'value="12.345.67"' in control(response, "isee")
        assert (
            "autofocus"
            in re.search(r'<div class="form-error-summary"[^>]*>', response.get_data(as_text=True))[
                0
            ]
        )
        assert f'<html lang="{lang}" dir="ltr">' in response.get_data(as_text=True)


def test_empty_details_list_every_error_in_the_form_order(client):
    """Every line of the summary names its field: "this field is required" three times
    tells nobody what to fill in (issue #10)."""
    answer_all(client)
    contact_it = (
        "Scrivi almeno un numero di telefono o un indirizzo email, così possiamo ricontattarti."
    )
    consent_it = "Per inviare il modulo devi accettare l'informativa sulla privacy."
    contact_en = "Write at least a phone number or an e-mail address, so that we can contact you."
    consent_en = "To send the form you must accept the privacy notice."
    expected = {  # field, the message next to it, the summary's line
        "it": [
            ("full_name", "Compila «Nome e cognome»: serve per andare avanti.", None),
            ("phone", contact_it, None),  # it names the phone
            ("address", "Compila «Indirizzo della casa SAP»: serve per andare avanti.", None),
            (
                "household_size",
                "Compila «Quante persone vivono in casa»: serve per andare avanti.",
                None,
            ),
            ("preferred_desk", "Scegli una risposta per «A quale sportello vuoi andare?».", None),
            ("consent", consent_it, None),  # it names the privacy notice
        ],
        "en": [
            ("full_name", "Fill in “Full name”: it is needed to continue.", None),
            ("phone", contact_en, None),
            ("address", "Fill in “Address of your SAP home”: it is needed to continue.", None),
            (
                "household_size",
                "Fill in “How many people live in your home”: it is needed to continue.",
                None,
            ),
            ("preferred_desk", "Choose an answer for “Which desk do you want to go to?”.", None),
            ("consent", consent_en, None),
        ],
    }
    for lang, errors in expected.items():
        response = client.post(url(lang, "dati"), data={"submission_id": "k" * 36, "website": ""})
        assert response.status_code == 422
        assert summary_items(response) == [
            (f"#{field}", summary or message) for field, message, summary in errors
        ]
        for field, message, summary in errors:
            assert_field_error(response, field, message, summary)
        assert 'name="submission_id" value="' + "k" * 36 in response.get_data(as_text=True)
    wrong = client.post(url("it", "dati"), data={**DETAILS, "household_size": "0", "email": "x@"})
    assert summary_items(wrong) == [
        ("#email", "Scrivi un indirizzo email valido, per esempio nome@esempio.it."),  # named
        ("#household_size", "Quante persone vivono in casa: Scrivi un numero da 1 a 20."),
    ]
    assert 'value="x@"' in control(wrong, "email")


def test_unanswered_question_and_typed_date_errors(client):
    response = answer(client, "it", "riscaldamento", {})
    assert response.status_code == 422
    assert_field_error(response, "heating", "Scegli una risposta per «Riscaldamento».")
    answer_all(client, "it", ANSWERS[:2])
    # Written day/month/year as asked, but no such day: say so, not "write it as d/m/y".
    response = answer(
        client, "en", "assegnazione", {"tenancy_start": "", "tenancy_start_text": "31/02/2020"}
    )
    assert response.status_code == 422
    message = "The date “31/02/2020” does not exist: check the day and the month."
    assert inline_error(response, "tenancy_start") == message
    assert summary_items(response) == [("#tenancy_start", f"Assigned tenant since: {message}")]
    assert 'value="31/02/2020"' in control(response, "tenancy_start_text")
    assert re.search(r'<details class="form-details" open>', response.get_data(as_text=True))
    italian = answer(client, "it", "assegnazione", {"tenancy_start_text": "31/02/2020"})
    assert inline_error(italian, "tenancy_start") == (
        "La data «31/02/2020» non esiste: controlla il giorno e il mese."
    )
    garbled = answer(client, "it", "assegnazione", {"tenancy_start_text": "31-02"})
    assert inline_error(garbled, "tenancy_start") == (
        "Scrivi la data così: giorno/mese/anno, per esempio 31/01/2025."
    )
    # The typed fallback, written the Italian way, is accepted.
    accepted = answer(client, "it", "assegnazione", {"tenancy_start_text": "15/1/2020"})
    assert accepted.headers["Location"] == url("it", "morosita")


def test_javascript_gets_json_errors_and_redirects(client, service):
    answer_all(client, "it", ANSWERS[:4])
    wrong = answer(client, "it", "isee", {"isee": "12.345.67"}, headers=JSON)
    assert wrong.status_code == 422 and wrong.mimetype == "application/json"
    message = (
        "Non è chiaro se «12.345.67» sono migliaia o decimali. Scrivi l'importo come sul "
        "certificato ISEE, con la virgola per i centesimi: per esempio 12.345,67."
    )
    # The summary's lines come too, as on the page without JavaScript.
    assert wrong.get_json() == {
        "errors": {"isee": message},
        "errors_lang": {"isee": "it"},  # the language of each message
        "summary": {"isee": message},  # it names the ISEE already
        "summary_lang": {"isee": "it"},
    }
    right = answer(client, "it", "isee", {"isee": "12.345,67"}, headers=JSON)
    assert right.get_json() == {"redirect": url("it", "dati")}
    details = client.post(url("en", "dati"), data={"consent": "on"}, headers=JSON)
    assert details.status_code == 422
    assert set(details.get_json()["errors"]) == {
        "full_name",
        "phone",
        "address",
        "household_size",
        "preferred_desk",
    }
    key = fill_details(client)
    done = client.post(url("it", "controlla"), data={"submission_id": key}, headers=JSON)
    assert re.fullmatch(
        r"/moduli/it/contributo-riscaldamento/conferma/C-\w{4}-\w{4}", done.get_json()["redirect"]
    )
    assert count(service, "pre_applications") == 1


def test_send_shows_errors_on_the_check_page_when_an_answer_is_no_longer_valid(client, service):
    """E.g. a desk removed from the content between "details" and "send"."""
    answer_all(client)
    key = fill_details(client)
    with client.session_transaction() as session:
        draft_id = session["grant_draft"]  # the answers wait on the server, under this id
    [draft] = service_rows(service, "SELECT data FROM form_drafts WHERE id = ?", (draft_id,))
    grant = json.loads(draft["data"])
    grant["details"]["preferred_desk"] = "chiuso-da-ieri"
    db = service.extensions["portal_db"]
    conn = db.connect()
    try:
        db.execute(
            conn, "UPDATE form_drafts SET data = ? WHERE id = ?", (json.dumps(grant), draft_id)
        )
    finally:
        conn.close()
    page = client.get(url("it", "controlla"))
    assert "Non indicato" in text(page)
    response = send(client, "it", key)
    assert response.status_code == 422
    [(target, message)] = summary_items(response)
    assert target == "#preferred_desk"
    assert message.startswith("A quale sportello vuoi andare? Scegli una di queste risposte")
    assert message.endswith(inline_error(response, "preferred_desk"))
    as_json = client.post(url("it", "controlla"), data={"submission_id": key}, headers=JSON)
    assert list(as_json.get_json()["errors"]) == ["preferred_desk"]
    assert count(service, "pre_applications") == 0


# --- double submissions and bots ----------------------------------------------------------------


def test_the_same_submission_id_twice_stores_one_pre_application(client, service):
    answer_all(client)
    key = fill_details(client)
    before = client.get_cookie("portal_form").value
    first = send(client, "it", key)
    # A double click: the second request left with the same cookie as the first.
    client.set_cookie("portal_form", before)
    second = send(client, "it", key)
    # A resend after the answer (back button, "resubmit form?"): the session is clear now.
    third = send(client, "it", key)
    assert first.headers["Location"] == second.headers["Location"] == third.headers["Location"]
    assert count(service, "pre_applications") == 1


def test_honeypot_is_refused_and_nothing_is_stored(client, service):
    answer_all(client)
    response = client.post(
        url("it", "dati"),
        data={**DETAILS, "website": "http://spam.example", "submission_id": "b" * 36},
    )
    assert response.status_code == 400
    assert "Non possiamo accettare questo invio." in text(response)
    assert client.get(url("it", "controlla")).headers["Location"] == url("it", "dati")
    key = fill_details(client)
    bot = client.post(url("it", "controlla"), data={"submission_id": key, "website": "x"})
    assert bot.status_code == 400
    assert count(service, "pre_applications") == 0


def test_honeypot_is_hidden_from_people_but_labelled(client):
    answer_all(client)
    page = client.get(url("it", "dati")).get_data(as_text=True)
    trap = re.search(r'<div class="form-honeypot">.*?</div>', page, re.S)[0]
    assert 'tabindex="-1"' in trap and 'autocomplete="off"' in trap
    assert 'for="website"' in trap and 'id="website" name="website"' in trap
    assert "Non scrivere niente in questo campo." in trap
    assert 'href="/privacy/"' in page
    assert 'href="/en/privacy/"' in client.get(url("en", "dati")).get_data(as_text=True)


def test_unknown_language_step_and_reference(client, service):
    assert client.get("/moduli/xx/contributo-riscaldamento/").status_code == 404
    assert client.get(url("it", "nessuna")).status_code == 404
    missing = client.get(url("en", "conferma/C-AAAA-AAAA"))
    assert missing.status_code == 404 and "Page not found." in text(missing)
    answer_all(client)
    done = send(client, "it", fill_details(client)).headers["Location"]
    reference = done.rsplit("/", 1)[1]
    typed = client.get(url("it", f"conferma/{reference.lower().replace('-', ' ')}"))
    assert typed.status_code == 302 and typed.headers["Location"] == done


# --- events ---------------------------------------------------------------------------------------


def sign_up(client, event: str, lang: str = "it", **person):
    """Signs ``person`` up; each name with its own e-mail (one e-mail signs up once)."""
    page = client.get(f"/moduli/{lang}/eventi/{event}/")
    assert page.status_code == 200, text(page)
    name = person.get("full_name")
    email = name.lower().replace(" ", ".") + "@example.it" if name else PERSON["email"]
    response = client.post(
        f"/moduli/{lang}/eventi/{event}/",
        data={**PERSON, "email": email, **person, "submission_id": submission_id(page)},
    )
    assert response.status_code == 303, text(response)
    return response.headers["Location"]


def test_event_sign_up_and_private_page(client, service):
    page = client.get("/moduli/it/eventi/assemblea/")
    shown = text(page)
    assert page.status_code == 200
    assert "Iscrizione: Assemblea di condominio" in shown
    assert re.search(r"<dt>Posti liberi</dt><dd data-places-left>3</dd>", shown)
    assert "Sportello Celadina – via Pizzo Tre Signori 2, Bergamo" in shown
    private = sign_up(client, "assemblea", people="2")
    assert re.fullmatch(r"/moduli/it/iscrizione/E-\w{4}-\w{4}\?t=[\w-]+", private)
    registration = text(client.get(private))
    assert "Sei iscritto: il tuo posto è confermato." in registration
    assert "<dt>Quante persone vengono</dt><dd>2</dd>" in registration
    assert 'name="t"' in registration and "Annulla la mia iscrizione" in registration
    assert re.search(
        r"<dd data-places-left>1</dd>", text(client.get("/moduli/it/eventi/assemblea/"))
    )
    assert count(service, "registrations") == 1


def test_event_errors_in_both_languages(client, service):
    wrong = client.post(
        "/moduli/it/eventi/assemblea/",
        data={"full_name": "A", "people": "4", "submission_id": "c" * 36},
    )
    assert wrong.status_code == 422
    assert_field_error(
        wrong,
        "people",
        "Scrivi un numero da 1 a 3.",
        "Quante persone vengono: Scrivi un numero da 1 a 3.",
    )
    consent = "Per inviare il modulo devi accettare l'informativa sulla privacy."
    assert_field_error(wrong, "consent", consent)  # it names the privacy notice already
    english = client.post("/moduli/en/eventi/assemblea/", data={"people": "1"})
    assert [field for field, _ in summary_items(english)] == ["#full_name", "#phone", "#consent"]
    contact = "Write at least a phone number or an e-mail address, so that we can contact you."
    assert_field_error(english, "phone", contact)
    assert_field_error(english, "full_name", "Fill in “Full name”: it is needed to continue.")
    assert count(service, "registrations") == 0


def test_the_same_event_submission_twice_registers_once(client, service):
    page = client.get("/moduli/it/eventi/assemblea/")
    data = {**PERSON, "submission_id": submission_id(page)}
    first = client.post("/moduli/it/eventi/assemblea/", data=data)
    second = client.post("/moduli/it/eventi/assemblea/", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert count(service, "registrations") == 1
    bot = client.post(
        "/moduli/it/eventi/assemblea/", data={**data, "website": "x", "submission_id": "d" * 36}
    )
    assert bot.status_code == 400 and count(service, "registrations") == 1


def test_waitlist_then_cancel_promotes_the_first_waiting(make_app, project):
    add_event(project, "piccolo", capacity=1)
    client = make_app().test_client()
    anna = sign_up(client, "piccolo")
    bruno = sign_up(client, "piccolo", full_name="Bruno Verdi")
    carla = sign_up(client, "piccolo", lang="en", full_name="Carla Neri")
    assert "L'evento è pieno" in text(client.get("/moduli/it/eventi/piccolo/"))
    assert 'data-status="waitlisted"' in text(client.get(bruno))
    assert "The event is full: you are on the waiting list." in text(client.get(carla))

    reference, token = re.search(r"iscrizione/([^?]+)\?t=(.+)", anna).groups()
    cancel = f"/moduli/it/iscrizione/{reference}/annulla"
    assert client.get(cancel).status_code == 403  # no token, no page
    asked = text(client.get(f"{cancel}?t={token}"))  # opening a link never cancels: it asks
    assert "Vuoi annullare l'iscrizione?" in asked and "Sì, annulla la mia iscrizione" in asked
    refused = client.post(cancel, data={"t": "sbagliato"})
    assert refused.status_code == 403 and "Questo link non è valido." in text(refused)
    assert 'data-status="confirmed"' in text(client.get(anna))

    done = client.post(cancel, data={"t": token})
    assert (done.status_code, done.headers["Location"]) == (303, anna)
    cancelled = text(client.get(anna))
    assert 'data-status="cancelled"' in cancelled and "L'iscrizione è annullata." in cancelled
    assert "Annulla la mia iscrizione" not in cancelled
    assert 'data-status="confirmed"' in text(client.get(bruno))  # first come, first served
    assert 'data-status="waitlisted"' in text(client.get(carla))


def test_registration_page_needs_the_right_token(client):
    private = sign_up(client, "assemblea")
    reference = re.search(r"iscrizione/([^?]+)", private)[1]
    for query in ("?t=sbagliato", ""):
        response = client.get(f"/moduli/it/iscrizione/{reference}{query}")
        assert response.status_code == 403
        assert "Questo link non è valido." in text(response)
        assert "data-status" not in text(response) and 'name="t"' not in text(response)
    unknown = client.get("/moduli/en/iscrizione/E-AAAA-AAAA?t=x")
    assert unknown.status_code == 404 and "We cannot find this registration." in text(unknown)


def add_past_event(root, event_id: str) -> None:
    """An event that ended two days ago (its sign-up closed before it started)."""
    add_event(root, event_id, signup_open=False)
    path = root / f"content/events/{event_id}.yml"
    past = local_now() - timedelta(days=2)
    moments = {
        "start": past,
        "end": past + timedelta(hours=2),
        "opens": past - timedelta(days=10),
        "closes": past - timedelta(days=1),
    }
    text = path.read_text()
    for key, moment in moments.items():
        text = re.sub(rf"^(\s*{key}): .*$", rf"\1: {moment:%Y-%m-%d %H:%M}", text, flags=re.M)
    path.write_text(text)


def test_closed_past_and_unconfirmed_events_show_a_page_instead_of_the_form(make_app, project):
    add_event(project, "chiuso", signup_open=False)
    add_past_event(project, "passato")
    app = make_app()
    client = app.test_client()
    cases = {
        "/moduli/it/eventi/chiuso/": "Le iscrizioni a questo evento sono chiuse.",
        "/moduli/en/eventi/passato/": "This event has already taken place.",
        "/moduli/it/eventi/pulizia-celadina/": "La data di questo evento è da confermare",
    }
    for path, message in cases.items():
        page = client.get(path)
        assert page.status_code == 409 and message in text(page)
        assert "<form" not in text(page)
    posted = client.post("/moduli/it/eventi/chiuso/", data={**PERSON, "submission_id": "e" * 36})
    assert posted.status_code == 409 and "Non puoi iscriverti online" in text(posted)
    as_json = client.post("/moduli/it/eventi/chiuso/", data=PERSON, headers=JSON)
    assert as_json.status_code == 409 and as_json.get_json()["error"]["code"] == "signup_closed"
    assert client.get("/moduli/it/eventi/nessuno/").status_code == 404
    assert count(app, "registrations") == 0


def test_pages_follow_the_content_security_policy(client):
    """No inline script or style anywhere: the CSP would block them."""
    answer_all(client)
    for path in (
        url("it"),
        url("it", "riscaldamento"),
        url("it", "dati"),
        "/moduli/it/eventi/assemblea/",
    ):
        page = client.get(path).get_data(as_text=True)
        assert "style=" not in page and "<style" not in page
        assert re.findall(r"<script[^>]*>", page) == [
            '<script src="/moduli/static/forms.js" defer>'
        ]
        headers = client.get(path).headers
        assert headers["Cache-Control"] == "no-store"
        # Not "no-referrer": with it Chromium posts forms with "Origin: null", refused as
        # cross-site, so nothing could be sent without JavaScript.
        assert headers["Referrer-Policy"] == "same-origin"


def test_unreviewed_translations_say_so_and_link_the_italian_form(client):
    english = client.get("/moduli/en/contributo-riscaldamento/").get_data(as_text=True)
    assert "This translation has not yet been checked by a person." in english
    assert 'href="/moduli/it/contributo-riscaldamento/" hreflang="it"' in english
    italian = client.get("/moduli/it/contributo-riscaldamento/").get_data(as_text=True)
    assert "portal-unreviewed" not in italian


# --- issue #10: what the questionnaire asks, "I don't know", and a way back from "no" ---------

LANGS = ("it", "en", "fr", "es", "ro", "sq", "uk", "zh", "bn", "ar", "ur")
# "this" home, in each language's old question: the rule says "a SAP home", not this one.
THIS_HOME = {
    "it": "questa casa",
    "en": "this SAP home",
    "fr": "ce logement",
    "es": "esta vivienda",
    "ro": "acestei locuințe",
    "sq": "kësaj banese",
    "uk": "цього житла",
    "zh": "这套",
    "bn": "এই SAP",
    "ar": "هذا البيت",
    "ur": "اس SAP",
}


def test_the_tenancy_question_asks_what_the_rule_asks_in_every_language(client):
    """Since when an assignee of A SAP home: a tenant who moved between SAP homes gives the
    first assignment's day, and is not refused for the move."""
    answer_all(client, "it", ANSWERS[:2])
    for lang in LANGS:
        page = text(client.get(url(lang, "assegnazione")))
        question = matched(r'<label class="form-label form-label--heading"[^>]*>([^<]+)<', page, 1)
        assert "SAP" in question and THIS_HOME[lang] not in question, (lang, question)
        hint = matched(r'id="tenancy_start-hint">([^<]+)<', page, 1)
        assert "SAP" in hint, (lang, hint)  # it says what to write after a move
    # Moved to this home two months ago, assignee of SAP homes since 2020: eligible.
    moved = answer(client, "it", "assegnazione", {"tenancy_start_text": "15/01/2020"})
    assert moved.headers["Location"] == url("it", "morosita")


def test_district_heating_counts_as_centralised_and_i_dont_know_goes_on(client, service):
    page = text(client.get(url("it", "riscaldamento")))
    assert "teleriscaldamento" in matched(r'id="heating-hint">([^<]+)<', page, 1)
    assert 'value="unknown"' in page and "Non lo so" in page
    assert "Puoi andare avanti: il team controlla allo sportello." in page
    english = text(client.get(url("en", "riscaldamento")))
    assert "district heating" in english and "I don't know" in english

    answers = [("riscaldamento", {"heating": "unknown"}), ("fascia", {"band": "unknown"})]
    answer_all(client, "it", [*answers, *ANSWERS[2:]])  # neither is a refusal
    key = fill_details(client)
    check = text(client.get(url("it", "controlla")))
    assert check.count("Non lo so: lo controlla il team") == 2
    reference = send(client, "it", key).headers["Location"].rsplit("/", 1)[1]
    row = stored(service, reference)
    assert (row["heating"], row["band"]) == ("unknown", "unknown")  # marked for the team


def test_the_team_sees_what_to_check_in_the_detail_and_the_export(client, service):
    from tests.test_staff import logged_in

    answer_all(client, "it", [ANSWERS[0], ("fascia", {"band": "unknown"}), *ANSWERS[2:]])
    key = fill_details(client)
    unknown_band = send(client, "it", key).headers["Location"].rsplit("/", 1)[1]
    other = service.test_client()
    answer_all(other)
    known = send(other, "it", fill_details(other)).headers["Location"].rsplit("/", 1)[1]

    desk = logged_in(service)
    detail = text(desk.get(f"/staff/pre-domande/{unknown_band}"))
    assert "<dt>Fascia</dt><dd><strong data-to-check>non la sa: da verificare</strong>" in detail
    assert "Centralizzato" in detail or "centralizzato" in detail
    export = desk.get("/staff/pre-domande/export.csv").get_data(as_text=True)
    header, *rows = export.lstrip("\ufeff").splitlines()
    assert header.split(";")[-1] == "da_verificare"
    by_reference = {row.split(";")[0]: row.split(";")[-1] for row in rows}
    assert by_reference == {unknown_band: "fascia", known: ""}


@pytest.mark.parametrize("typed", ["15.000", "15.000,00", "15 000", "€ 15.000", "15000 euro"])
def test_fifteen_thousand_as_italians_write_it_is_accepted(client, service, typed):
    answer_all(client, "it", ANSWERS[:4])
    response = answer(client, "it", "isee", {"isee": typed})
    assert (response.status_code, response.headers["Location"]) == (303, url("it", "dati"))
    key = fill_details(client)
    reference = send(client, "it", key).headers["Location"].rsplit("/", 1)[1]
    assert stored(service, reference)["isee"] == "15000.00"  # the maximum, included


def test_an_isee_that_reads_two_ways_is_refused_with_how_to_write_it(client):
    answer_all(client, "it", ANSWERS[:4])
    for typed in ("15.000.00", "0,500", "1234,567"):
        response = answer(client, "it", "isee", {"isee": typed})
        assert response.status_code == 422
        message = inline_error(response, "isee")
        assert message.startswith(f"Non è chiaro se «{typed}» sono migliaia o decimali.")
        assert "per esempio 12.345,67" in message


def test_change_this_answer_on_the_exit_page_keeps_the_others(client, service):
    answer_all(client, "it", ANSWERS[:4])
    out = answer(client, "it", "isee", {"isee": "15.000,01"})  # one mis-typed cent
    assert out.headers["Location"] == url("it", "non-ammissibile")
    page = text(client.get(url("it", "non-ammissibile")))
    link = matched(r'<a href="([^"]+)" data-change-answer>Cambia questa risposta', page, 1)
    assert link == url("it", "isee")
    # Nothing later can be reached while the answer breaks a rule.
    for place in ("dati", "controlla"):
        assert client.get(url("it", place)).headers["Location"] == url("it", "non-ammissibile")
    # The question again, with what was typed; every earlier answer is still there.
    again = client.get(link)
    assert again.status_code == 200 and 'value="15.000,01"' in control(again, "isee")
    assert "checked" in control(client.get(url("it", "riscaldamento")), "heating")
    fixed = answer(client, "it", "isee", {"isee": "15.000,00"})
    assert fixed.headers["Location"] == url("it", "dati")  # straight on, nothing asked again
    key = fill_details(client)
    assert send(client, "it", key).status_code == 303
    assert count(service, "pre_applications") == 1


def test_change_the_plan_answer_and_start_again(client):
    answer_all(client, "it", ANSWERS[:3])
    answer(client, "it", "morosita", {"arrears": "yes"})
    answer(client, "it", "piano-di-rientro", {"repayment_plan": "no"})
    page = text(client.get(url("en", "non-ammissibile")))
    assert f'href="{url("en", "piano-di-rientro")}" data-change-answer>Change this answer' in page
    assert "We have not sent your answers: the team does not see them." in page
    # Arrears, before the plan, can be changed too: then the plan is not asked at all.
    assert client.get(url("it", "morosita")).status_code == 200
    assert client.get(url("it", "isee")).headers["Location"] == url("it", "non-ammissibile")
    assert answer(client, "it", "morosita", {"arrears": "no"}).headers["Location"] == url(
        "it", "isee"
    )
    # Starting again forgets every answer: no old answer brings the exit page back.
    answer(client, "it", "isee", {"isee": "20.000"})
    restart = client.post(url("it", "ricomincia"))
    assert (restart.status_code, restart.headers["Location"]) == (303, url("it", "riscaldamento"))
    assert "checked" not in control(client.get(url("it", "riscaldamento")), "heating")
    assert client.get(url("it", "non-ammissibile")).headers["Location"] == url(
        "it", "riscaldamento"
    )


def test_the_application_window_has_no_answer_to_change(make_app, project):
    """Closed window: the exit page says so and offers no "change this answer"."""
    path = project / "content" / "heating-grant.yml"
    source = path.read_text()
    assert "    closes: null  # da confermare\n" in source
    path.write_text(
        source.replace("    closes: null  # da confermare\n", "    closes: 2020-01-01\n")
    )
    client = make_app().test_client()
    response = answer(client, "it", "riscaldamento", {"heating": "centralized"})
    assert response.headers["Location"] == url("it", "non-ammissibile")
    page = text(client.get(url("it", "non-ammissibile")))
    assert "Il periodo per fare domanda è finito" in page and "data-change-answer" not in page
    assert client.get(url("it", "riscaldamento")).headers["Location"] == url(
        "it", "non-ammissibile"
    )


def test_staff_forms_name_the_fields_in_the_summary(service):
    from tests.test_staff import csrf, logged_in

    desk = logged_in(service)
    token = csrf(desk, "/staff/pre-domande/nuova")
    response = desk.post("/staff/pre-domande/nuova", data={"csrf_token": token, "lang": "it"})
    assert response.status_code == 422
    lines = dict(summary_items(response))
    assert lines["#full_name"] == "Compila «Nome e cognome»: serve per andare avanti."
    assert lines["#heating"] == "Scegli una risposta per «Riscaldamento»."
    assert lines["#tenancy_start"] == "Compila «Assegnatario dal»: serve per andare avanti."
    assert len(set(lines.values())) == len(lines)  # no line says the same as another


# --- Italian in place of a missing translation says so ------------------------------------------


class _Attributes(HTMLParser):
    """Every attribute value of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.values += [value or "" for _name, value in attrs]


def test_italian_in_place_of_a_missing_translation_is_marked(make_app, project):
    """As on the site: a text shown in Italian because its translation is missing says so,
    lang="it", with dir="ltr" on a right-to-left page, in the page and in forms.js's JSON; the
    event "assemblea" has no Arabic title. Never inside an attribute or the <title>."""
    missing = ("form_grant_title", "form_event_page_link", "error_required_field")
    for lang in ("ar", "fr"):
        path = project / f"site_config/strings/{lang}.yml"
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text(
            "".join(line for line in lines if not line.startswith(tuple(f"{k}:" for k in missing))),
            encoding="utf-8",
        )
    add_event(project)
    client = make_app().test_client()
    italian = "Pre-domanda per il contributo per il riscaldamento"
    start = client.get(url("ar")).get_data(as_text=True)
    assert f'<h1><span lang="it" dir="ltr">{italian}</span></h1>' in start
    assert f"<title>{italian} – " in start  # the <title> holds text only
    french = client.get(url("fr")).get_data(as_text=True)
    assert f'<h1><span lang="it">{italian}</span></h1>' in french  # same direction: lang only
    event = client.get("/moduli/ar/eventi/assemblea/").get_data(as_text=True)
    heading = matched(r"<h1>(.*?)</h1>", event, 1)  # Arabic words, the Italian title marked
    assert heading.endswith('<span lang="it" dir="ltr">Assemblea di condominio</span>')
    assert not heading.startswith("<span")
    assert re.search(r'<a href="[^"]+"><span lang="it" dir="ltr">Leggi tutto', event)
    english = client.get("/moduli/en/eventi/assemblea/").get_data(as_text=True)
    assert "<span lang=" not in english  # nothing fell back
    for page in (start, french, event):
        parser = _Attributes()
        parser.feed(page)
        assert not [value for value in parser.values if "<" in value]
    # A field's error that fell back: marked in the page, and its language in forms.js's JSON.
    posted = client.post("/moduli/ar/eventi/assemblea/", data={"website": ""})
    assert posted.status_code == 422
    assert re.search(
        r'<span data-message><span lang="it" dir="ltr">Compila «[^»]+»', text(posted)
    ), text(posted)
    body = client.post("/moduli/ar/eventi/assemblea/", data={"website": ""}, headers=JSON)
    answer = body.get_json()
    assert (
        answer["errors_lang"]["full_name"] == "it" and answer["summary_lang"]["full_name"] == "it"
    )
    assert answer["errors_lang"]["consent"] == "ar"  # translated: Arabic
