"""Strict parsing of form and JSON values. Pure functions: no I/O, no Flask.

Each parser takes the raw value (a str from an HTML form, or str/int/float/bool/None
from JSON) and returns the parsed value or raises ``FieldError``; ``code`` picks the
message ``error_<code>`` and ``params`` fill it in. A missing value (``missing``)
raises ``FieldError("required")`` in every parser. Parsers never guess: an amount
that could be read two ways is refused with a message that says how to write it.
Amounts in euro have at most two decimals, so one mark followed by exactly three digits
("15.000", "15,000") can only group thousands, as Italians write them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

ISEE_MAX = Decimal("10000000")  # far above any real ISEE: larger values are typing mistakes
SPACES = " \u00a0\u202f"  # space, no-break space, narrow no-break space (used in 12 345,67)
CURRENCY = re.compile(r"^(?:€|euro|eur)\s*|\s*(?:€|euro|eur)$", re.IGNORECASE)
ISEE_CHARS = re.compile(rf"[0-9][0-9.,{SPACES}]*")
SEPARATOR = re.compile(rf"[.,{SPACES}]")
TRUE = {"true", "on", "yes", "sì", "si", "1"}
FALSE = {"false", "off", "no", "0"}
ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
DMY_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
PHONE = re.compile(r"\+?[0-9 ().\-/]+")
WHITESPACE_CONTROLS = "\t\n\r"  # collapsed to spaces like any other whitespace


@dataclass(frozen=True)
class FieldError(Exception):
    code: str
    params: dict = field(default_factory=dict)

    def __post_init__(self):
        Exception.__init__(self, self.code, self.params)  # sets args for tracebacks and logs

    def __hash__(self):  # the generated hash would fail on the dict
        return hash(self.code)


# Arabic-script decimal and thousands separators, written the Italian way so the usual
# rules (and their ambiguity checks) apply unchanged.
NATIVE_SEPARATORS = {"\u066b": ",", "\u066c": "."}


def ascii_digits(text: str) -> str:
    """Digits as residents type them (Arabic-Indic ١٢٣, Urdu ۱۲۳, Bengali ১২৩…) as 0-9."""
    return "".join(
        str(unicodedata.digit(c))
        if c.isdecimal() and not c.isascii()
        else NATIVE_SEPARATORS.get(c, c)
        for c in text
    )


def missing(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _require(raw) -> None:
    if missing(raw):
        raise FieldError("required")


# --- ISEE -----------------------------------------------------------------------------


def parse_isee(raw) -> Decimal:
    """An amount in euro, as written on an ISEE certificate or typed by a resident."""
    _require(raw)
    if isinstance(raw, bool):  # bool is an int: JSON true is not an amount
        raise FieldError("isee_format", {"value": str(raw).lower()})
    if isinstance(raw, (int, float)):
        return _check_isee(_json_number(raw), str(raw))
    if not isinstance(raw, str):
        raise FieldError("isee_format", {"value": str(raw)})
    value = raw.strip()
    return _check_isee(_text_amount(ascii_digits(value)), value)


def _json_number(raw) -> Decimal:
    # JSON numbers use "." for decimals, so they are never about thousands;
    # str() gives the shortest form, so 12345.67 keeps exactly two decimals.
    amount = Decimal(str(raw))
    if not amount.is_finite():  # NaN, Infinity
        raise FieldError("isee_format", {"value": str(raw)})
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:  # finite, so never "n"/"N"/"F"
        raise FieldError("isee_ambiguous", {"value": str(raw)})
    return amount


def _text_amount(value: str) -> Decimal:
    number = CURRENCY.sub("", value, count=1).strip()
    if not ISEE_CHARS.fullmatch(number) or not number[-1].isdigit():
        raise FieldError("isee_format", {"value": value})
    groups = SEPARATOR.split(number)
    separators = SEPARATOR.findall(number)
    if "" in groups:  # two separators in a row, e.g. "12..5"
        raise FieldError("isee_format", {"value": value})
    whole, decimals = _split_decimals(groups, separators, value)
    if len(whole) > 1 and not _grouped(whole):
        raise FieldError("isee_format", {"value": value})
    return Decimal("".join(whole) + "." + (decimals or "0"))


def _split_decimals(groups, separators, value):
    """(integer groups, decimal digits or None): decides which separator is the decimal mark."""
    kinds = [" " if sep in SPACES else sep for sep in separators]
    if not kinds or set(kinds) == {" "}:
        return groups, None  # "12345", "12 345"
    if len(kinds) == 1:
        if len(groups[-1]) == 3 and _grouped(groups):
            return groups, None  # "15.000", "15,000": euro have no third decimal
        return _decimals(groups, value)  # "12345,67"; "0,500" and "1,2345" are refused there
    if len(set(kinds)) == 1:
        if len(groups[-1]) < 3 and _grouped(groups[:-1]):
            # "15.000.00": the thousands mark used for the cents too
            raise FieldError("isee_ambiguous", {"value": value})
        return groups, None  # the same mark several times can only group: "1.234.567"
    *grouping, mark = kinds
    if mark == " " or len(set(grouping)) != 1 or mark in grouping:
        raise FieldError("isee_format", {"value": value})  # "1.234 567", "1,234.567,89"
    return _decimals(groups, value)  # "12.345,67", "12,345.67", "12 345,67"


def _decimals(groups, value):
    # Three or more decimals ("0,500", "12.345,678") are a typing mistake we must not
    # round away, nor guess as thousands.
    if len(groups[-1]) > 2:
        raise FieldError("isee_ambiguous", {"value": value})
    return groups[:-1], groups[-1]


def _grouped(whole) -> bool:
    """Thousands groups: 1–3 digits (no leading zero), then groups of exactly three."""
    head, *rest = whole
    return 1 <= len(head) <= 3 and head[0] != "0" and all(len(g) == 3 for g in rest)


def _check_isee(amount: Decimal, shown: str) -> Decimal:
    if amount < 0 or amount > ISEE_MAX:
        raise FieldError("isee_format", {"value": shown})
    return amount.quantize(Decimal("0.01"))


# --- Other fields -----------------------------------------------------------------------


def parse_bool(raw, name) -> bool:
    """A checkbox ("on"), a yes/no radio, or a JSON boolean (or JSON 1/0)."""
    _require(raw)
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return raw == 1
    if isinstance(raw, str):
        word = raw.strip().casefold()
        if word in TRUE or word in FALSE:
            return word in TRUE
    raise FieldError("boolean", {"name": name})


def parse_date(raw, *, not_after: date | None = None, not_before: date | None = None) -> date:
    """YYYY-MM-DD (date pickers) or D/M/YYYY (browsers without one, typed the Italian way)."""
    _require(raw)
    text = ascii_digits(raw.strip()) if isinstance(raw, str) else ""
    if match := ISO_DATE.fullmatch(text):
        year, month, day = match.groups()
    elif match := DMY_DATE.fullmatch(text):
        day, month, year = match.groups()
    else:
        raise FieldError("date_format", {"value": str(raw)})
    try:
        value = date(int(year), int(month), int(day))
    except ValueError:  # 31/02/2020, month 13, year 0: written right, but no such day
        raise FieldError("date_invalid", {"value": str(raw).strip()}) from None
    if not_after is not None and value > not_after:
        raise FieldError("date_future", {"date": not_after})
    if not_before is not None and value < not_before:
        raise FieldError("date_too_old", {"date": not_before})
    return value


def parse_choice(raw, choices) -> str:
    _require(raw)
    value = raw.strip() if isinstance(raw, str) else None
    if value is None or value not in choices:
        raise FieldError("choice", {"choices": tuple(choices)})
    return value


def parse_int(raw, *, minimum: int, maximum: int) -> int:
    _require(raw)
    if isinstance(raw, int) and not isinstance(raw, bool):  # JSON true is not 1 person
        value = raw
    elif isinstance(raw, str) and re.fullmatch(r"[0-9]+", ascii_digits(raw.strip())):
        digits = ascii_digits(raw.strip()).lstrip("0") or "0"
        # Huge strings are out of range anyway; int() of thousands of digits is refused.
        value = int(digits) if len(digits) <= 18 else maximum + 1
    else:
        raise FieldError("integer")
    if not minimum <= value <= maximum:
        raise FieldError("integer_range", {"minimum": minimum, "maximum": maximum})
    return value


def parse_text(raw, *, min_length: int = 1, max_length: int) -> str:
    """One line of text: whitespace runs (newlines too) become one space."""
    _require(raw)
    if not isinstance(raw, str):
        raise FieldError("text_type")  # a JSON number or list where text was expected
    if any(_is_control(char) for char in raw):
        raise FieldError("text_control")
    text = " ".join(raw.split())
    if len(text) < min_length:
        raise FieldError("text_short", {"min_length": min_length})
    if len(text) > max_length:
        raise FieldError("text_long", {"max_length": max_length})
    return text


def _is_control(char: str) -> bool:
    # Cc: NUL, escapes, C1 controls; Cs: lone surrogates, which cannot be stored as UTF-8;
    # U+FFFD: what web/requests.py puts in their place (and browsers for undecodable bytes).
    if char == "\ufffd":
        return True
    return char not in WHITESPACE_CONTROLS and unicodedata.category(char) in ("Cc", "Cs")


def parse_phone(raw, max_length: int | None = None) -> str:
    """6–15 digits with the usual punctuation; optional leading +."""
    _require(raw)
    if not isinstance(raw, str):  # a JSON number would lose a leading 0 or the +
        raise FieldError("phone")
    phone = " ".join(ascii_digits(raw).split())
    digits = sum(char.isdigit() for char in phone)
    too_long = max_length is not None and len(phone) > max_length
    if not PHONE.fullmatch(phone) or not 6 <= digits <= 15 or too_long:
        raise FieldError("phone")
    return phone


def parse_email(raw) -> str:
    """A plausible address (the real check is the message the team sends)."""
    _require(raw)
    email = raw.strip() if isinstance(raw, str) else ""
    local, _, domain = email.partition("@")
    labels = domain.split(".")
    if (
        len(email) > 254
        or email.count("@") != 1
        or not local
        or len(local) > 64
        or len(labels) < 2
        or "" in labels
        or any(char.isspace() or _is_control(char) for char in email)
    ):
        raise FieldError("email")
    return f"{local}@{domain.lower()}"


# --- the same contact, written two ways ---------------------------------------------------------

ITALY = "39"


def phone_key(text: str) -> str:
    """A phone number as comparable digits: "035 123456", "+39 035 123456" and
    "0039 035-123456" are one number. Without + or 00 a number is Italian as written
    (a mobile may start with 39: "393 …" is not "+39 3 …"); a foreign one keeps its code."""
    raw = ascii_digits(str(text)).strip()
    digits = "".join(c for c in raw if c.isdigit())
    if raw.startswith("+") or digits.startswith("00"):
        digits = digits.removeprefix("00")
        return digits.removeprefix(ITALY) if digits.startswith(ITALY) else "+" + digits
    return digits


def email_key(text: str) -> str:
    return str(text).strip().casefold()
