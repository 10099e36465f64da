"""Working the events from the staff area: the events with their numbers, an event's lists,
attendance, moves by hand (capacity holds, also against a sign-up at the same moment),
cancellations, the attendance sheet to print, the CSV, and the sign-up made at the desk
with the resident's own rules. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
import threading
import zlib
from datetime import timedelta

import pytest

from forms_service.domain import actions, event_desk
from tests.conftest import add_event, local_now, write

from .helpers import PRE_APPLICATION, service_rows
from .test_staff import csrf, logged_in

EVENT = "/staff/eventi/assemblea"  # the service's open event with 3 places


@pytest.fixture
def desk(service):
    """A logged-in operator's client."""
    return logged_in(service)


def sign_up(service, name: str, people: int = 1, event_id: str = "assemblea", **extra) -> dict:
    """A resident's sign-up through the API; returns its JSON (reference, status…)."""
    phone = f"035 {zlib.crc32(name.encode()) % 1000000:06}"  # one phone signs up once
    body = {"full_name": name, "phone": phone, "people": people, "consent": True, **extra}
    answer = service.test_client().post(f"/api/events/{event_id}/registrations", json=body)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def rows(service, where: str = "", params=()) -> list[dict]:
    return service_rows(service, f"SELECT * FROM registrations {where} ORDER BY id", params)


def confirmed_counter(service, event_id: str = "assemblea") -> int:
    sql = "SELECT confirmed_people FROM event_places WHERE event_id = ?"
    return service_rows(service, sql, (event_id,))[0]["confirmed_people"]


def audited(service, action: str) -> list[dict]:
    sql = "SELECT * FROM audit_log WHERE action = ? ORDER BY id"
    return service_rows(service, sql, (action,))


def post(client, url: str, **data):
    return client.post(url, data={**data, "csrf_token": csrf(client, EVENT)})


def status_of(service, reference: str) -> str:
    return rows(service, "WHERE reference = ?", (reference,))[0]["status"]


def past_event(root, event_id: str) -> None:
    start = local_now() - timedelta(days=3)
    fmt = "%Y-%m-%d %H:%M"
    write(
        root,
        f"content/events/{event_id}.yml",
        f"""
        id: {event_id}
        updated: 2026-11-22
        title:
          it: Festa passata
        description:
          it: Già fatta.
        place:
          desk: celadina
        start: {start.strftime(fmt)}
        end: {(start + timedelta(hours=2)).strftime(fmt)}
        capacity: 20
        """,
    )


@pytest.fixture
def events(project):
    """More events next to "assemblea", written before the service starts (takes it first)."""
    add_event(project, "prossima", capacity=None, days_ahead=20)
    add_event(project, "grande", capacity=None)
    add_event(project, "altra")
    add_event(project, "chiusa", signup_open=False)
    past_event(project, "passata")
    return project


# --- the events and their numbers ----------------------------------------------------------


def test_the_events_with_their_numbers_upcoming_first(events, service, desk):
    sign_up(service, "Maria Rossi", 2)
    sign_up(service, "Ahmed Benali", 1)
    waiting = sign_up(service, "Olena Koval", 2)
    gone = sign_up(service, "Luca Verdi", 1)
    assert waiting["status"] == gone["status"] == "waitlisted"
    service.test_client().post(
        f"/api/registrations/{gone['reference']}/cancel", json={"token": gone["cancel_token"]}
    )
    page = desk.get("/staff/eventi/").get_data(as_text=True)
    titles = re.findall(r'<a href="/staff/eventi/([\w-]+)">', page)
    assert len(titles) == 7 and titles[-3:] == ["prossima", "pulizia-celadina", "passata"]
    row = re.search(r"/staff/eventi/assemblea\".*?</tr>", page, re.S)[0]
    cells = dict(re.findall(r"data-(\w+)>([^<]*)<", row))
    assert cells == {"confirmed": "3 / 3", "waiting": "2", "registrations": "3", "cancelled": "1"}
    assert "0 / non stabiliti" in page
    assert page.index("Prossimi eventi") < page.index("Eventi passati") < page.index("Festa")


