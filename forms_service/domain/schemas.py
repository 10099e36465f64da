"""What each kind of value accepts, written as an OpenAPI (JSON Schema) fragment.

The parsers in fields.py are the truth; these schemas describe a part of what they accept,
never more, so a request that is valid by the published document (/api/openapi.json) is
never refused (tests/test_fuzz.py checks it with schemathesis's positive-data acceptance).
Where a parser is more forgiving than a pattern can say simply ("€ 12.345,67", "5/3/2024",
"ON"), the schema documents the plain form and the service keeps accepting the others.
The patterns are ECMA-262 and Python alike: ASCII, with \\xHH and \\uHHHH escapes.
Pure code: no I/O, no Flask.
"""

from __future__ import annotations

from datetime import date

from .fields import FALSE, ISEE_MAX, TRUE

# What parse_text keeps: not whitespace, not a control character (Cc), not U+FFFD (what
# web/requests.py puts in place of a lone surrogate): fields._is_control. Lone surrogates are
# not Unicode characters, so a JSON Schema string never holds one (and the validators'
# regular expressions cannot name them).
_UNREADABLE = r"\x00-\x1f\x7f-\x9f\ufffd"
VISIBLE = rf"[^\s{_UNREADABLE}]"
# Whitespace that parse_text collapses to one space (str.split's, less the controls).
SPACE = r"[\t\n\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"


def text(minimum: int, maximum: int) -> dict:
    """One line of text: at least ``minimum`` visible characters, at most ``maximum`` in all
    (parse_text counts after collapsing whitespace, so this is never longer than it allows)."""
    more = f"{{{minimum - 1},}}" if minimum > 1 else "*"
    return {
        "type": "string",
        "minLength": minimum,
        "maxLength": maximum,
        "pattern": f"^{SPACE}*{VISIBLE}(?:{SPACE}*{VISIBLE}){more}{SPACE}*$",
    }


def phone(maximum: int | None) -> dict:
    """6–15 digits with spaces, brackets, dots, dashes or slashes; an optional leading +."""
    punctuation = r"[ ().\-/]"
    schema = {"type": "string", "pattern": rf"^\+?{punctuation}*(?:[0-9]{punctuation}*){{6,15}}$"}
    return {**schema, "maxLength": maximum} if maximum else schema


def email() -> dict:
    """name@domain.tld: one @, a local part of 1–64 characters, dotted non-empty labels."""
    local = rf"[^@\s{_UNREADABLE}]"
    label = rf"[^@.\s{_UNREADABLE}]"
    return {
        "type": "string",
        "format": "email",
        "maxLength": 254,
        "pattern": rf"^{local}{{1,64}}@{label}+(?:\.{label}+)+$",
    }


def past_date(earliest: date, today: date) -> dict:
    """YYYY-MM-DD from ``earliest``'s year to last year (any day of the month up to the 28th:
    never a day that does not exist). D/M/YYYY and this year's past days are accepted too."""
    first = earliest.year if (earliest.month, earliest.day) == (1, 1) else earliest.year + 1
    years = "|".join(str(year) for year in range(first, today.year))
    months = "0[1-9]|1[0-2]"
    days = "0[1-9]|1[0-9]|2[0-8]"
    return {
        "type": "string",
        "format": "date",
        "example": "2024-03-01",
        "pattern": f"^(?:{years})-(?:{months})-(?:{days})$",
    }


def yes_no(only_yes: bool = False) -> dict:
    """A JSON boolean, JSON 1 or 0, or the words a form sends ("on", "true", "sì"…)."""
    words = sorted(TRUE) if only_yes else sorted(TRUE | FALSE)
    return {
        "oneOf": [
            {"type": "boolean", **({"enum": [True]} if only_yes else {})},
            {"type": "integer", "enum": [1] if only_yes else [0, 1]},
            {"type": "string", "enum": words},
        ]
    }


def amount() -> dict:
    """Euro: a whole JSON number, or text written the Italian way with two decimals at most."""
    most = int(ISEE_MAX)
    return {
        "oneOf": [
            {
                "type": "string",
                "example": "12345,67",
                "description": "Digits, optionally a comma and one or two decimals. The "
                "service also reads '€ 12.345,67', '12 345,67' and '12,345.67'.",
                "pattern": rf"^[0-9]{{1,{len(str(most)) - 1}}}(?:,[0-9]{{1,2}})?$",
            },
            # A whole number: the service reads 12345.67 too, but a float's binary digits
            # make "at most two decimals" (multipleOf 0.01) unreliable to state or check.
            {"type": "integer", "minimum": 0, "maximum": most},
        ]
    }


def one_of_required(names: tuple[str, ...]) -> dict:
    """At least one of ``names`` must be given (contact_needed: a phone or an e-mail)."""
    return {"anyOf": [{"required": [name]} for name in names]}
