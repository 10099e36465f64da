"""E-mail through the outbox, sent to a real SMTP server on localhost (aiosmtpd), on SQLite
and PostgreSQL: the team hears of every submission without personal data; the resident gets
a confirmation in their language with working links; a mail server that is down delays
nothing and loses nothing; sending is off by default and the staff page shows what waits."""

from __future__ import annotations

import email
import logging
import os
import re
import subprocess
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller

from forms_service import create_app, maintenance, smtp
from forms_service.domain import mail
from forms_service.storage import outbox_store
from forms_service.web import staff_auth

from .helpers import PORTAL, PRE_APPLICATION, ROOT, free_port
from .test_forms_html import answer_all, fill_details, send, sign_up
from .test_staff import GOOD, csrf, login
from .test_staff_assisted import send as desk_pre_application

SITE = "https://portal.example.org/"
TEAM = "sportello@example.org"
GRANT = "/api/heating-grant/pre-applications"
REGISTER = "/api/events/assemblea/registrations"
PERSONAL = ("Maria Rossi", "035 123456", "Via Roma", "12.345,67", "12345", "@example.it")


class Inbox:
    """Collects what arrives; refuses the addresses in ``refused`` with 550."""

    def __init__(self) -> None:
        self.messages: list = []
        self.refused: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


class SmtpServer:
    """aiosmtpd on 127.0.0.1; ``start()`` may come after the service first tried it."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"smtp://127.0.0.1:{self.port}"
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list:
        return [m for m in self.inbox.messages if m["To"] == address]


@pytest.fixture
def smtp_server():
    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture
def make_app(database_url, shared_content):
    """A forms service on the test's database with mail settings of its own."""

    def make(**settings):
        app = create_app(
            {
                "PORTAL_DATABASE_URL": database_url,
                "PORTAL_RATE_LIMITS": "off",
                "PORTAL_SECRET_KEY": "test-secret",
                "PORTAL_SITE_URL": SITE,
                **settings,
            },
            root=shared_content,
        )
        app.config["TESTING"] = True
        return app

    return make


def outbox(app) -> list[dict]:
    db = app.extensions["portal_db"]
    conn = db.connect()
    try:
        return db.all(conn, "SELECT * FROM outbox ORDER BY id")
    finally:
        conn.close()


def body(message) -> str:
    return message.get_content().replace("\r\n", "\n")


def link(text: str, path: str) -> str:
    """The path of the absolute link on the public address that starts with ``path``."""
    found = re.search(rf"{re.escape(SITE.rstrip('/'))}({re.escape(path)}\S*)", text)
    assert found, f"no link to {path} in:\n{text}"
    return found[1]


def strings(app, lang: str) -> dict:
    with app.app_context():
        return app.extensions["portal_content"].get().strings[lang]


# --- what is written, and sent ----------------------------------------------------------------


def test_a_pre_application_mails_the_team_and_the_resident_in_arabic(make_app, smtp_server):
    smtp_server.start()
    app = make_app(PORTAL_SMTP_URL=smtp_server.url, PORTAL_TEAM_MAIL=TEAM)
    answer = app.test_client().post(
        f"{GRANT}?lang=ar", json={**PRE_APPLICATION, "email": "amina@example.it"}
    )
    assert answer.status_code == 201, answer.get_json()
    reference = answer.get_json()["reference"]
    assert [row["kind"] for row in outbox(app)] == ["team_pre_application", "pre_application"]

    run = maintenance.send_mail(app)
    assert (run.sent, run.retrying, run.gave_up, run.waiting, run.off) == (2, 0, 0, 0, False)
    [team] = smtp_server.to(TEAM)
    assert team["Subject"] == f"Nuova pre-domanda {reference} – Sportello Celadina"
    assert link(body(team), "/staff/") == f"/staff/pre-domande/{reference}"
    assert team["Auto-Submitted"] == "auto-generated"
    for personal in (*PERSONAL, "amina"):
        assert personal not in team.as_string() and personal not in body(team), personal

    [resident] = smtp_server.to("amina@example.it")
    arabic = strings(app, "ar")
    assert resident["Subject"] == arabic["mail_pre_application_subject"].format(reference=reference)
    assert resident["Content-Language"] == "ar"
    text = body(resident)
    assert reference in text and arabic["mail_pre_application_received"] in text
    assert arabic["what_to_bring"] in text and arabic["mail_footer"] in text
    assert link(text, "/moduli/") == "/moduli/ar/stato/"
    assert "Maria Rossi" not in text and "12.345,67" not in text

    sent = {row["kind"]: row for row in outbox(app)}
    assert sent["pre_application"]["body"] == ""  # a resident's text goes once sent
    assert sent["pre_application"]["recipient"] == "a***@e***.it"
    assert sent["team_pre_application"]["body"] == body(team)


