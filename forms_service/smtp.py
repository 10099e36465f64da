"""Sending the outbox over SMTP: the only module that speaks smtplib (standard library).

``PORTAL_SMTP_URL`` names the server: ``smtp://host:port`` (plain, for a relay on the same
machine), ``smtps://user:password@host`` (TLS from the start, port 465) or
``smtp+starttls://user:password@host`` (STARTTLS, port 587); user and password are
percent-encoded. Empty: sending is off, and the e-mail waits in the outbox.

A transport opens one connection for a run of ``portal send-mail`` and turns each failure
into a ``SendFailed`` that says whether trying again can help. Its reasons never name the
recipient (domain/mail.py cleans them again before storing them).
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from urllib.parse import unquote, urlsplit

from .domain.mail import Mail, SendFailed

SCHEMES = {"smtp": ("plain", 25), "smtps": ("tls", 465), "smtp+starttls": ("starttls", 587)}
TIMEOUT = 20.0  # seconds for connecting and for each reply


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    security: str  # plain, tls or starttls
    username: str = ""
    password: str = ""


def parse_url(url: str) -> Server | None:
    """The server ``PORTAL_SMTP_URL`` names; None when it is empty (sending off). The error
    never repeats the URL, which may hold a password."""
    url = url.strip()
    if not url:
        return None
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in SCHEMES or not parts.hostname or port == -1:
        raise ValueError(
            "PORTAL_SMTP_URL must look like smtp://host:port, smtps://user:password@host or "
            "smtp+starttls://user:password@host (or be empty: no e-mail is sent)"
        )
    security, default_port = SCHEMES[parts.scheme]
    return Server(
        parts.hostname,
        port or default_port,
        security,
        unquote(parts.username or ""),
        unquote(parts.password or ""),
    )


def message(mail: Mail, sender: str) -> EmailMessage:
    """Plain text in UTF-8, marked as automatic so that out-of-office replies stay away."""
    found = EmailMessage()
    found["From"] = sender
    found["To"] = mail.recipient
    found["Subject"] = mail.subject
    found["Date"] = format_datetime(datetime.now(UTC))
    found["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or None)
    found["Auto-Submitted"] = "auto-generated"
    found.set_content(mail.body)
    found["Content-Language"] = mail.lang  # after set_content, which clears Content-*
    return found


def _reply(code: int, text: bytes | str) -> str:
    said = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {said}".strip()


class SmtpTransport:
    """``with SmtpTransport(server, sender) as t: t.send(mail)``; connects on the first send."""

    def __init__(self, server: Server, sender: str, timeout: float = TIMEOUT):
        self.server, self.sender, self.timeout = server, sender, timeout
        self._conn: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpTransport:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        server = self.server
        conn: smtplib.SMTP
        if server.security == "tls":
            conn = smtplib.SMTP_SSL(
                server.host,
                server.port,
                timeout=self.timeout,
                context=ssl.create_default_context(),
            )
        else:
            conn = smtplib.SMTP(server.host, server.port, timeout=self.timeout)
        try:
            if server.security == "starttls":
                conn.starttls(context=ssl.create_default_context())
            if server.username:
                conn.login(server.username, server.password)
        except OSError:
            conn.close()
            raise
        return conn

    def send(self, mail: Mail) -> None:
        try:
            built = message(mail, self.sender)
        except (ValueError, TypeError) as exc:  # an address or header email cannot write
            raise SendFailed(f"e-mail non valida: {exc}", permanent=True) from None
        try:
            if self._conn is None:
                self._conn = self._connect()
            self._conn.send_message(built)
        except smtplib.SMTPRecipientsRefused as exc:
            code, said = next(iter(exc.recipients.values()))
            raise SendFailed(
                f"il server rifiuta il destinatario: {_reply(code, said)}", permanent=code >= 500
            ) from None
        except smtplib.SMTPDataError as exc:
            raise SendFailed(
                f"il server rifiuta il messaggio: {_reply(exc.smtp_code, exc.smtp_error)}",
                permanent=exc.smtp_code >= 500,
            ) from None
        except smtplib.SMTPNotSupportedError as exc:
            # On a connection that works: the server cannot take this e-mail (an address
            # outside ASCII without SMTPUTF8). While connecting (no STARTTLS): like down.
            if self._conn is None:
                raise self._unreachable(exc) from None
            raise SendFailed(f"il server non accetta l'e-mail: {exc}", permanent=True) from None
        except OSError as exc:  # unreachable, timed out, TLS, login or sender refused
            raise self._unreachable(exc) from None

    def _unreachable(self, exc: OSError) -> SendFailed:
        self.close()
        detail = (
            _reply(exc.smtp_code, exc.smtp_error)
            if isinstance(exc, smtplib.SMTPResponseException)
            else f"{type(exc).__name__}: {exc}"
        )
        return SendFailed(f"server di posta non raggiungibile: {detail}", stop=True)

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(OSError):
                self._conn.quit()
            self._conn = None
