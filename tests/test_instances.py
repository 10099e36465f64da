"""Several instances of the service at once, as production may run them: gunicorn processes
on different ports (each -w 4 -k gthread --threads 4), one PostgreSQL database
(``PORTAL_DATABASE_URL``) and one Redis (``PORTAL_REDIS_URL``), behind a proxy
(``PORTAL_PROXY_HOPS=1``: the tests send the X-Forwarded-For nginx would append).

Sign-ups spread over two instances never overbook and keep the waiting list's order, also
while cancellations race the promotions; references are unique; an idempotency key holds on
either instance; a rate limit counted on one applies on the other; a staff session opened on
one works on the other; and four instances started at the same moment on an empty database
migrate it once.
"""

from __future__ import annotations

import copy
import http.cookiejar
import random
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from forms_service.storage.migrations import MIGRATIONS
from tests.conftest import REDIS, add_event, postgres_schema
from tests.test_concurrency import (
    call,
    in_parallel,
    query_all,
    start_gunicorn,
    stop_gunicorn,
    wait_until_up,
)

CAPACITY, SIGNUPS = 20, 200
SECRET = "the-same-secret-key-on-every-instance"
GOOD = "tre gatti sul tetto"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from postgres_schema()


@contextmanager
def instances(root: Path, database_url: str, logs: Path, count: int = 2) -> Iterator[list[str]]:
    """``count`` gunicorn instances started at the same moment; yields their base URLs."""
    settings = {
        "PORTAL_REDIS_URL": REDIS,
        "PORTAL_PROXY_HOPS": "1",
        "PORTAL_SECRET_KEY": SECRET,
        "PORTAL_RATE_LIMITS": "post=30/minute,get=600/minute,submit=5/minute,submit=20/hour",
    }
    with ExitStack() as stack:
        started = []
        for i in range(count):
            log = logs / f"instance-{i}.log"
            process, base = start_gunicorn(root, database_url, log, settings)
            stack.callback(stop_gunicorn, process)
            started.append((process, base, log))
        for process, base, log in started:
            wait_until_up(process, base, log)
        yield [base for _, base, _ in started]


def client_address(i: int) -> str:
    """A different client for every sign-up, as nginx would report it."""
    return f"10.{random.randrange(100, 200)}.{i // 250}.{i % 250 + 1}"


def sign_up(base: str, event: str, i: int, address: str, **headers) -> tuple[int, dict]:
    body = {"full_name": f"Persona {i}", "phone": f"035 {200000 + i}", "people": 1, "consent": True}
    return call(
        f"{base}/api/events/{event}/registrations",
        body,
        {"X-Forwarded-For": address, **headers},
    )


def statuses_by_id(root: Path, url: str, event: str) -> list[str]:
    rows = query_all(
        root,
        url,
        "SELECT status FROM registrations WHERE event_id = ? AND status <> 'cancelled' ORDER BY id",
        (event,),
    )
    return [row["status"] for row in rows]


def confirmed_counter(root: Path, url: str, event: str) -> int:
    sql = "SELECT confirmed_people FROM event_places WHERE event_id = ?"
    return query_all(root, url, sql, (event,))[0]["confirmed_people"]


def test_two_instances_never_overbook_and_keep_the_waiting_order(
    project, postgres_url, redis_db, tmp_path
):
    add_event(project, "grande", capacity=CAPACITY)
    with instances(project, postgres_url, tmp_path) as bases:
        addresses = [client_address(i) for i in range(SIGNUPS)]
        results = in_parallel(
            lambda i: sign_up(bases[i % 2], "grande", i, addresses[i]), range(SIGNUPS)
        )
        assert [status for status, _ in results] == [201] * SIGNUPS, results
        answers = [body["status"] for _, body in results]
        assert answers.count("confirmed") == CAPACITY
        assert answers.count("waitlisted") == SIGNUPS - CAPACITY
        assert len({body["reference"] for _, body in results}) == SIGNUPS
        assert statuses_by_id(project, postgres_url, "grande") == (
            ["confirmed"] * CAPACITY + ["waitlisted"] * (SIGNUPS - CAPACITY)
        )
        assert confirmed_counter(project, postgres_url, "grande") == CAPACITY

        # Every confirmed person cancels, and so do ten of the first thirty waiting (the ones
        # about to be promoted), each twice at once, once on each instance.
        tokens = {body["reference"]: body["cancel_token"] for _, body in results}
        clients = {
            body["reference"]: address
            for (_, body), address in zip(results, addresses, strict=True)
        }
        waiting = query_all(
            project,
            postgres_url,
            "SELECT reference FROM registrations WHERE status = 'waitlisted' ORDER BY id LIMIT 30",
        )[::3]
        leaving = [body["reference"] for _, body in results if body["status"] == "confirmed"]
        leaving += [row["reference"] for row in waiting]
        cancels = in_parallel(
            lambda job: call(
                f"{bases[job[0]]}/api/registrations/{job[1]}/cancel",
                {"token": tokens[job[1]]},
                {"X-Forwarded-For": clients[job[1]]},
            ),
            [(side, reference) for reference in leaving for side in (0, 1)],
        )
        assert [status for status, _ in cancels] == [200] * (2 * len(leaving)), cancels
        assert {body["status"] for _, body in cancels} == {"cancelled"}
        event = call(f"{bases[1]}/api/events/grande")[1]
    staying = SIGNUPS - len(leaving)
    assert event["places_left"] == 0 and event["waitlist_people"] == staying - CAPACITY
    assert statuses_by_id(project, postgres_url, "grande") == (
        ["confirmed"] * CAPACITY + ["waitlisted"] * (staying - CAPACITY)
    )
    assert confirmed_counter(project, postgres_url, "grande") == CAPACITY


