"""Public holidays, from the kept ``holidays`` library rather than a list typed by hand.

A schedule names its calendar as COUNTRY or COUNTRY-SUBDIVISION, as the library does:
"IT-BG" is Italy with the province of Bergamo, which adds Sant'Alessandro (26 August) to the
national days (Easter Monday, the 4 October holiday from 2026, ...). The library also names
each day; it speaks Italian and English, and the other languages show the Italian name.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from threading import Lock

import holidays

DEFAULT_CALENDAR = "IT-BG"
# The library's languages for our language codes; any other language reads the Italian name,
# the one on the notices in the neighbourhood.
LANGUAGES = {"it": "it_IT", "en": "en_US"}
# A calendar fills in a year the first time it is asked about it: the forms service's threads
# share the calendars, so one asks at a time.
_lock = Lock()


@cache
def _calendar(code: str, language: str) -> holidays.HolidayBase:
    country, _, subdivision = code.partition("-")
    return holidays.country_holidays(country, subdiv=subdivision or None, language=language)


def known(code: str) -> bool:
    """Whether ``code`` is a calendar the library has (country, and subdivision if given)."""
    try:
        with _lock:
            _calendar(code, "it_IT")
    except NotImplementedError:  # what the library raises for an unknown code
        return False
    return True


def holiday_name(code: str, day: date, lang: str = "it") -> str | None:
    """The holiday's name on ``day`` in ``lang`` (else Italian), or None on a working day."""
    with _lock:
        return _calendar(code, LANGUAGES.get(lang.split("-")[0], "it_IT")).get(day)


def is_holiday(code: str, day: date) -> bool:
    with _lock:
        return day in _calendar(code, "it_IT")
