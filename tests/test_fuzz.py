"""Property-based fuzzing of the JSON API from its own OpenAPI document (schemathesis 4),
and of the HTML forms with the inputs that once gave a 500 (NUL, lone surrogates).

In process (WSGI), rate limits off. For every operation in /api/openapi.json
schemathesis generates valid and invalid requests; every response must be a
non-5xx JSON answer with a documented status, content type and body shape, and
the security headers; and a request valid by the document must be accepted
(positive-data acceptance): the document is never looser than the service.

schemathesis's pytest integration (``from_fixture``/``parametrize``) fails on
pytest 9 (it writes ``request.node._nodeid``), so the strategies are driven
from Hypothesis directly, one pytest case per operation and mode.
"""

from __future__ import annotations

import json
import os
import re
from urllib.parse import urlencode

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from forms_service.web.openapi import _paths
from tests.conftest import add_event
from tests.helpers import PRE_APPLICATION

# Per operation and mode; PORTAL_TEST_FUZZ_EXAMPLES=1000 for a deeper run by hand.
MAX_EXAMPLES = int(os.environ.get("PORTAL_TEST_FUZZ_EXAMPLES", "60"))


def valid_data_accepted(ctx, response, case):
    """positive_data_acceptance (2xx, or 403/404/409 for a wrong token, an unknown id, a
    closed event), less two refusals no request schema can foresee, each a documented 422:
    a well-formed pre-application from someone the grant's rules leave out, and an
    Idempotency-Key that schemathesis happened to reuse for another form or body."""
    if response.status_code == 422:
        body = response.json()
        reused = body.get("error", {}).get("code") in ("key_reused", "key_changed")
        if body.get("eligible") is False or reused:
            return None
    return positive_data_acceptance(ctx, response, case)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    valid_data_accepted,
]
OPERATIONS = [
    (method.upper(), path, GenerationMode.POSITIVE)
    for path, item in _paths().items()
    for method in item
]
# Negative cases need something to break: a parameter or a body (/api/health has neither).
OPERATIONS += [
    (method, path, GenerationMode.NEGATIVE)
    for method, path, _ in OPERATIONS
    if {"parameters", "requestBody"} & set(_paths()[path][method.lower()])
]
# Random ids only ever reach "unknown": also fuzz the bodies against a real event and a
# real registration, so the requests get as far as the database.
KNOWN = {"event_id": "assemblea", "reference": None}


@pytest.fixture
def api(project, tmp_path):
    """(schemathesis schema bound to the app, a real registration: reference, cancel_token)."""
    from forms_service import create_app

    add_event(project, capacity=200)
    with (project / "content/events/assemblea.yml").open("a", encoding="utf-8") as event:
        event.write("max_group: 10\n")  # the document's bound for every event: MAX_GROUP
    app = create_app(
        {
            "PORTAL_DATABASE_URL": f"sqlite:///{tmp_path / 'fuzz.sqlite3'}",
            "PORTAL_RATE_LIMITS": "off",
            "PORTAL_SECRET_KEY": "fuzz",
        },
        root=project,
    )
    registration = app.test_client().post(
        "/api/events/assemblea/registrations",
        json={
            "full_name": "Anna Bianchi",
            "email": "anna@example.it",
            "people": 1,
            "consent": True,
        },
    )
    assert registration.status_code == 201
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    schema.validate()  # the document itself is valid OpenAPI
    return schema, registration.get_json()


def fuzz(schema, method: str, path: str, mode: GenerationMode, path_parameters=None) -> None:
    operation = schema[path][method]
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

    @given(case=strategy)
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call_and_validate(checks=CHECKS)
        headers = response.headers  # lower-case names -> lists of values
        assert headers["content-type"] == ["application/json"]
        assert "Traceback" not in response.text
        assert "content-security-policy" in headers

    run()


