"""The JSON API end to end, through Flask's test client, on SQLite AND PostgreSQL.

Every test that takes ``client`` or ``service`` runs twice (``database_url`` is
parametrized in conftest). Messages are asserted by their real text, so a
missing translation or a wrong fallback shows up here.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.model import load
from tests.conftest import add_event, local_now
from tests.helpers import QUESTION, ROOT

PRE_APPLICATIONS = "/api/heating-grant/pre-applications"
ELIGIBILITY = "/api/heating-grant/eligibility"
REGISTER = "/api/events/assemblea/registrations"
SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
)

PRE_APPLICATION = {
    **QUESTION,
    "full_name": "Maria Rossi",
    "phone": "035 123456",
    "email": "maria@example.it",
    "address": "Via Roma 1, Bergamo",
    "household_size": 3,
    "repayment_plan": False,
    "preferred_desk": "celadina",
    "consent": True,
}
PERSON = {"full_name": "Anna Bianchi", "email": "anna@example.it", "people": 1, "consent": True}


# --- helpers ---------------------------------------------------------------------------------


def count(service, table: str, where: str = "", params=()) -> int:
    db = service.extensions["portal_db"]
    conn = db.connect()
    try:
        return db.one(conn, f"SELECT COUNT(*) AS n FROM {table} {where}", params)["n"]
    finally:
        conn.close()


def assert_security_headers(response):
    for name in SECURITY_HEADERS:
        assert name in response.headers, f"{name} missing on {response.status_code}"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def assert_json_error(response, status: int, code: str, message_part: str):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["error"]["code"] == code
    assert message_part in body["error"]["message"], body["error"]["message"]
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and 'File "' not in text
    assert_security_headers(response)


def own_email(name: str) -> str:
    """Each person signs up with their own address: one e-mail signs up once per event."""
    return name.lower().replace(" ", ".") + "@example.it"


def sign_up(client, name: str, people: int = 1, **extra):
    body = {**PERSON, "full_name": name, "email": own_email(name), "people": people, **extra}
    response = client.post(REGISTER, json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def status_of(client, registration: dict) -> str:
    response = client.get(
        f"/api/registrations/{registration['reference']}",
        query_string={"token": registration["cancel_token"]},
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()["status"]


def cancel(client, registration: dict, token: str | None = None, **kwargs):
    return client.post(
        f"/api/registrations/{registration['reference']}/cancel",
        json={"token": registration["cancel_token"] if token is None else token},
        **kwargs,
    )


@pytest.fixture
def make_app(project, database_url):
    """Another app on the same project and database, with some settings changed."""
    from forms_service import create_app

    def make(**overrides):
        settings = {
            "PORTAL_DATABASE_URL": database_url,
            "PORTAL_RATE_LIMITS": "off",
            "PORTAL_SECRET_KEY": "test-secret",
            **overrides,
        }
        app = create_app(settings, root=project)
        app.config["TESTING"] = True
        return app

    return make


# --- health and contract --------------------------------------------------------------------


def test_health(client):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"
    assert response.get_json()["languages"] == list(load(ROOT).codes)
    assert_security_headers(response)


def _openapi_paths_of(service) -> set[tuple[str, str]]:
    found = set()
    for rule in service.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.rule == "/api/openapi.json":
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((path, method.lower()))
    return found


def test_openapi_is_valid_and_matches_the_routes(client, service):
    import jsonschema
    from schemathesis.specs.openapi.definitions import OPENAPI_30  # the official 3.0 schema

    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.0")
    errors = [
        f"{list(e.absolute_path)}: {e.message[:200]}"
        for e in jsonschema.Draft4Validator(OPENAPI_30).iter_errors(document)
    ]
    assert errors == []
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert documented == _openapi_paths_of(service)
    # Enumerations come from the content.
    schemas = document["components"]["schemas"]
    assert schemas["PreApplication"]["properties"]["preferred_desk"]["enum"] == [
        "celadina",
        "colognola",
        "conca-fiorita-lazzaretto",
    ]
    assert schemas["Registration"]["properties"]["lang"]["enum"] == list(load(ROOT).codes)


# --- eligibility ------------------------------------------------------------------------------


def test_eligibility_eligible_and_stores_nothing(client, service):
    response = client.post(ELIGIBILITY, json=QUESTION)
    assert response.status_code == 200
    assert response.get_json() == {"eligible": True, "reasons": []}
    assert count(service, "pre_applications") == 0
    assert_security_headers(response)


@pytest.mark.parametrize(
    "isee, eligible, code",
    [
        ("9.360,00", False, "isee_below"),
        ("9.360,01", True, None),
        ("15.000,00", True, None),
        ("15000,01", False, "isee_above"),
        ("€ 12.345,67", True, None),
        (9360.01, True, None),
        (9360, False, "isee_below"),
    ],
)
def test_eligibility_isee_boundaries(client, isee, eligible, code):
    response = client.post(ELIGIBILITY, json={**QUESTION, "isee": isee})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["eligible"] is eligible
    assert [r["code"] for r in body["reasons"]] == ([code] if code else [])


def test_eligibility_messages_in_italian_english_and_fallback(client):
    below = {**QUESTION, "isee": "9.360,00"}
    italian = client.post(ELIGIBILITY, json=below).get_json()["reasons"][0]["message"]
    assert italian.startswith("Il tuo ISEE è più basso del minimo")
    assert "9.360,01\xa0€" in italian and "15.000\xa0€" in italian
    english = client.post(ELIGIBILITY, json={**below, "lang": "en"}).get_json()
    assert english["reasons"][0]["message"].startswith("Your ISEE is below the minimum")
    assert "9,360.01" in english["reasons"][0]["message"]
    # lang from the query string works too; an unknown language falls back to Italian.
    assert client.post(f"{ELIGIBILITY}?lang=en", json=below).get_json() == english
    for lang in ("xx", "EN ", "de"):
        body = client.post(ELIGIBILITY, json={**below, "lang": lang}).get_json()
        assert body["reasons"][0]["message"] == italian


def test_eligibility_ambiguous_isee_is_an_error_on_isee(client):
    response = client.post(ELIGIBILITY, json={**QUESTION, "isee": "12.345.67"})
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["isee"]
    assert response.get_json()["errors"]["isee"].startswith("Non è chiaro se «12.345.67»")
    english = client.post(ELIGIBILITY, json={**QUESTION, "isee": "12.345.67", "lang": "en"})
    assert english.get_json()["errors"]["isee"].startswith(
        "It is not clear whether “12.345.67” means thousands or decimals"
    )
    # One mark then three digits is thousands, as Italians write them (issue #10).
    fifteen = client.post(ELIGIBILITY, json={**QUESTION, "isee": "15.000"})
    assert fifteen.get_json() == {"eligible": True, "reasons": []}


def test_eligibility_every_rule_gives_its_reason(client):
    body = client.post(
        ELIGIBILITY,
        json={
            "tenancy_start": "2026-06-01",
            "heating": "autonomous",
            "band": "permanenza",
            "isee": "20.000,00",
            "arrears": True,
            "lang": "en",
        },
    ).get_json()
    assert body["eligible"] is False
    codes = [r["code"] for r in body["reasons"]]
    assert codes == [
        "tenancy_too_short",
        "heating_not_allowed",
        "band_not_allowed",
        "isee_above",
        "arrears_without_plan",
    ]
    messages = {r["code"]: r["message"] for r in body["reasons"]}
    assert "individual heating" in messages["heating_not_allowed"]
    assert "protection" not in messages["band_not_allowed"]
    assert 'continued tenancy ("permanenza")' in messages["band_not_allowed"]
    assert "at least 12 months" in messages["tenancy_too_short"]
    # Arrears are fine with a repayment plan.
    ok = client.post(ELIGIBILITY, json={**QUESTION, "arrears": True, "repayment_plan": True})
    assert ok.get_json() == {"eligible": True, "reasons": []}


def test_eligibility_missing_and_wrong_fields(client):
    response = client.post(ELIGIBILITY, json={"lang": "en"})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"tenancy_start", "heating", "band", "isee", "arrears"}
    assert errors["heating"] == "This field is required: fill it in to continue."
    italian = client.post(ELIGIBILITY, json={**QUESTION, "heating": "gas", "arrears": "forse"})
    assert italian.status_code == 422
    assert italian.get_json()["errors"] == {
        "heating": "Scegli una di queste risposte: centralized, autonomous, unknown.",
        "arrears": "Rispondi sì o no.",
    }


# --- pre-applications -------------------------------------------------------------------------


def test_pre_application_created_then_replayed_with_the_same_key(client, service):
    headers = {"Idempotency-Key": "pre-app-key-0001"}
    first = client.post(PRE_APPLICATIONS, json=PRE_APPLICATION, headers=headers)
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert re.fullmatch(r"C-[A-Z0-9]{4}-[A-Z0-9]{4}", body["reference"])
    assert body["status"] == "received"
    assert body["desk"]["id"] == "celadina"
    assert first.headers["Idempotent-Replayed"] == "false"
    assert first.headers["Cache-Control"] == "no-store"
    assert_security_headers(first)
    again = client.post(PRE_APPLICATIONS, json=PRE_APPLICATION, headers=headers)
    assert again.status_code == 201
    assert again.get_json()["reference"] == body["reference"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count(service, "pre_applications") == 1
    # Without a key, a second submission is a second record.
    other = client.post(PRE_APPLICATIONS, json=PRE_APPLICATION)
    assert other.status_code == 201
    assert other.get_json()["reference"] != body["reference"]
    assert count(service, "pre_applications") == 2


def test_pre_application_stored_values(client, service):
    response = client.post(
        PRE_APPLICATIONS,
        json={
            **PRE_APPLICATION,
            "lang": "en",
            "full_name": "  Maria   Rossi ",
            "email": "Maria@Example.IT",
        },
    )
    assert response.status_code == 201
    db = service.extensions["portal_db"]
    conn = db.connect()
    try:
        row = db.one(
            conn,
            "SELECT * FROM pre_applications WHERE reference = ?",
            (response.get_json()["reference"],),
        )
    finally:
        conn.close()
    assert row["full_name"] == "Maria Rossi"
    assert row["email"] == "Maria@example.it"
    assert row["isee"] == "12345.67"
    assert row["tenancy_start"] == "2020-01-15"
    assert row["lang"] == "en"
    assert bool(row["arrears"]) is False and row["household_size"] == 3


@pytest.mark.parametrize("contact", [{"phone": "035 123456"}, {"email": "maria@example.it"}])
def test_pre_application_with_only_one_contact(client, service, contact):
    data = {k: v for k, v in PRE_APPLICATION.items() if k not in ("phone", "email")}
    response = client.post(PRE_APPLICATIONS, json={**data, **contact})
    assert response.status_code == 201, response.get_json()
    assert count(service, "pre_applications") == 1


def test_pre_application_without_any_contact(client, service):
    data = {k: v for k, v in PRE_APPLICATION.items() if k not in ("phone", "email")}
    response = client.post(PRE_APPLICATIONS, json={**data, "lang": "en"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "phone": "Write at least a phone number or an e-mail address, so that we can contact you."
    }


def test_pre_application_not_eligible_stores_nothing(client, service):
    response = client.post(
        PRE_APPLICATIONS, json={**PRE_APPLICATION, "isee": "9.360,00", "lang": "en"}
    )
    assert response.status_code == 422
    body = response.get_json()
    assert body["eligible"] is False
    assert body["reasons"][0]["code"] == "isee_below"
    assert body["reasons"][0]["message"].startswith("Your ISEE is below the minimum")
    assert count(service, "pre_applications") == 0
    assert count(service, "idempotency_keys") == 0


def test_pre_application_invalid_fields_in_both_languages(client, service):
    bad = {
        **PRE_APPLICATION,
        "household_size": 0,
        "preferred_desk": "milano",
        "email": "not-an-email",
        "consent": False,
        "tenancy_start": "31/02/2020",
    }
    italian = client.post(PRE_APPLICATIONS, json=bad)
    assert italian.status_code == 422
    assert italian.get_json()["errors"] == {
        "household_size": "Scrivi un numero da 1 a 20.",
        "preferred_desk": "Scegli una di queste risposte: celadina, colognola, "
        "conca-fiorita-lazzaretto.",
        "email": "Scrivi un indirizzo email valido, per esempio nome@esempio.it.",
        "consent": "Per inviare il modulo devi accettare l'informativa sulla privacy.",
        "tenancy_start": "La data «31/02/2020» non esiste: controlla il giorno e il mese.",
    }
    english = client.post(PRE_APPLICATIONS, json={**bad, "lang": "en"}).get_json()["errors"]
    assert english["household_size"] == "Write a number from 1 to 20."
    assert english["consent"] == "To send the form you must accept the privacy notice."
    fallback = client.post(PRE_APPLICATIONS, json={**bad, "lang": "de"}).get_json()["errors"]
    assert fallback == italian.get_json()["errors"]
    assert count(service, "pre_applications") == 0


def test_pre_application_unknown_fields_are_refused(client, service):
    response = client.post(
        PRE_APPLICATIONS,
        json={**PRE_APPLICATION, "is_admin": True, "status": "approved", "lang": "en"},
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "is_admin": "This field is not part of the form.",
        "status": "This field is not part of the form.",
    }
    assert count(service, "pre_applications") == 0


@pytest.mark.parametrize(
    "field, value, code_text",
    [
        ("household_size", True, "Scrivi un numero intero"),
        ("household_size", 2.5, "Scrivi un numero intero"),
        ("household_size", "3 persone", "Scrivi un numero intero"),
        ("household_size", 10**30, "Scrivi un numero da 1 a 20."),
        ("full_name", 123, "Scrivi qui un testo."),
        ("full_name", ["Maria"], "Scrivi qui un testo."),
        ("full_name", {"first": "Maria"}, "Scrivi qui un testo."),
        ("full_name", "M", "Il testo è troppo corto"),
        ("full_name", "M" * 101, "Il testo è troppo lungo: scrivi al massimo 100 caratteri."),
        ("full_name", "Maria\x00Rossi", "caratteri speciali"),
        ("address", "x" * 201, "Il testo è troppo lungo: scrivi al massimo 200 caratteri."),
        ("email", "a" * 250 + "@example.it", "indirizzo email valido"),
        ("email", 42, "indirizzo email valido"),
        ("phone", 35123456, "numero di telefono valido"),
        ("phone", "chiamami", "numero di telefono valido"),
        ("isee", True, "Non riusciamo a leggere"),
        ("isee", [12000], "Non riusciamo a leggere"),
        ("isee", "-500", "Non riusciamo a leggere"),
        ("isee", 1e300, "Non riusciamo a leggere"),
        ("isee", 12000.123, "Non è chiaro se"),
        ("arrears", "forse", "Rispondi sì o no."),
        ("arrears", 2, "Rispondi sì o no."),
        ("heating", ["centralized"], "Scegli una di queste risposte"),
        ("tenancy_start", 20200115, "Scrivi la data così"),
        ("tenancy_start", "2999-01-01", "Questa data è nel futuro"),
        ("tenancy_start", "1900-01-01", "troppo lontana nel passato"),
        ("consent", "forse", "Rispondi sì o no."),
        ("consent", None, "Questo campo è obbligatorio"),
    ],
)
def test_pre_application_wrong_types_and_lengths_are_422(client, service, field, value, code_text):
    response = client.post(PRE_APPLICATIONS, json={**PRE_APPLICATION, field: value})
    assert response.status_code == 422, response.get_data(as_text=True)
    errors = response.get_json()["errors"]
    assert list(errors) == [field]
    assert code_text in errors[field]
    assert count(service, "pre_applications") == 0


def test_pre_application_form_encoded_with_submission_id(client, service):
    form = {
        **{k: str(v) for k, v in PRE_APPLICATION.items()},
        "arrears": "no",
        "consent": "on",
        "submission_id": "form-submission-0001",
        "website": "",
    }
    first = client.post(PRE_APPLICATIONS, data=form)
    assert first.status_code == 201, first.get_json()
    again = client.post(PRE_APPLICATIONS, data=form)
    assert again.status_code == 201
    assert again.get_json()["reference"] == first.get_json()["reference"]
    assert count(service, "pre_applications") == 1
    invalid = client.post(
        PRE_APPLICATIONS, data={**form, "household_size": "tre", "lang": "en", "submission_id": ""}
    )
    assert invalid.status_code == 422
    assert invalid.get_json()["errors"] == {
        "household_size": "Write a whole number, with digits only: for example 3."
    }


def test_idempotency_key_of_another_form_is_refused(client, service):
    headers = {"Idempotency-Key": "shared-key-00001"}
    assert client.post(PRE_APPLICATIONS, json=PRE_APPLICATION, headers=headers).status_code == 201
    response = client.post(f"{REGISTER}?lang=en", json=PERSON, headers=headers)
    assert_json_error(response, 422, "key_reused", "already used for another form")
    assert count(service, "registrations") == 0


@pytest.mark.parametrize("key", ["short", "has spaces in it", "x" * 101, "chiave-è-strana"])
def test_malformed_idempotency_key_is_400(client, service, key):
    response = client.post(
        PRE_APPLICATIONS,
        json=PRE_APPLICATION,
        headers={"Idempotency-Key": key.encode().decode("latin-1")},
    )
    assert_json_error(response, 400, "bad_request", "La richiesta non è valida")
    assert count(service, "pre_applications") == 0


@pytest.mark.parametrize("key", ["form-key-0001\n", "short", 1234, ["form-key-0001"]])
def test_malformed_submission_id_is_400(client, service, key):
    response = client.post(PRE_APPLICATIONS, json={**PRE_APPLICATION, "submission_id": key})
    assert_json_error(response, 400, "bad_request", "La richiesta non è valida")
    form = {**{k: str(v) for k, v in PERSON.items()}, "submission_id": str(key)}
    assert client.post(REGISTER, data=form).status_code == 400
    assert count(service, "pre_applications") == 0
    assert count(service, "registrations") == 0


# --- bodies, sizes, media types --------------------------------------------------------------


def test_text_plain_is_415(client):
    response = client.post(
        f"{PRE_APPLICATIONS}?lang=en", data="full_name=Maria", content_type="text/plain"
    )
    assert_json_error(response, 415, "media_type", "The format of the data you sent is not")
    italian = client.post(ELIGIBILITY, data="ciao", content_type="text/plain")
    assert_json_error(italian, 415, "media_type", "Il formato dei dati inviati non è supportato")


DEEP = "[" * 5000 + "]" * 5000  # deeper than Python's json can parse


@pytest.mark.parametrize(
    "body",
    ["{", "[1, 2]", "null", '"text"', '{"a": 1e999999}', DEEP, '{"a": ' + DEEP + "}", "\xff\xfe{}"],
)
def test_json_that_is_not_an_object_is_400(client, body):
    response = client.post(ELIGIBILITY, data=body, content_type="application/json")
    assert response.status_code in (400, 422)
    assert response.status_code != 400 or response.get_json()["error"]["code"] == "bad_request"
    assert_security_headers(response)


def test_body_over_the_limit_is_413(client, service):
    limit = service.config["MAX_CONTENT_LENGTH"]
    assert limit == 16384
    big = {**PRE_APPLICATION, "address": "x" * (limit + 10)}
    response = client.post(f"{PRE_APPLICATIONS}?lang=en", json=big)
    assert_json_error(response, 413, "too_large", "You sent too much data")
    form = client.post(PRE_APPLICATIONS, data={"address": "x" * (limit + 10)})
    assert_json_error(form, 413, "too_large", "Hai inviato troppi dati")
    assert count(service, "pre_applications") == 0


def test_smaller_request_limit_from_settings(make_app):
    app = make_app(PORTAL_MAX_REQUEST_BYTES="200")
    response = app.test_client().post(ELIGIBILITY, json={**QUESTION, "x": "y" * 200})
    assert response.status_code == 413


# --- bots and other sites ---------------------------------------------------------------------


def test_honeypot_is_400_and_stores_nothing(client, service):
    response = client.post(PRE_APPLICATIONS, json={**PRE_APPLICATION, "website": "http://spam"})
    assert_json_error(response, 400, "rejected", "Non possiamo accettare questo invio")
    english = client.post(REGISTER, json={**PERSON, "website": "spam", "lang": "en"})
    assert_json_error(english, 400, "rejected", "We cannot accept this submission")
    form = client.post(REGISTER, data={**{k: str(v) for k, v in PERSON.items()}, "website": "x"})
    assert form.status_code == 400
    assert count(service, "pre_applications") == 0
    assert count(service, "registrations") == 0
    assert count(service, "idempotency_keys") == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "http://localhost.evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "http://localhost", "Sec-Fetch-Site": "cross-site"},
    ],
)
def test_cross_site_posts_are_403(client, service, headers):
    for url, body in (
        (PRE_APPLICATIONS, PRE_APPLICATION),
        (REGISTER, PERSON),
        (ELIGIBILITY, QUESTION),
    ):
        response = client.post(f"{url}?lang=en", json=body, headers=headers)
        assert_json_error(response, 403, "forbidden", "This request is not allowed")
    assert count(service, "pre_applications") == 0
    assert count(service, "registrations") == 0


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Origin": "http://localhost"},
        {"Origin": "http://localhost/", "Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},
    ],
)
def test_same_origin_posts_are_fine(client, headers):
    assert client.post(PRE_APPLICATIONS, json=PRE_APPLICATION, headers=headers).status_code == 201
    assert client.post(REGISTER, json=PERSON, headers=headers).status_code == 201


def test_cross_site_reads_are_allowed(client):
    response = client.get(
        "/api/events", headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 200


def test_trusted_origins_from_settings(make_app):
    app = make_app(PORTAL_TRUSTED_ORIGINS="https://portal.example.org/, https://b.example")
    client = app.test_client()
    for origin in ("https://portal.example.org", "https://b.example"):
        # What a browser sends from there: the Origin, and same-site or cross-site.
        for site in (None, "same-site", "cross-site"):
            headers = {"Origin": origin, **({"Sec-Fetch-Site": site} if site else {})}
            response = client.post(ELIGIBILITY, json=QUESTION, headers=headers)
            assert response.status_code == 200, headers
    for headers in (
        {"Origin": "https://c.example"},
        {"Origin": "https://c.example", "Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "http://localhost", "Sec-Fetch-Site": "cross-site"},
    ):
        assert client.post(ELIGIBILITY, json=QUESTION, headers=headers).status_code == 403


# --- errors never leak ------------------------------------------------------------------------


def test_404_and_405_are_json_without_traceback(client):
    assert_json_error(client.get("/api/nothing-here"), 404, "not_found", "Pagina non trovata.")
    assert_json_error(client.get("/api/nothing-here?lang=en"), 404, "not_found", "Page not found.")
    assert_json_error(
        client.get("/api/nothing-here?lang=xx"), 404, "not_found", "Pagina non trovata."
    )
    response = client.get(f"{ELIGIBILITY}?lang=en")
    assert_json_error(response, 405, "method_not_allowed", "This action is not allowed")
    assert "POST" in response.headers["Allow"]
    assert_json_error(
        client.delete("/api/events"), 405, "method_not_allowed", "Questa azione non è permessa"
    )
    assert_json_error(client.put(REGISTER, json=PERSON), 405, "method_not_allowed", "permessa")


def test_a_crash_is_a_json_500_without_traceback(client, service, caplog):
    """A real failure (the table is gone), not a mock: the answer says sorry, the log says where."""
    db = service.extensions["portal_db"]
    conn = db.connect()
    try:
        with db.transaction(conn):
            conn.execute("ALTER TABLE registrations RENAME TO registrations_gone")
    finally:
        conn.close()
    response = client.post(f"{REGISTER}?lang=en", json={**PERSON, "full_name": "Zelda Unica"})
    assert_json_error(response, 500, "server_error", "Something went wrong on our side.")
    assert "registrations" not in response.get_data(as_text=True)
    assert "unhandled" in caplog.text and "/api/events/assemblea/registrations" in caplog.text
    assert "Zelda Unica" not in caplog.text  # personal data stays out of the logs
    italian = client.post(REGISTER, json=PERSON)
    assert_json_error(italian, 500, "server_error", "Qualcosa non ha funzionato")


def test_security_headers_on_every_kind_of_response(client):
    responses = [
        client.get("/api/health"),
        client.get("/api/events"),
        client.get("/api/openapi.json"),
        client.post(ELIGIBILITY, json=QUESTION),
        client.post(ELIGIBILITY, json={}),
        client.post(PRE_APPLICATIONS, json=PRE_APPLICATION),
        client.post(PRE_APPLICATIONS, json={**PRE_APPLICATION, "website": "x"}),
        client.post(ELIGIBILITY, data="x", content_type="text/plain"),
        client.post(ELIGIBILITY, json=QUESTION, headers={"Origin": "https://evil.example"}),
        client.get("/api/nowhere"),
        client.get(ELIGIBILITY),
        client.get("/api/events/nowhere"),
        client.post(ELIGIBILITY, json={"x": "y" * 20000}),
    ]
    assert sorted({r.status_code for r in responses}) == [
        200,
        201,
        400,
        403,
        404,
        405,
        413,
        415,
        422,
    ]
    for response in responses:
        assert_security_headers(response)
        assert response.mimetype == "application/json"
    for response in responses[3:]:
        if response.request.method == "POST":
            assert response.headers["Cache-Control"] == "no-store"


# --- events and registrations -----------------------------------------------------------------


def test_events_list_and_one_event(client):
    response = client.get("/api/events?lang=en")
    assert response.status_code == 200
    events = {e["id"]: e for e in response.get_json()["events"]}
    assemblea = events["assemblea"]
    assert assemblea["title"] == "Building meeting"
    assert assemblea["capacity"] == 3 and assemblea["places_left"] == 3
    assert assemblea["waitlist_people"] == 0
    assert assemblea["signup"]["state"] == "open"
    assert assemblea["signup"]["opens"] < assemblea["signup"]["closes"] <= assemblea["start"]
    assert events["pulizia-celadina"]["signup"]["state"] == "to_be_confirmed"
    assert events["pulizia-celadina"]["places_left"] is None
    one = client.get("/api/events/assemblea")
    assert one.status_code == 200
    assert one.get_json()["title"] == "Assemblea di condominio"
    assert one.get_json()["places_left"] == 3
    assert_json_error(
        client.get("/api/events/nessuno"), 404, "event_unknown", "Questo evento non esiste."
    )
    assert_json_error(
        client.get("/api/events/nessuno?lang=en"),
        404,
        "event_unknown",
        "This event does not exist.",
    )


def test_places_left_go_down_then_waitlist(client, service):
    def event():
        return {e["id"]: e for e in client.get("/api/events").get_json()["events"]}["assemblea"]

    first = sign_up(client, "Prima Persona", people=2)
    assert first["status"] == "confirmed"
    assert first["message"] == "Sei iscritto: il tuo posto è confermato."
    assert event()["places_left"] == 1
    second = sign_up(client, "Seconda Persona", lang="en")
    assert second["status"] == "confirmed"
    assert second["message"] == "You are signed up: your place is confirmed."
    assert event()["places_left"] == 0
    third = sign_up(client, "Terza Persona", lang="en")
    assert third["status"] == "waitlisted"
    assert third["message"].startswith("The event is full: you are on the waiting list.")
    fourth = sign_up(client, "Quarta Persona", lang="de")
    assert fourth["status"] == "waitlisted"
    assert fourth["message"].startswith("L'evento è pieno: sei in lista d'attesa.")
    assert event()["places_left"] == 0 and event()["waitlist_people"] == 2
    assert count(service, "registrations", "WHERE status = ?", ("confirmed",)) == 2
    assert count(service, "registrations", "WHERE status = ?", ("waitlisted",)) == 2
    assert count(service, "event_places", "WHERE confirmed_people = ?", (3,)) == 1


def test_registration_validation(client, service):
    too_many = client.post(REGISTER, json={**PERSON, "people": 4})
    assert too_many.status_code == 422
    assert too_many.get_json()["errors"] == {"people": "Scrivi un numero da 1 a 3."}
    english = client.post(
        REGISTER, json={"lang": "en", "people": "two", "consent": "no", "full_name": 7, "extra": 1}
    )
    assert english.status_code == 422
    assert english.get_json()["errors"] == {
        "extra": "This field is not part of the form.",
        "full_name": "Write some text here.",
        "people": "Write a whole number, with digits only: for example 3.",
        "consent": "To send the form you must accept the privacy notice.",
        "phone": "Write at least a phone number or an e-mail address, so that we can contact you.",
    }
    for people in (0, -1, True, 1.0, "1.5", None):
        response = client.post(REGISTER, json={**PERSON, "people": people})
        assert response.status_code == 422, (people, response.get_json())
        assert list(response.get_json()["errors"]) == ["people"]
    assert count(service, "registrations") == 0


def test_registration_phone_only_and_form_encoded(client, service):
    body = {
        "full_name": "Mario Verdi",
        "phone": "+39 333 1234567",
        "people": "1",
        "consent": "on",
        "lang": "en",
    }
    response = client.post(REGISTER, data=body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["status"] == "confirmed"
    assert response.get_json()["message"] == "You are signed up: your place is confirmed."
    assert count(service, "registrations") == 1


def test_unknown_past_closed_and_unconfirmed_events(make_app, project, service):
    add_event(project, "chiuso", signup_open=False)
    text = (project / "content/events/chiuso.yml").read_text()
    past = local_now() - timedelta(days=2)
    fmt = "%Y-%m-%d %H:%M"
    for key, moment in (
        ("start", past),
        ("end", past + timedelta(hours=2)),
        ("opens", past - timedelta(days=10)),
        ("closes", past - timedelta(days=1)),
    ):
        text = re.sub(rf"^(\s*{key}): .*$", rf"\1: {moment.strftime(fmt)}", text, flags=re.M)
    (project / "content/events/passato.yml").write_text(text.replace("id: chiuso", "id: passato"))
    client = make_app().test_client()
    assert_json_error(
        client.post("/api/events/nessuno/registrations", json=PERSON),
        404,
        "event_unknown",
        "Questo evento non esiste.",
    )
    assert_json_error(
        client.post("/api/events/chiuso/registrations?lang=en", json=PERSON),
        409,
        "signup_closed",
        "Sign-up for this event is closed.",
    )
    assert_json_error(
        client.post("/api/events/chiuso/registrations", json={**PERSON, "lang": "en"}),
        409,
        "signup_closed",
        "Sign-up for this event is closed.",
    )
    assert_json_error(
        client.post("/api/events/passato/registrations", json=PERSON),
        409,
        "signup_past",
        "Questo evento è già passato.",
    )
    assert_json_error(
        client.post("/api/events/pulizia-celadina/registrations", json=PERSON),
        409,
        "signup_to_be_confirmed",
        "La data di questo evento è da confermare",
    )
    assert count(service, "registrations") == 0
    assert client.get("/api/events/chiuso").get_json()["signup"]["state"] == "closed"
    assert client.get("/api/events/passato").get_json()["signup"]["state"] == "past"


def test_registration_replayed_with_the_same_key(client, service):
    headers = {"Idempotency-Key": "registration-key-1"}
    first = client.post(REGISTER, json=PERSON, headers=headers)
    assert first.status_code == 201
    again = client.post(REGISTER, json=PERSON, headers=headers)
    assert again.status_code == 201
    assert again.get_json()["reference"] == first.get_json()["reference"]
    assert again.get_json()["cancel_token"] == first.get_json()["cancel_token"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count(service, "registrations") == 1
    assert client.get("/api/events/assemblea").get_json()["places_left"] == 2
    form = {
        **{k: str(v) for k, v in PERSON.items()},
        "email": "bruno@example.it",
        "submission_id": "registration-form-1",
    }
    one = client.post(REGISTER, data=form).get_json()["reference"]
    assert client.post(REGISTER, data=form).get_json()["reference"] == one
    assert count(service, "registrations") == 2
    assert client.get("/api/events/assemblea").get_json()["places_left"] == 1


def test_cancel_with_wrong_token_then_right_token_then_again(client, service):
    registration = sign_up(client, "Anna Bianchi")
    reference = registration["reference"]
    assert re.fullmatch(r"E-[A-Z0-9]{4}-[A-Z0-9]{4}", reference)
    for token in ("wrong", "", registration["cancel_token"][:-1], 12345, None):
        response = client.post(
            f"/api/registrations/{reference}/cancel?lang=en", json={"token": token}
        )
        assert_json_error(response, 403, "token_wrong", "This link is not valid.")
    assert_json_error(
        client.post(f"/api/registrations/{reference}/cancel", json={}),
        403,
        "token_wrong",
        "Questo link non è valido.",
    )
    assert_json_error(
        client.post(
            "/api/registrations/E-AAAA-AAAA/cancel", json={"token": registration["cancel_token"]}
        ),
        404,
        "registration_unknown",
        "Non troviamo questa iscrizione.",
    )
    assert status_of(client, registration) == "confirmed"
    response = cancel(client, registration, query_string={"lang": "en"})
    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled"
    assert response.get_json()["message"] == "The registration is cancelled."
    assert response.get_json()["promoted"] == 0
    assert client.get("/api/events/assemblea").get_json()["places_left"] == 3
    # Cancelling again is harmless and changes nothing.
    again = cancel(client, registration)
    assert again.status_code == 200
    assert again.get_json()["status"] == "cancelled"
    assert again.get_json()["message"] == "L'iscrizione è annullata."
    assert client.get("/api/events/assemblea").get_json()["places_left"] == 3
    assert count(service, "registrations", "WHERE status = ?", ("cancelled",)) == 1
    # Form-encoded cancel works too.
    other = sign_up(client, "Carlo Neri")
    form = client.post(
        f"/api/registrations/{other['reference']}/cancel", data={"token": other["cancel_token"]}
    )
    assert form.status_code == 200 and form.get_json()["status"] == "cancelled"


def test_registration_status_needs_the_token(client):
    registration = sign_up(client, "Anna Bianchi")
    reference = registration["reference"]
    assert_json_error(
        client.get(f"/api/registrations/{reference}?token=nope&lang=en"),
        403,
        "token_wrong",
        "This link is not valid.",
    )
    assert_json_error(
        client.get(f"/api/registrations/{reference}"),
        403,
        "token_wrong",
        "Questo link non è valido.",
    )
    assert_json_error(
        client.get("/api/registrations/E-AAAA-AAAA?token=x"),
        404,
        "registration_unknown",
        "Non troviamo questa iscrizione.",
    )
    assert status_of(client, registration) == "confirmed"
    # A reference read out on the phone, in lower case and with spaces, still matches.
    spoken = reference.lower().replace("-", " ")
    response = client.get(
        f"/api/registrations/{spoken}", query_string={"token": registration["cancel_token"]}
    )
    assert response.status_code == 200
    assert response.get_json()["reference"] == reference


@pytest.mark.parametrize(
    "reference", ["E-AAAA-AAAA%00", "%00", "%C3%A8" * 50, "x" * 2000, "%F0%9F%98%80"]
)
def test_strange_references_are_404_not_500(client, reference):
    assert client.get(f"/api/registrations/{reference}?token=x").status_code == 404
    response = client.post(f"/api/registrations/{reference}/cancel", json={"token": "x"})
    assert response.status_code == 404


@pytest.mark.parametrize("token", ["è", "\U0001f600", "\ud800", "x" * 10000, {"a": 1}, [1]])
def test_strange_tokens_are_403_not_500(client, token):
    registration = sign_up(client, "Anna Bianchi")
    response = client.post(
        f"/api/registrations/{registration['reference']}/cancel", json={"token": token}
    )
    assert response.status_code == 403, response.get_data(as_text=True)
    if isinstance(token, str) and token != "\ud800":  # a lone surrogate cannot be in a URL
        get = client.get(
            f"/api/registrations/{registration['reference']}", query_string={"token": token}
        )
        assert get.status_code == 403, get.get_data(as_text=True)
    assert status_of(client, registration) == "confirmed"


def test_waitlist_is_strictly_first_come_first_served(client, service):
    a = sign_up(client, "Persona A", people=1)
    b = sign_up(client, "Persona B", people=2)
    c = sign_up(client, "Persona C", people=3)  # head of the waitlist
    d = sign_up(client, "Persona D", people=1)  # would fit as soon as one place is free
    assert [x["status"] for x in (a, b, c, d)] == [
        "confirmed",
        "confirmed",
        "waitlisted",
        "waitlisted",
    ]
    # One place frees up: C (3) does not fit, and D may not jump the queue.
    response = cancel(client, a)
    assert response.status_code == 200 and response.get_json()["promoted"] == 0
    assert (status_of(client, c), status_of(client, d)) == ("waitlisted", "waitlisted")
    assert client.get("/api/events/assemblea").get_json()["places_left"] == 1
    # A newcomer of 1 still queues behind C and D, though one place is free.
    e = sign_up(client, "Persona E", people=1)
    assert e["status"] == "waitlisted"
    # B leaves: 3 places, C takes them all; D and E keep waiting.
    response = cancel(client, b)
    assert response.get_json()["promoted"] == 1
    assert [status_of(client, x) for x in (c, d, e)] == ["confirmed", "waitlisted", "waitlisted"]
    assert client.get("/api/events/assemblea").get_json()["places_left"] == 0
    # C leaves: D and E move up, in order.
    response = cancel(client, c)
    assert response.get_json()["promoted"] == 2
    assert [status_of(client, x) for x in (d, e)] == ["confirmed", "confirmed"]
    event = client.get("/api/events/assemblea").get_json()
    assert event["places_left"] == 1 and event["waitlist_people"] == 0
    assert count(service, "event_places", "WHERE confirmed_people = ?", (2,)) == 1
    # Now there is room and nobody waits: a newcomer is confirmed at once.
    assert sign_up(client, "Persona F")["status"] == "confirmed"


def test_cancelling_a_waitlisted_registration_lets_the_next_one_move_up(client):
    a = sign_up(client, "Persona A", people=2)
    b = sign_up(client, "Persona B", people=2)  # waits: only 1 place left
    c = sign_up(client, "Persona C", people=1)  # waits behind B
    assert (a["status"], b["status"], c["status"]) == ("confirmed", "waitlisted", "waitlisted")
    response = cancel(client, b)
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    assert response.get_json()["promoted"] == 1
    assert status_of(client, c) == "confirmed"
    assert client.get("/api/events/assemblea").get_json()["places_left"] == 0


# --- each text says its language: the one asked for, or Italian where it is missing --------

SHIPPED_STRINGS = load(ROOT).strings


def drop_strings(root, lang: str, *keys: str) -> None:
    """Take UI strings out of ``lang``'s file, as if their translation were still missing."""
    path = root / f"site_config/strings/{lang}.yml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(tuple(f"{key}:" for key in keys))]
    assert len(kept) == len(lines) - len(keys)
    path.write_text("".join(kept), encoding="utf-8")