def test_the_event_page_lists_confirmed_waiting_and_cancelled_apart(service, desk):
    first = sign_up(service, "Maria Rossi", 3, email="maria@example.it")
    waiting = sign_up(service, "Ahmed Benali", 2, lang="ar")
    page = desk.get(EVENT).get_data(as_text=True)
    confirmed_part, rest = page.split("<h2>Lista d'attesa</h2>")
    assert "Maria Rossi" in confirmed_part and first["reference"] in confirmed_part
    assert "maria@example.it" in confirmed_part and "dal sito" in confirmed_part
    assert "Ahmed Benali" in rest.split("<h2>Annullate</h2>")[0]
    assert "Confermati: <strong>3</strong> persone su 3 posti (0 liberi)" in page
    assert "In lista d'attesa: <strong>2</strong> persone" in page
    desk.post(
        f"{EVENT}/iscrizioni/{waiting['reference']}/annulla", data={"csrf_token": csrf(desk, EVENT)}
    )
    cancelled_part = desk.get(EVENT).get_data(as_text=True).split("<h2>Annullate</h2>")[1]
    assert "Ahmed Benali" in cancelled_part and "Sposta" not in cancelled_part
    assert desk.get("/staff/eventi/nessuno").status_code == 404


# --- moving by hand, with capacity enforced ---------------------------------------------------


def test_a_move_to_confirmed_past_capacity_is_refused(service, desk):
    pair = sign_up(service, "Maria Rossi", 2)
    single = sign_up(service, "Ahmed Benali", 1)
    waiting = sign_up(service, "Olena Koval", 1)
    assert waiting["status"] == "waitlisted"
    refused = post(desk, f"{EVENT}/iscrizioni/{waiting['reference']}/sposta", verso="confirmed")
    assert refused.status_code == 422
    assert "Non ci sono abbastanza posti" in refused.get_data(as_text=True)
    assert status_of(service, waiting["reference"]) == "waitlisted"
    # Moving someone to the waiting list frees places but promotes nobody by itself.
    moved = post(desk, f"{EVENT}/iscrizioni/{single['reference']}/sposta", verso="waitlisted")
    assert moved.status_code == 303 and moved.headers["Location"] == EVENT
    assert status_of(service, single["reference"]) == "waitlisted"
    assert status_of(service, waiting["reference"]) == "waitlisted"
    assert confirmed_counter(service) == 2
    # A new sign-up waits too: nobody jumps those already waiting.
    assert sign_up(service, "Luca Verdi", 1)["status"] == "waitlisted"
    # The operator chooses who takes the freed place, out of the queue's order if need be.
    chosen = post(desk, f"{EVENT}/iscrizioni/{waiting['reference']}/sposta", verso="confirmed")
    assert chosen.status_code == 303
    assert status_of(service, waiting["reference"]) == "confirmed"
    assert confirmed_counter(service) == 3
    again = post(desk, f"{EVENT}/iscrizioni/{pair['reference']}/sposta", verso="confirmed")
    assert again.status_code == 422 and "già tra i confermati" in again.get_data(as_text=True)
    entries = audited(service, "registration.moved")
    assert [e["subject"] for e in entries] == [single["reference"], waiting["reference"]]
    assert all(e["actor"] == "marco" for e in entries)


def test_a_cancellation_from_the_desk_promotes_the_queue_in_order(service, desk):
    first = sign_up(service, "Maria Rossi", 3)
    queue = [sign_up(service, name) for name in ("Ahmed Benali", "Olena Koval")]
    answer = post(desk, f"{EVENT}/iscrizioni/{first['reference']}/annulla")
    assert answer.status_code == 303
    assert [status_of(service, r["reference"]) for r in queue] == ["confirmed", "confirmed"]
    assert status_of(service, first["reference"]) == "cancelled"
    assert confirmed_counter(service) == 2
    again = post(desk, f"{EVENT}/iscrizioni/{first['reference']}/annulla")
    assert again.status_code == 422 and "già annullata" in again.get_data(as_text=True)
    cancelled = post(desk, f"{EVENT}/iscrizioni/{first['reference']}/sposta", verso="confirmed")
    assert cancelled.status_code == 422
    [entry] = audited(service, "registration.cancelled")
    assert entry["subject"] == first["reference"] and queue[0]["reference"] in entry["data"]


