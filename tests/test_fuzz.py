"""Property-based fuzzing of the JSON API from its own OpenAPI document (schemathesis 4).

In process (WSGI), SQLite only, rate limits off. For every operation in
/api/openapi.json schemathesis generates valid and invalid requests; every
response must be a non-5xx JSON answer with a documented status, content type
and body shape, and the security headers.

schemathesis's pytest integration (``from_fixture``/``parametrize``) fails on
pytest 9 (it writes ``request.node._nodeid``), so the strategies are driven
from Hypothesis directly, one pytest case per operation and mode.
"""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from forms_service.web.openapi import _paths
from tests.conftest import add_event
from tests.helpers import PRE_APPLICATION

# Per operation and mode; PORTAL_TEST_FUZZ_EXAMPLES=1000 for a deeper run by hand.
MAX_EXAMPLES = int(os.environ.get("PORTAL_TEST_FUZZ_EXAMPLES", "60"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
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
                "body": PERSON,
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
