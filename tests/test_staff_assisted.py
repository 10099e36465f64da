"""A pre-application an operator makes at the desk: the resident form's fields and rules,
marked as assisted with the operator's name and the privacy notice given on paper; audited;
a double click stores one; nothing stored when not eligible; operators only."""

from __future__ import annotations

import html
import re

import pytest

from forms_service import maintenance
from forms_service.domain.forms import PRE_APPLICATION as FORM
from forms_service.web import staff_auth
from forms_service.web.db import database, get_db

from .helpers import PRE_APPLICATION
from .test_forms_html import assert_field_error, count
from .test_staff import GOOD, csrf, login

NEW = "/staff/pre-domande/nuova"
# The same pre-application as the residents' tests, as the desk's page sends it.
FILLED = {
    **{k: str(v) for k, v in PRE_APPLICATION.items() if k not in ("arrears", "consent")},
    "arrears": "no",
    "consent": "on",
    "lang": "ar",
}


@pytest.fixture
def operator(service):
    staff_auth.limiter.reset()
    maintenance.add_account(service, "marco", "operator", GOOD)
    client = service.test_client()
    assert login(client, "marco", GOOD).status_code == 303
    return client


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}"(?: type="hidden")? value="([^"]+)"', page)
    assert found, page
    return found[1]


def send(client, **changes):
    """The form as a browser sends it: its CSRF token and submission id, ``changes`` on top."""
    page = client.get(NEW).get_data(as_text=True)
    body = {**FILLED, **{k: hidden(page, k) for k in ("csrf_token", "submission_id")}, **changes}
    return client.post(NEW, data={k: v for k, v in body.items() if v is not None})


def stored(service) -> list[dict]:
    with service.app_context():
        return database().all(
            get_db(),
            "SELECT reference, lang, full_name, assisted_by, privacy_on_paper "
            "FROM pre_applications",
        )


def assisted_entries(service) -> list[dict]:
    with service.app_context():
        return database().all(
            get_db(), "SELECT * FROM audit_log WHERE action = 'pre_application.assisted'"
        )


def test_the_page_has_every_field_of_the_resident_form(operator):
    answer = operator.get(NEW)
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    for name in FORM.names:
        assert f'name="{name}"' in page, name
    assert "Ho consegnato l&#39;informativa privacy su carta" in page
    assert '<select class="form-input form-input--medium" id="lang" name="lang"' in page
    assert '<label class="form-label" for="isee">ISEE</label>' in page
    # "I don't know" (heating, band) is recorded for the team to check, as online.
    assert "Non lo so: lo controlla il team" in page


def test_an_assisted_pre_application_is_marked_audited_and_shown(operator, service):
    answer = send(operator)
    assert answer.status_code == 303, answer.get_data(as_text=True)
    [row] = stored(service)
    assert answer.headers["Location"] == f"/staff/pre-domande/{row['reference']}"
    assert row["assisted_by"] == "marco" and row["privacy_on_paper"] and row["lang"] == "ar"
    detail = operator.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Inserita allo sportello da marco, informativa consegnata su carta" in detail
    maintenance.add_account(service, "anna.b", "coordinator", GOOD + " due")
    coordinator = service.test_client()
    login(coordinator, "anna.b", GOOD + " due")
    audit = coordinator.get("/staff/registro?azione=pre_application.assisted")
    assert row["reference"] in audit.get_data(as_text=True)
    assert "pre-domanda inserita allo sportello" in audit.get_data(as_text=True)


def test_the_list_offers_the_new_pre_application(operator):
    page = operator.get("/staff/pre-domande/").get_data(as_text=True)
    assert f'href="{NEW}"' in page and "Nuova pre-domanda allo sportello" in page


def test_a_bad_isee_gets_the_same_error_as_online(operator, service, client):
    online = client.post(
        "/api/heating-grant/pre-applications?lang=it",
        json={**PRE_APPLICATION, "isee": "12.345.67"},
    )
    message = online.get_json()["errors"]["isee"]
    answer = send(operator, isee="12.345.67")
    assert answer.status_code == 422
    assert_field_error(answer, "isee", message)
    assert 'value="12.345.67"' in answer.get_data(as_text=True)  # kept to correct it
    assert count(service, "pre_applications") == 0


def test_not_eligible_shows_why_and_stores_nothing(operator, service):
    answer = send(operator, heating="autonomous")
    assert answer.status_code == 422
    page = html.unescape(answer.get_data(as_text=True))
    assert "La persona non può avere il contributo" in page
    assert "Il contributo non è previsto per le case con riscaldamento autonomo." in page
    assert "Non è stato salvato nulla" in page
    assert count(service, "pre_applications") == 0
    assert assisted_entries(service) == []


def test_the_privacy_tick_is_required(operator, service):
    answer = send(operator, consent=None)
    assert answer.status_code == 422
    assert_field_error(
        answer,
        "consent",
        "Spunta la casella dopo aver consegnato l'informativa privacy su carta: "
        "senza, la pre-domanda non si può salvare.",
    )
    assert count(service, "pre_applications") == 0


def test_a_double_click_stores_one(operator, service):
    page = operator.get(NEW).get_data(as_text=True)
    body = {**FILLED, **{k: hidden(page, k) for k in ("csrf_token", "submission_id")}}
    first, second = operator.post(NEW, data=body), operator.post(NEW, data=body)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert count(service, "pre_applications") == 1
    assert len(assisted_entries(service)) == 1


def test_without_its_csrf_token_nothing_is_stored(operator, service):
    answer = operator.post(NEW, data={**FILLED, "submission_id": "x" * 36})
    assert answer.status_code == 400
    assert count(service, "pre_applications") == 0


def test_strangers_are_sent_to_the_login_and_store_nothing(service, operator):
    stranger = service.test_client()
    answer = stranger.get(NEW)
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/staff/login")
    assert stranger.post(NEW, data=FILLED).status_code in (302, 400)
    assert count(service, "pre_applications") == 0
    assert csrf(operator, NEW)  # the operator's page carries its token
