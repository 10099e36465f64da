"""Shared fixtures: a scratch copy of the real project, and helpers to break it on purpose."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from portal.model import Problems, check

from .helpers import copy_project

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the shipped content, site_config and mkdocs.yml, free to edit."""
    return copy_project(tmp_path / "project")


CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; fails (never skips) when it is missing."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test`, which installs "
                    "Debian's chromium package.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


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


# --- forms service ------------------------------------------------------------------------
import uuid  # noqa: E402
from datetime import datetime, timedelta  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

POSTGRES = os.environ.get("PORTAL_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("PORTAL_TEST_REDIS", "redis://127.0.0.1:6379/15")


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


def local_now() -> datetime:
    return datetime.now(ZoneInfo("Europe/Rome")).replace(second=0, microsecond=0, tzinfo=None)


def add_event(root: Path, event_id: str = "assemblea", capacity: int | None = 3,
              signup_open: bool = True, days_ahead: int = 10) -> str:
    """Write an event whose sign-up window is open now (or already closed)."""
    now = local_now()
    start = now + timedelta(days=days_ahead)
    opens = now - timedelta(days=5)
    closes = now + timedelta(days=days_ahead - 1) if signup_open else now - timedelta(hours=1)
    fmt = "%Y-%m-%d %H:%M"
    lines = [
        f"id: {event_id}", "updated: 2026-11-22",
        "title:", "  it: Assemblea di condominio", "  en: Building meeting",
        "description:", "  it: Incontro tra vicini.", "  en: A meeting between neighbours.",
        "place:", "  desk: celadina",
        f"start: {start.strftime(fmt)}", f"end: {(start + timedelta(hours=2)).strftime(fmt)}",
        "signup:", f"  opens: {opens.strftime(fmt)}", f"  closes: {closes.strftime(fmt)}",
    ] + ([f"capacity: {capacity}"] if capacity else [])
    write(root, f"content/events/{event_id}.yml", "\n".join(lines) + "\n")
    return event_id


@pytest.fixture
def service(project, database_url):
    """A real forms service app on a copy of the content, with an open 3-place event."""
    from forms_service import create_app

    add_event(project)
    app = create_app({"PORTAL_DATABASE_URL": database_url, "PORTAL_RATE_LIMITS": "off",
                      "PORTAL_SECRET_KEY": "test-secret"}, root=project)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(service):
    return service.test_client()
