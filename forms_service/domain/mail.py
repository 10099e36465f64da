"""E-mail through the outbox: what the service writes, and how the outbox is sent.

Writing happens in the submission's own transaction (``enqueue``, called from the ``then``
hooks of store.py), so a submission and its e-mail are kept together or not at all, and a
mail server that is down never delays or loses a submission. ``portal send-mail`` sends
what is due (``send_due``) through a ``Transport`` (forms_service/smtp.py), trying again
with a growing wait and giving up, recorded, after ``MAX_ATTEMPTS``.

Two audiences: the desk team (Italian, no personal data: the reference, the desk or the
event, and a link to the staff page) and the resident who gave an e-mail address (their
language, from the ``mail_*`` strings of site_config/strings). A resident's e-mail holds
their address and private links, so once it is sent its body is emptied and its address
masked; nothing here logs an address or a body. No Flask: the content, the strings
(``f``: a ``portal.formats.Formats``) and the links come as parameters.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Protocol

from portal.formats import Formats

from ..storage import outbox_store
from ..storage.db import Database
from .event_text import event_place, event_when, text

log = logging.getLogger("forms_service.mail")

MAX_ATTEMPTS = 10
FIRST_WAIT = timedelta(minutes=1)  # then 2, 4, 8 … minutes
LONGEST_WAIT = timedelta(hours=4)  # so ten attempts span about eight hours
LEASE = timedelta(minutes=10)  # a row being sent is not due for others meanwhile
TOO_OLD = timedelta(days=3)  # older unsent mail is given up, not sent late
KINDS = {  # what each kind of e-mail is, as the staff page says it
    "team_pre_application": "al team: nuova pre-domanda",
    "team_registration": "al team: nuova iscrizione a un evento",
    "pre_application": "alla persona: pre-domanda ricevuta",
    "registration": "alla persona: iscrizione ricevuta",
    "promoted": "alla persona: posto libero, iscrizione confermata",
}
TEAM_KINDS = frozenset({"team_pre_application", "team_registration"})
ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True)
class Mail:
    kind: str
    reference: str
    recipient: str
    lang: str
    subject: str
    body: str


@dataclass(frozen=True)
class EventFacts:
    """What a resident's e-mail says about the event, in their language."""

    title: str
    when: str
    where: str


def event_facts(f: Formats, event) -> EventFacts:
    return EventFacts(text(f, event.title), event_when(f, event), event_place(f, event))


# --- writing ----------------------------------------------------------------------------------


def _body(*paragraphs: str) -> str:
    return "\n\n".join(p.strip() for p in paragraphs if p and p.strip()) + "\n"


def _team_footer(link: str) -> str:
    return (
        "Apri la scheda nell'area dello sportello (serve l'accesso):\n"
        f"{link}\n\n"
        "I dati della persona sono solo nell'area dello sportello, non in questa e-mail."
    )


def team_pre_application(to: str, reference: str, desk: str, staff_link: str) -> Mail:
    """To the desk team: a new pre-application. No personal data: the reference and desk."""
    return Mail(
        "team_pre_application",
        reference,
        to,
        "it",
        f"Nuova pre-domanda {reference} – {desk}",
        _body(
            "Nuova pre-domanda per il contributo riscaldamento.",
            f"Codice: {reference}\nSportello scelto: {desk}",
            _team_footer(staff_link),
        ),
    )


def team_registration(
    to: str, reference: str, event: EventFacts, status: str, people: int, staff_link: str
) -> Mail:
    """To the desk team: a new sign-up (``event`` in Italian). No personal data."""
    state = "confermata" if status == "confirmed" else "in lista d'attesa"
    return Mail(
        "team_registration",
        reference,
        to,
        "it",
        f"Nuova iscrizione {reference} – {event.title}",
        _body(
            f"Nuova iscrizione all'evento «{event.title}» ({event.when}).",
            f"Codice: {reference}\nStato: {state}\nPersone: {people}",
            _team_footer(staff_link),
        ),
    )


def _block(title: str, *lines: str) -> str:
    """A title over its lines; nothing when there are no lines."""
    shown = [line for line in lines if line and line.strip()]
    return "\n".join([title, *shown]) if shown else ""


def _resident_footer(f: Formats) -> str:
    return _body(f.s("mail_not_you"), f.s("mail_footer"))


def pre_application_confirmation(
    f: Formats, to: str, reference: str, grant, desk, status_link: str
) -> Mail:
    """To the resident, in ``f``'s language: the reference, what happens next, what to bring,
    their desk, and where to look up the status."""
    return Mail(
        "pre_application",
        reference,
        to,
        f.lang,
        f.s("mail_pre_application_subject", reference=reference),
        _body(
            f.s("mail_hello"),
            f.s("mail_pre_application_received"),
            _block(f.s("form_done_reference"), reference),
            f.s("form_grant_only_pre"),
            _block(f.s("grant_next"), text(f, grant.what_happens_next)),
            _block(f.s("what_to_bring"), *(f"- {text(f, item)}" for item in grant.what_to_bring)),
            _block(
                f.s("form_done_desk"),
                text(f, desk.name),
                f.desk_address(desk),
                f.desk_hours(desk),
                *f.next_openings_lines(desk, datetime.now(UTC)),
            )
            if desk
            else "",
            _block(f.s("mail_status_link"), status_link),
            f.s("mail_keep"),
            _resident_footer(f),
        ),
    )


