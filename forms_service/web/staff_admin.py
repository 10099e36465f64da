"""The coordinators' pages: the audit log (filterable, paged) and the team's accounts.

Accounts are listed here but made, disabled and given passwords only from the command
line (``portal staff``), so that no web page can create an account.
"""

from __future__ import annotations

import json

from flask import Blueprint, render_template

from ..domain.audit import ACTIONS
from ..storage import staff_store
from .db import database, get_db
from .staff_auth import requires
from .staff_cookie import STAFF_PREFIX
from .staff_lists import chosen, day, page_asked, pages, text

bp = Blueprint("staff_admin", __name__, url_prefix=STAFF_PREFIX)
PAGE = 50


def _filters() -> dict:
    return {
        "action": chosen("azione", ACTIONS),
        "actor": text("chi", 40),
        "since": day("dal"),
        "until": day("al"),
    }


@bp.get("/registro")
@requires("audit:read")
def audit():
    filters = _filters()
    page = page_asked()
    rows, total = staff_store.audit_entries(
        database(), get_db(), **filters, limit=PAGE, offset=(page - 1) * PAGE
    )
    entries = [
        {
            **row,
            "what": ACTIONS.get(row["action"], row["action"]),
            "data": json.loads(row["data"] or "{}"),
        }
        for row in rows
    ]
    return render_template(
        "staff/audit.html",
        entries=entries,
        filters=filters,
        total=total,
        page=page,
        pages=pages(total, PAGE),
        actions=ACTIONS,
    )


@bp.get("/account")
@requires("accounts:manage")
def accounts():
    return render_template(
        "staff/accounts.html", accounts=staff_store.list_accounts(database(), get_db())
    )
