"""Problems found in content, reported as ``file:line:column: field: message``.

Messages live in a catalogue keyed by code, one template per language, so that
volunteers read them in Italian and developers may ask for English.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from .messages import HINT, MESSAGES

ERROR = "error"
WARNING = "warning"


def message_language() -> str:
    lang = os.environ.get("PORTAL_LANG", "it")[:2]
    return lang if lang in ("it", "en") else "it"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: int
    code: str
    params: tuple = ()
    field: str = ""
    severity: str = ERROR

    def message(self, lang: str | None = None) -> str:
        lang = lang or message_language()
        template = MESSAGES[self.code].get(lang) or MESSAGES[self.code]["it"]
        params = dict(self.params)
        if "hint" in params:
            params["hint"] = HINT[lang].format(params["hint"]) if params["hint"] else ""
        return template.format(**params)

    def format(self, lang: str | None = None) -> str:
        lang = lang or message_language()
        where = f"{self.file}:{self.line}:{self.column}: "
        label = ("avviso: " if lang == "it" else "warning: ") if self.severity == WARNING else ""
        name = f"{self.field}: " if self.field else ""
        return f"{where}{label}{name}{self.message(lang)}"

    def __str__(self) -> str:
        return self.format()


@dataclass
class Problems:
    """Collects every problem before anything is reported (never stop at the first)."""

    items: list[Problem] = field(default_factory=list)

    def add(self, file, mark, code, field_name="", severity=ERROR, /, **params):
        line, column = mark if mark else (1, 1)
        self.items.append(
            Problem(
                str(file), line, column, code, tuple(sorted(params.items())), field_name, severity
            )
        )

    def extend(self, other: Problems) -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == WARNING]

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.file, p.line, p.column, p.code))


class ContentError(Exception):
    """Raised when content has errors; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))
