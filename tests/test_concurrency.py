"""Concurrent sign-ups against a REAL server: gunicorn, 4 workers x 4 threads.

Places are allocated atomically on SQLite and PostgreSQL: 60 people racing for 5
places give exactly 5 confirmed, and the counter agrees with the rows. Twenty
retries of one submission racing each other store it once. Every wait is bounded
and gunicorn is always stopped.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from forms_service.storage.migrations import MIGRATIONS
from tests.conftest import add_event, postgres_schema
from tests.helpers import PRE_APPLICATION, ROOT, free_port

CAPACITY = 5
SIGNUPS = 60
SAME_KEY_REQUESTS = 20
REQUEST_TIMEOUT = 30
START_TIMEOUT = 45


@pytest.fixture(params=["sqlite", "postgresql"])
def backend_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'portal.sqlite3'}"  # created by the service
        return
    yield from postgres_schema()


def start_gunicorn(
    root: Path, database_url: str, log: Path, settings: dict | None = None
) -> tuple[subprocess.Popen, str]:
    """gunicorn -w 4 -k gthread --threads 4 on a free port, as production runs it, with
    ``settings`` over the test defaults (no rate limits, no Redis); returns at once, with the
    process and its base URL: see ``wait_until_up``."""
    port = free_port()
    env = {
        **os.environ,
        "PORTAL_ROOT": str(root),
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_RATE_LIMITS": "off",
        "PORTAL_SECRET_KEY": "x",
        "PORTAL_REDIS_URL": "",
        **(settings or {}),
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-w",
        "4",
        "-k",
        "gthread",
        "--threads",
        "4",
        "-b",
        f"127.0.0.1:{port}",
        "--timeout",
        "30",
        "--graceful-timeout",
        "5",
        "--no-control-socket",  # the default socket is one path shared by every run
        "forms_service.wsgi:app",
    ]
    with open(log, "wb") as output:
        # Own session: if it must be killed, the whole group (master and workers) goes.
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return process, f"http://127.0.0.1:{port}"


def wait_until_up(process: subprocess.Popen, base: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"gunicorn did not answer within {START_TIMEOUT} s:\n{log.read_text()}")
        try:
            if call(f"{base}/api/health", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)


def stop_gunicorn(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@contextmanager
def gunicorn(root: Path, database_url: str, log: Path, settings: dict | None = None):
    """One gunicorn (``start_gunicorn``), up; yields the base URL; always stopped."""
    process, base = start_gunicorn(root, database_url, log, settings)
    try:
        wait_until_up(process, base, log)
        yield base
    finally:
        stop_gunicorn(process)


def call(
    url: str,
    body: dict | None = None,
    headers: dict | None = None,
    timeout: float = REQUEST_TIMEOUT,
) -> tuple[int, dict]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url,
        data=data,
        method="GET" if body is None else "POST",
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, {"not_json": raw.decode("utf-8", "replace")[:500]}


def in_parallel(function, items, workers: int = 30) -> list:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(function, item) for item in items]
        return [future.result(timeout=REQUEST_TIMEOUT * 2) for future in futures]


def query(root: Path, database_url: str, sql: str, params=()) -> dict:
    return query_all(root, database_url, sql, params)[0]


def query_all(root: Path, database_url: str, sql: str, params=()) -> list[dict]:
    from forms_service.storage.db import Database

    db = Database(database_url, root)
    conn = db.connect()
    try:
        return db.all(conn, sql, params)
    finally:
        conn.close()


def person(i: int) -> dict:
    return {
        "full_name": f"Persona numero {i}",
        "email": f"p{i}@example.it",
        "people": 1,
        "consent": True,
    }


def test_parallel_signups_never_overbook(project, backend_url, tmp_path):
    add_event(project, "corsa", capacity=CAPACITY)
    with gunicorn(project, backend_url, tmp_path / "gunicorn.log") as base:
        url = f"{base}/api/events/corsa/registrations"
        results = in_parallel(lambda i: call(url, person(i)), range(SIGNUPS))
        event = call(f"{base}/api/events/corsa")[1]
        places = query(
            project,
            backend_url,
            "SELECT confirmed_people FROM event_places WHERE event_id = ?",
            ("corsa",),
        )
        rows = query(
            project,
            backend_url,
            "SELECT COUNT(*) AS n FROM registrations WHERE status = 'confirmed'",
        )
        total = query(project, backend_url, "SELECT COUNT(*) AS n FROM registrations")
        # Then every confirmed person cancels, with a double click: two requests at once.
        confirmed = [body for _, body in results if body.get("status") == "confirmed"]
        cancels = in_parallel(
            lambda body: call(
                f"{base}/api/registrations/{body['reference']}/cancel",
                {"token": body["cancel_token"]},
            ),
            confirmed * 2,
        )
        after = call(f"{base}/api/events/corsa")[1]
    assert [status for status, _ in results] == [201] * SIGNUPS, results
    statuses = [body["status"] for _, body in results]
    assert statuses.count("confirmed") == CAPACITY
    assert statuses.count("waitlisted") == SIGNUPS - CAPACITY
    assert len({body["reference"] for _, body in results}) == SIGNUPS
    assert event["places_left"] == 0 and event["waitlist_people"] == SIGNUPS - CAPACITY
    assert places["confirmed_people"] == CAPACITY  # the counter and the rows agree
    assert rows["n"] == CAPACITY
    assert total["n"] == SIGNUPS
    # The cancellations: each frees one place once; the waitlist moves up strictly in order.
    assert [status for status, _ in cancels] == [200] * (2 * CAPACITY), cancels
    assert {body["status"] for _, body in cancels} == {"cancelled"}
    assert sum(body["promoted"] for _, body in cancels) == CAPACITY
    assert after["places_left"] == 0 and after["waitlist_people"] == SIGNUPS - 2 * CAPACITY
    rows = query_all(
        project,
        backend_url,
        "SELECT status FROM registrations WHERE event_id = ? AND status <> 'cancelled' ORDER BY id",
        ("corsa",),
    )
    assert [row["status"] for row in rows] == (
        ["confirmed"] * CAPACITY + ["waitlisted"] * (SIGNUPS - 2 * CAPACITY)
    )
    counter = query(
        project,
        backend_url,
        "SELECT confirmed_people FROM event_places WHERE event_id = ?",
        ("corsa",),
    )
    assert counter["confirmed_people"] == CAPACITY


def test_parallel_retries_with_one_key_store_once(project, backend_url, tmp_path):
    add_event(project, "corsa", capacity=CAPACITY)
    pre_application = PRE_APPLICATION
    with gunicorn(project, backend_url, tmp_path / "gunicorn.log") as base:
        signups = in_parallel(
            lambda _: call(
                f"{base}/api/events/corsa/registrations",
                person(1),
                {"Idempotency-Key": "same-registration-key"},
            ),
            range(SAME_KEY_REQUESTS),
        )
        grants = in_parallel(
            lambda _: call(
                f"{base}/api/heating-grant/pre-applications",
                pre_application,
                {"Idempotency-Key": "same-pre-application-key"},
            ),
            range(SAME_KEY_REQUESTS),
        )
        event = call(f"{base}/api/events/corsa")[1]
    for results in (signups, grants):
        assert [status for status, _ in results] == [201] * SAME_KEY_REQUESTS, results
        assert len({body["reference"] for _, body in results}) == 1
    assert {body["status"] for _, body in signups} == {"confirmed"}
    assert len({body["cancel_token"] for _, body in signups}) == 1
    assert event["places_left"] == CAPACITY - 1
    assert query(project, backend_url, "SELECT COUNT(*) AS n FROM registrations")["n"] == 1
    assert query(project, backend_url, "SELECT COUNT(*) AS n FROM pre_applications")["n"] == 1
    assert (
        query(
            project,
            backend_url,
            "SELECT confirmed_people FROM event_places WHERE event_id = ?",
            ("corsa",),
        )["confirmed_people"]
        == 1
    )
    keys = query(
        project,
        backend_url,
        "SELECT COUNT(*) AS n FROM idempotency_keys WHERE reference IS NOT NULL",
    )
    assert keys["n"] == 2


def _migrate(url: str, root: str, barrier, results) -> None:
    from forms_service.storage.db import Database

    try:
        barrier.wait(timeout=20)
        results.put(("ok", Database(url, Path(root)).migrate()))
    except Exception as exc:  # reported to the test, which fails with it
        results.put(("error", repr(exc)))


@pytest.mark.parametrize("rounds", [8])
def test_many_workers_migrate_a_fresh_database_at_once(project, backend_url, rounds):
    """What gunicorn does at start: every worker migrates the same new database at once."""
    from tests.conftest import POSTGRES

    context = multiprocessing.get_context("fork")
    workers = 8
    for round_ in range(rounds):
        url = backend_url
        if url.startswith("sqlite"):
            url = url.replace("portal.sqlite3", f"fresh-{round_}.sqlite3")
        else:  # a fresh schema each round; the fixture's schema holds them until the end
            import psycopg

            schema = url.rsplit("%3D", 1)[1]
            with psycopg.connect(POSTGRES, autocommit=True) as conn:
                conn.execute(f"CREATE SCHEMA {schema}_{round_}")
            url = f"{url}_{round_}"
        barrier, results = context.Barrier(workers), context.Queue()
        processes = [
            context.Process(target=_migrate, args=(url, str(project), barrier, results))
            for _ in range(workers)
        ]
        for process in processes:
            process.start()
        outcomes = [results.get(timeout=30) for _ in processes]
        for process in processes:
            process.join(timeout=10)
        latest = MIGRATIONS[-1][0]  # every worker ends on the newest schema version
        assert outcomes == [("ok", latest)] * workers
        if not url.startswith("sqlite"):
            with psycopg.connect(POSTGRES, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema}_{round_} CASCADE")
