"""Where a resident's grant answers wait between screens: the signed session cookie.

The answers stay there, as typed, until the pre-application is sent (then they are
stored) or a rule fails (then they are thrown away and only the reasons are kept).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import session

from ..domain.eligibility import Reason


def load() -> dict:
    saved = session.get("grant") or {}
    return {
        "answers": dict(saved.get("answers") or {}),
        "details": dict(saved.get("details") or {}),
        "submission_id": saved.get("submission_id"),
    }


def save(state: dict) -> None:
    session.pop("grant_exit", None)
    session["grant"] = state


def forget() -> None:
    """Nothing of the questionnaire stays in the browser."""
    session.clear()


def remember_exit(found: list[Reason]) -> None:
    """Clear the answers and keep only why (codes and the dates or amounts to show)."""
    forget()
    session["grant_exit"] = [
        {"code": r.code, "params": {k: _encode(v) for k, v in r.params.items()}} for r in found
    ]


def exit_reasons() -> list[Reason]:
    return [
        Reason(r["code"], {k: _decode(v) for k, v in r["params"].items()})
        for r in session.get("grant_exit") or []
    ]


def remember_sent(key: str, reference: str) -> None:
    session["grant_done"] = {"key": key, "reference": reference}


def sent_with(key: str | None) -> str | None:
    """The reference already sent with this idempotency key, if any."""
    done = session.get("grant_done") or {}
    return done["reference"] if key and done.get("key") == key else None


def _encode(value):
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    return value


def _decode(value):
    if isinstance(value, dict) and "date" in value:
        return date.fromisoformat(value["date"])
    if isinstance(value, dict) and "decimal" in value:
        return Decimal(value["decimal"])
    return value