def test_a_registration_of_another_event_is_not_found_here(events, service, desk):
    other = sign_up(service, "Maria Rossi", event_id="altra")
    for action, data in [("sposta", {"verso": "waitlisted"}), ("presenza", {"presente": "si"})]:
        answer = post(desk, f"{EVENT}/iscrizioni/{other['reference']}/{action}", **data)
        assert answer.status_code == 404
    assert post(desk, f"{EVENT}/iscrizioni/nonsense/annulla").status_code == 404


@pytest.mark.timeout(60)
def test_moves_and_sign_ups_at_the_same_moment_never_overbook(service):
    """Five operators confirm five waiting registrations while six residents sign up, each on
    its own connection: the 3 places are never passed, and the counter agrees with the rows."""
    sign_up(service, "Maria Rossi", 1)
    pair = sign_up(service, "Ahmed Benali", 2)
    waiting = [sign_up(service, f"Persona {n}")["reference"] for n in range(4)]
    with service.app_context():
        from forms_service.web.i18n import content

        event = content().events["assemblea"]
    db = service.extensions["portal_db"]
    conn = db.connect()
    event_desk.move(db, conn, event, pair["reference"], "waitlisted", "marco")  # 2 places free
    conn.close()
    waiting.append(pair["reference"])
    start, outcomes, lock = threading.Barrier(11), [], threading.Lock()

    def confirm(reference: str) -> None:
        conn = db.connect()
        try:
            start.wait(10)
            event_desk.move(db, conn, event, reference, "confirmed", "marco")
            result = "moved"
        except event_desk.Refused:
            result = "refused"
        finally:
            conn.close()
        with lock:
            outcomes.append(result)

    def resident(n: int) -> None:
        conn = db.connect()
        try:
            start.wait(10)
            data = {
                "full_name": f"Nuova {n}",
                "phone": f"035 00000{n}",
                "people": 1,
                "consent": True,
            }
            actions.sign_up(db, conn, event, data, "it", None, actions.now(), "x")
        finally:
            conn.close()

    threads = [threading.Thread(target=confirm, args=(r,)) for r in waiting]
    threads += [threading.Thread(target=resident, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(outcomes) == 5 and outcomes.count("refused") >= 3
    confirmed = [r for r in rows(service) if r["status"] == "confirmed"]
    assert sum(r["people"] for r in confirmed) == confirmed_counter(service) <= 3
    assert len(rows(service)) == 12


# --- attendance -----------------------------------------------------------------------------


def test_attendance_is_marked_for_confirmed_registrations(service, desk):
    came = sign_up(service, "Maria Rossi", 1)
    missed = sign_up(service, "Ahmed Benali", 2)
    waiting = sign_up(service, "Olena Koval", 1)
    url = f"{EVENT}/iscrizioni/{{}}/presenza"
    assert post(desk, url.format(came["reference"]), presente="si").status_code == 303
    assert post(desk, url.format(missed["reference"]), presente="no").status_code == 303
    refused = post(desk, url.format(waiting["reference"]), presente="si")
    assert refused.status_code == 422 and "solo per chi è tra i confermati" in refused.get_data(
        as_text=True
    )
    marks = {r["reference"]: r["attended"] for r in rows(service)}
    assert bool(marks[came["reference"]]) is True and marks[missed["reference"]] in (False, 0)
    assert marks[waiting["reference"]] is None
    page = desk.get(EVENT).get_data(as_text=True)
    assert "<strong>presente</strong>" in page and "<strong>assente</strong>" in page
    assert post(desk, url.format(came["reference"]), presente="").status_code == 303
    assert rows(service, "WHERE reference = ?", (came["reference"],))[0]["attended"] is None
    assert post(desk, url.format(came["reference"]), presente="forse").status_code == 400
    data = [e["data"] for e in audited(service, "registration.attendance")]
    assert len(data) == 3 and '"presente"' in data[0] and '"non segnata"' in data[2]


def test_leaving_the_confirmed_list_clears_the_mark(service, desk):
    came = sign_up(service, "Maria Rossi", 1)
    post(desk, f"{EVENT}/iscrizioni/{came['reference']}/presenza", presente="si")
    post(desk, f"{EVENT}/iscrizioni/{came['reference']}/sposta", verso="waitlisted")
    assert rows(service)[0]["attended"] is None


# --- access and CSRF ------------------------------------------------------------------------


def test_strangers_go_to_the_login_and_posts_need_their_token(service, desk):
    registration = sign_up(service, "Maria Rossi", 1)
    here = f"{EVENT}/iscrizioni/{registration['reference']}"
    stranger = service.test_client()
    for url in ("/staff/eventi/", EVENT, f"{EVENT}/presenze", f"{EVENT}/iscritti.csv"):
        answer = stranger.get(url)
        assert answer.status_code == 302, url
        assert answer.headers["Location"].startswith("/staff/login?next="), url
    assert stranger.get(f"{EVENT}/iscrivi").status_code == 302
    for url, data in [
        (f"{here}/presenza", {"presente": "si"}),
        (f"{here}/sposta", {"verso": "waitlisted"}),
        (f"{here}/annulla", {}),
        (f"{EVENT}/iscrivi", {"full_name": "Anna Bianchi", "phone": "035 1", "consent": "on"}),
    ]:
        assert stranger.post(url, data=data).status_code in (302, 400), url
        assert desk.post(url, data=data).status_code == 400, url  # no CSRF token
    [row] = rows(service)
    assert row["status"] == "confirmed" and row["attended"] is None
    assert audited(service, "registration.moved") == []


def test_the_home_page_links_the_events(desk):
    assert "/staff/eventi/" in desk.get("/staff/").get_data(as_text=True)


# --- on paper and in Excel --------------------------------------------------------------------


def test_the_attendance_sheet_has_30_names_a_page(events, service, desk):
    for n in range(31):
        sign_up(service, f"Persona {n:02d}", event_id="grande")
    sign_up(service, "Zeno Ultimo", event_id="grande")
    cancelled = sign_up(service, "Annullata Presto", event_id="grande")
    service.test_client().post(
        f"/api/registrations/{cancelled['reference']}/cancel",
        json={"token": cancelled["cancel_token"]},
    )
    answer = desk.get("/staff/eventi/grande/presenze")
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    sheets = page.split('<section class="sheet-page">')[1:]
    assert len(sheets) == 2
    assert [s.count('class="sheet-row"') for s in sheets] == [30, 2]
    assert "pagina 1 di 2" in sheets[0] and "pagina 2 di 2" in sheets[1]
    assert all("Assemblea di condominio" in s and "Firma" in s for s in sheets)
    assert "Persona 00" in sheets[0] and "Zeno Ultimo" in sheets[1]  # A to Z
    assert "Annullata" not in page and "staff-nav" not in page and "data-print" in page
    assert "<td>31</td>" in sheets[1] and "<td>32</td>" in sheets[1]
    style = desk.get("/moduli/static/staff-print.css").get_data(as_text=True)
    assert "size: A4" in style and "break-after: page" in style and ".sheet-noprint" in style
    [entry] = audited(service, "registrations.printed")
    assert entry["subject"] == "grande" and '"pages": 2' in entry["data"]


def test_the_sheet_of_an_event_without_confirmed_people_is_one_page(desk):
    page = desk.get(f"{EVENT}/presenze").get_data(as_text=True)
    assert page.count('<section class="sheet-page">') == 1 and "pagina 1 di 1" in page


def test_the_csv_is_for_excel_neutralised_and_audited(service, desk):
    sign_up(service, '=HYPERLINK("http://x")', 1)
    sign_up(service, "Maria Rossi", 2, email="maria@example.it", lang="uk")
    answer = desk.get(f"{EVENT}/iscritti.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert 'filename="iscritti-assemblea.csv"' in answer.headers["Content-Disposition"]
    text = answer.get_data().decode("utf-8")
    assert text.startswith("\ufeffcodice;iscritta_utc;lingua;nome;telefono;email;persone;stato")
    lines = text.strip().splitlines()
    assert len(lines) == 3
    formula = next(line for line in lines if "HYPERLINK" in line)
    assert ";'=HYPERLINK" in formula or ";\"'=HYPERLINK" in formula  # not a live formula
    maria = next(line for line in lines if "Maria Rossi" in line).split(";")
    assert maria[2] == "uk" and maria[5] == "maria@example.it" and maria[6] == "2"
    assert maria[7] == "confermata" and maria[8] == "" and maria[9] == ""
    [entry] = audited(service, "registrations.exported")
    assert entry["subject"] == "assemblea" and entry["actor"] == "marco"


def test_the_pre_applications_export_still_writes_the_same_csv(service, desk):
    body = {**PRE_APPLICATION, "full_name": "+SUM(A1)"}
    assert service.test_client().post("/api/heating-grant/pre-applications", json=body)
    text = desk.get("/staff/pre-domande/export.csv").get_data().decode("utf-8")
    assert text.startswith("\ufeffcodice;arrivata_utc;lingua;nome;") and "'+SUM(A1)" in text


# --- the sign-up made at the desk ------------------------------------------------------------

PERSON = {"full_name": "Anna Bianchi", "phone": "035 654321", "people": "2", "consent": "on"}


def desk_form(client) -> dict:
    page = client.get(f"{EVENT}/iscrivi").get_data(as_text=True)
    submission = re.search(r'name="submission_id" value="([^"]+)"', page)
    assert submission, page
    return {"csrf_token": csrf(client, f"{EVENT}/iscrivi"), "submission_id": submission[1]}


def test_a_desk_sign_up_is_marked_with_the_operator_and_stored_once(service, desk):
    form = {**desk_form(desk), **PERSON, "lang": "uk"}
    first = desk.post(f"{EVENT}/iscrivi", data=form)
    second = desk.post(f"{EVENT}/iscrivi", data=form)  # a double click
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    [row] = rows(service)
    assert row["assisted_by"] == "marco" and bool(row["privacy_on_paper"]) is True
    assert row["lang"] == "uk" and row["people"] == 2 and row["status"] == "confirmed"
    assert first.headers["Location"] == f"{EVENT}?iscritta={row['reference']}"
    page = desk.get(first.headers["Location"]).get_data(as_text=True)
    assert f"Iscrizione <strong>{row['reference']}</strong> salvata" in page
    assert "confermata" in page
    [entry] = audited(service, "registration.assisted")
    assert entry["subject"] == row["reference"] and entry["actor"] == "marco"


def test_a_desk_sign_up_has_the_residents_validation_in_italian(service, desk):
    form = {**desk_form(desk), "full_name": "A", "people": "4", "consent": "on"}
    answer = desk.post(f"{EVENT}/iscrivi", data=form)
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "troppo corto" in page  # the name
    assert "Scrivi almeno un numero di telefono o un indirizzo email" in page
    assert "Scrivi un numero da 1 a 3." in page  # never more than the event's places
    assert 'value="4"' in page and rows(service) == []


def test_a_desk_sign_up_needs_the_privacy_tick(service, desk):
    form = {**desk_form(desk), **PERSON}
    del form["consent"]
    answer = desk.post(f"{EVENT}/iscrivi", data=form)
    assert answer.status_code == 422
    assert "informativa privacy su carta" in answer.get_data(as_text=True)
    assert rows(service) == [] and audited(service, "registration.assisted") == []


def test_a_desk_sign_up_waits_when_full_like_the_residents(service, desk):
    sign_up(service, "Maria Rossi", 3)
    page = desk.get(f"{EVENT}/iscrivi").get_data(as_text=True)
    assert "Posti liberi: 0 su 3" in page
    answer = desk.post(f"{EVENT}/iscrivi", data={**desk_form(desk), **PERSON})
    assert answer.status_code == 303
    assert "in attesa" in desk.get(answer.headers["Location"]).get_data(as_text=True)
    assert rows(service)[-1]["status"] == "waitlisted"


def test_a_desk_sign_up_keeps_the_sign_up_window(events, service, desk):
    url = "/staff/eventi/chiusa/iscrivi"
    page = desk.get(url).get_data(as_text=True)
    assert "Le iscrizioni a questo evento sono chiuse." in page and "submission_id" not in page
    answer = desk.post(url, data={**PERSON, "csrf_token": csrf(desk, EVENT)})
    assert answer.status_code == 409 and rows(service) == []
