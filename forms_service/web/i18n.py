"""The request's content snapshot, its language, and messages in that language.

One snapshot per request: the content is read once, before the view runs, and every
part of the request (rules, desks, events, strings) comes from that same version,
even when a volunteer's edit reloads the content half-way through.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import current_app, g

from portal.formats import Formats
from portal.model import Content

from ..domain.actions import today
from ..domain.forms import Facts


def take_snapshot() -> None:
    """``before_request``: fix the content version this request works with."""
    g.content = current_app.extensions["portal_content"].get()


def content() -> Content:
    """The request's snapshot (taken on first use where no request hook ran, e.g. errors)."""
    if "content" not in g:
        take_snapshot()
    return g.content


def request_facts() -> Facts:
    """What the forms' parsers need from this request: its day and the snapshot's desks."""
    return Facts(today(), tuple(content().desks))


def pick_lang(value, codes) -> str:
    value = str(value or "").strip()
    return value if value in codes else codes[0]


class Messages(Formats):
    """UI strings and formats for one language, from one content snapshot."""

    def __init__(self, snapshot: Content, lang: str):
        super().__init__(snapshot, lang)
        self.language = self.content.language(lang)

    @property
    def reviewed(self) -> bool:
        """Whether a person has reviewed every interface string of this language: a form
        page is drawn from many of them, and its notice comes before they are looked up."""
        source = self.content.strings[self.source]
        return self.lang == self.source or all(
            self.content.reviews.string(self.lang, key) for key in source
        )

    def text(self, value) -> str:
        """A translatable content text in this language (Italian when missing)."""
        return self.fill(value.resolve(self.lang, self.source)[0]) if value else ""

    def shown(self, value) -> str:
        if isinstance(value, date):
            return self.short_date(value)
        if isinstance(value, Decimal):
            return self.money(value)
        if isinstance(value, (list, tuple)):
            return ", ".join(str(v) for v in value)
        return str(value)

    def errors(self, errors: dict, named: bool = False) -> dict:
        """{field: message} for {field: FieldError}; ``named``: a required field's message
        says which field (pages list several, and "this field is required" three times
        tells nobody what to fill in)."""
        found = {}
        for name, error in errors.items():
            params = {k: self.shown(v) for k, v in error.params.items()}
            label = self.label(name) if named else None
            if error.code == "required" and label:
                found[name] = self.s("error_required_field", field=label)
            else:
                found[name] = self.s(f"error_{error.code}", **params)
        return found

    def label(self, name: str) -> str | None:
        """The field's label (``form_label_<name>``), if the forms have one."""
        key = f"form_label_{name}"
        return self.s(key) if key in self.content.strings[self.source] else None

    def summary_line(self, name: str, message: str) -> str:
        """An entry of the error summary: the message, led by the field's label unless the
        message already names it."""
        label = self.label(name)
        if not label or label.casefold() in message.casefold():
            return message
        if label[-1] in "?？؟":  # a question for a label: "…andare? Scegli…", no colon
            return f"{label} {message}"
        return self.s("form_error_summary_item", field=label, message=message)

    def reason(self, reason) -> str:
        """A not-eligible reason, with choices shown as labels."""
        params = dict(reason.params)
        if "heating" in params:
            params["heating"] = self.s(f"heating_{params['heating']}")
        if "band" in params:
            params["band"] = self.s(f"band_{params['band']}")
        return self.s(f"reason_{reason.code}", **{k: self.shown(v) for k, v in params.items()})


def messages(lang: str) -> Messages:
    """Messages for ``lang`` from the request's snapshot (any known language)."""
    return Messages(content(), lang)