def registration_confirmation(
    f: Formats,
    to: str,
    reference: str,
    status: str,
    people: int,
    event: EventFacts,
    private_link: str,
    promoted: bool = False,
) -> Mail:
    """To the resident, in ``f``'s language: their sign-up (or, ``promoted``, the place that
    came free for them), the event, the reference and the private link to see or cancel it."""
    news = (
        f.s("mail_promoted_news")
        if promoted
        else _body(f.s("mail_registration_received"), f.s(f"registration_{status}"))
    )
    subject = "mail_promoted_subject" if promoted else "mail_registration_subject"
    return Mail(
        "promoted" if promoted else "registration",
        reference,
        to,
        f.lang,
        f.s(subject, title=event.title),
        _body(
            f.s("mail_hello"),
            news,
            _block(event.title, f"{f.s('when')}: {event.when}", f"{f.s('where')}: {event.where}"),
            _block(f.s("form_label_people"), str(people)),
            _block(f.s("form_registration_reference"), reference),
            _block(f.s("mail_private_link"), private_link),
            _block(f.s("form_cancel_title"), f.s("form_cancel_hint")),
            _resident_footer(f),
        ),
    )


def enqueue(
    db: Database, conn, composers: Iterable[Callable[[], Mail]], now: datetime | None = None
) -> int:
    """Write each composed e-mail into the outbox, in the caller's transaction; returns how
    many. One that cannot be composed (a broken translation) is logged, by kind only, and
    left out: the submission is kept all the same."""
    stamp = _iso(now or datetime.now(UTC))
    written = 0
    for compose in composers:
        try:
            mail = compose()
        except Exception as exc:
            name = getattr(getattr(compose, "func", compose), "__name__", "?")
            log.error("an e-mail (%s) was not written: %s", name, type(exc).__name__)
            continue
        outbox_store.add(db, conn, asdict(mail), stamp)
        written += 1
    return written


# --- sending ----------------------------------------------------------------------------------


class SendFailed(Exception):
    """Raised by a transport. ``permanent``: trying again cannot help (the address is
    refused), give up now. ``stop``: the server cannot be reached or refuses the service's own
    login or sender, so the other e-mail of this run wait too."""

    def __init__(self, reason: str, permanent: bool = False, stop: bool = False):
        super().__init__(reason)
        self.reason, self.permanent, self.stop = reason, permanent, stop


class Transport(Protocol):
    def send(self, mail: Mail) -> None: ...


@dataclass
class Run:
    """What one ``send_due`` did, and what is still waiting after it."""

    sent: int = 0
    retrying: int = 0  # failed this time, tried again later
    gave_up: int = 0
    waiting: int = 0
    off: bool = False  # sending is off (no PORTAL_SMTP_URL): nothing was tried


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def wait_after(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure: 1, 2, 4 … minutes, at most 4 hours."""
    return min(FIRST_WAIT * 2 ** (attempts - 1), LONGEST_WAIT)


def mask(address: str) -> str:
    """ "maria.rossi@example.it" -> "m***@e***.it": enough to tell two apart, not to write."""
    local, _, domain = address.partition("@")
    name, dot, tld = domain.rpartition(".")
    return f"{local[:1]}***@{name[:1]}***{dot}{tld}" if name else f"{local[:1]}***@{domain[:1]}***"


def clean_error(reason: str, recipient: str) -> str:
    """An error to keep: without the recipient's (or any) address, and short."""
    found = reason.replace(recipient, "<destinatario>") if recipient else reason
    return ADDRESS.sub("<indirizzo>", found)[:300]


def waiting(db: Database, conn) -> int:
    return outbox_store.counts(db, conn)["waiting"]


def send_due(
    db: Database, conn, transport: Transport, now: datetime | None = None, limit: int = 500
) -> Run:
    """Send what is due, oldest first. Each row is claimed before it is sent, so two runs at
    once never send one twice; one that cannot be reached ends the run, and the rest wait."""
    moment = now or datetime.now(UTC)
    stamp = _iso(moment)
    run = Run()
    for row in outbox_store.due(db, conn, stamp, limit):
        if row["created_at"] < _iso(moment - TOO_OLD):
            reason = f"non inviata: in attesa da più di {TOO_OLD.days} giorni (invio spento?)"
            outbox_store.mark_failed(db, conn, row["id"], row["attempts"], reason, None, stamp)
            run.gave_up += 1
            continue
        if not outbox_store.claim(db, conn, row, _iso(moment + LEASE)):
            continue
        mail = Mail(**{field.name: row[field.name] for field in fields(Mail)})
        try:
            transport.send(mail)
        except SendFailed as failure:
            attempts = row["attempts"] + 1
            last = failure.permanent or attempts >= MAX_ATTEMPTS
            retry_at = None if last else _iso(moment + wait_after(attempts))
            error = clean_error(failure.reason, row["recipient"])
            outbox_store.mark_failed(db, conn, row["id"], attempts, error, retry_at, stamp)
            run.gave_up += last
            run.retrying += not last
            if failure.stop:
                break
            continue
        personal = row["kind"] not in TEAM_KINDS
        outbox_store.mark_sent(
            db,
            conn,
            row["id"],
            stamp,
            mask(row["recipient"]) if personal else row["recipient"],
            "" if personal else row["body"],
        )
        run.sent += 1
    run.waiting = waiting(db, conn)
    return run