def test_the_html_forms_write_mail_too(make_app, smtp_server):
    smtp_server.start()
    app = make_app(PORTAL_SMTP_URL=smtp_server.url, PORTAL_TEAM_MAIL=TEAM)
    client = app.test_client()
    answer_all(client, "en")
    assert send(client, "en", fill_details(client, "en")).status_code == 303
    private = sign_up(client, "assemblea", lang="fr", people="2")
    assert maintenance.send_mail(app).sent == 4

    [grant, event] = smtp_server.to("maria@example.it") + smtp_server.to("anna@example.it")
    assert grant["Content-Language"] == "en"
    assert grant["Subject"].startswith("Vivere SAP: pre-application received, code C-")
    assert link(body(grant), "/moduli/") == "/moduli/en/stato/"
    assert "Colognola desk\nvia Carlo Alberto 23" in body(grant)  # the desk chosen

    french = strings(app, "fr")
    assert event["Subject"] == "Vivere SAP : inscription reçue – Assemblea di condominio"
    text = body(event)
    assert french["registration_confirmed"] in text and "2" in text
    assert link(text, "/moduli/fr/iscrizione/") == private  # the private link, token included
    page = client.get(private).get_data(as_text=True)
    assert 'data-status="confirmed"' in page
    reference, token = re.search(r"iscrizione/([^?]+)\?t=(.+)", private).groups()
    done = client.post(f"/moduli/fr/iscrizione/{reference}/annulla", data={"t": token})
    assert done.status_code == 303

    team = smtp_server.to(TEAM)
    assert [m["Subject"].split()[:2] for m in team] == [
        ["Nuova", "pre-domanda"],
        ["Nuova", "iscrizione"],
    ]
    assert link(body(team[1]), "/staff/") == "/staff/eventi/assemblea"
    assert "Stato: confermata\nPersone: 2" in body(team[1])
    for message in team:
        assert "Anna" not in body(message) and "anna@" not in body(message)


def full_then_waiting(client, lang: str, name: str, email: str) -> tuple[dict, dict]:
    """Anna takes all 3 places of "assemblea"; then ``name`` signs up and waits."""
    first = client.post(
        REGISTER, json={"full_name": "Anna", "phone": "035 123456", "people": 3, "consent": True}
    ).get_json()
    waiting = client.post(
        f"{REGISTER}?lang={lang}",
        json={"full_name": name, "email": email, "people": 1, "consent": True},
    ).get_json()
    assert (first["status"], waiting["status"]) == ("confirmed", "waitlisted")
    return first, waiting


def test_a_place_that_comes_free_is_mailed_in_the_waiting_persons_language(make_app, smtp_server):
    smtp_server.start()
    app = make_app(PORTAL_SMTP_URL=smtp_server.url)
    client = app.test_client()
    first, waiting = full_then_waiting(client, "uk", "Olena", "olena@example.org")
    maintenance.send_mail(app)
    [signed_up] = smtp_server.to("olena@example.org")
    ukrainian = strings(app, "uk")
    assert ukrainian["registration_waitlisted"] in body(signed_up)

    cancelled = client.post(
        f"/api/registrations/{first['reference']}/cancel", json={"token": first["cancel_token"]}
    )
    assert cancelled.get_json()["promoted"] == 1
    assert [row["kind"] for row in outbox(app)] == ["registration", "promoted"]
    assert maintenance.send_mail(app).sent == 1
    [_, news] = smtp_server.to("olena@example.org")
    assert news["Subject"] == ukrainian["mail_promoted_subject"].format(
        title="Assemblea di condominio"
    )
    assert ukrainian["mail_promoted_news"] in body(news)
    private = link(body(news), "/moduli/uk/iscrizione/")
    assert private == waiting["manage_url"]
    assert 'data-status="confirmed"' in client.get(private).get_data(as_text=True)