def test_every_text_says_its_language(client):
    """The event "assemblea" has an Italian and an English title only: in Arabic its title is
    the Italian one, and says so; everything translated says it is Arabic."""
    event = client.get("/api/events/assemblea?lang=ar").get_json()
    assert (event["title"], event["title_lang"]) == ("Assemblea di condominio", "it")
    english = client.get("/api/events/assemblea?lang=en").get_json()
    assert (english["title"], english["title_lang"]) == ("Building meeting", "en")
    unknown = client.get("/api/events/nessuno?lang=ar").get_json()["error"]
    assert unknown == {
        "code": "event_unknown",
        "message": SHIPPED_STRINGS["ar"]["error_event_unknown"],
        "lang": "ar",
    }
    invalid = client.post(ELIGIBILITY, json={"lang": "ar"}).get_json()
    assert invalid["errors"] and invalid["errors_lang"] == {k: "ar" for k in invalid["errors"]}
    below = client.post(ELIGIBILITY, json={**QUESTION, "isee": "9000", "lang": "ar"}).get_json()
    assert [r["lang"] for r in below["reasons"]] == ["ar"]
    received = client.post(PRE_APPLICATIONS, json={**PRE_APPLICATION, "lang": "ar"}).get_json()
    assert received["next_steps_lang"] == "ar" and received["desk"]["name_lang"] == "ar"
    assert received["documents_lang"] == ["ar"] * len(received["documents"])
    signed_up = client.post(REGISTER + "?lang=ar", json=PERSON).get_json()
    assert signed_up["message"] == SHIPPED_STRINGS["ar"]["registration_confirmed"]
    assert signed_up["message_lang"] == "ar"


def test_a_message_missing_in_the_language_comes_in_italian_and_says_so(make_app, project):
    drop_strings(project, "ar", "error_event_unknown", "registration_confirmed", "error_required")
    add_event(project)
    client = make_app().test_client()
    italian = SHIPPED_STRINGS["it"]
    unknown = client.get("/api/events/nessuno?lang=ar").get_json()["error"]
    assert (unknown["message"], unknown["lang"]) == (italian["error_event_unknown"], "it")
    signed_up = client.post(REGISTER + "?lang=ar", json=PERSON).get_json()
    assert (signed_up["message"], signed_up["message_lang"]) == (
        italian["registration_confirmed"],
        "it",
    )
    invalid = client.post(REGISTER + "?lang=ar", json={**PERSON, "full_name": ""}).get_json()
    assert invalid["errors"]["full_name"] == italian["error_required"]
    assert invalid["errors_lang"]["full_name"] == "it"
    assert client.get("/api/events/nessuno?lang=en").get_json()["error"]["lang"] == "en"
