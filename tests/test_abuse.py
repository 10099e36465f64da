"""What an attacker found in the resident forms (issue #9), each closed, on SQLite and
PostgreSQL:

- an idempotency key is bound to the body it first stored: someone else's key with another
  body is a 422 that names nothing of theirs, a replay needs the very same body, keys expire;
- the grant questionnaire's answers wait on the server: the cookie holds only a random id,
  the draft expires after an hour idle and its answers go when the form is sent;
- an event takes groups up to its ``max_group`` and one sign-up per phone or e-mail;
- the grant's confirmation URL and the registration API leak nothing through odd input or
  caches.
"""

from __future__ import annotations

import json
import re
import threading
from datetime import UTC, datetime, timedelta

import pytest

from forms_service.domain import actions
from forms_service.domain.retention import purge
from portal.model import load

from .conftest import add_event, problems_of
from .helpers import PRE_APPLICATION, service_rows
from .test_forms_html import (  # make_app: a fixture
    DETAILS,
    answer_all,
    fill_details,
    make_app,  # noqa: F401
    send,
    submission_id,
    text,
    url,
)
from .test_staff import csrf, logged_in

REGISTER = "/api/events/assemblea/registrations"
PERSON = {"full_name": "Anna Bianchi", "email": "anna@example.it", "people": 1, "consent": True}
FLASK_LOGIN = {"_fresh"}  # Flask-Login's marker (is the staff login fresh): nothing personal
NEUTRAL = "This phone number or e-mail is already signed up for this event."


def execute(service, sql: str, params=()) -> None:
    db = service.extensions["portal_db"]
    conn = db.connect()
    try:
        db.execute(conn, sql, params)
    finally:
        conn.close()


def ago(**delta) -> str:
    return (datetime.now(UTC) - timedelta(**delta)).isoformat(timespec="seconds")


def registrations(service) -> list[dict]:
    return service_rows(service, "SELECT * FROM registrations ORDER BY id")


# --- idempotency keys -------------------------------------------------------------------------


def test_someone_elses_key_with_another_body_is_422_and_hands_out_nothing(client, service):
    key = {"Idempotency-Key": "victims-key-123"}
    victim = client.post(REGISTER, json=PERSON, headers=key)
    assert victim.status_code == 201
    theirs = victim.get_json()

    attacker = {"full_name": "Mallory", "email": "mallory@example.it", "people": 1}
    answer = client.post(f"{REGISTER}?lang=en", json={**attacker, "consent": True}, headers=key)
    assert answer.status_code == 422
    assert answer.get_json()["error"]["code"] == "key_changed"
    assert "already sent with different answers" in answer.get_json()["error"]["message"]
    body = answer.get_data(as_text=True)
    assert theirs["reference"] not in body and theirs["cancel_token"] not in body
    assert [r["full_name"] for r in registrations(service)] == ["Anna Bianchi"]

    # Changing only the number of people is another body too.
    again = client.post(REGISTER, json={**PERSON, "people": 2}, headers=key)
    assert again.status_code == 422 and theirs["reference"] not in again.get_data(as_text=True)
    # Only the very same body replays: the same reference and link, nothing stored twice.
    replay = client.post(REGISTER, json=PERSON, headers=key)
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.get_json()["reference"] == theirs["reference"]
    assert replay.get_json()["cancel_token"] == theirs["cancel_token"]
    assert len(registrations(service)) == 1


def test_a_pre_application_key_with_another_body_is_422(client, service):
    key = {"Idempotency-Key": "grant-key-12345"}
    first = client.post("/api/heating-grant/pre-applications", json=PRE_APPLICATION, headers=key)
    assert first.status_code == 201
    other = {**PRE_APPLICATION, "full_name": "Mallory Rossi"}
    answer = client.post("/api/heating-grant/pre-applications", json=other, headers=key)
    assert answer.status_code == 422 and answer.get_json()["error"]["code"] == "key_changed"
    assert first.get_json()["reference"] not in answer.get_data(as_text=True)
    same = client.post("/api/heating-grant/pre-applications", json=PRE_APPLICATION, headers=key)
    assert same.get_json()["reference"] == first.get_json()["reference"]
    assert len(service_rows(service, "SELECT * FROM pre_applications")) == 1


