"""Database faults: the resident gets a truthful 503 within 5 seconds, never a hang.

PostgreSQL and Redis are reached through ``tests/tcp_proxy.py``, which refuses, swallows
(a network partition) or passes the traffic; the service keeps running throughout and
recovers by itself. The full disk is real: a 2 MB tmpfs mounted for the test (this needs
root, as the tests and CI run; without it the test fails, it does not skip).
"""

from __future__ import annotations

import html
import os
import re
import sqlite3
import subprocess
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from werkzeug.datastructures import MultiDict

from forms_service.config import _stored_secret
from forms_service.storage.db import Database, Unavailable, unavailable

from .conftest import POSTGRES, REDIS, postgres_schema, service_app
from .tcp_proxy import TcpProxy
from .test_forms_html import answer_all, fill_details, submission_id

BUDGET = 5.0  # seconds: the longest a resident may wait for any answer
REGISTER = "/api/events/assemblea/registrations"
EVENT_PAGE = "/moduli/en/eventi/assemblea/"
PERSON = {"full_name": "Zoe Fault", "email": "zoe@example.it", "people": 1, "consent": True}
FORM = {
    "full_name": "Zoe Fault",
    "email": "zoe@example.it",
    "phone": "",
    "people": "2",
    "consent": "on",
    "website": "",
}


def via(proxy: TcpProxy, url: str) -> str:
    """``url`` with its host and port replaced by the proxy's."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    user = f"{netloc[0]}@" if len(netloc) == 2 else ""
    return urlunsplit(parts._replace(netloc=f"{user}127.0.0.1:{proxy.port}"))


@pytest.fixture
def pg(shared_content):
    """(app, proxy, direct URL): the service on a fresh PostgreSQL schema through a proxy."""
    schemas = postgres_schema()
    url = next(schemas)
    with TcpProxy("127.0.0.1", urlsplit(POSTGRES).port or 5432) as proxy:
        app = service_app(shared_content, via(proxy, url))
        try:
            yield app, proxy, url
        finally:
            app.extensions["portal_db"].close()
    next(schemas, None)


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def rows(url: str, sql: str, params=()) -> list:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql, params).fetchall()


def registrations(url: str) -> int:
    return rows(url, "SELECT COUNT(*) FROM registrations")[0][0]


def assert_unavailable_json(response, elapsed: float):
    assert response.status_code == 503, response.get_data(as_text=True)
    assert elapsed < BUDGET, f"answered after {elapsed:.1f} s"
    assert int(response.headers["Retry-After"]) > 0
    assert response.get_json()["error"]["code"] == "unavailable"


def service_log(caplog) -> list:
    return [r for r in caplog.records if r.name == "forms_service"]


def eventually(call, status: int, seconds: float = 10.0):
    deadline = time.monotonic() + seconds
    while True:
        response = call()
        if response.status_code == status or time.monotonic() > deadline:
            return response
        time.sleep(0.2)


# --- PostgreSQL refuses, stops answering, comes back ------------------------------------------


def test_refused_database_answers_503_fast_with_one_log_line(pg, caplog):
    app, proxy, _ = pg
    client = app.test_client()
    assert client.get("/api/events").status_code == 200  # the pool holds a connection
    proxy.refuse()
    for _ in range(3):
        caplog.clear()
        response, elapsed = timed(lambda: client.get("/api/events"))
        assert_unavailable_json(response, elapsed)
        lines = service_log(caplog)
        assert len(lines) == 1, [r.getMessage() for r in lines]
        assert lines[0].exc_info is None and "Traceback" not in caplog.text
        assert "database unavailable" in lines[0].getMessage()
        assert "refused" in lines[0].getMessage().lower() or "postgresql" in lines[0].getMessage()
    # Once known down, the answer is immediate.
    _, elapsed = timed(lambda: client.get("/api/events"))
    assert elapsed < 1.0
    page, elapsed = timed(lambda: client.get(EVENT_PAGE))
    assert page.status_code == 503 and elapsed < BUDGET
    shown = html.unescape(page.get_data(as_text=True))
    assert "The service is busy right now: your data was not sent." in shown
    assert "Desks and opening hours" in shown and "Wednesday" in shown
    assert page.headers["Retry-After"]


def test_partitioned_database_answers_503_within_5_seconds_then_recovers(pg):
    app, proxy, _ = pg
    client = app.test_client()
    assert client.get("/api/events").status_code == 200
    proxy.blackhole()
    for _ in range(3):
        response, elapsed = timed(lambda: client.post(REGISTER, json=PERSON))
        assert_unavailable_json(response, elapsed)
    proxy.heal()
    assert eventually(lambda: client.get("/api/events"), 200).status_code == 200
    assert client.post(REGISTER, json=PERSON).status_code == 201


def test_healed_database_serves_again_without_restart(pg):
    app, proxy, url = pg
    client = app.test_client()
    assert client.get("/api/events").status_code == 200
    proxy.refuse()
    assert client.post(REGISTER, json=PERSON).status_code == 503
    proxy.heal()
    started = time.monotonic()
    assert eventually(lambda: client.get("/api/events"), 200).status_code == 200
    assert time.monotonic() - started < BUDGET
    assert client.post(REGISTER, json=PERSON).status_code == 201
    proxy.cut()  # every pooled connection dies at once: the checkout check replaces them
    assert client.get("/api/events").status_code == 200
    assert registrations(url) == 1


def test_a_held_lock_gives_503_within_5_seconds_and_stores_nothing(pg):
    app, _, url = pg
    client = app.test_client()
    key = f"k-{uuid.uuid4().hex}"
    with psycopg.connect(url, autocommit=True) as holder:
        holder.execute(
            "INSERT INTO event_places (event_id, confirmed_people) VALUES ('assemblea', 0) "
            "ON CONFLICT (event_id) DO NOTHING"
        )
        with holder.transaction():  # another process keeps the event's places locked
            holder.execute("SELECT * FROM event_places WHERE event_id = 'assemblea' FOR UPDATE")
            response, elapsed = timed(
                lambda: client.post(REGISTER, json=PERSON, headers={"Idempotency-Key": key})
            )
            assert_unavailable_json(response, elapsed)
            assert registrations(url) == 0  # told the truth: nothing was saved
    retried = client.post(REGISTER, json=PERSON, headers={"Idempotency-Key": key})
    assert retried.status_code == 201, retried.get_data(as_text=True)
    again = client.post(REGISTER, json=PERSON, headers={"Idempotency-Key": key})
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert registrations(url) == 1


# --- the form comes back, filled ---------------------------------------------------------------


def retry_form(page) -> tuple[str, MultiDict]:
    """The busy page's form: its action and its hidden fields."""
    body = page.get_data(as_text=True)
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', body, re.S)
    assert form, body
    fields = re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', form.group(2))
    pairs = [(html.unescape(k), html.unescape(v)) for k, v in fields]
    return html.unescape(form.group(1)), MultiDict(pairs)


