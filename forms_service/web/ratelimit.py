"""Per-client rate limits, counted by Flask-Limiter: in Redis, shared by every worker and
instance, when ``PORTAL_REDIS_URL`` is set; in the process otherwise.

``PORTAL_RATE_LIMITS`` reads like ``post=30/minute,get=600/minute,submit=5/minute,submit=20/hour``:

- ``post``: every POST (and PUT, PATCH, DELETE), whatever the page;
- ``get``: every read (GET, HEAD, OPTIONS);
- ``submit``: the posts that create a sign-up or a pre-application (``SUBMISSIONS``), counted
  only when they do (an answer under 400 that is not an idempotent replay), so a resident who
  corrects a mistake is not held back.

A kind may appear more than once (a per-minute and a per-hour window); a kind left out is not
limited; ``off`` turns every limit here off (tests, benchmarks). The staff login and the
status lookup add their own limits on failures (web/staff_auth.py, web/status_pages.py).

Redis down: Flask-Limiter switches to counters in the process (its in-memory fallback), then
checks Redis now and then (after 1, 2, 4 … 32 s) and goes back to it; ``PortalLimiter`` logs
each switch once. Short socket timeouts and no retries keep that check, and the request that
finds Redis gone, to a fraction of a second.
"""

from __future__ import annotations

import logging
import math
import threading
import time

from flask import Flask, current_app, g, request
from flask.wrappers import Response
from flask_limiter import ApplicationLimit, Limiter, RequestLimit
from redis.backoff import NoBackoff
from redis.retry import Retry

KINDS = {
    "post": ("POST", "PUT", "PATCH", "DELETE"),
    "get": ("GET", "HEAD", "OPTIONS"),
    "submit": ("POST",),
}
PERIODS = ("second", "minute", "hour")
# The posts that create a sign-up or a pre-application: the "submit" limit, shared by all four.
SUBMISSIONS = ("api.pre_application", "api.register", "events.signup", "grant.send")
REDIS_TIMEOUT = 0.25  # seconds: a local Redis answers in a millisecond
log = logging.getLogger("forms_service.ratelimit")


def parse_limits(text: str) -> dict[str, str]:
    """``{"post": "30/minute", "submit": "5/minute;20/hour"}``: Flask-Limiter's limit strings
    by kind; empty for ``off``. An unreadable setting stops the start with its name."""
    text = (text or "").strip().lower()
    if text in ("", "off", "none", "0"):
        return {}
    found: dict[str, list[str]] = {}
    for part in text.split(","):
        try:
            kind, rate = (piece.strip() for piece in part.split("="))
            count, period = (piece.strip() for piece in rate.split("/"))
            if kind not in KINDS or period not in PERIODS or int(count) < 0:
                raise ValueError(part)
        except ValueError as exc:
            raise ValueError(
                f"PORTAL_RATE_LIMITS: cannot read {part!r}; write it like "
                "post=30/minute,get=600/minute,submit=5/minute,submit=20/hour, or off "
                f"(kinds: {', '.join(KINDS)}; periods: {', '.join(PERIODS)})"
            ) from exc
        found.setdefault(kind, []).append(f"{int(count)}/{period}")
    return {kind: ";".join(rates) for kind, rates in found.items()}


def client_address() -> str:
    """Whom a limit counts: the address the last trusted proxy saw (PORTAL_PROXY_HOPS)."""
    return request.remote_addr or "unknown"


def remember_wait(limit: RequestLimit) -> None:
    """Over a limit: the seconds until it resets, for Retry-After (web/security.py)."""
    g.retry_after = max(1, math.ceil(limit.window.reset_time - time.time()))


def created(response: Response) -> bool:
    """The submission went through (a replay of one already counted does not count)."""
    return response.status_code < 400 and response.headers.get("Idempotent-Replayed") != "true"


def limits_of(kind: str):
    """The app's limit string for ``kind``, read per request: one limiter serves every app."""
    return lambda: current_app.extensions["portal_rate_limits"].get(kind, "")


class PortalLimiter(Limiter):
    """Flask-Limiter, saying (at WARNING, once each) when Redis goes away and when it is back.

    Flask-Limiter keeps that state in ``_storage_dead``; this watches the flag as it is set.
    """

    _switching = threading.Lock()

    @property
    def _storage_dead(self) -> bool:
        return self.__dict__.get("_portal_storage_dead", False)

    @_storage_dead.setter
    def _storage_dead(self, dead: bool) -> None:
        with self._switching:
            changed = dead != self._storage_dead
            self.__dict__["_portal_storage_dead"] = dead
        if changed and dead:
            log.warning("rate limits: Redis does not answer; each process counts alone meanwhile")
        elif changed:
            log.warning("rate limits: Redis answers again; the counts are shared again")

    def init_app(self, app: Flask) -> None:
        super().init_app(app)
        # One limiter serves every app of the process (tests): a new one starts on its own
        # storage, not in the fallback a previous app was left in.
        self.__dict__["_portal_storage_dead"] = False


def not_a_submission() -> bool:
    return request.endpoint not in SUBMISSIONS


# All three kinds are application limits, so Flask-Limiter resolves and checks them in one
# pass before the view (as a decorator the "submit" limit was a second pass: a fifth of a
# pre-application's time in Python).
limiter = PortalLimiter(
    key_func=client_address,
    application_limits=[
        *(
            ApplicationLimit(
                limits_of(kind), scope=kind, methods=KINDS[kind], on_breach=remember_wait
            )
            for kind in ("post", "get")
        ),
        ApplicationLimit(
            limits_of("submit"),
            scope="submit",
            methods=KINDS["submit"],
            exempt_when=not_a_submission,
            deduct_when=created,
            on_breach=remember_wait,
        ),
    ],
    headers_enabled=False,  # Retry-After only, on a 429 (web/security.py)
    key_prefix="portal",
    swallow_errors=True,  # whatever Redis does, the forms keep working
    in_memory_fallback_enabled=True,
)


def init_app(app: Flask) -> None:
    """Read the limits (a mistake stops the start) and open their storage."""
    app.extensions["portal_rate_limits"] = parse_limits(app.config["PORTAL_RATE_LIMITS"])
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["PORTAL_REDIS_URL"] or "memory://")
    if app.config["RATELIMIT_STORAGE_URI"].startswith("redis"):
        # No retries, short timeouts: a Redis that stopped answering costs the request that
        # finds out half a second at most, then the counters in the process take over.
        app.config.setdefault(
            "RATELIMIT_STORAGE_OPTIONS",
            {
                "socket_connect_timeout": REDIS_TIMEOUT,
                "socket_timeout": REDIS_TIMEOUT,
                "retry": Retry(NoBackoff(), 0),
            },
        )
    limiter.init_app(app)


def check_submissions(app: Flask) -> None:
    """Called once the blueprints are registered: a view of ``SUBMISSIONS`` renamed elsewhere
    stops the start here, instead of leaving it without its "submit" limit."""
    missing = [endpoint for endpoint in SUBMISSIONS if endpoint not in app.view_functions]
    if missing:
        raise RuntimeError(f"rate limits: no view {', '.join(missing)} (ratelimit.SUBMISSIONS)")