@pytest.mark.parametrize(
    "method, path, mode", OPERATIONS, ids=[f"{m} {p} {mode}" for m, p, mode in OPERATIONS]
)
def test_api_follows_its_contract(api, method, path, mode):
    schema, registration = api
    reference = registration["reference"]
    fuzz(schema, method, path, mode)
    known = {
        k: (reference if k == "reference" else v) for k, v in KNOWN.items() if "{" + k + "}" in path
    }
    if known and mode is GenerationMode.POSITIVE:
        fuzz(schema, method, path, mode, path_parameters=known)


PERSON = {"full_name": "Anna Bianchi", "email": "anna@example.it", "people": 1, "consent": True}
GRANT = PRE_APPLICATION
PRE_APPLICATIONS = "/api/heating-grant/pre-applications"
REGISTRATIONS = "/api/events/{event_id}/registrations"


def edge_cases(reference: str) -> list[tuple[str, str, dict, int]]:
    """(method, path, Case arguments, expected status): answers fuzzing rarely reaches."""
    event = {"event_id": "assemblea"}
    cancel = ("POST", "/api/registrations/{reference}/cancel")
    return [
        ("POST", PRE_APPLICATIONS, {"body": GRANT}, 201),
        ("POST", PRE_APPLICATIONS, {"body": {**GRANT, "isee": "9.360,00"}}, 422),
        ("POST", PRE_APPLICATIONS, {"body": {**GRANT, "website": "x"}}, 400),
        ("POST", PRE_APPLICATIONS, {"body": {**GRANT, "address": "x" * 17000}}, 413),
        (
            "POST",
            PRE_APPLICATIONS,
            {"body": GRANT, "headers": {"Origin": "https://evil.example"}},
            403,
        ),
        (
            "POST",
            PRE_APPLICATIONS,
            {"body": GRANT, "headers": {"Idempotency-Key": "edge-key-0001"}},
            201,
        ),
        (
            "POST",
            REGISTRATIONS,
            {
                "body": PERSON,
                "path_parameters": event,
                "headers": {"Idempotency-Key": "edge-key-0001"},
            },
            422,
        ),
        (
            "POST",
            REGISTRATIONS,
            {
                # Not Anna: she signed up in the fixture, and one person signs up once.
                "body": {**PERSON, "full_name": "Bruno Verdi", "email": "bruno@example.it"},
                "path_parameters": event,
                "headers": {"Idempotency-Key": "edge-key-0002"},
            },
            201,
        ),
        (
            "POST",
            PRE_APPLICATIONS,
            {"body": GRANT, "headers": {"Idempotency-Key": "edge-key-0002"}},
            422,
        ),
        (
            "POST",
            REGISTRATIONS,
            {"body": PERSON, "path_parameters": event, "headers": {"Sec-Fetch-Site": "cross-site"}},
            403,
        ),
        ("POST", REGISTRATIONS, {"body": {**PERSON, "people": 300}, "path_parameters": event}, 422),
        (
            "POST",
            REGISTRATIONS,
            {"body": PERSON, "path_parameters": {"event_id": "pulizia-celadina"}},
            409,
        ),
        ("POST", REGISTRATIONS, {"body": PERSON, "path_parameters": {"event_id": "x"}}, 404),
        ("GET", "/api/events/{event_id}", {"path_parameters": event}, 200),
        (
            "GET",
            "/api/registrations/{reference}",
            {"path_parameters": {"reference": reference}, "query": {"token": "x"}},
            403,
        ),
        (*cancel, {"path_parameters": {"reference": reference}, "body": {"token": "x"}}, 403),
        (*cancel, {"path_parameters": {"reference": "E-AAAA-AAAA"}, "body": {"token": "x"}}, 404),
    ]


def test_edge_cases_follow_the_contract(api):
    schema, registration = api
    for method, path, arguments, status in edge_cases(registration["reference"]):
        case = schema[path][method].Case(media_type="application/json", **arguments)
        response = case.call_and_validate(checks=CHECKS)
        assert response.status_code == status, (method, path, arguments, response.text)


# --- plain Hypothesis: the real field names with values of any JSON type ---------------------

