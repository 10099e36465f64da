"""One way to record what the desk team did (pretix's ``log_action``): dotted action names,
the actor, the subject and a little data, never a password or a token.

The log is append-only from the application: this module only inserts. Reading is for
coordinators; ``portal purge`` applies the log's own retention.
"""

from __future__ import annotations

import json

from ..storage.db import Database
from ..storage.store import utcnow

# Each action with the sentence the audit page shows (Italian: the staff's language).
ACTIONS = {
    "staff.login": "accesso",
    "staff.login_failed": "accesso non riuscito",
    "staff.logout": "uscita",
    "account.added": "account creato",
    "account.disabled": "account disattivato",
    "account.password_changed": "password cambiata",
    "pre_application.viewed": "pre-domanda aperta",
    "pre_application.status_changed": "stato cambiato",
    "pre_application.assisted": "pre-domanda inserita allo sportello",
    "pre_applications.exported": "elenco esportato",
    "registration.assisted": "iscrizione inserita allo sportello",
    "registration.moved": "iscrizione spostata tra confermati e attesa",
    "registration.attendance": "presenza segnata",
    "registration.cancelled": "iscrizione annullata dallo sportello",
    "registrations.exported": "iscritti esportati",
    "registrations.printed": "foglio presenze stampato",
    "subject.searched": "ricerca dei dati di una persona",
    "subject.downloaded": "dati di una persona scaricati",
    "subject.erased": "dati di una persona cancellati",
    "stats.exported": "statistiche esportate",
    "outbox.viewed": "posta in uscita consultata",
}
SECRET_WORDS = ("password", "token", "secret", "hash")


def _masked(data: dict) -> dict:
    return {k: "***" if any(w in k.lower() for w in SECRET_WORDS) else v for k, v in data.items()}


def record(db: Database, conn, actor: str, action: str, subject: str | None = None, **data) -> None:
    """Append one entry; inside the caller's transaction when it has one."""
    if action not in ACTIONS:
        raise KeyError(f"unknown audit action {action!r}: add it to ACTIONS")
    db.execute(
        conn,
        "INSERT INTO audit_log (at, actor, action, subject, data) VALUES (?, ?, ?, ?, ?)",
        (
            utcnow(),
            actor,
            action,
            subject,
            json.dumps(_masked(data), ensure_ascii=False, default=str),
        ),
    )
