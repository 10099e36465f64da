"""Backup and restore (``portal backup``, ``portal restore``) on SQLite and on the local
PostgreSQL (pg_dump and pg_restore).

A copy taken while a real service (gunicorn) takes a burst of submissions holds everything
acknowledged before it started and is consistent (the places counter agrees with the rows);
restored into a fresh database nothing is lost. A restore refuses a database that holds data
unless forced, a copy from a newer schema always, and brings an older copy up to date. The
pg_dump and pg_restore commands docs/operators.md shows are run as written.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from forms_service.storage import backup as backups
from forms_service.storage.db import Database, _dialect
from forms_service.storage.migrations import MIGRATIONS
from tests.conftest import POSTGRES, add_event
from tests.helpers import PRE_APPLICATION, ROOT, wait_for
from tests.test_cli import portal
from tests.test_concurrency import call, gunicorn, person, query_all

WORKERS = 6
LATEST = MIGRATIONS[-1][0]


def settings(url: str) -> dict[str, str]:
    return {"PORTAL_DATABASE_URL": url, "PORTAL_SECRET_KEY": "x", "PORTAL_RATE_LIMITS": "off"}


@pytest.fixture
def fresh_url(database_url, tmp_path):
    """A second, empty database of the same kind: a new SQLite file, or a new PostgreSQL
    database holding a schema named like the one of ``database_url`` (a copy scoped to a
    schema is restored into a schema of that name)."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored' / 'portal.sqlite3'}"
        return
    with postgres_database(database_url.rsplit("%3D", 1)[1]) as url:
        yield url


@contextmanager
def postgres_database(schema: str | None) -> Iterator[str]:
    """A new database on the local server (with ``schema`` in it and chosen by the URL, if
    given), dropped afterwards."""
    name = f"r_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    url = f"{POSTGRES.rsplit('/', 1)[0]}/{name}"
    try:
        if schema:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f"CREATE SCHEMA {schema}")
            url += f"?options=-csearch_path%3D{schema}"
        yield url
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


def references(root: Path, url: str) -> set[str]:
    return {
        row["reference"]
        for table in ("pre_applications", "registrations")
        for row in query_all(root, url, f"SELECT reference FROM {table}")
    }


def submit(base: str, i: int) -> str:
    """One acknowledged submission, a pre-application or a sign-up in turn: its reference."""
    if i % 2:
        status, body = call(f"{base}/api/events/corsa/registrations", person(i))
    else:
        status, body = call(f"{base}/api/heating-grant/pre-applications", PRE_APPLICATION)
    assert status == 201, body
    return body["reference"]


def assert_consistent(root: Path, url: str) -> None:
    """The places counter agrees with the confirmed rows (a torn copy would not)."""
    counter = query_all(root, url, "SELECT confirmed_people FROM event_places")
    people = query_all(
        root, url, "SELECT SUM(people) AS n FROM registrations WHERE status = 'confirmed'"
    )
    assert [row["confirmed_people"] for row in counter] == [people[0]["n"]]
    if url.startswith("sqlite"):
        path = url[len("sqlite:///") :]
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_a_copy_taken_during_a_burst_restores_with_nothing_lost(
    project, database_url, fresh_url, tmp_path
) -> None:
    add_event(project, "corsa", capacity=25)
    done: list[str] = []  # references, each added when its 201 has arrived
    stop = threading.Event()
    failures: list[BaseException] = []

    def keep_submitting(worker: int) -> None:
        try:
            i = worker
            while not stop.is_set():
                done.append(submit(base, i))
                i += WORKERS
        except BaseException as exc:  # the test fails with it below
            failures.append(exc)
            raise

    during, final = tmp_path / "during.copy", tmp_path / "final.copy"
    with gunicorn(project, database_url, tmp_path / "gunicorn.log") as base:
        threads = [threading.Thread(target=keep_submitting, args=(w,)) for w in range(WORKERS)]
        for thread in threads:
            thread.start()
        try:
            wait_for(lambda: len(done) >= 30 or failures, timeout=60, interval=0.01)
            acknowledged = set(done)  # committed before the copy started
            taken = portal(project, "backup", str(during), env=settings(database_url))
            after = len(done)
            # The burst goes on after the copy: it was taken in the middle of it.
            wait_for(lambda: len(done) >= after + 30 or failures, timeout=60, interval=0.01)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
        assert not failures, failures
        last = portal(project, "backup", str(final), env=settings(database_url))
    everything = set(done)
    assert len(everything) == len(done)
    assert taken.returncode == 0, taken.stderr
    assert last.returncode == 0, last.stderr
    assert "integrità verificata" in taken.stdout
    assert not list(tmp_path.glob("*.partial"))  # nothing half-written left behind

    restored = portal(project, "restore", str(during), env=settings(fresh_url))
    assert restored.returncode == 0, restored.stderr
    copied = references(project, fresh_url)
    assert acknowledged <= copied <= everything
    assert len(copied) < len(everything)
    assert_consistent(project, fresh_url)
    # What the copy said it holds is what came back.
    holds = dict(re.findall(r"^  (\w+) +(\d+)$", taken.stdout, re.M))
    assert int(holds["pre_applications"]) + int(holds["registrations"]) == len(copied)

    # The fresh database now holds data: no restore over it without --force.
    refused = portal(project, "restore", str(final), env=settings(fresh_url))
    assert refused.returncode == 1
    assert "contiene già dati" in refused.stderr and "--force" in refused.stderr
    assert references(project, fresh_url) == copied
    forced = portal(project, "restore", str(final), "--force", env=settings(fresh_url))
    assert forced.returncode == 0, forced.stderr
    assert references(project, fresh_url) == everything
    assert_consistent(project, fresh_url)


