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


def assert_field_error(response, field: str, message: str):
    assert inline_error(response, field) == message
    assert (f"#{field}", message) in summary_items(response)
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
    assert "hai un ISEE valido da 9.360,01\xa0€ a 15.000,00\xa0€ (compresi);" in page
    assert f'href="{url("it", "riscaldamento")}"' in page

    questions = [
        "Che riscaldamento ha la tua casa?",
        "Qual è la tua fascia SAP?",
        "Da quando sei assegnatario di questa casa SAP?",
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
    assert "Your desk" in page and "Wednesday 9:00\u202fAM–12:00\u202fPM" in page
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
    assert client.get(url("it", "non-ammissibile")).headers["Location"] == url("it")
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
    "band unknown": (
        [ANSWERS[0], ("fascia", {"band": "unknown"})],
        "Per sapere se puoi avere il contributo serve la tua fascia SAP.",
    ),
    "tenancy": (
        [*ANSWERS[:2], ("assegnazione", {"tenancy_start_text": "RECENT"})],
        "da almeno 12 mesi. Potrai chiederlo dal ",
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
        "9.360,01\xa0€ e 15.000,00\xa0€ (compresi).",
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
    assert "Non abbiamo salvato le tue risposte." in page
    if case == "tenancy":
        eligible_from = add_months(start, 12)
        assert f"Potrai chiederlo dal {format_date(eligible_from, 'long', locale='it')}." in page
        assert (
            f"Puoi fare la pre-domanda dal {format_date(eligible_from, 'full', locale='it')}."
            in page
        )
    # Nothing kept: not in the database, not in the session.
    assert count(service, "pre_applications") == 0
    assert "checked" not in client.get(url("it", "riscaldamento")).get_data(as_text=True)
    assert client.get(url("it", "fascia")).headers["Location"] == url("it", "riscaldamento")


def test_exit_page_in_english(client):
    answer(client, "en", "riscaldamento", {"heating": "autonomous"})
    page = text(client.get(url("en", "non-ammissibile")))
    assert "With these answers you cannot make the pre-application" in page
    assert "The contribution is not for homes with individual heating." in page
    assert "Wednesday 9:00\u202fAM–12:00\u202fPM" in page and "Thursday" in page


# --- errors next to the fields and in the summary -------------------------------------------


def test_isee_error_in_italian_and_english_keeps_what_was_typed(client):
    answer_all(client, "it", ANSWERS[:4])
    messages = {
        "it": "Non è chiaro se «12.345» sono migliaia o decimali. Scrivi l'importo come sul "
        "certificato ISEE, con la virgola per i centesimi: per esempio 12.345,67.",
        "en": "It is not clear whether “12.345” means thousands or decimals. Write the amount as "
        "on your ISEE certificate, with a comma before the cents: for example 12.345,67.",
    }
    for lang, message in messages.items():
        response = answer(client, lang, "isee", {"isee": "12.345"})
        assert response.status_code == 422
        assert_field_error(response, "isee", message)
        assert 'value="12.345"' in control(response, "isee")
        assert (
            "autofocus"
            in re.search(r'<div class="form-error-summary"[^>]*>', response.get_data(as_text=True))[
                0
            ]
        )
        assert f'<html lang="{lang}" dir="ltr">' in response.get_data(as_text=True)


def test_empty_details_list_every_error_in_the_form_order(client):
    answer_all(client)
    expected = {
        "it": [
            ("full_name", "Questo campo è obbligatorio: compilalo per andare avanti."),
            (
                "phone",
                "Scrivi almeno un numero di telefono o un indirizzo email, così "
                "possiamo ricontattarti.",
            ),
            ("address", "Questo campo è obbligatorio: compilalo per andare avanti."),
            ("household_size", "Questo campo è obbligatorio: compilalo per andare avanti."),
            ("preferred_desk", "Scegli una risposta per andare avanti."),
            ("consent", "Per inviare il modulo devi accettare l'informativa sulla privacy."),
        ],
        "en": [
            ("full_name", "This field is required: fill it in to continue."),
            (
                "phone",
                "Write at least a phone number or an e-mail address, so that we can contact you.",
            ),
            ("address", "This field is required: fill it in to continue."),
            ("household_size", "This field is required: fill it in to continue."),
            ("preferred_desk", "Choose an answer to continue."),
            ("consent", "To send the form you must accept the privacy notice."),
        ],
    }
    for lang, errors in expected.items():
        response = client.post(url(lang, "dati"), data={"submission_id": "k" * 36, "website": ""})
        assert response.status_code == 422
        assert summary_items(response) == [(f"#{field}", message) for field, message in errors]
        for field, message in errors:
            assert_field_error(response, field, message)
        assert 'name="submission_id" value="' + "k" * 36 in response.get_data(as_text=True)
    wrong = client.post(url("it", "dati"), data={**DETAILS, "household_size": "0", "email": "x@"})
    assert summary_items(wrong) == [
        ("#email", "Scrivi un indirizzo email valido, per esempio nome@esempio.it."),
        ("#household_size", "Scrivi un numero da 1 a 20."),
    ]
    assert 'value="x@"' in control(wrong, "email")


def test_unanswered_question_and_typed_date_errors(client):
    response = answer(client, "it", "riscaldamento", {})
    assert response.status_code == 422
    assert_field_error(response, "heating", "Scegli una risposta per andare avanti.")
    answer_all(client, "it", ANSWERS[:2])
    response = answer(
        client, "en", "assegnazione", {"tenancy_start": "", "tenancy_start_text": "31/02/2020"}
    )
    assert response.status_code == 422
    message = "Write the date like this: day/month/year, for example 31/01/2025."
    assert inline_error(response, "tenancy_start") == message
    assert summary_items(response) == [("#tenancy_start", message)]
    assert 'value="31/02/2020"' in control(response, "tenancy_start_text")
    assert re.search(r'<details class="form-details" open>', response.get_data(as_text=True))
    # The typed fallback, written the Italian way, is accepted.
    accepted = answer(client, "it", "assegnazione", {"tenancy_start_text": "15/1/2020"})
    assert accepted.headers["Location"] == url("it", "morosita")


def test_javascript_gets_json_errors_and_redirects(client, service):
    answer_all(client, "it", ANSWERS[:4])
    wrong = answer(client, "it", "isee", {"isee": "12.345"}, headers=JSON)
    assert wrong.status_code == 422 and wrong.mimetype == "application/json"
    assert wrong.get_json() == {
        "errors": {
            "isee": (
                "Non è chiaro se «12.345» sono migliaia o decimali. Scrivi l'importo come sul "
                "certificato ISEE, con la virgola per i centesimi: per esempio 12.345,67."
            )
        }
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
    assert target == "#preferred_desk" and message.startswith("Scegli una di queste risposte")
    assert inline_error(response, "preferred_desk") == message
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
    assert_field_error(wrong, "people", "Scrivi un numero da 1 a 3.")
    assert_field_error(
        wrong, "consent", "Per inviare il modulo devi accettare l'informativa sulla privacy."
    )
    english = client.post("/moduli/en/eventi/assemblea/", data={"people": "1"})
    assert [field for field, _ in summary_items(english)] == ["#full_name", "#phone", "#consent"]
    assert_field_error(
        english,
        "phone",
        "Write at least a phone number or an e-mail address, so that we can contact you.",
    )
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
    assert client.get(cancel).status_code == 405  # opening a link never cancels
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
