"""Amounts in euro held as data, and the ``{amount:name}`` placeholder texts use for them.

A text never spells an amount out: "40.800 euro" reads as forty point eight to an English
or Chinese reader. It writes ``{amount:heating_funds}`` and the site formats the value per
language (CLDR), like the grant's rule amounts. The names are declared once in
``content/amounts.yml``; the grant's rules give ``grant_max``, ``grant_isee_min`` and
``grant_isee_max`` without repeating them there.

``scan`` walks every scalar of a YAML file: it records each placeholder as a reference,
checked with the others once everything is loaded (an unknown name is a file:line error),
and reports an amount typed by hand next to a currency word or sign.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated

import yaml

from .fields import Pattern, child
from .problems import Problems
from .schedule import doc

PLACEHOLDER = re.compile(r"\{amount:([^{}]*)\}")
AMOUNT_NAME = Pattern(
    r"^[a-z][a-z0-9_]*$",
    "amount.bad_name",
    "nome (lettere minuscole, cifre e _)",
    "project_total",
)

# The rule amounts of content/heating-grant.yml, by the name texts use for them.
GRANT_AMOUNTS = {
    "grant_max": lambda rules: rules.max_amount,
    "grant_isee_min": lambda rules: rules.isee.min,
    "grant_isee_max": lambda rules: rules.isee.max,
}

# "40.800 euro", "EUR 7,869.78", "€ 600", "٧٠٠ يورو": a figure beside a currency word or
# sign in any of the site's scripts (bold markers in between included).
_NUMBER = r"\d(?:[\d.,'\u00a0\u202f ]*\d)?"
_CURRENCY = r"(?:€|\bEUR\b|\b[Ee]uros?\b|євро|евро|欧元|یورو|يورو|ইউরো)"
HAND_TYPED = re.compile(rf"{_NUMBER}[\s*]*{_CURRENCY}|{_CURRENCY}[\s*]*{_NUMBER}", re.UNICODE)


@dataclass(frozen=True)
class Amount:
    name: Annotated[str, AMOUNT_NAME] = doc(
        "Il nome con cui i testi citano l'importo: {amount:nome}."
    )
    value: Decimal = doc("L'importo in euro, con il punto per i decimali: 7869.78")
    source: str = doc(
        "Da dove viene la cifra (documento e punto): nessuna cifra senza fonte.",
        example="annuncio del Comune di Bergamo",
    )


@dataclass(frozen=True)
class AmountsFile:
    amounts: tuple[Amount, ...] = doc("Gli importi in euro che i testi citano.")

    def check(self, node, ctx, name):
        seen = set()
        items = child(node, "amounts").value
        for i, amount in enumerate(self.amounts):
            where = child(items[i], "name")
            if amount.name in seen:
                ctx.error(where, "id.duplicate_in_file", f"amounts[{i}].name", id=amount.name)
            elif amount.name in GRANT_AMOUNTS:
                ctx.error(where, "amount.reserved", f"amounts[{i}].name", id=amount.name)
            seen.add(amount.name)

    def values(self, rules) -> dict[str, Decimal]:
        """Every name a text may use, with its value."""
        found = {name: value(rules) for name, value in GRANT_AMOUNTS.items()}
        found.update({amount.name: amount.value for amount in self.amounts})
        return found


def _where(node: yaml.ScalarNode, offset: int, indent: int) -> tuple[int, int]:
    """Line and column (1-based) of ``offset`` inside the scalar: exact for one-line and
    literal (|) texts, the text's first line for folded ones."""
    line, column = node.start_mark.line + 1, node.start_mark.column + 1
    before = node.value[:offset]
    if node.style in ("|", ">"):
        # The text starts on the line after the | and is indented under its key.
        line += 1 + (before.count("\n") if node.style == "|" else 0)
        column = indent + 1
    elif "\n" not in before:
        column += 1 if node.style in ('"', "'") else 0
    return line, column + len(before) - before.rfind("\n") - 1


def scan(node, path: str, references: list, problems: Problems) -> None:
    """Record the placeholders of every text in ``node`` and report hand-typed amounts."""
    for scalar, name, indent in _scalars(node, "", 0):
        for match in PLACEHOLDER.finditer(scalar.value):
            mark = _where(scalar, match.start(), indent)
            references.append(("amounts", match[1].strip(), mark, name, path))
        # A placeholder never matches: its closing brace stands between name and currency.
        for match in HAND_TYPED.finditer(scalar.value):
            mark = _where(scalar, match.start(), indent)
            problems.add(path, mark, "amount.hand_typed", name, found=match[0].strip(" *"))


def _scalars(node, name: str, indent: int):
    if isinstance(node, yaml.ScalarNode):
        yield node, name, indent
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            full = f"{name}.{key.value}" if name else str(key.value)
            yield from _scalars(value, full, key.start_mark.column + 2)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _scalars(item, f"{name}[{i}]", indent)
