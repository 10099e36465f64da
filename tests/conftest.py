"""Shared fixtures. What each one costs decides its scope:

- ``project``: a fresh copy of the shipped content for one test, free to edit;
- ``shared_content``: one read-only copy for the whole session, with the test event
  "assemblea" (the forms service tests that do not change content run on it);
- ``database_url``: a new, empty database for each test, on SQLite and on PostgreSQL (the
  PostgreSQL runs carry the ``postgresql`` marker: ``-m "not postgresql"`` keeps SQLite only);
- ``service`` / ``client``: a real forms service app on that database;
- ``browser``: Debian's Chromium, one for the session;
- ``shared_portal``: one built site and one ``portal serve`` for every browser test of the
  session, read-only (a test that changes content builds its own copy).

A test that needs something absent (Chromium, PostgreSQL, Redis) fails, never skips.
"""

from __future__ import annotations

import os
import textwrap
import typing
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from portal.model import Problems, check
from portal.model.fields import field_names
from portal.model.kinds import nested_group
from portal.model.loader import CONTENT_TYPES, SETTINGS_FILES

from .helpers import copy_project, running_portal

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("PORTAL_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("PORTAL_TEST_REDIS", "redis://127.0.0.1:6379/15")


def pytest_collection_modifyitems(items) -> None:
    """Markers for the tests that need an outside service, so a run can leave them out
    (``make test-fast`` does: ``-m "not postgresql and not redis"``):

    - ``postgresql``: every test parametrized with "postgresql" (``database_url`` here,
      ``backend_url`` in test_concurrency.py);
    - ``redis``: every test on the shared Redis database (fixture ``redis_db``); each one
      empties it, so they must not run at the same time in parallel processes.
    """
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "postgresql" in callspec.params.values():
            item.add_marker(pytest.mark.postgresql)
        if "redis_db" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.redis)


# --- content -------------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the shipped content, site_config and mkdocs.yml, free to edit."""
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def shared_content(tmp_path_factory) -> Path:
    """One copy of the shipped content with the open 3-place event "assemblea", for the whole
    session. Read-only: a test that changes content takes ``project`` instead."""
    root = copy_project(tmp_path_factory.mktemp("shared-content"))
    add_event(root)
    return root


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def problems_of(root: Path, severity: str = "error") -> list:
    result = check(root)
    problems = result if isinstance(result, Problems) else result.problems
    return [p for p in problems.sorted() if p.severity == severity]


def only_problem(root: Path):
    found = problems_of(root)
    assert len(found) == 1, "\n".join(p.format() for p in found)
    return found[0]


def model_classes() -> list:
    """Every dataclass the content model is made of, nested ones included."""
    found, todo = [], [k.cls for k in CONTENT_TYPES] + [c for c, _ in SETTINGS_FILES.values()]
    while todo:
        cls = todo.pop()
        if cls not in found:
            found.append(cls)
            hints = typing.get_type_hints(cls, include_extras=True)
            todo += [
                inner
                for name in field_names(cls)
                if (inner := nested_group(hints[name])) is not None
            ]
    return found


def local_now() -> datetime:
    return datetime.now(ZoneInfo("Europe/Rome")).replace(second=0, microsecond=0, tzinfo=None)


def add_event(
    root: Path,
    event_id: str = "assemblea",
    capacity: int | None = 3,
    signup_open: bool = True,
    days_ahead: int = 10,
) -> str:
    """Write an event whose sign-up window is open now (or already closed)."""
    now = local_now()
    start = now + timedelta(days=days_ahead)
    opens = now - timedelta(days=5)
    closes = now + timedelta(days=days_ahead - 1) if signup_open else now - timedelta(hours=1)
    fmt = "%Y-%m-%d %H:%M"
    lines = [
        f"id: {event_id}",
        "updated: 2026-11-22",
        "title:",
        "  it: Assemblea di condominio",
        "  en: Building meeting",
        "description:",
        "  it: Incontro tra vicini.",
        "  en: A meeting between neighbours.",
        "place:",
        "  desk: celadina",
        f"start: {start.strftime(fmt)}",
        f"end: {(start + timedelta(hours=2)).strftime(fmt)}",
        "signup:",
        f"  opens: {opens.strftime(fmt)}",
        f"  closes: {closes.strftime(fmt)}",
    ] + ([f"capacity: {capacity}"] if capacity else [])
    write(root, f"content/events/{event_id}.yml", "\n".join(lines) + "\n")
    return event_id