FIELDS = [
    "full_name",
    "phone",
    "email",
    "address",
    "household_size",
    "tenancy_start",
    "heating",
    "band",
    "isee",
    "arrears",
    "repayment_plan",
    "preferred_desk",
    "consent",
    "people",
    "token",
    "lang",
    "website",
    "submission_id",
]
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=60)
    | st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\ud800",
            "€ 12.345,67",
            "9.360,01",
            "2020-01-15",
            "31/12/2019",
            "on",
            "sì",
            "centralized",
            "accesso",
            "celadina",
            "en",
            "1e309",
            "NaN",
            "-0",
            "0" * 30,
            "1" * 5000,
        ]
    ),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=5,
)
ANY_BODY = st.dictionaries(
    st.sampled_from(FIELDS) | st.text(max_size=10), JSON_VALUES, max_size=len(FIELDS)
)
CHANGES = st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES, max_size=2)
QUESTION = {k: GRANT[k] for k in ("tenancy_start", "heating", "band", "isee", "arrears")}
POSTS = {
    "/api/heating-grant/eligibility": QUESTION,
    "/api/heating-grant/pre-applications": GRANT,
    "/api/events/assemblea/registrations": PERSON,
    "/api/registrations/{reference}/cancel": {"token": "{cancel_token}"},
}


@pytest.mark.parametrize("url", POSTS)
def test_any_json_body_gets_a_json_answer_below_500(api, url):
    """Random bodies, and valid bodies with one or two fields changed to anything."""
    schema, registration = api
    client = schema.app.test_client()
    valid = {
        k: (registration["cancel_token"] if v == "{cancel_token}" else v)
        for k, v in POSTS[url].items()
    }
    url = url.format(reference=registration["reference"])
    bodies = ANY_BODY | CHANGES.map(lambda changes: {**valid, **changes})

    @given(body=bodies, as_form=st.booleans())
    @settings(
        max_examples=MAX_EXAMPLES * 2,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(body, as_form):
        if as_form:  # what a browser sends: every value a string
            form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()}
            form = {k: v for k, v in form.items() if "\ud800" not in k + v}  # not encodable
            response = client.post(url, data=form)
        else:
            response = client.post(url, json=body)
        assert response.status_code < 500, response.get_data(as_text=True)
        assert response.mimetype == "application/json"
        answer = response.get_json()
        assert isinstance(answer, dict) and answer
        assert "Content-Security-Policy" in response.headers
        if response.status_code == 201:
            assert answer["reference"]

    run()


# --- the HTML forms, with what once gave a 500, on SQLite and PostgreSQL ---------------------
# A lone surrogate (JSON can spell "\ud800"; a form can send its UTF-8 bytes) re-rendered on
# a 422 page broke the encoder; a NUL reached PostgreSQL, which refuses it in text. Every
# field of every form, the confirmation URL and query strings get them, mixed with text.

UNREADABLE = st.sampled_from(["\x00", "\ud800", "\udfff", "\udc80", "\ufffd"])
BAD_TEXT = st.tuples(st.text(max_size=6), UNREADABLE, st.text(max_size=6)).map("".join)
GRANT_URL = "/moduli/{lang}/contributo-riscaldamento/{place}"
STEPS = {
    "riscaldamento": ("heating", "centralized"),
    "fascia": ("band", "accesso"),
    "assegnazione": ("tenancy_start", "2020-01-15"),
    "morosita": ("arrears", "no"),
    "isee": ("isee", "12.345,67"),
}
# The details screen's fields, as a browser sends them (every value a string).
HTML_DETAILS = {
    name: "on" if value is True else str(value)
    for name, value in GRANT.items()
    if name not in QUESTION
}
HTML_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def post_bad(client, url: str, data: dict, how: str):
    """``data`` as JSON (lone surrogates as \\ud800 escapes), or as a form whose bytes carry
    them (UTF-8 with surrogatepass, what a broken client sends)."""
    if how == "json":
        return client.post(url, json=data, headers={"Accept": "text/html"})
    body = urlencode(data, encoding="utf-8", errors="surrogatepass")
    return client.post(url, data=body, content_type="application/x-www-form-urlencoded")


