"""Strict parsing of form and JSON values: what is accepted, what is refused, and why."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from forms_service.domain.fields import (
    FieldError,
    missing,
    parse_bool,
    parse_choice,
    parse_date,
    parse_email,
    parse_int,
    parse_isee,
    parse_phone,
    parse_text,
)
from portal.model import load

from .helpers import ROOT


def error_of(parse, *args, **kwargs) -> FieldError:
    with pytest.raises(FieldError) as info:
        parse(*args, **kwargs)
    return info.value


# --- ISEE -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("12.345,67", "12345.67"),
        ("12345,67", "12345.67"),
        ("12345.67", "12345.67"),
        ("12345", "12345.00"),
        ("12,345.67", "12345.67"),
        ("1.234.567", "1234567.00"),
        ("1,234,567", "1234567.00"),
        ("1.234.567,89", "1234567.89"),
        ("12 345,67", "12345.67"),
        ("12\u00a0345,67", "12345.67"),
        ("12\u202f345,67", "12345.67"),
        ("12 345", "12345.00"),
        ("12 345.67", "12345.67"),
        ("€ 12.345,67", "12345.67"),
        ("€12345", "12345.00"),
        ("12.345,67 €", "12345.67"),
        ("EUR 9360,01", "9360.01"),
        ("9360,01 eur", "9360.01"),
        ("  9360,01  ", "9360.01"),
        ("9360,1", "9360.10"),
        ("0,50", "0.50"),
        ("0", "0.00"),
        ("10.000.000", "10000000.00"),
        # One mark then three digits groups thousands: euro have no third decimal, and
        # Italians write fifteen thousand "15.000" (issue #10).
        ("15.000", "15000.00"),
        ("15.000,00", "15000.00"),
        ("15 000", "15000.00"),
        ("15,000", "15000.00"),
        ("12.345", "12345.00"),
        ("9.360", "9360.00"),
        ("1.234", "1234.00"),
        ("€ 15.000", "15000.00"),
    ],
)
def test_isee_accepted_forms(raw, expected):
    value = parse_isee(raw)
    assert value == Decimal(expected) and str(value) == expected  # quantized to cents


@pytest.mark.parametrize(
    "raw",
    [
        "15.000.00",  # the thousands mark used for the cents too
        "1,234,56",
        "0,500",  # three decimals, or five hundred written oddly
        "0.500",
        "1234.567",
        "15.0000",
        "12345,678",
        "12345.678",
        "1.234,567",
        "12 345,678",
        "12345,6789",
    ],
)
def test_isee_ambiguous_is_refused_not_guessed(raw):
    assert error_of(parse_isee, raw) == FieldError("isee_ambiguous", {"value": raw})


@pytest.mark.parametrize(
    "raw",
    [
        "abc",
        "12a",
        "-5",
        "-12.345,67",
        "12..5",
        "12,,5",
        "12.",
        ",5",
        ".5",
        "12.34.56",
        "1.2.34",
        "1,234.567,89",
        "1.234 567",
        "123 45",
        "0.345.678",
        "1.2345.678",
        "€",
        "€ 12 €",
        "1e5",
        "10.000.000,01",
        "99999999",
        "12 345 ,67",
    ],
)
def test_isee_malformed(raw):
    assert error_of(parse_isee, raw).code == "isee_format"


def test_isee_error_shows_what_was_typed():
    assert error_of(parse_isee, " 12,,5 ").params == {"value": "12,,5"}


@pytest.mark.parametrize(
    "raw, expected",
    [
        (12345, "12345.00"),
        (0, "0.00"),
        (12345.67, "12345.67"),
        (12345.5, "12345.50"),
        (9360.01, "9360.01"),
        (12345.0, "12345.00"),
    ],
)
def test_isee_json_numbers(raw, expected):
    assert str(parse_isee(raw)) == expected


@pytest.mark.parametrize(
    "raw, code",
    [
        (12345.678, "isee_ambiguous"),
        (12.345, "isee_ambiguous"),
        (-1, "isee_format"),
        (10_000_000.01, "isee_format"),
        (float("nan"), "isee_format"),
        (float("inf"), "isee_format"),
        (True, "isee_format"),  # a bool is an int in Python, never an amount
        ([12345], "isee_format"),
    ],
)
def test_isee_json_refused(raw, code):
    assert error_of(parse_isee, raw).code == code


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_isee_missing(raw):
    assert error_of(parse_isee, raw) == FieldError("required")


# --- Booleans ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        (True, True),
        (False, False),
        (1, True),
        (0, False),
        ("true", True),
        ("TRUE", True),
        ("false", False),
        ("on", True),
        ("off", False),
        ("yes", True),
        ("No", False),
        ("sì", True),
        ("SÌ", True),
        ("si", True),
        ("1", True),
        ("0", False),
        (" yes ", True),
    ],
)
def test_bool_accepted(raw, expected):
    assert parse_bool(raw, "arrears") is expected


@pytest.mark.parametrize("raw", [2, -1, 1.0, "2", "maybe", "y", "vero", [True]])
def test_bool_refused(raw):
    assert error_of(parse_bool, raw, "arrears") == FieldError("boolean", {"name": "arrears"})


def test_bool_missing():
    assert error_of(parse_bool, None, "arrears").code == "required"


# --- Dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2025-01-31", date(2025, 1, 31)),
        ("31/01/2025", date(2025, 1, 31)),
        ("1/2/2025", date(2025, 2, 1)),
        (" 29/02/2024 ", date(2024, 2, 29)),
    ],
)
def test_date_accepted(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "2025-1-31",
        "01-31-2025",
        "31.01.2025",
        "31/01/25",
        "yesterday",
        20250131,
    ],
)
def test_date_refused(raw):
    assert error_of(parse_date, raw).code == "date_format"


@pytest.mark.parametrize(
    "raw",
    [
        "31/02/2020",
        "2026-02-30",
        "30/02/2026",
        "29/02/2025",
        "2025-13-01",
        "0000-01-01",
        "32/01/2025",
    ],
)
def test_a_date_written_right_that_does_not_exist(raw):
    # Written day/month/year as asked: "write it as day/month/year" would be wrong advice.
    assert error_of(parse_date, f" {raw} ") == FieldError("date_invalid", {"value": raw})


def test_date_limits():
    today = date(2026, 11, 22)
    assert parse_date("2026-11-22", not_after=today, not_before=date(1950, 1, 1)) == today
    assert error_of(parse_date, "23/11/2026", not_after=today) == FieldError(
        "date_future", {"date": today}
    )
    assert error_of(parse_date, "1949-12-31", not_before=date(1950, 1, 1)) == FieldError(
        "date_too_old", {"date": date(1950, 1, 1)}
    )


# --- Choices, integers, text -------------------------------------------------------------


def test_choice():
    choices = ("centralized", "autonomous")
    assert parse_choice(" centralized ", choices) == "centralized"
    assert error_of(parse_choice, "Centralized", choices) == FieldError(
        "choice", {"choices": choices}
    )
    assert error_of(parse_choice, 1, choices).code == "choice"
    assert error_of(parse_choice, "", choices).code == "required"


@pytest.mark.parametrize("raw, expected", [(3, 3), ("3", 3), (" 12 ", 12), ("007", 7), (1, 1)])
def test_int_accepted(raw, expected):
    assert parse_int(raw, minimum=1, maximum=20) == expected


@pytest.mark.parametrize("raw", [True, False, 3.0, "3.0", "-3", "+3", "3 persone", "³"])
def test_int_refused(raw):
    assert error_of(parse_int, raw, minimum=0, maximum=20).code == "integer"


@pytest.mark.parametrize("raw", [0, 21, "21", "9" * 5000])
def test_int_out_of_range(raw):
    assert error_of(parse_int, raw, minimum=1, maximum=20) == FieldError(
        "integer_range", {"minimum": 1, "maximum": 20}
    )


def test_text_is_stripped_and_collapsed():
    assert parse_text("  Maria \t  Rossi\n", max_length=50) == "Maria Rossi"
    assert parse_text("Via\u00a0Roma  2", max_length=50) == "Via Roma 2"


@pytest.mark.parametrize("raw", ["a\x00b", "a\x1bb", "a\x7fb", "a\x85b", "a\ud800b", "a\x0bb"])
def test_text_control_characters(raw):
    assert error_of(parse_text, raw, max_length=50).code == "text_control"


def test_text_lengths():
    assert error_of(parse_text, "   ", max_length=5).code == "required"
    assert error_of(parse_text, "ab", min_length=3, max_length=5) == FieldError(
        "text_short", {"min_length": 3}
    )
    assert error_of(parse_text, "abcdef", max_length=5) == FieldError(
        "text_long", {"max_length": 5}
    )
    assert parse_text("a    b", max_length=3) == "a b"  # measured after collapsing
    assert error_of(parse_text, 12345, max_length=5).code == "text_type"


# --- Phone, email, missing ----------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("035 123456", "035 123456"),
        ("+39 333 123 4567", "+39 333 123 4567"),
        ("  +39  (035)  12.34.56 ", "+39 (035) 12.34.56"),
        ("333-1234567", "333-1234567"),
        ("035/123456", "035/123456"),
        ("123456", "123456"),
        ("+123456789012345", "+123456789012345"),
    ],
)
def test_phone_accepted(raw, expected):
    assert parse_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "12345",
        "+1234567890123456",
        "39+333123456",
        "333 123 abc",
        "++39333123456",
        "333,1234567",
        3331234567,
    ],
)
def test_phone_refused(raw):
    assert error_of(parse_phone, raw) == FieldError("phone")


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Maria.Rossi@Example.IT", "Maria.Rossi@example.it"),
        ("  a@b.co ", "a@b.co"),
    ],
)
def test_email_accepted(raw, expected):
    assert parse_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "maria",
        "maria@example",
        "@example.it",
        "a@@b.it",
        "a@b@c.it",
        "maria rossi@example.it",
        "a@example..it",
        "a@.example.it",
        "a@example.it.",
        "a\x00@b.it",
        "a" * 250 + "@b.it",
        "a" * 65 + "@b.it",
        42,
    ],
)
def test_email_refused(raw):
    assert error_of(parse_email, raw) == FieldError("email")


@pytest.mark.parametrize(
    "raw, expected",
    [
        (None, True),
        ("", True),
        ("  \n", True),
        ("x", False),
        (0, False),
        (False, False),
    ],
)
def test_missing(raw, expected):
    assert missing(raw) is expected


def test_field_error_is_a_usable_exception():
    error = FieldError("isee_format", {"value": "x"})
    assert isinstance(error, Exception) and error.args == ("isee_format", {"value": "x"})
    # hashable despite the dict
    assert hash(error) == hash(FieldError("isee_format", {"value": "y"}))


# --- Messages -------------------------------------------------------------------------------

ERROR_EXAMPLES = [
    lambda: parse_isee(""),
    lambda: parse_isee("abc"),
    lambda: parse_isee("12.345.67"),
    lambda: parse_bool("maybe", "arrears"),
    lambda: parse_date("30/02/2026"),
    lambda: parse_date("yesterday"),
    lambda: parse_date("2026-12-01", not_after=date(2026, 11, 22)),
    lambda: parse_date("1900-01-01", not_before=date(1950, 1, 1)),
    lambda: parse_choice("x", ("a", "b")),
    lambda: parse_int("x", minimum=1, maximum=9),
    lambda: parse_int(10, minimum=1, maximum=9),
    lambda: parse_text(1, max_length=9),
    lambda: parse_text("\x00", max_length=9),
    lambda: parse_text("a", min_length=2, max_length=9),
    lambda: parse_text("a" * 10, max_length=9),
    lambda: parse_phone("1"),
    lambda: parse_email("x"),
]


def test_every_error_code_has_a_message_in_every_language():
    content = load(ROOT)
    seen = set()
    for example in ERROR_EXAMPLES:
        error = error_of(example)
        seen.add(error.code)
        for code in content.codes:
            template = content.strings[code][f"error_{error.code}"]
            # A message with a count has one form per CLDR plural category.
            for form in template.values() if isinstance(template, dict) else [template]:
                form.format(**{name: str(value) for name, value in error.params.items()})
    declared = {
        key.removeprefix("error_") for key in content.strings["it"] if key.startswith("error_")
    }
    assert seen <= declared  # every code the parsers raise has a message


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("١٢٬٣٤٥٫٦٧", Decimal("12345.67")),  # Arabic-Indic digits and separators
        ("۱۲۳۴۵", Decimal("12345.00")),  # Urdu / Persian digits
        ("১২.৩৪৫,৬৭", Decimal("12345.67")),  # Bengali digits, Italian grouping
    ],
)
def test_isee_in_the_residents_own_digits(raw, expected):
    assert parse_isee(raw) == expected


def test_native_digits_elsewhere():
    assert parse_int("٣", minimum=1, maximum=10) == 3
    assert parse_date("٠١/٠٣/٢٠٢٤") == date(2024, 3, 1)
    assert parse_phone("০৩৫ ১২৩৪৫৬") == "035 123456"
    assert error_of(parse_isee, "١٢٬٣٤٥٬٦٧").code == "isee_ambiguous"
    assert parse_isee("١٥٬٠٠٠") == Decimal("15000.00")


def test_fullwidth_digits_from_a_chinese_keyboard():
    assert parse_date("２０２５-01-31") == date(2025, 1, 31)