def test_restore_into_the_live_database_while_the_service_runs(project, database_url, tmp_path):
    add_event(project, "corsa", capacity=25)
    copy = tmp_path / "copy"
    with gunicorn(project, database_url, tmp_path / "gunicorn.log") as base:
        url = f"{base}/api/events/corsa/registrations"
        kept = call(url, person(1))[1]
        assert portal(project, "backup", str(copy), env=settings(database_url)).returncode == 0
        lost = call(url, person(2))[1]
        refused = portal(project, "restore", str(copy), env=settings(database_url))
        assert refused.returncode == 1 and "--force" in refused.stderr
        done = portal(project, "restore", str(copy), "--force", env=settings(database_url))
        assert done.returncode == 0, done.stderr
        seen = {
            name: call(f"{base}/api/registrations/{body['reference']}?token={body['cancel_token']}")
            for name, body in (("kept", kept), ("lost", lost))
        }
        again = call(url, person(3))
        event = call(f"{base}/api/events/corsa")[1]
    assert seen["kept"][0] == 200 and seen["lost"][0] == 404
    assert again[0] == 201
    assert event["places_left"] == 25 - 2  # the counter came back with the rows


def make_old_database(root: Path, url: str, version: int) -> Database:
    """A database as the code of schema ``version`` left it, with one pre-application."""
    db = Database(url, root)
    conn = db.connect()
    try:
        with db.transaction(conn):
            conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
            for number, statements in MIGRATIONS[:version]:
                for statement in statements:
                    conn.execute(_dialect(statement, db.dialect))
                db.execute(conn, "INSERT INTO schema_version (version) VALUES (?)", (number,))
            db.execute(
                conn,
                "INSERT INTO pre_applications (reference, created_at, lang, full_name, address,"
                " household_size, tenancy_start, heating, band, isee, arrears, repayment_plan,"
                " preferred_desk, consent_at) VALUES (?, ?, 'it', 'Anna', 'via X 1', 2,"
                " '2020-01-01', 'centralized', 'accesso', '10000.00', FALSE, FALSE,"
                " 'celadina', ?)",
                ("OLD-1", "2026-01-01T10:00:00+00:00", "2026-01-01T10:00:00+00:00"),
            )
    finally:
        conn.close()
    return db


def test_an_older_copy_is_brought_up_to_date_and_a_newer_one_refused(
    project, database_url, fresh_url, tmp_path
):
    old = make_old_database(project, database_url, 2)
    copy = backups.backup(old, tmp_path / "old.copy")  # as a portal of schema 2 made it
    assert copy.version == 2 and copy.rows["pre_applications"] == 1
    conn = old.connect()
    try:
        conn.execute("INSERT INTO schema_version (version) VALUES (99)")
    finally:
        conn.close()
    newer = backups.backup(old, tmp_path / "newer.copy")
    assert newer.version == 99

    done = portal(project, "restore", str(copy.path), env=settings(fresh_url))
    assert done.returncode == 0, done.stderr
    assert "copia allo schema 2" in done.stdout
    version = query_all(project, fresh_url, "SELECT MAX(version) AS v FROM schema_version")
    assert version[0]["v"] == LATEST
    assert references(project, fresh_url) == {"OLD-1"}
    # The columns and tables of the later migrations are there, and work.
    query_all(project, fresh_url, "SELECT attended FROM registrations")
    assert query_all(project, fresh_url, "SELECT COUNT(*) AS n FROM outbox")[0]["n"] == 0

    refused = portal(project, "restore", str(newer.path), "--force", env=settings(fresh_url))
    assert refused.returncode == 1
    assert "più recente" in refused.stderr and "schema 99" in refused.stderr
    assert references(project, fresh_url) == {"OLD-1"}