def test_a_key_expires_after_a_day(client, service):
    key = {"Idempotency-Key": "old-key-1234567"}
    first = client.post("/api/heating-grant/pre-applications", json=PRE_APPLICATION, headers=key)
    execute(service, "UPDATE idempotency_keys SET created_at = ?", (ago(hours=25),))
    # Expired: the key is new again, bound to the new body; the old answer is not replayed.
    other = {**PRE_APPLICATION, "full_name": "Luca Rossi"}
    later = client.post("/api/heating-grant/pre-applications", json=other, headers=key)
    assert later.status_code == 201 and later.headers["Idempotent-Replayed"] == "false"
    assert later.get_json()["reference"] != first.get_json()["reference"]
    [row] = service_rows(service, "SELECT * FROM idempotency_keys")
    assert row["reference"] == later.get_json()["reference"] and row["created_at"] > ago(hours=1)


def test_a_key_stored_before_bodies_were_hashed_never_replays(client, service):
    """Keys of the last two days, stored before migration 5, have no hash: refused."""
    key = {"Idempotency-Key": "legacy-key-1234"}
    assert client.post(REGISTER, json=PERSON, headers=key).status_code == 201
    execute(service, "UPDATE idempotency_keys SET body_hash = NULL")
    answer = client.post(REGISTER, json=PERSON, headers=key)
    assert answer.status_code == 422 and "cancel_token" not in answer.get_data(as_text=True)


def test_the_event_form_sent_again_with_other_answers(client, service):
    page = client.get("/moduli/en/eventi/assemblea/")
    form = {"full_name": "Anna Bianchi", "email": "anna@example.it", "people": "1"}
    form |= {"consent": "on", "submission_id": submission_id(page)}
    first = client.post("/moduli/en/eventi/assemblea/", data=form)
    assert first.status_code == 303
    changed = client.post("/moduli/en/eventi/assemblea/", data={**form, "people": "2"})
    assert changed.status_code == 422
    assert "This form was already sent with different answers" in text(changed)
    reference = re.search(r"iscrizione/([^?]+)", first.headers["Location"])[1]
    assert reference not in text(changed) and "?t=" not in text(changed)
    as_json = client.post(
        "/moduli/en/eventi/assemblea/",
        data={**form, "people": "2"},
        headers={"Accept": "application/json"},
    )
    assert as_json.status_code == 422 and as_json.get_json()["error"]["code"] == "key_changed"
    assert len(registrations(service)) == 1


def test_the_grant_check_page_sent_with_an_old_id_and_other_answers(client, service):
    answer_all(client)
    key = fill_details(client)
    assert send(client, "it", key).status_code == 303
    answer_all(client)  # a new questionnaire, with other details, sent with the first id
    fill_details(client, full_name="Luca Verdi")
    answer = send(client, "it", key)
    assert answer.status_code == 422
    assert "Questo modulo è già stato inviato con dati diversi" in text(answer)
    assert len(service_rows(service, "SELECT * FROM pre_applications")) == 1


# --- the grant questionnaire's cookie ------------------------------------------------------------


def cookie_data(client, service) -> dict:
    """The session cookie as anyone at the computer can read it (signed, not encrypted)."""
    value = client.get_cookie("portal_form").value
    return service.session_interface.get_signing_serializer(service).loads(value)


def drafts(service) -> list[dict]:
    return service_rows(service, "SELECT * FROM form_drafts")


