"""Settings as data: each one has a name, a default and a sentence of documentation.

The table drives ``load_settings``, the README's table (tests/test_docs.py fails
when a setting is undocumented) and the defaults that make ``make run`` work
with nothing configured.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from portal.urls import DEFAULT_SITE_URL, SITE_URL_VARIABLE


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    doc: str


SETTINGS = (
    Setting(
        "PORTAL_DATABASE_URL",
        "sqlite:///var/portal.sqlite3",
        "Where submissions are stored: `sqlite:///path` (relative to the root) or "
        "`postgresql://host/db` for production.",
    ),
    Setting(
        "PORTAL_DB_POOL_SIZE",
        "5",
        "Database connections each worker process keeps open at most (PostgreSQL pool; "
        "SQLite keeps this many idle). Instances × workers × threads-sharing-a-pool × this "
        "must stay below PostgreSQL's `max_connections`: see docs/operators.md.",
    ),
    Setting(
        "PORTAL_DB_CONNECT_TIMEOUT",
        "2",
        "Seconds to wait for a new database connection or a free one from the pool; then the "
        "resident gets a 503 page (try again later) instead of waiting.",
    ),
    Setting(
        "PORTAL_DB_LOCK_TIMEOUT",
        "2",
        "Seconds a statement waits for a lock held by another (PostgreSQL `lock_timeout`, "
        "SQLite busy timeout); then the transaction is rolled back and the answer is a 503.",
    ),
    Setting(
        "PORTAL_DB_STATEMENT_TIMEOUT",
        "3",
        "Seconds a PostgreSQL statement may run (`statement_timeout`); the client gives up "
        "half a second later when no answer comes at all (a network partition). Keep "
        "connect + statement timeouts under 5 s, the longest a resident waits.",
    ),
    Setting(
        "PORTAL_SECRET_KEY",
        "",
        "Signs sessions and cancel links. Empty: a random key is created once in "
        "`var/secret_key` and reused, so every worker and restart agrees.",
    ),
    Setting(
        "PORTAL_RATE_LIMITS",
        "post=30/minute,get=600/minute,submit=5/minute,submit=20/hour",
        "Per-client limits as `kind=N/second|minute|hour`, comma-separated: `post` counts every "
        "POST, `get` every page read, `submit` only the posts that create a sign-up or a "
        "pre-application (a kind may repeat, for two windows; one left out is not limited); "
        "`off` disables them all (tests, benchmarks).",
    ),
    Setting(
        "PORTAL_REDIS_URL",
        "",
        "Redis for the rate-limit counters, shared by every worker and instance, e.g. "
        "`redis://127.0.0.1:6379/0`; empty keeps them in each process. While Redis does not "
        "answer, each process counts alone (logged once when it starts and once when it ends).",
    ),
    Setting(
        "PORTAL_MAX_REQUEST_BYTES", "16384", "Largest request body accepted; larger ones get 413."
    ),
    Setting(
        "PORTAL_PROXY_HOPS",
        "0",
        "How many reverse proxies (nginx: 1) stand in front of the service; the address each "
        "appends to X-Forwarded-For is then the client's, counted by the rate limits, and "
        "X-Forwarded-Proto the scheme, for the origin check and links. X-Forwarded-Host is "
        "never trusted.",
    ),
    Setting(
        SITE_URL_VARIABLE,
        DEFAULT_SITE_URL,
        "The public address. When it starts with https, the form session cookie is sent over "
        "HTTPS only.",
    ),
    Setting(
        "PORTAL_TRUSTED_ORIGINS",
        "",
        "Extra origins (comma-separated, e.g. `https://portal.example.org`) allowed to post "
        "forms besides the service's own.",
    ),
    Setting(
        "PORTAL_SMTP_URL",
        "",
        "The mail server `portal send-mail` sends the outbox through: `smtp://127.0.0.1:1025`, "
        "`smtps://user:password@host` (TLS, port 465) or `smtp+starttls://user:password@host` "
        "(port 587), user and password percent-encoded. Empty: sending is off; the e-mail "
        "waits and the staff page *Posta in uscita* shows it.",
    ),
    Setting(
        "PORTAL_MAIL_FROM",
        "Vivere SAP Bergamo <noreply@localhost>",
        "The sender of every e-mail: set an address of your domain that the server may send from.",
    ),
    Setting(
        "PORTAL_TEAM_MAIL",
        "",
        "The desk team's address: one e-mail per new pre-application or sign-up, with the "
        "reference and a link to the staff page, never personal data. Empty: none.",
    ),
)


def load_settings(root: Path, overrides: dict | None = None) -> dict:
    """Flask config from the environment, with safe defaults."""
    values = {s.name: os.environ.get(s.name, s.default) for s in SETTINGS}
    values.update(overrides or {})
    if not values["PORTAL_SECRET_KEY"]:
        values["PORTAL_SECRET_KEY"] = _stored_secret(root / "var" / "secret_key")
    return {
        **values,
        "SECRET_KEY": values["PORTAL_SECRET_KEY"],
        "MAX_CONTENT_LENGTH": int(values["PORTAL_MAX_REQUEST_BYTES"]),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "portal_form",
        "SESSION_COOKIE_SECURE": values["PORTAL_SITE_URL"].startswith("https://"),
        "JSON_SORT_KEYS": False,
    }


def _stored_secret(path: Path) -> str:
    path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)  # var/ also holds the database
    if not path.exists():
        # O_EXCL: when several workers start at once, exactly one writes the key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
    for _ in range(50):
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.02)
    raise RuntimeError(f"{path} is empty: delete it and restart")