def test_what_the_desk_does_for_a_resident_mails_the_resident_not_the_team(make_app, smtp_server):
    smtp_server.start()
    app = make_app(PORTAL_SMTP_URL=smtp_server.url, PORTAL_TEAM_MAIL=TEAM)
    staff_auth.limiter.reset()
    maintenance.add_account(app, "marco", "operator", GOOD)
    desk = app.test_client()
    assert login(desk, "marco", GOOD).status_code == 303
    made = desk_pre_application(desk, email="amina@example.it")
    assert made.status_code == 303, made.get_data(as_text=True)
    client = app.test_client()
    first = client.post(
        REGISTER, json={"full_name": "Anna", "phone": "035 123456", "people": 3, "consent": True}
    ).get_json()
    client.post(
        f"{REGISTER}?lang=en",
        json={"full_name": "Bob", "email": "bob@example.org", "people": 1, "consent": True},
    )
    event = "/staff/eventi/assemblea"
    cancelled = desk.post(
        f"{event}/iscrizioni/{first['reference']}/annulla", data={"csrf_token": csrf(desk, event)}
    )
    assert cancelled.status_code == 303
    assert [row["kind"] for row in outbox(app)] == [
        "pre_application",  # made at the desk: no notice to the team itself
        "team_registration",
        "team_registration",
        "registration",
        "promoted",
    ]
    maintenance.send_mail(app)
    [confirmation] = smtp_server.to("amina@example.it")
    assert confirmation["Content-Language"] == "ar"
    [_, promoted] = smtp_server.to("bob@example.org")
    assert promoted["Subject"] == "Vivere SAP: now you have a place – Building meeting"


def test_a_place_given_by_hand_is_mailed_too(make_app, smtp_server):
    smtp_server.start()
    app = make_app(PORTAL_SMTP_URL=smtp_server.url)
    staff_auth.limiter.reset()
    maintenance.add_account(app, "marco", "operator", GOOD)
    desk = app.test_client()
    assert login(desk, "marco", GOOD).status_code == 303
    first, waiting = full_then_waiting(app.test_client(), "en", "Bob", "bob@example.org")
    event = "/staff/eventi/assemblea"
    for reference, target in (
        (first["reference"], "waitlisted"),
        (waiting["reference"], "confirmed"),
    ):
        moved = desk.post(
            f"{event}/iscrizioni/{reference}/sposta",
            data={"csrf_token": csrf(desk, event), "verso": target},
        )
        assert moved.status_code == 303, moved.get_data(as_text=True)
    maintenance.send_mail(app)
    [_, news] = smtp_server.to("bob@example.org")
    assert news["Subject"] == "Vivere SAP: now you have a place – Building meeting"


# --- a mail server that is down ------------------------------------------------------------------


def test_a_server_that_is_down_delays_nothing_and_the_mail_arrives_later(make_app, smtp_server):
    app = make_app(PORTAL_SMTP_URL=smtp_server.url, PORTAL_TEAM_MAIL=TEAM)  # not started
    answer = app.test_client().post(GRANT, json={**PRE_APPLICATION, "email": "maria@example.it"})
    assert answer.status_code == 201

    start = datetime.now(UTC)
    run = maintenance.send_mail(app, now=start)
    assert (run.sent, run.retrying, run.waiting) == (0, 1, 2)  # the run stops at the first
    tried, untouched = outbox(app)
    assert tried["attempts"] == 1 and untouched["attempts"] == 0
    assert "non raggiungibile" in tried["last_error"] and "@" not in tried["last_error"]
    assert tried["next_attempt_at"] == (start + mail.FIRST_WAIT).isoformat(timespec="seconds")

    assert maintenance.send_mail(app, now=start + timedelta(seconds=10)).retrying == 1
    assert maintenance.send_mail(app, now=start + timedelta(seconds=20)).retrying == 0
    assert [row["attempts"] for row in outbox(app)] == [1, 1]

    smtp_server.start()
    run = maintenance.send_mail(app, now=start + timedelta(minutes=2))
    assert (run.sent, run.waiting) == (2, 0)
    assert len(smtp_server.to(TEAM)) == 1 and len(smtp_server.to("maria@example.it")) == 1


