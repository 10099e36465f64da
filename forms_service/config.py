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
        "PORTAL_SECRET_KEY",
        "",
        "Signs sessions and cancel links. Empty: a random key is created once in "
        "`var/secret_key` and reused, so every worker and restart agrees.",
    ),
    Setting(
        "PORTAL_RATE_LIMITS",
        "post=30/minute,get=600/minute",
        "Per-client limits as `kind=N/second|minute|hour`, comma-separated; `off` disables "
        "them (benchmarks).",
    ),
    Setting(
        "PORTAL_REDIS_URL",
        "",
        "Redis for rate-limit counters shared by several workers, e.g. "
        "`redis://127.0.0.1:6379/0`; empty keeps them in the process.",
    ),
    Setting(
        "PORTAL_MAX_REQUEST_BYTES", "16384", "Largest request body accepted; larger ones get 413."
    ),
    Setting(
        "PORTAL_PROXY_HOPS",
        "0",
        "How many reverse proxies (nginx: 1) stand in front of the service; their "
        "X-Forwarded-For/-Proto/-Host headers are then trusted for the client address, used "
        "by rate limits, and for the scheme, used by the origin check and links.",
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
    path.parent.mkdir(parents=True, exist_ok=True)
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
