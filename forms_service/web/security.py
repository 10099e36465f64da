"""What every request and response goes through: size, origin, headers.

No third-party captcha: a honeypot field, an Origin / Sec-Fetch-Site check for
browser posts, per-client rate limits (web/ratelimit.py, right after the origin check) and
strict field types do the work.
"""

from __future__ import annotations

from flask import abort, current_app, g, request

from portal.urls import FORMS_PREFIX, STAFF_PREFIX

HONEYPOT = "website"  # a field hidden from people; bots fill it in
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Cancel links carry a private token: never send it to another site. Not "no-referrer":
    # with it Chromium posts plain forms with "Origin: null", which the origin check refuses.
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def signing_key() -> str:
    """Signs sessions and the private links of registrations."""
    return current_app.config["SECRET_KEY"]


def allowed_origins() -> set[str]:
    own = f"{request.scheme}://{request.host}"
    extra = current_app.config.get("PORTAL_TRUSTED_ORIGINS", "")
    return {own, *(o.strip().rstrip("/") for o in extra.split(",") if o.strip())}


def check_request() -> None:
    """Refuse cross-site browser posts."""
    if request.method == "POST":
        origin = request.headers.get("Origin")
        origin = origin.rstrip("/") if origin is not None else None
        if origin is not None and origin not in allowed_origins():
            abort(403)
        # Why: a browser posting from a PORTAL_TRUSTED_ORIGINS site always sends
        # Sec-Fetch-Site: same-site or cross-site, so checking that header alone refused
        # every trusted origin. Such an Origin (checked above) is what vouches for it.
        trusted_elsewhere = origin is not None and origin != f"{request.scheme}://{request.host}"
        site = request.headers.get("Sec-Fetch-Site")
        if site is not None and site not in ("same-origin", "none") and not trusted_elsewhere:
            abort(403)


# Residents' answers and the desk team's pages hold personal data: never kept by a cache.
PRIVATE_PREFIXES = (f"{FORMS_PREFIX}/", f"{STAFF_PREFIX}/")


def add_headers(response):
    headers = response.headers
    if "Content-Security-Policy" in headers:  # a view set its own: keep each it set
        for name, value in HEADERS.items():
            headers.setdefault(name, value)
    else:  # the usual case, in one pass (this runs on every answer)
        headers.extend(HEADERS)
    if request.method == "POST" or request.path.startswith(PRIVATE_PREFIXES):
        response.headers.setdefault("Cache-Control", "no-store")  # pages may hold personal data
    if response.status_code == 429 and "retry_after" in g:
        response.headers["Retry-After"] = str(g.retry_after)
    return response


def honeypot_filled(data) -> bool:
    return bool(str(data.get(HONEYPOT) or "").strip())
