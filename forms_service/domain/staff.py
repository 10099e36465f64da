"""The desk team's accounts: roles as permissions, passwords hashed with argon2.

Accounts are made only from the command line (``portal staff``); there is no default
account. Hashing is argon2id through argon2-cffi; this module only decides policy.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# Permissions as "resource:action" (pretix's way): views ask for one, never for a role name.
ROLES: dict[str, frozenset[str]] = {
    "operator": frozenset({"desk:read", "desk:work", "desk:export"}),
    "coordinator": frozenset(
        {
            "desk:read",
            "desk:work",
            "desk:export",
            "accounts:manage",
            "audit:read",
            "stats:read",
            "subjects:manage",  # a resident's requests about their data: copy, erasure
            "outbox:personal",  # residents' addresses and e-mail texts in the outbox
        }
    ),
}
MIN_LENGTH = 12
# The most used passwords (and local favourites) that pass the length rule anyway.
COMMON = frozenset(
    {
        "123456789012",
        "password1234",
        "passwordpassword",
        "qwertyuiopas",
        "qwerty123456",
        "1234567890ab",
        "iloveyou1234",
        "bergamo12345",
        "bergamobergamo",
        "passwordbergamo",
        "portierato123",
        "vivere sap bergamo",
        "viveresapbergamo",
        "comunedibergamo",
        "amministratore",
        "administrator",
        "cambiami1234",
        "changeme1234",
        "welcome12345",
    }
)

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
_DUMMY_HASH = _hasher.hash("a password nobody has")  # for unknown names: same work, same time


class WeakPassword(ValueError):
    """Refused, with the reason in Italian (the staff's language)."""


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    role: str
    disabled: bool

    def can(self, permission: str) -> bool:
        return not self.disabled and permission in ROLES.get(self.role, frozenset())


def check_username(username: str) -> str:
    name = username.strip()
    if not (3 <= len(name) <= 40) or not all(c.isalnum() or c in "._-" for c in name):
        raise ValueError(
            "il nome utente va da 3 a 40 caratteri: lettere, cifre, punto, "
            "trattino o trattino basso (per esempio: m.rossi)"
        )
    return name.lower()


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"ruolo «{role}» sconosciuto: usa {' o '.join(ROLES)}")
    return role


def check_strength(username: str, password: str) -> None:
    """Raise WeakPassword with the reason; long passphrases are welcome (NIST 800-63B)."""
    folded = unicodedata.normalize("NFKC", password).casefold()
    if len(password) < MIN_LENGTH:
        raise WeakPassword(
            f"la password è troppo corta: servono almeno {MIN_LENGTH} caratteri "
            "(una frase di tre o quattro parole va benissimo)"
        )
    if len(password) > 256:
        raise WeakPassword("la password è troppo lunga: al massimo 256 caratteri")
    if username.casefold() in folded:
        raise WeakPassword("la password non può contenere il nome utente")
    if len(set(folded)) < 5:
        raise WeakPassword("la password ripete pochi caratteri: usa una frase o più parole")
    if folded in COMMON or folded.replace(" ", "") in COMMON:
        raise WeakPassword("questa password è tra le più usate: scegline un'altra")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; an unknown account (None) costs the same time."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
