"""How the desk team works a pre-application: its states as data, and the moves between them.

Code asks "is it open?" or "may it go there?", never compares labels (FixMyStreet's way).
Every move is stored with who, when and an optional note; the detail page shows them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..storage import casework_store
from ..storage.db import Database
from . import audit


@dataclass(frozen=True)
class State:
    code: str
    label: str  # Italian: the staff's language
    open: bool  # still to follow up
    next: tuple[str, ...]  # where it may go from here


STATES: dict[str, State] = {
    s.code: s
    for s in (
        State("new", "Nuova", True, ("contacted", "withdrawn", "not_eligible")),
        State("contacted", "Contattata", True, ("appointment", "withdrawn", "not_eligible")),
        State(
            "appointment",
            "Appuntamento fissato",
            True,
            ("applied", "contacted", "withdrawn", "not_eligible"),
        ),
        State("applied", "Domanda presentata", False, ()),
        State("withdrawn", "Ritirata", False, ("contacted",)),
        State("not_eligible", "Non ammissibile", False, ("contacted",)),
    )
}
FIRST = "new"
MAX_NOTE = 1000


class MoveRefused(ValueError):
    """A move the workflow does not allow; the message (Italian) says which are."""


def check_move(current: str, target: str, note: str) -> str:
    """The note, cleaned; raises MoveRefused when ``current`` may not go to ``target``."""
    state = STATES[current]
    if target not in state.next:
        allowed = ", ".join(f"«{STATES[s].label}»" for s in state.next) or "nessuno"
        raise MoveRefused(f"da «{state.label}» si può passare solo a: {allowed}")
    cleaned = " ".join(note.split())
    if len(cleaned) > MAX_NOTE:
        raise MoveRefused(f"la nota è troppo lunga: al massimo {MAX_NOTE} caratteri")
    return cleaned


def move(db: Database, conn, reference: str, target: str, note: str, actor: str) -> str:
    """Change the status (with who, when and the note) and audit it, in one transaction;
    returns the old status. Raises LookupError for an unknown reference, MoveRefused."""
    with db.transaction(conn):
        current = casework_store.locked_status(db, conn, reference)
        if current is None:
            raise LookupError(reference)
        if target not in STATES:
            raise MoveRefused(f"stato «{target}» sconosciuto")
        cleaned = check_move(current, target, note)
        casework_store.set_status(db, conn, reference, current, target, cleaned, actor)
        audit.record(
            db, conn, actor, "pre_application.status_changed", reference, old=current, new=target
        )
    return current
