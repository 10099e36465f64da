"""Where a resident's grant answers wait between screens: a draft on the server.

The signed session cookie holds only the draft's random id (``grant_draft``): Flask signs
its cookie but does not encrypt it, so anything in it can be read back by the next person
at a shared computer. The draft (storage/drafts.py) keeps the answers, as typed, for an hour
after the last change; when the pre-application is sent they are replaced by a receipt (the
submission id and the reference, for a double click). When a rule fails they stay, so the
resident can change the answer that failed. A draft gone while its id is still in the
cookie means it expired: the questionnaire says so and starts again.
"""

from __future__ import annotations

from flask import session

from ..domain.actions import now
from ..storage import drafts
from .db import database, get_db

COOKIE_KEY = "grant_draft"
EXPIRED_KEY = "grant_expired"


def _data() -> dict | None:
    draft_id = session.get(COOKIE_KEY)
    if not isinstance(draft_id, str):
        return None
    return drafts.load(database(), get_db(), draft_id, now())


def _store(data: dict) -> None:
    session[COOKIE_KEY] = drafts.save(database(), get_db(), session.get(COOKIE_KEY), data, now())


def load() -> dict:
    """The answers in progress; ``expired`` when the cookie names a draft that is gone."""
    saved = _data()
    expired = saved is None and COOKIE_KEY in session
    saved = saved or {}
    return {
        "answers": dict(saved.get("answers") or {}),
        "details": dict(saved.get("details") or {}),
        "submission_id": saved.get("submission_id"),
        "expired": expired,
    }


def save(state: dict) -> None:
    _store({name: state[name] for name in ("answers", "details", "submission_id")})


def forget() -> None:
    """Nothing of the questionnaire stays, on the server or in the browser."""
    draft_id = session.get(COOKIE_KEY)
    if isinstance(draft_id, str):
        drafts.delete(database(), get_db(), draft_id)
    session.clear()


def expire() -> None:
    """The draft is gone: forget its id and let the start page say why."""
    session.clear()
    session[EXPIRED_KEY] = True


def was_expired() -> bool:
    """Once: whether the questionnaire just started again because its draft expired."""
    return bool(session.pop(EXPIRED_KEY, False))


def remember_sent(key: str, reference: str) -> None:
    """Sent: the answers are dropped; the receipt lets a double click find the same one."""
    _store({"sent": {"key": key, "reference": reference}})


def sent_with(key: str | None) -> str | None:
    """The reference already sent with this idempotency key, if any."""
    done = (_data() or {}).get("sent") or {}
    return done["reference"] if key and done.get("key") == key else None