def test_limits_keys_and_staff_sessions_hold_across_instances(
    project, postgres_url, redis_db, tmp_path
):
    from forms_service import create_app, maintenance

    add_event(project, "grande", capacity=CAPACITY)
    desk = create_app(
        {"PORTAL_DATABASE_URL": postgres_url, "PORTAL_SECRET_KEY": SECRET}, root=project
    )
    with instances(project, postgres_url, tmp_path) as (first, second):
        # One idempotency key sent to both instances at once: one registration.
        same = in_parallel(
            lambda i: sign_up(
                (first, second)[i % 2], "grande", 0, "10.0.0.1", **{"Idempotency-Key": "k" * 24}
            ),
            range(10),
        )
        assert [status for status, _ in same] == [201] * 10, same
        assert len({body["reference"] for _, body in same}) == 1

        # The submit limit (5 a minute) counted in Redis, whichever instance answers.
        client = "10.0.0.2"
        answers = [sign_up((first, second)[i % 2], "grande", i, client)[0] for i in range(1, 6)]
        assert answers == [201] * 5
        for base in (first, second):
            status, body = sign_up(base, "grande", 9, client)
            assert (status, body["error"]["code"]) == (429, "rate_limited")
        assert sign_up(second, "grande", 9, "10.0.0.3")[0] == 201  # another client

        # A staff login on one instance is a session on every instance, and so is its end.
        maintenance.add_account(desk, "anna.b", "coordinator", GOOD)
        browser = StaffBrowser()
        assert browser.get(f"{second}/staff/")[0] == 302  # not logged in yet
        assert browser.log_in(first, "anna.b", GOOD) == 303
        status, page = browser.get(f"{second}/staff/")
        assert status == 200 and "anna.b" in page
        copied = StaffBrowser(browser.jar)  # the same cookie, kept after the logout
        assert browser.post(f"{second}/staff/logout", {}, f"{second}/staff/")[0] == 303
        assert copied.get(f"{first}/staff/")[0] == 302
    assert len(list(redis_db.scan_iter("LIMITS:LIMITER/portal/10.0.0.2/submit/*"))) == 2


class StaffBrowser:
    """Cookies, a CSRF token from the page, no redirects followed: what a browser does."""

    def __init__(self, cookies: http.cookiejar.CookieJar | None = None):
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        # Cookies go by host, not port: both instances get them.
        self.jar = http.cookiejar.CookieJar()
        for cookie in cookies or ():
            self.jar.set_cookie(copy.copy(cookie))
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )

    def open(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def get(self, url: str) -> tuple[int, str]:
        return self.open(urllib.request.Request(url))

    def post(self, url: str, form: dict, page: str) -> tuple[int, str]:
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', self.get(page)[1])
        assert token, page
        data = urllib.parse.urlencode({**form, "csrf_token": token[1]}).encode()
        return self.open(urllib.request.Request(url, data=data, method="POST"))

    def log_in(self, base: str, username: str, password: str) -> int:
        login = f"{base}/staff/login"
        return self.post(login, {"username": username, "password": password}, login)[0]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_four_instances_starting_at_once_migrate_an_empty_database_once(
    project, tmp_path, redis_db, backend
):
    with ExitStack() as stack:
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path / 'shared' / 'portal.sqlite3'}"
        else:
            url = stack.enter_context(contextmanager(postgres_schema)())
        add_event(project, "grande", capacity=CAPACITY)
        with instances(project, url, tmp_path, count=4) as bases:
            for i, base in enumerate(bases):
                assert sign_up(base, "grande", i, client_address(i))[0] == 201
        versions = query_all(
            project,
            url,
            "SELECT version, COUNT(*) AS n FROM schema_version GROUP BY version ORDER BY version",
        )
        assert [(row["version"], row["n"]) for row in versions] == [
            (version, 1) for version, _ in MIGRATIONS
        ]
        assert statuses_by_id(project, url, "grande") == ["confirmed"] * 4
        for log in tmp_path.glob("instance-*.log"):
            assert "Traceback" not in log.read_text(), log.read_text()
