"""Short references people can read out on the phone, and private cancel tokens.

The alphabet leaves out characters that are easy to confuse when spoken or
handwritten (0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

ALPHABET = "ACDEFGHJKMNPQRTWXY3479"
PREFIXES = {"pre_application": "C", "registration": "E"}


def new_reference(kind: str) -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{PREFIXES[kind]}-{body[:4]}-{body[4:]}"


def normalise(text: str) -> str:
    """What a person typed or read out ("e k7m4 q2xh") back to the stored form."""
    raw = re.sub(r"[\s\-–.]", "", str(text).upper())
    if len(raw) != 9 or raw[0] not in PREFIXES.values() or any(c not in ALPHABET for c in raw[1:]):
        return ""
    return f"{raw[0]}-{raw[1:5]}-{raw[5:]}"


def cancel_token(secret: str, reference: str) -> str:
    """Derived, never stored: a retried sign-up can show the same link again."""
    digest = hmac.new(secret.encode(), f"cancel:{reference}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def token_matches(secret: str, reference: str, token: str) -> bool:
    # Bytes: compare_digest raises TypeError on non-ASCII str, so "è" as a token was a 500.
    given = str(token).encode("utf-8", "surrogatepass")
    return hmac.compare_digest(cancel_token(secret, reference).encode(), given)
