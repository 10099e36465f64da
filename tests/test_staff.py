"""The desk team's accounts and access: made only from the command line, argon2-hashed,
logged in with a server-side session, a CSRF token in every form, failed logins throttled,
and coordinator-only pages closed to operators. On SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

import argon2
import argon2.profiles
import pytest

from forms_service import maintenance
from forms_service.web import staff_auth
from forms_service.web.db import database, get_db

GOOD = "tre gatti sul tetto"
STAFF_URLS = ["/staff/", "/staff/registro", "/staff/account"]
COORDINATOR_ONLY = ["/staff/registro", "/staff/account"]


@pytest.fixture
def staff(service):
    staff_auth.limiter.reset()  # one limiter per process: start each test with no failures
    maintenance.add_account(service, "anna.b", "coordinator", GOOD)
    maintenance.add_account(service, "marco", "operator", GOOD + " e la luna")
    return service


def csrf(client, path="/staff/login") -> str:
    page = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert found, page
    return found[1]


def login(client, username="anna.b", password=GOOD):
    token = csrf(client)
    return client.post(
        "/staff/login", data={"username": username, "password": password, "csrf_token": token}
    )


def logged_in(service, username: str = "marco", role: str = "operator"):
    """A test client logged in with a new account (password GOOD)."""
    staff_auth.limiter.reset()  # one limiter per process: start with no failures
    maintenance.add_account(service, username, role, GOOD)
    client = service.test_client()
    assert login(client, username, GOOD).status_code == 303
    return client


def test_there_is_no_default_account(service):
    assert maintenance.list_accounts(service) == []


def test_weak_passwords_are_refused_with_the_reason(service):
    for password, reason in [
        ("corta", "troppo corta"),
        ("anna.b-segreta-1", "nome utente"),
        ("aaaaaaaaaaaaaaaa", "ripete"),
        ("password1234", "più usate"),
    ]:
        with pytest.raises(maintenance.AccountRefused, match=reason):
            maintenance.add_account(service, "anna.b", "operator", password)
    assert maintenance.list_accounts(service) == []


def test_passwords_are_stored_as_argon2_hashes(staff):
    with staff.app_context():
        row = database().one(
            get_db(), "SELECT password_hash FROM staff_accounts WHERE username = 'anna.b'"
        )
    assert row["password_hash"].startswith("$argon2id$") and GOOD not in row["password_hash"]


def test_the_service_hashes_with_the_librarys_recommended_argon2id_parameters(cheap_argon2):
    """The other tests hash with the cheapest parameters (conftest.py's ``cheap_argon2``);
    the service's own hasher, kept aside there, uses argon2-cffi's recommended ones."""
    stored = cheap_argon2.hash(GOOD)
    assert argon2.extract_parameters(stored) == argon2.profiles.RFC_9106_LOW_MEMORY
    assert cheap_argon2.verify(stored, GOOD)


def test_every_staff_page_sends_a_stranger_to_the_login(staff):
    client = staff.test_client()
    for url in STAFF_URLS:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/staff/login?next=")


def test_login_then_logout_ends_the_session_on_the_server(staff):
    client = staff.test_client()
    response = login(client)
    assert response.status_code == 303 and response.headers["Location"] == "/staff/"
    cookie = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("portal_staff=")
    )
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/staff/" in cookie
    assert client.get("/staff/").status_code == 200
    stolen = client.get_cookie("portal_staff", path="/staff/").value
    client.post("/staff/logout", data={"csrf_token": csrf(client, "/staff/")})
    assert client.get("/staff/").status_code == 302
    thief = staff.test_client()
    thief.set_cookie("portal_staff", stolen, path="/staff/")
    assert thief.get("/staff/").status_code == 302  # the copied cookie no longer works


def test_wrong_password_and_unknown_name_get_the_same_answer(staff, caplog):
    caplog.set_level(logging.WARNING, "forms_service.staff")
    wrong = login(staff.test_client(), password="not the password")
    unknown = login(staff.test_client(), username="nessuno", password="not the password")
    assert wrong.status_code == unknown.status_code == 401

    def message(response):
        found = re.search(r'role="alert".*?</div>', response.get_data(as_text=True), re.S)
        assert found
        return found[0]

    assert message(wrong) == message(unknown)
    assert "anna.b" in caplog.text and "not the password" not in caplog.text


def test_a_post_without_its_csrf_token_is_refused(staff):
    client = staff.test_client()
    client.get("/staff/login")
    response = client.post("/staff/login", data={"username": "anna.b", "password": GOOD})
    assert response.status_code == 400 and client.get("/staff/").status_code == 302


def test_failed_logins_are_throttled_per_account(staff):
    client = staff.test_client()
    for _ in range(5):
        assert login(client, password="not the password").status_code == 401
    assert login(client).status_code == 429  # even the right password waits now
    assert login(staff.test_client(), "marco", GOOD + " e la luna").status_code == 303


def test_operators_may_not_open_coordinator_pages(staff):
    operator, coordinator = staff.test_client(), staff.test_client()
    login(operator, "marco", GOOD + " e la luna")
    login(coordinator)
    for url in COORDINATOR_ONLY:
        assert operator.get(url).status_code == 403, url
        assert coordinator.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "column, age",
    [("last_seen_at", timedelta(minutes=31)), ("created_at", timedelta(hours=8, minutes=1))],
)
def test_sessions_expire_when_idle_or_old(staff, column, age):
    client = staff.test_client()
    login(client)
    with staff.app_context():
        moment = (datetime.now(UTC) - age).isoformat(timespec="seconds")
        db, conn = database(), get_db()
        with db.transaction(conn):
            db.execute(conn, f"UPDATE staff_sessions SET {column} = ?", (moment,))
    assert client.get("/staff/").status_code == 302


def test_disabling_or_a_new_password_ends_open_sessions(staff):
    client = staff.test_client()
    login(client)
    maintenance.set_password(staff, "anna.b", "quattro gatti sul tetto")
    assert client.get("/staff/").status_code == 302
    assert login(client, password="quattro gatti sul tetto").status_code == 303
    maintenance.disable_account(staff, "anna.b")
    assert client.get("/staff/").status_code == 302
    assert login(client, password="quattro gatti sul tetto").status_code == 401


def test_the_audit_log_shows_logins_and_account_changes(staff):
    client = staff.test_client()
    login(staff.test_client(), password="not the password")
    login(client)
    page = client.get("/staff/registro").get_data(as_text=True)
    for sentence in ("account creato", "accesso non riuscito", "accesso"):
        assert sentence in page
    filtered = client.get("/staff/registro?azione=account.added").get_data(as_text=True)
    assert "2 attività" in filtered


def test_a_forged_cookie_is_a_stranger(staff):
    client = staff.test_client()
    client.set_cookie("portal_staff", "eyJfdXNlcl9pZCI6IngifQ.forged.signature", path="/staff/")
    assert client.get("/staff/").status_code == 302


def test_long_lists_are_paged_keeping_their_filters(staff):
    from forms_service.domain import audit

    with staff.app_context():
        for n in range(55):
            audit.record(database(), get_db(), f"tentativo{n}", "staff.login_failed")
    client = staff.test_client()
    login(client)
    first = client.get("/staff/registro?azione=staff.login_failed").get_data(as_text=True)
    assert "55 attività, pagina 1 di 2" in first and "Pagina precedente" not in first
    link = re.search(r'href="([^"]+)">Pagina successiva', first)
    assert link and "azione=staff.login_failed" in link[1] and "pagina=2" in link[1]
    second = client.get(link[1].replace("&amp;", "&")).get_data(as_text=True)
    assert "pagina 2 di 2" in second and "Pagina successiva" not in second
    assert "tentativo0<" in second and "tentativo54<" not in second  # newest first