def assert_no_crash(response) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:2000]
    response.get_data()  # the page encodes
    assert "Traceback" not in response.get_data(as_text=True)


def hidden_key(response) -> str:
    found = re.search(r'name="submission_id" value="([^"]+)"', response.get_data(as_text=True))
    assert found, response.get_data(as_text=True)[:500]
    return found.group(1)


def test_event_form_never_fails_on_unreadable_characters(service):
    client = service.test_client()
    url = "/moduli/it/eventi/assemblea/"
    key = hidden_key(client.get(url))
    fields = ["full_name", "phone", "email", "people", "consent", "submission_id", "lang"]

    @given(
        changes=st.dictionaries(st.sampled_from(fields), BAD_TEXT, min_size=1, max_size=3),
        how=st.sampled_from(["json", "form"]),
    )
    @HTML_SETTINGS
    def run(changes, how):
        person = {"full_name": "Anna Bianchi", "email": "anna@example.it", "people": "1"}
        response = post_bad(client, url, {**person, "submission_id": key, **changes}, how)
        assert_no_crash(response)
        assert response.status_code in (400, 422), response.status_code

    run()


def test_grant_steps_details_and_send_never_fail_on_unreadable_characters(service):
    client = service.test_client()
    for slug, (name, value) in STEPS.items():
        reply = client.post(GRANT_URL.format(lang="it", place=slug), data={name: value})
        assert reply.status_code == 303, reply.get_data(as_text=True)
    details = GRANT_URL.format(lang="it", place="dati")
    key = hidden_key(client.get(details))
    places = [*STEPS, "dati", "controlla"]

    @given(place=st.sampled_from(places), bad=BAD_TEXT, how=st.sampled_from(["json", "form"]))
    @HTML_SETTINGS
    def run(place, bad, how):
        url = GRANT_URL.format(lang="it", place=place)
        if place in STEPS:  # the question's own answer, unreadable: its page with an error
            data = {STEPS[place][0]: bad}
        elif place == "dati":  # one detail unreadable, the others right
            field = sorted(HTML_DETAILS)[len(bad) % len(HTML_DETAILS)]
            data = {**HTML_DETAILS, field: bad, "submission_id": key}
        else:
            data = {"submission_id": bad, "website": ""}
        response = post_bad(client, url, data, how)
        assert_no_crash(response)
        if place != "controlla":  # a step or the details: the form again, with the error
            assert response.status_code == 422, (place, response.status_code)

    run()


def test_urls_never_fail_on_unreadable_characters(service):
    """The confirmation URL, a registration's private link, lookups: paths and query strings."""
    client = service.test_client()
    bad_bytes = ["%00", "%ED%A0%80", "%ED%B2%80", "%EF%BF%BD", "%0A", "%FF"]
    paths = [
        "/moduli/it/contributo-riscaldamento/conferma/{}",
        "/moduli/it/contributo-riscaldamento/conferma/C-{}AAA-AAAA",
        "/moduli/it/iscrizione/E-AAAA-AAAA?t={}",
        "/moduli/it/iscrizione/{}?t=x",
        "/api/registrations/{}?token=x",
        "/api/registrations/E-AAAA-AAAA?token={}",
        "/api/events/{}",
        "/api/events?lang={}",
        "/moduli/{}/eventi/assemblea/",
        "/staff/login?next={}",
    ]
    for path in paths:
        for bad in bad_bytes:
            response = client.get(path.format(bad))
            assert_no_crash(response)
            if bad == "%00" and "?" not in path:
                assert response.status_code == 404, (path, response.status_code)


def test_staff_login_never_fails_on_unreadable_characters(service):
    client = service.test_client()
    page = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token, page[:500]
    for bad in ["\x00", "a\x00b", "\ud800", "\ufffd"]:
        data = {"csrf_token": token.group(1), "username": bad, "password": f"x{bad}"}
        assert_no_crash(post_bad(client, "/staff/login", data, "form"))