def test_what_a_backup_and_a_restore_refuse(project, tmp_path):
    live = tmp_path / "live.sqlite3"
    url = f"sqlite:///{live}"
    first = portal(project, "backup", str(tmp_path / "a.copy"), env=settings(url))
    assert first.returncode == 0, first.stderr
    before = (tmp_path / "a.copy").read_bytes()

    def refused(*args) -> str:
        result = portal(project, *args, env=settings(url))
        assert result.returncode == 1, result.stdout
        assert "Traceback" not in result.stderr
        return result.stderr

    assert "esiste già" in refused("backup", str(tmp_path / "a.copy"))
    assert (tmp_path / "a.copy").read_bytes() == before
    assert "non esiste" in refused("backup", str(tmp_path / "missing" / "b.copy"))
    assert "database in uso" in refused("backup", str(live))
    assert "database in uso" in refused("restore", str(live), "--force")
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n")
    assert "non è una copia del portale" in refused("restore", str(text))
    pg_archive = tmp_path / "pg.dump"
    pg_archive.write_bytes(b"PGDMP\x01\x0e\x00" + bytes(100))
    assert "è una copia PostgreSQL" in refused("restore", str(pg_archive))
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    assert "non è una copia del database del portale" in refused("restore", str(other))

    forced = portal(project, "backup", str(tmp_path / "a.copy"), "--force", env=settings(url))
    assert forced.returncode == 0, forced.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if "copy" in p.name) == ["a.copy"]
    assert (tmp_path / "a.copy").stat().st_mode & 0o077 == 0  # personal data: owner only


@pytest.mark.postgresql
def test_the_documented_pg_dump_and_pg_restore_commands(project, tmp_path):
    """docs/operators.md's commands, run as written on a database of its own (the production
    layout: the public schema), after submissions made through the service."""
    from forms_service import create_app

    text = (ROOT / "docs/operators.md").read_text(encoding="utf-8")
    section = text.split("## Backup and restore", 1)[1].split("\n## ", 1)[0]
    commands = [
        line.strip()
        for line in section.splitlines()
        if line.strip().startswith(("pg_dump ", "pg_restore "))
    ]
    assert [c.split()[0] for c in commands] == ["pg_dump", "pg_restore", "pg_restore"], commands
    add_event(project)
    with postgres_database(None) as source, postgres_database(None) as target:
        client = create_app(settings(source), root=project).test_client()
        made = {
            client.post("/api/heating-grant/pre-applications", json=PRE_APPLICATION).json[
                "reference"
            ],
            client.post("/api/events/assemblea/registrations", json=person(1)).json["reference"],
        }
        dump, check, load = commands
        run(dump, source, tmp_path)
        run(check, source, tmp_path)
        create_app(settings(target), root=project)  # the service already ran there once
        run(load, target, tmp_path)
        assert references(project, target) == made
        assert_consistent(project, target)
        # ``portal backup`` and ``portal restore`` do the same on this layout.
        copy = tmp_path / "portal.copy"
        assert portal(project, "backup", str(copy), env=settings(source)).returncode == 0
        restored = portal(project, "restore", str(copy), "--force", env=settings(target))
        assert restored.returncode == 0, restored.stderr
        assert references(project, target) == made


def run(command: str, url: str, folder: Path) -> None:
    """One documented command, with PORTAL_DATABASE_URL and BACKUP (the copy) as in the docs."""
    done = subprocess.run(
        ["bash", "-c", command],
        cwd=folder,
        env={"PATH": "/usr/bin:/bin", "PORTAL_DATABASE_URL": url, "BACKUP": "portal.dump"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, f"{command}\n{done.stderr}"
