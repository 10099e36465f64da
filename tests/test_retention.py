"""Retention: the privacy page states the periods that `portal purge` applies."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta

import pytest

from forms_service.domain.retention import Purged, purge
from forms_service.storage.db import Database
from portal.model import load

from .conftest import add_event, problems_of
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
    assert purge(db, content, now, dry_run=True) == Purged(1, 1, 0)
    assert purge(db, content, now) == Purged(1, 1, 0)
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
    assert "(chi ha consultato o modificato i dati, e quando): 24 mesi" in html


def test_purge_command(project):
    result = subprocess.run(
        [*PORTAL, "--root", str(project), "purge", "--dry-run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "Pre-domande da cancellare: 0. Iscrizioni da cancellare: 0. "
        "Voci del registro delle attività da cancellare: 0."
    )


def test_the_audit_log_has_its_own_retention(project, database_url):
    """`audit_log_months` (24) from forms.yml: older entries go, newer ones stay."""
    content = load(project)
    assert content.forms.retention.audit_log_months == 24
    db = Database(database_url, project)
    db.migrate()
    now = datetime(2026, 11, 22, 12, tzinfo=UTC)
    conn = db.connect()
    with db.transaction(conn):
        for at, action in [
            ("2024-11-21T23:59:59+00:00", "staff.login"),  # before 22/11/2024: goes
            ("2024-11-22T00:00:00+00:00", "staff.logout"),  # stays
            ("2026-11-01T08:00:00+00:00", "subject.erased"),
        ]:
            _insert(db, conn, "audit_log", at=at, actor="anna.b", action=action, data="{}")
    assert purge(db, content, now, dry_run=True) == Purged(0, 0, 1)
    assert purge(db, content, now) == Purged(0, 0, 1)
    left = [r["action"] for r in db.all(conn, "SELECT action FROM audit_log ORDER BY id")]
    assert left == ["staff.logout", "subject.erased"]
    conn.close()


@pytest.mark.parametrize("months, valid", [(5, False), (6, True), (120, True), (121, False)])
def test_the_audit_log_period_is_checked(project, months, valid):
    forms = project / "site_config/forms.yml"
    forms.write_text(
        forms.read_text(encoding="utf-8").replace(
            "audit_log_months: 24", f"audit_log_months: {months}"
        ),
        encoding="utf-8",
    )
    found = [p.code for p in problems_of(project)]
    assert found == ([] if valid else ["retention.audit_log"])