def test_the_cookie_holds_no_personal_data(client, service):
    answer_all(client)
    fill_details(client)
    data = cookie_data(client, service)
    assert set(data) - FLASK_LOGIN == {"grant_draft"} and len(data["grant_draft"]) >= 40
    shown = json.dumps(data)
    for personal in ("Maria", "Rossi", "035", "123456", "maria@", "Roma", "12.345", "12345"):
        assert personal not in shown, personal
    [draft] = drafts(service)  # on the server, under that id
    assert draft["id"] == data["grant_draft"]
    assert json.loads(draft["data"])["details"]["full_name"] == DETAILS["full_name"]
    # The check page still reads everything back.
    page = text(client.get(url("it", "controlla")))
    assert "Maria Rossi" in page and "Via Roma 1, Bergamo" in page


def test_sending_drops_the_answers_from_the_server(client, service):
    answer_all(client)
    key = fill_details(client)
    done = send(client, "it", key)
    assert done.status_code == 303
    [draft] = drafts(service)
    receipt = json.loads(draft["data"])
    assert list(receipt) == ["sent"] and receipt["sent"]["key"] == key
    assert "Maria" not in draft["data"] and "035" not in draft["data"]
    assert set(cookie_data(client, service)) - FLASK_LOGIN == {"grant_draft"}
    # A resend still finds the same pre-application; a new questionnaire starts afresh.
    assert send(client, "it", key).headers["Location"] == done.headers["Location"]
    assert client.get(url("it", "controlla")).headers["Location"] == url("it", "riscaldamento")


def test_an_ineligible_answer_waits_on_the_server_until_changed_or_dropped(client, service):
    """The exit page offers to change the answer (issue #10): the answers stay in the
    server's draft, as between questions, never in the cookie; "start again" drops them."""
    client.post(url("it", "riscaldamento"), data={"heating": "autonomous"})
    assert set(cookie_data(client, service)) - FLASK_LOGIN == {"grant_draft"}
    [draft] = drafts(service)
    assert json.loads(draft["data"])["answers"] == {"heating": "autonomous"}
    assert "riscaldamento autonomo" in text(client.get(url("it", "non-ammissibile")))
    client.post(url("it", "ricomincia"))
    assert drafts(service) == []


def test_an_hour_idle_the_answers_are_gone_and_the_start_says_why(client, service):
    answer_all(client)
    fill_details(client)
    execute(service, "UPDATE form_drafts SET updated_at = ?", (ago(minutes=61),))
    back = client.get(url("it", "controlla"))
    assert back.status_code == 302 and back.headers["Location"] == url("it", "")
    start = text(client.get(back.headers["Location"]))
    assert "abbiamo cancellato le risposte" in start
    assert "abbiamo cancellato" not in text(client.get(url("it", "")))  # said once
    # The next answer starts a new draft; the expired one is deleted with it.
    client.post(url("it", "riscaldamento"), data={"heating": "centralized"})
    [draft] = drafts(service)
    assert list(json.loads(draft["data"])["answers"]) == ["heating"]


def test_an_expired_draft_posted_to_goes_back_to_the_start(client, service):
    answer_all(client)
    key = fill_details(client)
    execute(service, "UPDATE form_drafts SET updated_at = ?", (ago(hours=2),))
    response = send(client, "en", key)
    assert response.status_code == 303 and response.headers["Location"] == url("en", "")
    assert "more than an hour passed" in text(client.get(url("en", "")))
    assert service_rows(service, "SELECT * FROM pre_applications") == []


def test_purge_deletes_expired_drafts(client, service, project):
    answer_all(client)
    execute(service, "UPDATE form_drafts SET updated_at = ?", (ago(minutes=90),))
    assert len(drafts(service)) == 1
    content = load(project)
    purge(service.extensions["portal_db"], content, datetime.now(UTC))
    assert drafts(service) == []


def test_a_forged_draft_id_finds_nothing(client, service):
    answer_all(client)
    with client.session_transaction() as session:
        session["grant_draft"] = "not-a-draft"
    assert client.get(url("it", "controlla")).headers["Location"] == url("it", "")


# --- the largest group, from the content -------------------------------------------------------


