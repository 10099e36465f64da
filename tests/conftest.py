"""Shared fixtures. What each one costs decides its scope:

- ``project``: a fresh copy of the shipped content for one test, free to edit;
- ``shared_content``: one read-only copy for the whole session, with the test event
  "assemblea" (the forms service tests that do not change content run on it);
- ``shipped_site``: the shipped content built once for the whole run (every worker),
  read-only, for the tests that only read what a build writes;
- ``database_url``: a new, empty database for each test, on SQLite and on PostgreSQL (the
  PostgreSQL runs carry the ``postgresql`` marker: ``-m "not postgresql"`` keeps SQLite only);
- ``service`` / ``client``: a real forms service app on that database;
- ``browser``: Debian's Chromium, one for the session;
- ``shared_portal``: one built site and one ``portal serve`` for every browser test of the
  session, read-only (a test that changes content builds its own copy).

A test that needs something absent (Chromium, PostgreSQL, Redis) fails, never skips.

Two costs are cut for the tests only, in the pytest processes (servers started as
subprocesses keep the real ones), without changing what is computed:

- the forms service apps on ``shared_content`` start from its content model loaded once
  (``shared_model``) instead of parsing the same YAML files again for every test;
- argon2id hashes staff passwords with the smallest parameters (``cheap_argon2``): the
  library's recommended ones (64 MiB, 3 passes) took 0.1 to 1 s a hash, and a staff test
  hashes and verifies four times. tests/test_staff.py checks the real parameters.

``make test`` runs four pytest-xdist workers with ``--dist loadgroup``: see
``pytest_collection_modifyitems`` for the groups that stay on one worker.
"""

from __future__ import annotations

import fcntl
import json
import os
import textwrap
import typing
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
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


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items) -> None:
    """Markers for the tests that need an outside service, so a run can leave them out
    (``make test-fast`` does: ``-m "not postgresql and not redis"``):

    - ``postgresql``: every test parametrized with "postgresql" (``database_url`` here,
      ``backend_url`` in test_concurrency.py);
    - ``redis``: every test on the shared Redis database (fixture ``redis_db``); each one
      empties it, so they must not run at the same time in parallel processes.

    And the pytest-xdist group of each test, for ``--dist loadgroup`` (``make test``): a test
    in no group goes to whichever worker is free; a group runs whole on one worker.

    - "redis": the Redis tests, one after the other (see above);
    - "shared_portal": every test on the session's ``shared_portal`` (the browser tests,
      mostly), so that it is built and served once, not once per worker;
    - the test's file, when it uses a fixture of module scope (a real build, most often), so
      that the module's fixture is made once.
    """
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "postgresql" in callspec.params.values():
            item.add_marker(pytest.mark.postgresql)
        if "redis_db" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.redis)
        group = xdist_group(item)
        if group and config.pluginmanager.hasplugin("xdist"):  # its marker, else unknown
            item.add_marker(pytest.mark.xdist_group(group))


def xdist_group(item) -> str | None:
    names = getattr(item, "fixturenames", ())
    if "redis_db" in names:
        return "redis"
    if "shared_portal" in names:
        return "shared_portal"
    info = getattr(item, "_fixtureinfo", None)
    definitions = info.name2fixturedefs.values() if info is not None else ()
    if any(defs and defs[-1].scope in ("module", "class") for defs in definitions):
        return item.nodeid.split("::")[0]
    return None


# --- the groups reach pytest-xdist's controller ----------------------------------------------
# pytest-xdist 3.8 tells its controller a test's group by appending "@group" to the test's
# ``_nodeid`` in the worker; pytest 9 builds the node id from another attribute, so the
# suffix never arrives and ``--dist loadgroup`` quietly runs as ``--dist load``. Instead, each
# worker writes the groups it collected to a file named by the controller, and the controller
# schedules with them (``GroupScheduling``): the same units as loadgroup, largest first.

GROUPS_FILE = "PORTAL_TEST_XDIST_GROUPS"


