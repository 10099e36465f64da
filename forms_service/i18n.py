"""The request's language (falling back to Italian) and its messages and formats."""

from __future__ import annotations

from flask import current_app

from portal.formats import Formats
from portal.model import Content


def content() -> Content:
    return current_app.extensions["portal_content"].get()


def pick_lang(value) -> str:
    codes = content().codes
    value = str(value or "").strip()
    return value if value in codes else codes[0]


class Messages(Formats):
    """UI strings and formats for one language, for the current request."""

    def __init__(self, lang: str):
        super().__init__(content(), lang)
        self.language = self.content.language(lang)

    def text(self, value) -> str:
        """A translatable content text in this language (Italian when missing)."""
        return value.resolve(self.lang, self.source)[0] if value else ""