@pytest.fixture
def group_app(project, make_app):  # noqa: F811  (the fixture imported above)
    """An app whose events say how large a group may be: "gruppi" (2 of 20 places) and
    "grande" (no max_group: the small default, 4)."""
    add_event(project)
    for event_id, extra in (("gruppi", "max_group: 2\n"), ("grande", "")):
        path = project / "content" / "events" / f"{add_event(project, event_id, capacity=20)}.yml"
        path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return make_app()


def test_each_event_has_its_largest_group(group_app):
    client = group_app.test_client()
    events = {e["id"]: e for e in client.get("/api/events").get_json()["events"]}
    assert (events["gruppi"]["max_group"], events["grande"]["max_group"]) == (2, 4)
    assert events["assemblea"]["max_group"] == 3  # never more than the whole event
    too_many = client.post("/api/events/gruppi/registrations", json={**PERSON, "people": 3})
    assert too_many.status_code == 422
    assert too_many.get_json()["errors"]["people"] == "Scrivi un numero da 1 a 2."
    default = client.post("/api/events/grande/registrations", json={**PERSON, "people": 5})
    assert default.get_json()["errors"]["people"] == "Scrivi un numero da 1 a 4."
    fits = client.post("/api/events/grande/registrations", json={**PERSON, "people": 4})
    assert fits.status_code == 201
    page = client.get("/moduli/it/eventi/gruppi/")
    assert "Al massimo 2." in text(page)
    form = {"full_name": "Bruno Verdi", "phone": "035 999999", "people": "3", "consent": "on"}
    html = client.post("/moduli/it/eventi/gruppi/", data={**form, "submission_id": "g" * 36})
    assert html.status_code == 422 and "Scrivi un numero da 1 a 2." in text(html)


def test_the_desk_has_the_same_largest_group(group_app):
    desk = logged_in(group_app)
    page = "/staff/eventi/gruppi/iscrivi"
    form = {"full_name": "Anna Bianchi", "phone": "035 654321", "people": "3", "consent": "on"}
    submission = re.search(r'name="submission_id" value="([^"]+)"', desk.get(page).text)[1]
    answer = desk.post(
        page, data={**form, "csrf_token": csrf(desk, page), "submission_id": submission}
    )
    assert answer.status_code == 422 and "Scrivi un numero da 1 a 2." in answer.text


@pytest.mark.parametrize(
    ("group", "problem"),
    [("max_group: 0", "da 1 a 10"), ("max_group: 11", "da 1 a 10"), ("max_group: 8", "più di")],
)
def test_max_group_is_checked_against_the_event(project, group, problem):
    path = project / "content" / "events" / f"{add_event(project, 'festa', capacity=5)}.yml"
    path.write_text(path.read_text(encoding="utf-8") + group + "\n", encoding="utf-8")
    [found] = problems_of(project)
    assert found.field == "max_group" and problem in found.message()


# --- one sign-up per phone or e-mail -----------------------------------------------------------


def test_the_same_phone_or_email_signs_up_once(client, service):
    first = {"full_name": "Anna Bianchi", "phone": "+39 035 123456", "people": 1, "consent": True}
    assert client.post(REGISTER, json=first).status_code == 201
    for other in (
        {"phone": "035-123456"},
        {"phone": "0039 035 123 456", "email": "altro@example.it"},
    ):
        body = {"full_name": "Mallory", "people": 2, "consent": True, **other}
        answer = client.post(f"{REGISTER}?lang=en", json=body)
        assert answer.status_code == 409
        assert answer.get_json()["error"]["code"] == "already_signed_up"
        assert NEUTRAL in answer.get_json()["error"]["message"]
        assert "Anna" not in answer.get_data(as_text=True)  # nothing about the other person
    email = {"full_name": "Bruno Verdi", "email": "Bruno@Example.IT", "people": 1, "consent": True}
    assert client.post(REGISTER, json=email).status_code == 201
    again = {**email, "full_name": "Mallory", "email": " bruno@example.it"}
    assert client.post(REGISTER, json=again).status_code == 409
    assert len(registrations(service)) == 2