def pytest_configure(config) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER") or config.getoption("dist", "no") != "loadgroup":
        return
    import tempfile

    # Set before the workers start, so they inherit it.
    handle, path = tempfile.mkstemp(prefix="portal-xdist-groups-", suffix=".json")
    os.close(handle)
    os.environ[GROUPS_FILE] = path
    config.add_cleanup(lambda: Path(path).unlink(missing_ok=True))


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist tells the controller it has collected
def pytest_collection_finish(session) -> None:
    path = os.environ.get(GROUPS_FILE)
    if not path or not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    groups = {}
    for item in session.items:
        mark = item.get_closest_marker("xdist_group")
        if mark is not None:
            groups[item.nodeid] = str(mark.args[0])
    temporary = f"{path}.{os.environ['PYTEST_XDIST_WORKER']}"
    Path(temporary).write_text(json.dumps(groups), encoding="utf-8")
    os.replace(temporary, path)  # every worker collects the same tests: any one will do


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: unknown with -p no:xdist
def pytest_xdist_make_scheduler(config, log):
    if config.getoption("dist", "no") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling  # type: ignore[import-untyped]

    class GroupScheduling(LoadScopeScheduling):
        """loadgroup's work units, read from the workers' file: a group whole, on one
        worker; a test in no group, alone."""

        groups: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self.groups is None:  # asked first once every worker has collected
                text = Path(os.environ[GROUPS_FILE]).read_text("utf-8")
                self.groups = json.loads(text or "{}")
            return self.groups.get(nodeid, nodeid)

    return GroupScheduling(config, log)


@pytest.fixture(scope="session", autouse=True)
def cheap_argon2():
    """Staff passwords hashed with argon2id at its cheapest (1 pass, 8 KiB) in this process,
    unknown names verified against a hash made the same way; yields the real hasher."""
    from argon2 import PasswordHasher

    from forms_service.domain import staff

    real = staff._hasher
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(staff, "_hasher", cheap)
        patch.setattr(staff, "_DUMMY_HASH", cheap.hash("a password nobody has"))
        yield real


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


SHIPPED_DAY = date(2026, 11, 22)


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory) -> Path:
    """The shipped content (the checkout itself) built for ``SHIPPED_DAY``, once for the
    whole run, for the tests that only read the built files. Under pytest-xdist the first
    worker that needs it builds it in the run's shared temporary folder while the others
    wait on a lock; a failed build is tried again by the next one. Read-only."""
    from portal.site.build import build

    if not os.environ.get("PYTEST_XDIST_WORKER"):  # not under pytest-xdist
        out = tmp_path_factory.mktemp("shipped") / "site"
        build(ROOT, out, today=SHIPPED_DAY)
        return out
    shared = tmp_path_factory.getbasetemp().parent  # one per run, shared by the workers
    out, done = shared / "shipped" / "site", shared / "shipped.done"
    with (shared / "shipped.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not done.exists():
            build(ROOT, out, today=SHIPPED_DAY)
            done.touch()
    return out


@pytest.fixture(scope="session")
def shared_model(shared_content):
    """``shared_content`` loaded once: its content model, frozen values, for the forms service
    apps made on it (``service``), as each would load it. The service still checks the files
    for edits, and loads them again should one happen."""
    from portal.model import load

    return load(shared_content)


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

    It reads the session's ``shared_content`` (its model loaded once, ``shared_model``); a
    test that also takes ``project`` (directly or through another fixture) to change content
    gets the app on that copy instead, with the same event added, and the app sees an edit
    at its next request.
    """
    if "project" in request.fixturenames:
        root = request.getfixturevalue("project")
        add_event(root)
        app = service_app(root, database_url)
    else:
        root = request.getfixturevalue("shared_content")
        model = request.getfixturevalue("shared_model")
        with pytest.MonkeyPatch.context() as patch:  # the files are the same: so is the model
            patch.setattr("forms_service.content.load", lambda path: model)
            app = service_app(root, database_url)
    if "project" in request.fixturenames:
        # The test may edit its content after the app is made: the service notices an edit
        # at most ``check_every`` (2) seconds later; here at the next request, so that no
        # test depends on how long making the app took.
        app.extensions["portal_content"].check_every = 0
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