def test_event_form_comes_back_filled_and_its_retry_button_sends_it_once(pg):
    app, proxy, url = pg
    client = app.test_client()
    page = client.get(EVENT_PAGE)
    assert page.status_code == 200
    key = submission_id(page)
    proxy.refuse()
    busy, elapsed = timed(lambda: client.post(EVENT_PAGE, data={**FORM, "submission_id": key}))
    assert busy.status_code == 503 and elapsed < BUDGET
    shown = html.unescape(busy.get_data(as_text=True))
    assert "Zoe Fault" in shown and "zoe@example.it" in shown  # what they typed, visible
    assert "Try again" in shown and "Wednesday" in shown
    action, fields = retry_form(busy)
    assert action == EVENT_PAGE
    assert fields["submission_id"] == key and fields["people"] == "2"
    proxy.heal()
    sent = eventually(lambda: client.post(action, data=fields), 303)
    assert sent.status_code == 303, sent.get_data(as_text=True)
    assert client.post(action, data=fields).status_code == 303  # a second press: no double
    assert registrations(url) == 1


def test_grant_send_step_comes_back_and_its_retry_button_sends_it_once(pg):
    app, proxy, url = pg
    client = app.test_client()
    answer_all(client, "en")
    key = fill_details(client, "en")
    proxy.refuse()
    busy = client.post(
        "/moduli/en/contributo-riscaldamento/controlla",
        data={"submission_id": key, "website": ""},
    )
    assert busy.status_code == 503
    action, fields = retry_form(busy)
    assert action == "/moduli/en/contributo-riscaldamento/controlla"
    assert fields["submission_id"] == key
    proxy.heal()
    sent = eventually(lambda: client.post(action, data=fields), 303)
    assert sent.status_code == 303 and "/conferma/" in sent.headers["Location"]
    assert rows(url, "SELECT COUNT(*) FROM pre_applications")[0][0] == 1


def test_secrets_are_reposted_but_never_shown(pg):
    app, proxy, _ = pg
    client = app.test_client()
    proxy.refuse()
    data = {**FORM, "csrf_token": "tok-secret-1", "password": "pw-secret-2"}
    busy = client.post(EVENT_PAGE, data=data)
    assert busy.status_code == 503
    body = busy.get_data(as_text=True)
    _, fields = retry_form(busy)
    assert fields["csrf_token"] == "tok-secret-1"
    assert body.count("tok-secret-1") == 1  # only in the hidden input
    assert "pw-secret-2" not in body and "password" not in fields


