"""A resident's requests about their data: everything about one person found by phone
(digits only) or e-mail (any case), a JSON copy with all of it and nobody else's, and an
erasure that frees their places for the waiting list and keeps the statistics; the audit
log never holds the phone or the e-mail. For coordinators only. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest

from forms_service.domain import subjects
from forms_service.storage import store
from forms_service.web.db import database, get_db

from .test_staff import csrf
from .test_staff_stats import pre_apply, sign_up, sql, tables, team

PHONE, EMAIL = "+39 035 123456", "Maria.Rossi@Example.it"
URL = "/staff/persona"


def mail(app, reference: str, recipient: str) -> None:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    sql(
        app,
        "INSERT INTO outbox (created_at, kind, reference, recipient, lang, subject, body, "
        "next_attempt_at) VALUES (?, 'confirmation', ?, ?, 'it', 'Conferma', 'Ciao', ?)",
        (now, reference, recipient, now),
    )


@pytest.fixture
def maria(service):
    """Maria: a pre-application (moved once, with a note) and 2 confirmed places at
    "assemblea" (3 places) under her phone written two ways, an e-mail about each (besides
    what the outbox writes by itself). Others: Luca (1 place, confirmed), Sara (1 place,
    waiting, with an e-mail), Omar (a pre-application)."""
    resident = service.test_client()
    grant = pre_apply(resident, "Maria Rossi", PHONE, "celadina", "it", email=EMAIL)
    sql(
        service,
        "INSERT INTO status_changes (reference, at, actor, old_status, new_status, note) "
        "VALUES (?, '2026-01-10T09:00:00+00:00', 'marco', 'new', 'contacted', 'Richiamare')",
        (grant,),
    )
    place = sign_up(resident, "Maria Rossi", 2, phone="035-123456")["reference"]
    luca = sign_up(resident, "Luca Verdi", 1, phone="035 777777")["reference"]
    sara = sign_up(resident, "Sara Neri", 1, email="sara@example.it")["reference"]
    omar = pre_apply(resident, "Omar Said", "035 999999", "colognola", "ar")
    mail(service, grant, EMAIL.lower())
    mail(service, place, "altro.indirizzo@example.it")  # hers: it is about her registration
    mail(service, omar, "omar@example.it")
    return {"grant": grant, "place": place, "luca": luca, "sara": sara, "omar": omar}


def search(client, typed: str, path: str = URL, **extra):
    return client.post(path, data={"cerca": typed, "csrf_token": csrf(client, URL), **extra})


def test_key_parsing_and_masking():
    assert subjects.Key.parse(" +39 035/123.456 ") == subjects.Key("phone", "035123456")
    assert subjects.Key.parse("0039 035 123456") == subjects.Key("phone", "035123456")
    assert subjects.Key.parse("391 234 5678").value == "3912345678"  # a mobile, not "+39"
    assert subjects.Key.parse("٠٣٥١٢٣٤٥٦").value == "035123456"  # typed in Arabic digits
    assert subjects.Key.parse(EMAIL) == subjects.Key("email", "maria.rossi@example.it")
    assert subjects.Key.parse(PHONE).masked == "telefono ***456"
    assert subjects.Key.parse(EMAIL).masked == "e-mail m***@***.it"
    for bad in ("", "12345", "maria@", "@example.it", "maria rossi@example.it", "Maria"):
        with pytest.raises(subjects.NotAKey):
            subjects.Key.parse(bad)


@pytest.mark.parametrize("typed", ["035 123456", "0039035123456", "MARIA.ROSSI@example.IT"])
def test_the_search_finds_her_rows_and_nobody_else(service, maria, typed):
    coordinator, _operator = team(service)
    answer = search(coordinator, typed)
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    by_phone = "@" not in typed
    assert maria["grant"] in page and (maria["place"] in page) == by_phone
    assert all(maria[k] not in page for k in ("luca", "sara", "omar"))
    assert "Richiamare" not in page and "Contattata" in page  # the history, without the note
    logged = sql(service, "SELECT subject, data FROM audit_log WHERE action = 'subject.searched'")
    assert len(logged) == 1
    assert "123456" not in json.dumps(logged) and "rossi" not in json.dumps(logged).lower()


def test_nothing_found_and_bad_input(service, maria):
    coordinator, _operator = team(service)
    answer = search(coordinator, "333 000 0000")
    assert answer.status_code == 200 and "Non teniamo nessun dato" in answer.get_data(as_text=True)
    for typed, said in [("", "Scrivi un numero"), ("12", "almeno 6 cifre"), ("maria@", "e-mail")]:
        answer = search(coordinator, typed)
        assert answer.status_code == 400 and said in answer.get_data(as_text=True), typed


def test_the_copy_has_all_her_rows_and_nobody_elses(service, maria):
    coordinator, _operator = team(service)
    answer = search(coordinator, "035123456", f"{URL}/scarica")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert answer.headers["Content-Disposition"] == 'attachment; filename="dati-persona.json"'
    copy = answer.get_json()
    [grant] = copy["pre_applications"]
    assert grant["reference"] == maria["grant"] and grant["email"].lower() == EMAIL.lower()
    assert grant["isee"] and grant["address"] and grant["arrears"] is False
    assert [h["note"] for h in grant["history"]] == ["Richiamare"]
    assert [r["reference"] for r in copy["registrations"]] == [maria["place"]]
    assert {m["reference"] for m in copy["mails"]} == {maria["grant"], maria["place"]}
    text = answer.get_data(as_text=True)
    assert all(name not in text for name in ("Luca", "Sara", "Omar", "omar@example.it"))
    assert '"id"' not in text
    logged = sql(service, "SELECT subject, data FROM audit_log WHERE action = 'subject.downloaded'")
    assert len(logged) == 1 and logged[0]["subject"] == "telefono ***456"
    assert json.loads(logged[0]["data"])["references"] == [maria["grant"], maria["place"]]


def test_erasure_removes_everything_frees_her_places_and_keeps_the_numbers(service, maria):
    coordinator, _operator = team(service)
    before = tables(service)
    page = search(coordinator, "035 123456").get_data(as_text=True)
    fingerprint = re.search(r'name="impronta" value="([^"]+)"', page)[1]
    erase = f"{URL}/cancella"
    unconfirmed = search(coordinator, "035 123456", erase, impronta=fingerprint)
    assert unconfirmed.status_code == 400 and "spunta la conferma" in unconfirmed.get_data(
        as_text=True
    )
    stale = search(coordinator, "035 123456", erase, impronta="0" * 32, conferma="y")
    assert stale.status_code == 409
    assert sql(service, "SELECT COUNT(*) AS n FROM pre_applications")[0]["n"] == 2  # untouched
    hers = [
        r["id"]
        for r in sql(service, "SELECT id, reference, recipient FROM outbox")
        if r["reference"] in (maria["grant"], maria["place"])
        or r["recipient"].lower() == EMAIL.lower()
    ]
    done = search(coordinator, "035 123456", erase, impronta=fingerprint, conferma="y")
    assert done.status_code == 200, done.get_data(as_text=True)
    text = done.get_data(as_text=True)
    assert "Cancellati: 1 pre-domande" in text and "1 iscrizioni in lista d'attesa" in text
    left = {
        table: {r["reference"] for r in sql(service, f"SELECT reference FROM {table}")}
        for table in ("pre_applications", "registrations", "status_changes", "outbox")
    }
    assert left == {
        "pre_applications": {maria["omar"]},
        "registrations": {maria["luca"], maria["sara"]},
        "status_changes": set(),
        "outbox": {maria["omar"], maria["sara"]},
    }
    sara_mails = sql(
        service, "SELECT COUNT(*) AS n FROM outbox WHERE reference = ?", (maria["sara"],)
    )
    assert sara_mails[0]["n"] == 2  # waiting, then the place that came free
    assert not any(r["id"] in hers for r in sql(service, "SELECT id FROM outbox"))
    assert EMAIL.lower() not in json.dumps(sql(service, "SELECT * FROM outbox")).lower()
    with service.app_context():
        sara = store.find_registration(database(), get_db(), maria["sara"])
        assert sara is not None and sara.status == "confirmed"  # promoted into her places
        assert store.places_taken(database(), get_db(), "assemblea") == (2, 0)
    # Folded into the statistics, without names; her places count as cancelled (they went to
    # Sara), the rest is as before.
    after = tables(service)
    events = "Iscrizioni agli eventi"
    assert after.pop(events) == [["Assemblea di condominio", 3, 0, 2, 0, 2, 0, 0]] + [
        ["Totale", 3, 0, 2, 0, 2, 0, 0]
    ]
    assert before.pop(events)[0] == ["Assemblea di condominio", 3, 0, 3, 1, 0, 0, 0]
    assert after == before
    erased = sql(service, "SELECT subject, data FROM audit_log WHERE action = 'subject.erased'")
    assert len(erased) == 1
    data = json.loads(erased[0]["data"])
    assert data["pre_applications"] == 1 and data["registrations"] == 1
    assert data["mails"] == len(hers) >= 3  # the two above and the confirmation to her e-mail
    assert data["promoted"] == [maria["sara"]]
    everything = json.dumps(sql(service, "SELECT subject, data FROM audit_log"))
    assert "123456" not in everything and "rossi" not in everything.lower()
    assert "Non teniamo nessun dato" in search(coordinator, "035 123456").get_data(as_text=True)


def test_erasure_for_an_event_gone_from_the_site_only_releases_the_places(service, maria):
    sql(
        service,
        "UPDATE registrations SET event_id = 'tolta' WHERE reference = ?",
        (maria["place"],),
    )
    sql(service, "INSERT INTO event_places (event_id, confirmed_people) VALUES ('tolta', 2)")
    with service.app_context():
        db, conn = database(), get_db()
        key = subjects.Key.parse(PHONE)
        found = subjects.find(db, conn, key)
        erased = subjects.erase(db, conn, key, found.fingerprint, {}, datetime.now(UTC), "anna.b")
        assert erased.promoted == [] and store.places_taken(db, conn, "tolta") == (0, 0)
        assert subjects.find(db, conn, key).empty


def test_only_coordinators(service):
    coordinator, operator = team(service)
    stranger = service.test_client()
    assert coordinator.get(URL).status_code == 200
    assert operator.get(URL).status_code == 403
    token = csrf(operator, "/staff/")
    for path in (URL, f"{URL}/scarica", f"{URL}/cancella"):
        answer = operator.post(path, data={"cerca": PHONE, "csrf_token": token})
        assert answer.status_code == 403, path
    token = csrf(stranger)
    for method, path in (("GET", URL), ("POST", URL), ("POST", f"{URL}/cancella")):
        answer = stranger.open(path, method=method, data={"cerca": PHONE, "csrf_token": token})
        assert answer.status_code == 302, path
        assert answer.headers["Location"].startswith("/staff/login?next=")
