"""Plural forms of the interface strings, by CLDR's plural rules (Babel).

A string with a count is written once per CLDR category its language needs::

    places:
      one: "{count} posto"
      many: "{count} di posti"
      other: "{count} posti"

Arabic needs zero, one, two, few, many and other; Ukrainian one, few, many and other;
Chinese only other, so a plain string is enough there. The count is the one whole-number
parameter the string is formatted with.
"""

from __future__ import annotations

from functools import cache

from babel import Locale

CATEGORIES = ("zero", "one", "two", "few", "many", "other")


@cache  # a thousand rule evaluations: once per language, not per string
def needed(locale: Locale) -> tuple[str, ...]:
    """The categories a count of people, places or days takes in ``locale``, in CLDR order.

    Counts are whole numbers below a million: Italian, French and Spanish "many" (only for
    whole millions, "1 milione di posti") is left out, as are categories only decimals
    take. "other" is always needed: it is the form used when no other one applies."""
    tags = {locale.plural_form(n) for n in range(1000)} | {"other"}
    return tuple(c for c in CATEGORIES if c in tags)


def count_of(params: dict) -> int | None:
    """The number a plural string agrees with: its one whole-number parameter."""
    numbers = [v for v in params.values() if isinstance(v, int) and not isinstance(v, bool)]
    if not numbers:  # the forms service may hand numbers over as digits
        numbers = [int(v) for v in params.values() if isinstance(v, str) and v.isdigit()]
    return numbers[0] if len(numbers) == 1 else None


def choose(forms: dict, locale: Locale, params: dict) -> str:
    """The form of ``forms`` for the count among ``params`` ("other" when none is clear)."""
    count = count_of(params)
    category = locale.plural_form(count) if count is not None else "other"
    return forms.get(category) or forms["other"]