# --- health and liveness ------------------------------------------------------------------------


def test_health_names_the_dependency_that_is_down_and_liveness_stays_up(pg, shared_content):
    _, db_proxy, url = pg
    redis_port = urlsplit(REDIS).port or 6379
    with TcpProxy("127.0.0.1", redis_port) as redis_proxy:
        app = service_app(
            shared_content, via(db_proxy, url), PORTAL_REDIS_URL=via(redis_proxy, REDIS)
        )
        client = app.test_client()
        try:
            ok = client.get("/api/health")
            assert ok.status_code == 200, ok.get_json()
            assert ok.get_json()["checks"] == {"database": "ok", "redis": "ok"}
            redis_proxy.refuse()
            response, elapsed = timed(lambda: client.get("/api/health"))
            assert response.status_code == 503 and elapsed < BUDGET
            body = response.get_json()
            assert body["status"] == "unavailable" and body["checks"]["database"] == "ok"
            assert body["checks"]["redis"].startswith("down: ")
            assert client.get("/api/live").get_json() == {"status": "alive"}
            redis_proxy.heal()
            db_proxy.refuse()
            response, elapsed = timed(lambda: client.get("/api/health"))
            assert response.status_code == 503 and elapsed < BUDGET
            checks = response.get_json()["checks"]
            assert checks["database"].startswith("down: ") and checks["redis"] == "ok"
            assert response.headers["Retry-After"]
            live = client.get("/api/live")
            assert live.status_code == 200 and live.get_json() == {"status": "alive"}
            db_proxy.heal()
            assert eventually(lambda: client.get("/api/health"), 200).status_code == 200
        finally:
            app.extensions["portal_db"].close()


# --- SQLite: a full disk, files, the WAL ---------------------------------------------------------


