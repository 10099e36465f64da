"""A resident looks up the status of a pre-application with its reference and the phone or
e-mail they gave: only the status, in their language, with the desk's hours; a wrong pair
is the same answer as an unknown reference; failed lookups are throttled."""

from __future__ import annotations

import html
from datetime import date

import pytest

from forms_service.domain import casework
from forms_service.domain.status import contact_matches, phone_key
from forms_service.web import staff_auth
from forms_service.web.db import database, get_db
from portal import urls
from portal.formats import Formats
from portal.model import load
from portal.site.render import render_site

from .helpers import PRE_APPLICATION, ROOT

CONTENT = load(ROOT)
RESIDENT = {**PRE_APPLICATION, "email": "Ahmed.Benali@Example.org", "isee": "14.321,09"}


def s(lang: str, key: str, **params) -> str:
    return Formats(CONTENT, lang).s(key, **params)


@pytest.fixture
def reference(service, client) -> str:
    """A pre-application sent in Arabic (phone 035 123456, desk Celadina)."""
    staff_auth.limiter.reset()  # one limiter per process: start each test with no failures
    answer = client.post("/api/heating-grant/pre-applications?lang=ar", json=RESIDENT)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["reference"]


def look_up(client, lang: str, reference: str, contact: str):
    return client.post(urls.status_form(lang), data={"reference": reference, "contact": contact})


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(
    "contact",
    ["+39 035-123456", "0039 035 123456", "035123456", "٠٣٥ ١٢٣٤٥٦", "AHMED.BENALI@example.ORG "],
)
def test_the_right_pair_shows_the_status_in_arabic_with_the_desk_hours(client, reference, contact):
    spoken = reference.lower().replace("-", " ")  # as read out on the phone
    response = look_up(client, "ar", spoken, contact)
    assert response.status_code == 200
    page = text(response)
    assert '<html lang="ar" dir="rtl">' in page
    assert reference in page
    assert s("ar", "status_state_new") in page and s("ar", "status_next_new") in page
    desk = CONTENT.desks["celadina"]
    assert Formats(CONTENT, "ar").desk_hours(desk) in page
    assert Formats(CONTENT, "ar").desk_address(desk) in page


def test_only_the_status_is_shown(client, reference):
    page = text(look_up(client, "it", reference, "035 123456"))
    for personal in ("Maria Rossi", "14.321", "14321", "Via Roma", "035 123456", "Benali"):
        assert personal not in page, personal
    assert 'value="035' not in page  # what was typed is not echoed either


def test_a_wrong_pair_is_the_same_answer_as_an_unknown_reference(client, reference):
    answers = [
        look_up(client, "ar", reference, "035 654321"),  # the right code, another phone
        look_up(client, "ar", reference, "someone@example.org"),
        look_up(client, "ar", "C-AAAA-AAAA", "035 654321"),  # a code nobody has
        look_up(client, "ar", "C-AAAA-AAAA", "035 123456"),
    ]
    assert {a.status_code for a in answers} == {404}
    assert len({a.get_data() for a in answers}) == 1  # byte for byte
    page = text(answers[0])
    assert s("ar", "status_not_found") in page and reference not in page


def test_empty_fields_and_a_malformed_reference_are_said_next_to_the_field(client, reference):
    response = client.post(urls.status_form("it"), data={"reference": "123", "contact": ""})
    assert response.status_code == 422
    page = text(response)
    assert s("it", "status_error_reference") in page
    # The empty field is named: "this field is required" tells nobody which one (issue #10).
    assert "Compila «Il tuo telefono o la tua email»: serve per andare avanti." in page
    assert 'aria-invalid="true"' in page and 'value="123"' in page


def test_a_status_change_by_the_staff_shows_up(service, client, reference):
    with service.app_context():
        casework.move(database(), get_db(), reference, "contacted", "", "marco")
        casework.move(database(), get_db(), reference, "appointment", "", "marco")
    page = text(look_up(client, "uk", reference, "035 123456"))
    assert s("uk", "status_state_appointment") in page
    assert s("uk", "status_next_appointment") in page
    assert s("uk", "what_to_bring") in page  # still open: what to bring to the appointment
    with service.app_context():
        casework.move(database(), get_db(), reference, "applied", "", "marco")
    page = text(look_up(client, "uk", reference, "035 123456"))
    assert s("uk", "status_state_applied") in page and s("uk", "what_to_bring") not in page


def test_failed_lookups_are_throttled_in_the_residents_language(client, reference):
    for attempt in range(9):
        assert look_up(client, "bn", reference, f"035 00000{attempt}").status_code == 404
    assert look_up(client, "bn", reference, "035 123456").status_code == 200  # does not count
    assert look_up(client, "bn", "", "").status_code == 422  # the 10th failure
    limited = look_up(client, "bn", reference, "035 123456")  # even the right pair waits now
    assert limited.status_code == 429
    page = text(limited)
    assert '<html lang="bn" dir="ltr">' in page
    assert s("bn", "status_too_many", minutes=15) in page
    assert 0 < int(limited.headers["Retry-After"]) <= 15 * 60
    assert client.get(urls.status_form("bn")).status_code == 200  # the form itself still opens


@pytest.mark.parametrize("lang", CONTENT.codes)
def test_every_language_renders_the_form_and_the_status(client, reference, lang):
    direction = CONTENT.language(lang).dir
    form = client.get(urls.status_form(lang))
    assert form.status_code == 200
    page = text(form)
    assert f'<html lang="{lang}" dir="{direction}">' in page
    assert s(lang, "status_label_reference") in page and s(lang, "status_label_contact") in page
    assert '<label class="form-label" for="reference">' in page
    answer = look_up(client, lang, reference, "035 123456")
    assert answer.status_code == 200
    assert s(lang, "status_state_new") in text(answer)


def test_the_confirmation_page_and_the_site_link_to_the_lookup(client, reference):
    done = client.get(f"/moduli/fr/{urls.GRANT_FORM_SLUG}/conferma/{reference}")
    assert f'href="{urls.status_form("fr")}"' in done.get_data(as_text=True)
    italian = render_site(CONTENT, date(2026, 11, 28))[0]
    grant = next(p for p in italian.pages if p.path == "contributo-riscaldamento.md")
    assert f"]({urls.status_form('it')})" in grant.body


def test_an_unknown_language_is_404(client):
    assert client.get("/moduli/xx/stato/").status_code == 404


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("035 123456", "+39 035 123456"),
        ("0039 (035) 12-34-56", "035123456"),
        ("+212 612 345 678", "00212612345678"),
        ("۳۳۳ ۹۸۷ ۶۵۴۳", "333 987 6543"),
    ],
)
def test_phones_compare_by_their_digits(typed, stored):
    assert phone_key(typed) == phone_key(stored)


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("393 1234567", "3 1234567"),  # an Italian mobile starting with 39 is not +39
        ("612 345 678", "+212 612 345 678"),  # a foreign number needs its country code
        ("035 12345", "035 123456"),
    ],
)
def test_different_phones_do_not_match(typed, stored):
    assert phone_key(typed) != phone_key(stored)


def test_an_empty_contact_never_matches():
    assert not contact_matches("", None, None)
    assert not contact_matches("@", None, "")
    assert not contact_matches("+", "", None)
    assert contact_matches("MARIA@example.it", None, "maria@example.it")