# --- forms service ------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """The same tests against the embedded default and the production database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'portal.sqlite3'}"
        return
    yield from postgres_schema()


def postgres_schema():
    """A fresh schema in the local PostgreSQL, dropped afterwards. Fails loudly when absent."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(POSTGRES, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES}: {exc}")
    try:
        yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def service(request, database_url):
    """A real forms service app with an open 3-place event "assemblea", on its own database.

    It reads the session's ``shared_content``; a test that also takes ``project`` (directly
    or through another fixture) to change content gets the app on that copy instead, with
    the same event added.
    """
    if "project" in request.fixturenames:
        root = request.getfixturevalue("project")
        add_event(root)
    else:
        root = request.getfixturevalue("shared_content")
    app = service_app(root, database_url)
    yield app
    app.extensions["portal_db"].close()  # the pooled connections, before the schema goes


def service_app(root: Path, database_url: str, **settings: str):
    """The forms service on ``database_url`` for tests: no rate limits, a fixed key."""
    from forms_service import create_app

    app = create_app(
        {
            "PORTAL_DATABASE_URL": database_url,
            "PORTAL_RATE_LIMITS": "off",
            "PORTAL_SECRET_KEY": "test-secret",
            **settings,
        },
        root=root,
    )
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(service):
    return service.test_client()


@pytest.fixture
def redis_db():
    """Redis db 15 (``REDIS``) with no rate-limit counters (Flask-Limiter's ``LIMITS:*`` keys),
    before and after the test; fails (never skips) when Redis is down."""
    import redis

    client = redis.Redis.from_url(REDIS, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis is not reachable at {REDIS}: {exc}")

    def flush():
        keys = list(client.scan_iter("LIMITS:*"))
        if keys:
            client.delete(*keys)

    flush()
    yield client
    flush()
    client.close()


# --- browser -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright, launched as ``make bench`` launches it
    (``bench.weight.chromium``); fails (never skips) when it is missing."""
    from bench.weight import CHROMIUM, chromium

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `make test`, which installs "
            "Debian's chromium package."
        )
    with chromium() as browser:
        yield browser


@dataclass(frozen=True)
class RunningPortal:
    base: str  # http://127.0.0.1:PORT, no trailing slash
    project: Path  # the content it was built from: read-only
    database: Path  # the forms service's SQLite file


@pytest.fixture(scope="session")
def shared_portal(tmp_path_factory) -> Iterator[RunningPortal]:
    """The session's one built site, served with the forms service by ``portal serve``.

    The shipped content plus three test events: "assemblea" (open, 3 places), "un-posto"
    (open, 1 place: the waitlist) and "chiusa" (sign-up closed). The browser tests share it,
    so they must not change its content; what they send through the forms goes into
    ``database`` (count rows before and after instead of expecting an empty database).
    Rate limits are off: the tests post hundreds of forms from one address.
    """
    project = copy_project(tmp_path_factory.mktemp("shared-portal"))
    add_event(project, "assemblea")
    add_event(project, "un-posto", capacity=1)
    add_event(project, "chiusa", signup_open=False)
    database = project / "var" / "forms.sqlite3"
    settings = {"PORTAL_RATE_LIMITS": "off", "PORTAL_DATABASE_URL": f"sqlite:///{database}"}
    with running_portal(project, "--no-watch", env=settings) as base:
        yield RunningPortal(base, project, database)


@pytest.fixture(scope="session")
def base(shared_portal) -> str:
    """The base URL of ``shared_portal``, for the tests that only read the site."""
    return shared_portal.base
