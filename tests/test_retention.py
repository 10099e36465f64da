"""Retention: the privacy page states the periods that `portal purge` applies."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta

from forms_service.domain.retention import Purged, purge
from forms_service.storage.db import Database
from portal.model import load

from .conftest import add_event
from .helpers import PORTAL, ROOT


def _insert(db, conn, table, **values):
    columns = ", ".join(values)
    db.execute(
        conn,
        f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(values))})",
        tuple(values.values()),
    )


def _pre_application(db, conn, reference, created):
    _insert(
        db,
        conn,
        "pre_applications",
        reference=reference,
        created_at=created,
        lang="it",
        full_name="Anna",
        phone="035 1",
        email=None,
        address="via X 1",
        household_size=2,
        tenancy_start="2020-01-01",
        heating="centralized",
        band="accesso",
        isee="10000.00",
        arrears=False,
        repayment_plan=False,
        preferred_desk="celadina",
        consent_at=created,
    )


def _registration(db, conn, reference, event_id, created):
    _insert(
        db,
        conn,
        "registrations",
        reference=reference,
        event_id=event_id,
        created_at=created,
        lang="it",
        full_name="Anna",
        phone="035 1",
        email=None,
        people=1,
        status="confirmed",
        consent_at=created,
    )


def test_purge_deletes_exactly_what_is_past_retention(project, database_url):
    add_event(project, "futuro")  # ends in ten days: its registrations stay
    content = load(project)
    db = Database(database_url, project)
    db.migrate()
    now = datetime(2026, 11, 22, 12, tzinfo=UTC)
    old, recent = (now - timedelta(days=400)).isoformat(), (now - timedelta(days=30)).isoformat()
    conn = db.connect()
    with db.transaction(conn):
        _pre_application(db, conn, "C-AAAA-AAAA", old)
        _pre_application(db, conn, "C-CCCC-CCCC", recent)
        _registration(db, conn, "E-AAAA-AAAA", "futuro", old)
        _registration(db, conn, "E-CCCC-CCCC", "tolto-dal-sito", old)
        _registration(db, conn, "E-DDDD-DDDD", "tolto-dal-sito", now.isoformat())
    assert purge(db, content, now, dry_run=True) == Purged(1, 1)
    assert purge(db, content, now) == Purged(1, 1)
    left = {r["reference"] for r in db.all(conn, "SELECT reference FROM pre_applications")}
    left |= {r["reference"] for r in db.all(conn, "SELECT reference FROM registrations")}
    assert left == {"C-CCCC-CCCC", "E-AAAA-AAAA", "E-DDDD-DDDD"}
    conn.close()


def test_privacy_page_states_the_configured_periods(project, tmp_path):
    forms = project / "site_config/forms.yml"
    forms.write_text(
        forms.read_text(encoding="utf-8").replace(
            "pre_applications_months: 12", "pre_applications_months: 9"
        ),
        encoding="utf-8",
    )
    from portal.site.build import build

    build(project, tmp_path / "site")
    html = (tmp_path / "site/privacy/index.html").read_text(encoding="utf-8")
    assert "9 mesi dall'invio" in html
    assert "30 giorni dopo la fine dell'evento" in html


def test_purge_command(project):
    result = subprocess.run(
        [*PORTAL, "--root", str(project), "purge", "--dry-run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Pre-domande da cancellare: 0. Iscrizioni da cancellare: 0."