def test_giving_up_after_the_last_attempt_and_trying_again_from_the_staff_page(
    make_app, smtp_server
):
    assert [mail.wait_after(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert mail.wait_after(20) == mail.LONGEST_WAIT
    app = make_app(PORTAL_SMTP_URL=smtp_server.url, PORTAL_TEAM_MAIL=TEAM)
    assert app.test_client().post(GRANT, json=PRE_APPLICATION).status_code == 201
    moment = datetime.now(UTC)
    runs = []
    for _ in range(mail.MAX_ATTEMPTS):
        runs.append(maintenance.send_mail(app, now=moment))
        moment += mail.LONGEST_WAIT
    assert [r.gave_up for r in runs] == [0] * (mail.MAX_ATTEMPTS - 1) + [1]
    [row] = outbox(app)
    assert row["attempts"] == mail.MAX_ATTEMPTS and row["gave_up_at"] and row["last_error"]
    assert maintenance.send_mail(app, now=moment).waiting == 0  # given up: no more tries

    staff_auth.limiter.reset()
    maintenance.add_account(app, "marco", "operator", GOOD)
    desk = app.test_client()
    assert login(desk, "marco", GOOD).status_code == 303
    page = desk.get("/staff/posta/?stato=gave_up").get_data(as_text=True)
    assert "abbandonata il" in page and "Riprova" in page
    token = csrf(desk, "/staff/posta/")
    again = desk.post("/staff/posta/riprova", data={"csrf_token": token, "mail_id": row["id"]})
    assert again.status_code == 303
    assert desk.post("/staff/posta/riprova", data={"csrf_token": token}).status_code == 400
    refused = desk.post("/staff/posta/riprova", data={"csrf_token": token, "mail_id": row["id"]})
    assert refused.status_code == 409  # waiting again: nothing to retry

    smtp_server.start()
    assert maintenance.send_mail(app).sent == 1
    assert len(smtp_server.to(TEAM)) == 1


def test_an_address_the_server_refuses_is_given_up_at_once_without_naming_it(make_app, smtp_server):
    smtp_server.inbox.refused.add("nessuno@example.it")
    smtp_server.start()
    app = make_app(PORTAL_SMTP_URL=smtp_server.url, PORTAL_TEAM_MAIL=TEAM)
    client = app.test_client()
    assert client.post(GRANT, json={**PRE_APPLICATION, "email": "nessuno@example.it"}).status_code
    run = maintenance.send_mail(app)
    assert (run.sent, run.gave_up) == (1, 1)
    refused = next(row for row in outbox(app) if row["kind"] == "pre_application")
    assert refused["attempts"] == 1 and refused["gave_up_at"]
    assert "550" in refused["last_error"] and "nessuno" not in refused["last_error"]


def test_a_mail_that_cannot_be_written_never_costs_the_submission(make_app, monkeypatch, caplog):
    def broken(*args):
        raise KeyError("mail_hello")

    monkeypatch.setattr(mail, "pre_application_confirmation", broken)
    app = make_app(PORTAL_TEAM_MAIL=TEAM)
    with caplog.at_level(logging.ERROR, logger="forms_service.mail"):
        answer = app.test_client().post(
            GRANT, json={**PRE_APPLICATION, "email": "maria@example.it"}
        )
    assert answer.status_code == 201
    assert [row["kind"] for row in outbox(app)] == ["team_pre_application"]
    assert "not written" in caplog.text and "maria" not in caplog.text


def test_two_senders_never_take_the_same_mail(make_app):
    app = make_app(PORTAL_TEAM_MAIL=TEAM)
    assert app.test_client().post(GRANT, json=PRE_APPLICATION).status_code == 201
    [row] = outbox(app)
    db = app.extensions["portal_db"]
    conn = db.connect()
    try:
        assert outbox_store.claim(db, conn, row, "2099-01-01T00:00:00+00:00")
        assert not outbox_store.claim(db, conn, row, "2099-01-01T00:00:00+00:00")
    finally:
        conn.close()


# --- off by default, and the staff page -----------------------------------------------------------


def test_nothing_is_written_when_there_is_nobody_to_write_to(make_app):
    app = make_app()
    assert app.config["PORTAL_SMTP_URL"] == "" and app.config["PORTAL_TEAM_MAIL"] == ""
    assert app.test_client().post(GRANT, json=PRE_APPLICATION).status_code == 201
    assert outbox(app) == []


def test_off_by_default_the_staff_page_shows_what_would_have_been_sent(make_app):
    app = make_app(PORTAL_TEAM_MAIL=TEAM)
    client = app.test_client()
    answer = client.post(GRANT, json={**PRE_APPLICATION, "email": "maria@example.it"})
    reference = answer.get_json()["reference"]
    run = maintenance.send_mail(app)
    assert (run.off, run.sent, run.waiting) == (True, 0, 2)

    staff_auth.limiter.reset()
    maintenance.add_account(app, "marco", "operator", GOOD)
    maintenance.add_account(app, "anna.b", "coordinator", GOOD)
    operator, coordinator = app.test_client(), app.test_client()
    assert login(operator, "marco", GOOD).status_code == 303
    assert login(coordinator, "anna.b", GOOD).status_code == 303
    assert "/staff/posta/" in operator.get("/staff/").get_data(as_text=True)

    page = operator.get("/staff/posta/").get_data(as_text=True)
    assert "L'invio è spento: ecco cosa sarebbe stato inviato" in page
    assert f"Nuova pre-domanda {reference}" in page and TEAM in page
    assert f"/staff/pre-domande/{reference}" in page  # the team's text is there
    assert "m***@e***.it" in page and "maria@example.it" not in page
    assert "testo visibile solo ai coordinatori" in page and "Buongiorno" not in page

    full = coordinator.get("/staff/posta/?stato=waiting").get_data(as_text=True)
    assert "maria@example.it" in full and "Buongiorno" in full
    assert "/moduli/it/stato/" in full

    db = app.extensions["portal_db"]
    conn = db.connect()
    try:
        viewed = db.all(conn, "SELECT actor, subject FROM audit_log WHERE action = 'outbox.viewed'")
    finally:
        conn.close()
    assert viewed == [
        {"actor": "marco", "subject": None},
        {"actor": "anna.b", "subject": "waiting"},
    ]


# --- settings, purge, command ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url, expected",
    [
        ("", None),
        ("smtp://127.0.0.1:1025", smtp.Server("127.0.0.1", 1025, "plain")),
        (
            "smtps://posta%40sap:p%3Ass@mail.example.org",
            smtp.Server("mail.example.org", 465, "tls", "posta@sap", "p:ss"),
        ),
        (
            "smtp+starttls://u:p@mail.example.org",
            smtp.Server("mail.example.org", 587, "starttls", "u", "p"),
        ),
    ],
)
def test_the_smtp_url(url, expected):
    assert smtp.parse_url(url) == expected


@pytest.mark.parametrize("url", ["http://x", "smtp://", "smtps://u:segreta@host:porta"])
def test_a_malformed_smtp_url_stops_the_start_without_showing_the_password(url, shared_content):
    with pytest.raises(ValueError, match="PORTAL_SMTP_URL") as refused:
        create_app({"PORTAL_SMTP_URL": url, "PORTAL_SECRET_KEY": "k"}, root=shared_content)
    assert "segreta" not in str(refused.value)


def test_purge_forgets_old_mail_and_the_mail_of_deleted_submissions(make_app):
    app = make_app(PORTAL_TEAM_MAIL=TEAM)
    assert app.test_client().post(GRANT, json=PRE_APPLICATION).status_code == 201
    db = app.extensions["portal_db"]
    conn = db.connect()
    try:
        with db.transaction(conn):
            outbox_store.add(
                db,
                conn,
                {
                    "kind": "registration",
                    "reference": "E-AAAA-AAAA",  # erased, or purged before the mail
                    "recipient": "x@example.it",
                    "lang": "it",
                    "subject": "s",
                    "body": "b",
                },
                datetime.now(UTC).isoformat(timespec="seconds"),
            )
        maintenance.purge(app)
        assert [row["kind"] for row in outbox(app)] == ["team_pre_application"]
        maintenance.purge(app, now=datetime.now(UTC) + timedelta(days=outbox_store.KEEP_DAYS + 1))
        assert outbox(app) == []
        assert db.one(conn, "SELECT COUNT(*) AS n FROM pre_applications")["n"] == 1
    finally:
        conn.close()


def test_the_send_mail_command(project, tmp_path):
    env = {"PORTAL_DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}", "PORTAL_SMTP_URL": ""}
    command = [*PORTAL, "--root", str(project), "send-mail"]

    def run(*extra):
        return subprocess.run(
            [*command, *extra],
            cwd=ROOT,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=60,
        )

    done = run()
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Invio spento (PORTAL_SMTP_URL vuoto): 0 e-mail in attesa."
    quiet = run("--quiet")
    assert (quiet.returncode, quiet.stdout) == (0, "")
