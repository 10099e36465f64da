"""How the desk team works an event's registrations: the list's order and counts, moving a
registration between confirmed and waiting by hand, attendance, cancelling.

The rules:

- capacity holds for the desk too: a move to the confirmed list that would pass it is
  refused, and the places are counted under the same lock a sign-up takes, so a sign-up at
  the same moment never overbooks;
- a move to the waiting list frees places but promotes nobody: the operator decides who
  takes them (a move to confirmed) and may pass over the queue's order. Until then the
  waiting list is not empty, so new sign-ups wait too, as always. A registration moved
  there keeps its place in the queue (the order of sign-up) for later promotions;
- a cancellation (store.cancel) promotes the waiting list in order, as the resident's does;
- attendance is marked only for confirmed registrations (there, yes or no, or not marked);
  leaving the confirmed list clears it.

Every change is audited: a move and an attendance mark in their own transaction, a
cancellation right after store.cancel's. No Flask here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from portal.model.types import Event

from ..storage import event_staff_store, store
from ..storage.db import Database
from . import audit
from .events import local_now

# The lists a registration can be on, as the desk team calls them (Italian).
LISTS = {
    "confirmed": "tra i confermati",
    "waitlisted": "in lista d'attesa",
    "cancelled": "annullata",
}
STATUS = {"confirmed": "confermata", "waitlisted": "in attesa", "cancelled": "annullata"}
ATTENDANCE = {"si": True, "no": False, "": None}  # form value -> stored value


class Refused(ValueError):
    """A change the rules do not allow; the message (Italian) says why and what to do."""


@dataclass(frozen=True)
class Tally:
    """An event's numbers for the desk: people and registrations on each list."""

    capacity: int | None
    confirmed: int = 0  # people
    waiting: int = 0  # people
    registrations: int = 0  # confirmed or waiting
    cancelled: int = 0  # registrations

    @property
    def free(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.confirmed, 0)


def tallies(db: Database, conn, events: Iterable[Event]) -> dict[str, Tally]:
    """{event id: its Tally} for ``events``."""
    counts = event_staff_store.counts(db, conn)

    def tally(event: Event) -> Tally:
        def of(status: str, what: str) -> int:
            return counts.get(event.id, {}).get(status, {}).get(what, 0)

        return Tally(
            event.capacity,
            confirmed=of("confirmed", "people"),
            waiting=of("waitlisted", "people"),
            registrations=of("confirmed", "rows") + of("waitlisted", "rows"),
            cancelled=of("cancelled", "rows"),
        )

    return {event.id: tally(event) for event in events}


def arrange(events, moment: datetime) -> tuple[list[Event], list[Event]]:
    """(upcoming, past): upcoming soonest first (those without a date last), past ones most
    recent first. An event is past once it has ended (started, when it has no end)."""

    def over(event: Event) -> bool:
        last = event.end or event.start
        return last is not None and local_now(event, moment) >= last

    upcoming = [e for e in events if not over(e)]
    past = [e for e in events if over(e)]
    upcoming.sort(key=lambda e: (e.start is None, e.start or datetime.min, e.id))
    past.sort(key=lambda e: (e.start or datetime.min, e.id), reverse=True)
    return upcoming, past


def _locked(db: Database, conn, event: Event, reference: str) -> tuple[dict, int]:
    found = event_staff_store.locked(db, conn, event.id, reference)
    if found is None:
        raise LookupError(reference)
    return found


def check_move(row: dict, target: str, confirmed: int, capacity: int | None) -> int:
    """The event's confirmed people after the move; raises Refused."""
    if target not in ("confirmed", "waitlisted"):
        raise Refused(f"lista «{target}» sconosciuta")
    if row["status"] == "cancelled":
        raise Refused("Questa iscrizione è annullata: non si può spostare.")
    if row["status"] == target:
        raise Refused(f"Questa iscrizione è già {LISTS[target]}.")
    if target == "waitlisted":
        return confirmed - row["people"]
    if capacity is not None and confirmed + row["people"] > capacity:
        free = max(capacity - confirmed, 0)
        raise Refused(
            f"Non ci sono abbastanza posti: {row['full_name']} è iscritta/o per "
            f"{row['people']} {'persona' if row['people'] == 1 else 'persone'}, e i posti "
            f"liberi sono {free} su {capacity}. Prima libera dei posti: sposta qualcuno "
            "in lista d'attesa o annulla un'iscrizione."
        )
    return confirmed + row["people"]


def move(
    db: Database,
    conn,
    event: Event,
    reference: str,
    target: str,
    actor: str,
    then: Callable[[object, list], None] | None = None,
) -> str:
    """Move a registration to ``target`` (confirmed or waitlisted) and audit it, in one
    transaction; returns the old status. ``then(conn, [reference])`` runs in it when someone
    leaves the waiting list for a place (their e-mail). Raises LookupError, Refused."""
    with db.transaction(conn):
        row, confirmed = _locked(db, conn, event, reference)
        now_confirmed = check_move(row, target, confirmed, event.capacity)
        event_staff_store.set_status(db, conn, reference, event.id, target, now_confirmed)
        if then and target == "confirmed":
            then(conn, [reference])
        audit.record(
            db,
            conn,
            actor,
            "registration.moved",
            reference,
            event=event.id,
            old=row["status"],
            new=target,
            people=row["people"],
        )
    return row["status"]


def mark_attendance(
    db: Database, conn, event: Event, reference: str, attended: bool | None, actor: str
) -> None:
    """Present (True), absent (False) or not marked (None), audited. Raises LookupError,
    Refused (not on the confirmed list)."""
    with db.transaction(conn):
        row, _ = _locked(db, conn, event, reference)
        if row["status"] != "confirmed":
            raise Refused(
                "La presenza si segna solo per chi è tra i confermati: "
                "prima sposta l'iscrizione tra i confermati."
            )
        event_staff_store.set_attended(db, conn, reference, attended)
        shown = {True: "presente", False: "assente", None: "non segnata"}[attended]
        audit.record(
            db, conn, actor, "registration.attendance", reference, event=event.id, attended=shown
        )


def cancel(
    db: Database,
    conn,
    event: Event,
    reference: str,
    actor: str,
    then: Callable[[object, list], None] | None = None,
) -> list:
    """Cancel for the resident (store.cancel: the waiting list is promoted in order) and
    audit it; returns the promoted references. ``then(conn, promoted)`` runs in the
    cancellation's transaction (the promoted people's e-mail). Raises LookupError,
    Refused."""
    row = event_staff_store.one(db, conn, event.id, reference)
    if row is None:
        raise LookupError(reference)
    if row["status"] == "cancelled":
        raise Refused("Questa iscrizione è già annullata.")
    registration, promoted = store.cancel(db, conn, reference, event.capacity, then)
    audit.record(
        db,
        conn,
        actor,
        "registration.cancelled",
        reference,
        event=event.id,
        promoted=promoted,
        status=registration.status,
    )
    return promoted


def registrations(db: Database, conn, event: Event) -> list[dict]:
    return event_staff_store.registrations(db, conn, event.id)