@contextmanager
def small_disk(folder: Path, size: str = "2m"):
    """A real filesystem of ``size`` (tmpfs); fails, never skips, when it cannot be mounted."""
    folder.mkdir()
    # Root mounts it directly; anyone else through sudo (as `make test` installs packages).
    root = [] if os.geteuid() == 0 else ["sudo", "-n"]
    options = f"size={size},mode=0700,uid={os.getuid()},gid={os.getgid()}"
    done = subprocess.run(
        [*root, "mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.fail(f"cannot mount a tmpfs for the full-disk test (needs root): {done.stderr}")
    try:
        yield folder
    finally:
        subprocess.run([*root, "umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> Path:
    filler = folder / "filler"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    return filler


def test_full_disk_gives_503_reads_go_on_and_nothing_is_damaged(shared_content, tmp_path, caplog):
    with small_disk(tmp_path / "disk") as disk:
        app = service_app(shared_content, f"sqlite:///{disk}/portal.sqlite3")
        client = app.test_client()
        try:
            first = {**PERSON, "email": "first@example.it"}
            assert client.post(REGISTER, json=first).status_code == 201
            page = client.get(EVENT_PAGE)
            key = submission_id(page)
            filler = fill(disk)
            caplog.clear()
            other = {**PERSON, "email": "full@example.it"}
            response, elapsed = timed(lambda: client.post(REGISTER, json=other))
            assert_unavailable_json(response, elapsed)
            assert "disk full" in caplog.text and "Traceback" not in caplog.text
            busy = client.post(EVENT_PAGE, data={**FORM, "submission_id": key})
            assert busy.status_code == 503
            assert "Zoe Fault" in html.unescape(busy.get_data(as_text=True))
            # Pages that only read keep working, on pooled and on new connections.
            assert client.get("/api/events").status_code == 200
            assert client.get(EVENT_PAGE).status_code == 200
            fresh = service_app(shared_content, f"sqlite:///{disk}/portal.sqlite3").test_client()
            assert fresh.get("/api/events").status_code == 200
            filler.unlink()
            conn = sqlite3.connect(disk / "portal.sqlite3")
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            conn.close()
            assert client.post(REGISTER, json=other).status_code == 201
            action, fields = retry_form(busy)
            assert client.post(action, data=fields).status_code == 303
            assert len(app_rows(app, "SELECT * FROM registrations")) == 3
        finally:
            app.extensions["portal_db"].close()


def app_rows(app, sql: str) -> list:
    db = app.extensions["portal_db"]
    conn = db.connect()
    try:
        return db.all(conn, sql)
    finally:
        conn.close()


def test_sqlite_files_are_private(tmp_path):
    db = Database("sqlite:///var/portal.sqlite3", tmp_path)
    db.migrate()
    with db.connection() as conn, db.transaction(conn):
        db.execute(conn, "INSERT INTO schema_version (version) VALUES (0)")
    assert (tmp_path / "var").stat().st_mode & 0o777 == 0o700
    for name in (
        "portal.sqlite3",
        "portal.sqlite3-wal",
        "portal.sqlite3-shm",
        "portal.sqlite3.lock",
    ):
        assert (tmp_path / "var" / name).stat().st_mode & 0o777 == 0o600, name
    _stored_secret(tmp_path / "var" / "secret_key")
    assert (tmp_path / "var" / "secret_key").stat().st_mode & 0o777 == 0o600
    db.close()


def test_wal_is_set_once_and_truncated(tmp_path):
    db = Database("sqlite:///portal.sqlite3", tmp_path)
    db.migrate()
    traced: list[str] = []
    with db.connection() as conn:
        conn.set_trace_callback(traced.append)
        db.one(conn, "SELECT COUNT(*) AS n FROM schema_version")
        conn.set_trace_callback(None)
    assert not [s for s in traced if "journal_mode" in s]
    assert db.one(db.connect(), "PRAGMA journal_mode")["journal_mode"] == "wal"
    for n in range(200):
        with db.connection() as conn, db.transaction(conn):
            db.execute(conn, "INSERT INTO schema_version (version) VALUES (?)", (-n,))
    wal = tmp_path / "portal.sqlite3-wal"
    assert wal.stat().st_size > 0
    db._pool.checkpoint_seconds = 0
    with db.connection():
        pass
    assert wal.stat().st_size == 0
    db.close()


def test_sqlite_lock_beyond_the_timeout_is_503_not_a_hang(shared_content, tmp_path):
    app = service_app(shared_content, f"sqlite:///{tmp_path}/p.sqlite3", PORTAL_DB_LOCK_TIMEOUT="1")
    client = app.test_client()
    holder = sqlite3.connect(tmp_path / "p.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        response, elapsed = timed(lambda: client.post(REGISTER, json=PERSON))
        assert_unavailable_json(response, elapsed)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert client.post(REGISTER, json=PERSON).status_code == 201
    app.extensions["portal_db"].close()


# --- what counts as "unavailable" ------------------------------------------------------------


def test_only_faults_of_the_database_are_unavailable(tmp_path):
    conn = sqlite3.connect(tmp_path / "x.sqlite3")
    with pytest.raises(sqlite3.OperationalError) as wrong_sql:
        conn.execute("SELECT * FROM nowhere")
    assert unavailable(wrong_sql.value) is None  # a bug stays a 500
    conn.execute("CREATE TABLE t (x)")
    conn.execute("PRAGMA max_page_count=2")  # SQLITE_FULL without a full disk
    with pytest.raises(sqlite3.OperationalError) as full:
        conn.executemany("INSERT INTO t VALUES (?)", [("x" * 1000,)] * 100)
    assert "disk full" in unavailable(full.value).cause
    assert unavailable(ValueError("x")) is None
    assert unavailable(psycopg.errors.LockNotAvailable("x")) is not None
    assert unavailable(psycopg.errors.UndefinedTable("x")) is None
    down = Unavailable("cause")
    assert unavailable(down) is down


def test_too_many_connections_waits_no_longer_than_the_timeout(pg):
    app, _, _ = pg
    db = app.extensions["portal_db"]
    held = [db.checkout() for _ in range(db.limits.pool_size)]
    try:
        started = time.monotonic()
        with pytest.raises(Unavailable):
            db.checkout()
        assert time.monotonic() - started < BUDGET
        response, elapsed = timed(lambda: app.test_client().get("/api/events"))
        assert_unavailable_json(response, elapsed)
    finally:
        for conn in held:
            db.release(conn)
    assert app.test_client().get("/api/events").status_code == 200


def test_many_threads_share_the_pool(pg):
    app, _, url = pg
    errors: list = []

    def work(n: int):
        client = app.test_client()
        for _ in range(5):
            response = client.get("/api/events")
            if response.status_code != 200:
                errors.append(response.status_code)
        body = {**PERSON, "email": f"t{n}@example.it"}
        if client.post(REGISTER, json=body).status_code not in (201, 422):
            errors.append(n)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    stats = app.extensions["portal_db"]._pool._pool.get_stats()
    assert stats["pool_max"] == 5 and stats["pool_size"] <= 5
