"""The register of what is still to be confirmed: the project manager's list before going live.

It is read from the data, never from words in a text: every item's ``to_confirm`` entries
(types.Pending) and every contact whose ``status`` is ``not_yet_available``. ``portal pending``
prints it, and ``portal check --warnings`` prints it as its last section.
"""

from __future__ import annotations

from dataclasses import dataclass

from .loader import CONTENT_TYPES, SETTINGS_FILES, Content

# Who can confirm, in the order the list shows them (types.Confirmer).
WHO = {
    "comune": "Comune di Bergamo",
    "team": "Team del portierato",
    "organizer": "Chi organizza l'evento",
}


@dataclass(frozen=True)
class Entry:
    by: str
    file: str
    line: int
    column: int
    what: str  # the item and its field: "celadina: roles"
    note: str = ""

    def format(self) -> str:
        note = f" — {self.note}" if self.note else ""
        return f"{self.file}:{self.line}:{self.column}: {self.what}{note}"


def _items(content: Content):
    """(file, item) of every item that may have a to_confirm list."""
    for kind in CONTENT_TYPES:
        values = getattr(content, kind.name)
        for item in [values] if kind.single else values.values():
            yield content.sources.get((kind.name, item.id), kind.location), item
    yield SETTINGS_FILES["forms"][1], content.forms


def register(content: Content) -> list[Entry]:
    entries = []
    for file, item in _items(content):
        name = getattr(item, "id", None)
        for pending in item.to_confirm:
            line, column = pending._mark or (1, 1)
            what = f"{name}: {pending.field}" if name else pending.field
            entries.append(Entry(pending.by, file, line, column, what, pending.note or ""))
    contacts_file = SETTINGS_FILES["contacts"][1]
    for contact in content.contacts.values():
        if contact.status == "not_yet_available":
            line, column = contact._mark or (1, 1)
            label = contact.label.get(content.source_language)
            entries.append(
                Entry("comune", contacts_file, line, column, f"{contact.id}: value", label or "")
            )
    return sorted(entries, key=lambda e: (list(WHO).index(e.by), e.file, e.line))


def format_register(entries: list[Entry]) -> list[str]:
    """The register in Italian, grouped by who can confirm, one line per item."""
    if not entries:
        return ["Da confermare: niente. Tutto quello che il sito dice è confermato."]
    lines = [f"Da confermare: {len(entries)} {'voce' if len(entries) == 1 else 'voci'}."]
    for by, who in WHO.items():
        group = [e for e in entries if e.by == by]
        if group:
            lines += ["", f"{who} ({len(group)}):"] + [f"  {e.format()}" for e in group]
    return lines
