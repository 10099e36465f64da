"""Access to every staff URL, found in the app's own URL map so that a new page is covered the
day it is added: a stranger, a forged or expired session go to the login; an operator gets
403 where the page needs a coordinator's permission; a coordinator gets in; a POST without
its CSRF token changes nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from forms_service import maintenance
from forms_service.domain.staff import ROLES
from forms_service.web import staff_auth
from forms_service.web.db import database, get_db

from .helpers import PRE_APPLICATION
from .test_staff import GOOD, csrf, login

OPEN = {"staff_auth.login", "staff_auth.logout"}  # the only staff endpoints anyone may reach
SAFE = {"GET", "HEAD", "OPTIONS"}


@pytest.fixture
def people(service):
    """(app, {role: logged-in client}, sample values for the URL parameters)."""
    staff_auth.limiter.reset()
    maintenance.add_account(service, "anna.b", "coordinator", GOOD)
    maintenance.add_account(service, "marco", "operator", GOOD)
    resident = service.test_client()
    answer = resident.post("/api/heating-grant/pre-applications?lang=it", json=PRE_APPLICATION)
    assert answer.status_code == 201, answer.get_json()
    clients = {}
    for role, name in (("coordinator", "anna.b"), ("operator", "marco")):
        clients[role] = service.test_client()
        assert login(clients[role], name, GOOD).status_code == 303
    samples = {"reference": answer.get_json()["reference"], "event_id": "assemblea"}
    return service, clients, samples


def staff_routes(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every staff URL; fails on a parameter with no sample."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff"):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, rule))
    return found


def url(rule, samples: dict) -> str:
    missing = set(rule.arguments) - set(samples)
    assert not missing, f"{rule.rule}: give the access test a sample for {missing}"
    return rule.build({name: samples[name] for name in rule.arguments}, append_unknown=False)[1]


def call(client, method: str, path: str, token: str | None = None):
    data = {"csrf_token": token} if token else {}
    return client.open(path, method=method, data=data if method not in SAFE else None)


def to_login(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith(
        "/staff/login?next="
    )


def test_every_staff_page_asks_for_a_permission(service):
    for endpoint, _method, rule in staff_routes(service):
        if endpoint in OPEN:
            continue
        view = service.view_functions[endpoint]
        assert getattr(view, "permission", None), f"{rule.rule} does not use @requires(...)"


def test_strangers_are_sent_to_the_login(people):
    app, _clients, samples = people
    stranger = app.test_client()
    token = csrf(stranger)
    for endpoint, method, rule in staff_routes(app):
        if endpoint in OPEN:
            continue
        response = call(stranger, method, url(rule, samples), token)
        assert to_login(response), (method, rule.rule, response.status_code)


def test_operators_get_403_exactly_where_a_coordinator_permission_is_needed(people):
    app, clients, samples = people
    for role, client in clients.items():
        token = csrf(client, "/staff/")
        for endpoint, method, rule in staff_routes(app):
            if endpoint in OPEN:
                continue
            needed = app.view_functions[endpoint].permission
            response = call(client, method, url(rule, samples), token)
            if needed in ROLES[role]:
                assert response.status_code != 403 and not to_login(response), (
                    role,
                    method,
                    rule.rule,
                    response.status_code,
                )
                assert response.status_code < 500, (role, method, rule.rule)
            else:
                assert response.status_code == 403, (role, method, rule.rule)


def test_a_post_without_its_csrf_token_is_refused_everywhere(people):
    app, clients, samples = people
    coordinator = clients["coordinator"]
    for _endpoint, method, rule in staff_routes(app):
        if method in SAFE:
            continue
        response = call(coordinator, method, url(rule, samples))
        assert response.status_code == 400, (method, rule.rule, response.status_code)
        assert "non è stato salvato nulla" in response.get_data(as_text=True)
    with app.app_context():
        rows = database().all(get_db(), "SELECT action FROM audit_log ORDER BY id")
    changes = [r["action"] for r in rows if r["action"] not in ("account.added", "staff.login")]
    assert changes == [], changes  # nothing happened


@pytest.mark.parametrize("kind", ["forged", "expired", "ended"])
def test_a_forged_expired_or_ended_session_is_a_stranger(people, kind):
    app, clients, samples = people
    client = clients["coordinator"]
    if kind == "forged":
        client.set_cookie("portal_staff", "eyJfdXNlcl9pZCI6IngifQ.forged.sig", path="/staff/")
    else:
        column, value = (
            ("created_at", datetime.now(UTC) - timedelta(hours=9))
            if kind == "expired"
            else ("ended_at", datetime.now(UTC))
        )
        with app.app_context():
            db, conn = database(), get_db()
            with db.transaction(conn):
                db.execute(
                    conn,
                    f"UPDATE staff_sessions SET {column} = ?",
                    (value.isoformat(timespec="seconds"),),
                )
    for endpoint, method, rule in staff_routes(app):
        if endpoint in OPEN or method not in SAFE:
            continue
        assert to_login(client.get(url(rule, samples))), rule.rule


def test_staff_pages_are_never_cached(people):
    app, clients, samples = people
    for endpoint, method, rule in staff_routes(app):
        if endpoint in OPEN or method not in SAFE:
            continue
        response = clients["coordinator"].get(url(rule, samples))
        assert response.headers.get("Cache-Control") == "no-store", rule.rule