def test_after_cancelling_the_same_phone_may_sign_up_again(client, service):
    body = {"full_name": "Anna Bianchi", "phone": "035 123456", "people": 1, "consent": True}
    first = client.post(REGISTER, json=body).get_json()
    cancel = f"/api/registrations/{first['reference']}/cancel"
    assert client.post(cancel, json={"token": first["cancel_token"]}).status_code == 200
    assert client.post(REGISTER, json=body).status_code == 201


def test_the_html_form_refuses_a_second_sign_up_neutrally(client, service):
    form = {"full_name": "Anna Bianchi", "phone": "035 123456", "people": "1", "consent": "on"}
    page = client.get("/moduli/it/eventi/assemblea/")
    client.post("/moduli/it/eventi/assemblea/", data={**form, "submission_id": submission_id(page)})
    page = client.get("/moduli/it/eventi/assemblea/")
    answer = client.post(
        "/moduli/it/eventi/assemblea/",
        data={**form, "full_name": "Altra", "phone": "035123456", "submission_id": "h" * 36},
    )
    assert answer.status_code == 409
    assert "Questo numero di telefono o questa email è già iscritto" in text(answer)
    assert "Anna" not in text(answer) and "E-" not in text(answer)
    assert len(registrations(service)) == 1


def test_the_desk_refuses_a_second_sign_up_too(client, service):
    body = {"full_name": "Anna Bianchi", "phone": "035 654321", "people": 1, "consent": True}
    assert client.post(REGISTER, json=body).status_code == 201
    desk = logged_in(service)
    page = "/staff/eventi/assemblea/iscrivi"
    submission = re.search(r'name="submission_id" value="([^"]+)"', desk.get(page).text)[1]
    form = {"full_name": "Anna B.", "phone": "+39 035 654 321", "people": "1", "consent": "on"}
    answer = desk.post(
        page, data={**form, "csrf_token": csrf(desk, page), "submission_id": submission}
    )
    assert answer.status_code == 409
    assert "Questo numero di telefono o questa email è già iscritto" in answer.text
    assert len(registrations(service)) == 1


def test_two_sign_ups_with_one_phone_at_the_same_moment_store_one(service):
    db = service.extensions["portal_db"]
    with service.app_context():
        event = service.extensions["portal_content"].get().events["assemblea"]
    phones = ["035 777777", "+39 035 777777", "035-777-777", "0039035777777"] * 2
    start = threading.Barrier(len(phones))
    kinds, lock = [], threading.Lock()

    def resident(n: int, phone: str) -> None:
        conn = db.connect()
        try:
            start.wait(10)
            data = {"full_name": f"Persona {n}", "phone": phone, "people": 1, "consent": True}
            outcome = actions.sign_up(db, conn, event, data, "it", None, actions.now(), "x")
            with lock:
                kinds.append(outcome.kind)
        finally:
            conn.close()

    threads = [threading.Thread(target=resident, args=(n, p)) for n, p in enumerate(phones)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(kinds) == ["already_signed_up"] * (len(phones) - 1) + ["created"]
    assert len(registrations(service)) == 1


# --- odd input and caches ----------------------------------------------------------------------


@pytest.mark.parametrize("reference", ["C-AAAA-AAA%00", "%00", "nulla", "C-AAAA-AAAA"])
def test_an_unknown_or_odd_grant_reference_is_not_found(client, reference):
    response = client.get(url("it", f"conferma/{reference}"))
    assert response.status_code in (400, 404), response.status_code  # never a 500


def test_answers_with_the_cancel_token_are_never_cached(client):
    created = client.post(REGISTER, json=PERSON)
    assert created.headers["Cache-Control"] == "no-store"
    registration = created.get_json()
    found = client.get(
        f"/api/registrations/{registration['reference']}",
        query_string={"token": registration["cancel_token"]},
    )
    assert found.status_code == 200 and found.headers["Cache-Control"] == "no-store"
    cancel = f"/api/registrations/{registration['reference']}/cancel"
    cancelled = client.post(cancel, json={"token": registration["cancel_token"]})
    assert cancelled.headers["Cache-Control"] == "no-store"
