"""Statistics for the Region: counts without names, per month, desk, language, status and
event, the same before and after `portal purge` (rows are folded in before they go); for
coordinators only; as CSV, audited. On SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from defusedcsv import csv as defused_csv

from forms_service import maintenance
from forms_service.domain import retention, statistics
from forms_service.storage.statistics_store import month
from forms_service.web import staff_auth
from forms_service.web.db import database, get_db

from .helpers import PRE_APPLICATION, table_rows
from .test_staff import GOOD, login

PEOPLE = [  # name, phone, desk, language of the form
    ("Maria Rossi", "035 123456", "celadina", "it"),
    ("Ahmed Benali", "333 987 6543", "colognola", "ar"),
    ("Olena Koval", "351 000 1111", "celadina", "uk"),
]
SIGN_UPS = [("Anna Bianchi", 2), ("Luca Verdi", 1), ("Sara Neri", 2), ("Omar Said", 1)]


def team(service):
    """(coordinator, operator): two logged-in clients."""
    staff_auth.limiter.reset()
    maintenance.add_account(service, "anna.b", "coordinator", GOOD)
    maintenance.add_account(service, "marco", "operator", GOOD)
    clients = []
    for name in ("anna.b", "marco"):
        client = service.test_client()
        assert login(client, name, GOOD).status_code == 303
        clients.append(client)
    return tuple(clients)


def sql(app, text: str, params=()) -> list[dict]:
    with app.app_context():
        db, conn = database(), get_db()
        with db.transaction(conn):
            cursor = db.execute(conn, text, params)
            return [dict(r) for r in cursor.fetchall()] if cursor.description else []


def pre_apply(client, name, phone, desk, lang, **extra) -> str:
    body = {**PRE_APPLICATION, "full_name": name, "phone": phone, "preferred_desk": desk, **extra}
    answer = client.post(f"/api/heating-grant/pre-applications?lang={lang}", json=body)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["reference"]


def sign_up(client, name, people, **extra) -> dict:
    phone = f"035 {sum(map(ord, name)):06d}"  # one sign-up per phone and event: one each
    body = {"full_name": name, "phone": phone, "people": people, "consent": True, **extra}
    answer = client.post("/api/events/assemblea/registrations", json=body)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


@pytest.fixture
def activity(service):
    """Three pre-applications (one entered at the desk, one contacted) and four sign-ups to
    "assemblea" (3 places): 2 + 1 confirmed, 2 + 1 waiting, then the 1 cancels (the 2 still
    does not fit, so nobody moves), and the first 2 came."""
    resident = service.test_client()
    references = [pre_apply(resident, *person) for person in PEOPLE]
    sql(
        service,
        "UPDATE pre_applications SET assisted_by = 'marco' WHERE reference = ?",
        (references[1],),
    )
    sql(
        service,
        "UPDATE pre_applications SET status = 'contacted' WHERE reference = ?",
        (references[2],),
    )
    signed = [sign_up(resident, name, people) for name, people in SIGN_UPS]
    cancelled = resident.post(
        f"/api/registrations/{signed[1]['reference']}/cancel",
        json={"token": signed[1]["cancel_token"]},
    )
    assert cancelled.status_code == 200, cancelled.get_json()
    sql(
        service,
        "UPDATE registrations SET attended = TRUE WHERE reference = ?",
        (signed[0]["reference"],),
    )
    return references, signed


def report(app, year: str = "") -> statistics.Report:
    labels = statistics.Labels(
        {"celadina": "Sportello Celadina", "colognola": "Sportello Colognola"},
        {"it": "italiano", "ar": "arabo", "uk": "ucraino"},
        {"assemblea": "Assemblea di condominio"},
    )
    with app.app_context():
        return statistics.report(database(), get_db(), labels, year)


def tables(app, year: str = "") -> dict[str, list[list]]:
    return {table.title: table.rows for table in report(app, year).tables}


def test_the_numbers(service, activity):
    this_month = month(datetime.now(UTC).isoformat())
    found = tables(service)
    assert found["Pre-domande per mese di arrivo"] == [[this_month, 3, 2, 1], ["Totale", 3, 2, 1]]
    assert found["Pre-domande per sportello scelto"] == [
        ["Sportello Celadina", 2, 2, 0],
        ["Sportello Colognola", 1, 0, 1],
        ["Totale", 3, 2, 1],
    ]
    assert found["Pre-domande per lingua del modulo"] == [
        ["italiano", 1, 1, 0],
        ["arabo", 1, 0, 1],
        ["ucraino", 1, 1, 0],
        ["Totale", 3, 2, 1],
    ]
    assert found["Pre-domande per stato"] == [
        ["Nuova", 2, 1, 1],
        ["Contattata", 1, 1, 0],
        ["Totale", 3, 2, 1],
    ]
    # registrations, at the desk, people confirmed / waiting / cancelled, came, did not come
    assert found["Iscrizioni agli eventi"] == [
        ["Assemblea di condominio", 4, 0, 2, 3, 1, 2, 0],
        ["Totale", 4, 0, 2, 3, 1, 2, 0],
    ]


def test_a_year_keeps_what_was_made_in_it(service, activity):
    this_year = str(datetime.now(UTC).year)
    assert report(service).years == [this_year]
    assert tables(service, this_year) == tables(service)
    assert tables(service, "1999") == tables(service)  # a year with no data: every year
    sql(service, "UPDATE pre_applications SET created_at = '2024-06-30T23:30:00+00:00'")
    earlier = tables(service, "2024")  # 01:30 on 1 July in Rome: July
    assert earlier["Pre-domande per mese di arrivo"][0] == ["2024-07", 3, 2, 1]
    assert earlier["Iscrizioni agli eventi"] == []


def test_the_numbers_survive_the_purge(service, activity):
    before = tables(service)
    with service.app_context():
        content = service.extensions["portal_content"].get()
        later = datetime.now(UTC) + timedelta(days=800)
        done = retention.purge(database(), content, later)
    assert (done.pre_applications, done.registrations) == (3, 4)
    assert sql(service, "SELECT COUNT(*) AS n FROM pre_applications")[0]["n"] == 0
    assert sql(service, "SELECT COUNT(*) AS n FROM registrations")[0]["n"] == 0
    assert tables(service) == before
    # New rows after a purge add to the folded numbers.
    pre_apply(service.test_client(), "Nuova Persona", "035 222222", "colognola", "it")
    after = tables(service)["Pre-domande per sportello scelto"]
    assert after[1] == ["Sportello Colognola", 2, 1, 1] and after[-1] == ["Totale", 4, 3, 1]


def test_the_page_and_the_csv_have_no_names(service, activity):
    coordinator, _operator = team(service)
    page = coordinator.get("/staff/statistiche").get_data(as_text=True)
    assert ["Assemblea di condominio", "4", "0", "2", "3", "1", "2", "0"] in table_rows(page)
    assert ["Sportello Celadina", "2", "2", "0"] in table_rows(page)
    answer = coordinator.get(f"/staff/statistiche.csv?anno={datetime.now(UTC).year}")
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    rows = list(defused_csv.reader(io.StringIO(answer.get_data(as_text=True)), delimiter=";"))
    assert ["Iscrizioni agli eventi"] in rows
    assert ["Assemblea di condominio", "4", "0", "2", "3", "1", "2", "0"] in rows
    everything = page + answer.get_data(as_text=True)
    for name, phone, *_ in PEOPLE:
        assert name not in everything and phone not in everything
    assert not any(name in everything for name, _ in SIGN_UPS)
    logged = sql(service, "SELECT actor, data FROM audit_log WHERE action = 'stats.exported'")
    assert logged == [{"actor": "anna.b", "data": f'{{"year": "{datetime.now(UTC).year}"}}'}]


def test_an_event_gone_from_the_site_shows_its_id(service, activity):
    sql(service, "UPDATE registrations SET event_id = 'tolto-dal-sito'")
    coordinator, _operator = team(service)
    page = coordinator.get("/staff/statistiche").get_data(as_text=True)
    assert ["tolto-dal-sito", "4", "0", "2", "3", "1", "2", "0"] in table_rows(page)


def test_only_coordinators(service):
    coordinator, operator = team(service)
    stranger = service.test_client()
    for url in ("/staff/statistiche", "/staff/statistiche.csv"):
        assert coordinator.get(url).status_code == 200
        assert operator.get(url).status_code == 403
        answer = stranger.get(url)
        assert answer.status_code == 302 and answer.headers["Location"].startswith(
            "/staff/login?next="
        )
    home = coordinator.get("/staff/").get_data(as_text=True)
    assert "/staff/statistiche" in home and "/staff/persona" in home
    home = operator.get("/staff/").get_data(as_text=True)
    assert "/staff/statistiche" not in home and "/staff/persona" not in home
