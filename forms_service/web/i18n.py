"""The request's content snapshot, its language, and messages in that language.

One snapshot per request: the content is read once, before the view runs, and every
part of the request (rules, desks, events, strings) comes from that same version,
even when a volunteer's edit reloads the content half-way through.

A text missing in the request's language is shown in Italian, and says so, as on the site:
``Messages`` gives every UI string and content text as a ``Said``, a string that knows its
language. In a template, one that is not in the page's language comes out inside an element
with ``lang`` (and ``dir`` on a right-to-left page); the JSON answers give each text's
language beside it (``lang`` in a message object, ``<name>_lang`` beside any other text).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import current_app, g
from markupsafe import Markup, escape

from portal.formats import Formats
from portal.markup import language_attrs
from portal.model import Content

from ..domain.actions import now, today
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


class Said(str):
    """A text and the language it is in: the request's, or the Italian original where the
    translation is missing. ``attrs``: the HTML attributes that mark it on this page ("" when
    it is in the page's language); ``html``: how a page shows it, when it holds a text in
    yet another language (Messages.s)."""

    lang: str
    attrs: str
    html: Markup | None

    def __new__(cls, text: str, lang: str, attrs: str = "", html: Markup | None = None) -> Said:
        said = super().__new__(cls, text)
        said.lang, said.attrs, said.html = lang, attrs, html
        return said

    def __getnewargs__(self):  # copies and pickles keep the language
        return (str(self), self.lang, self.attrs, self.html)

    def __html__(self) -> Markup:
        """What ``{{ said }}`` writes (markupsafe asks): the text, escaped, in an element that
        says its language when that is not the page's."""
        html = self.html if self.html is not None else escape(str(self))
        return wrapped(self, html, "span")


def wrapped(text, html: Markup, tag: str) -> Markup:
    """``html`` (made from ``text``) inside ``<tag lang=…>`` when ``text`` is a ``Said`` that
    is not in the page's language."""
    if not isinstance(text, Said) or not text.attrs:
        return Markup(html)
    return Markup(f"<{tag} {text.attrs}>") + html + Markup(f"</{tag}>")


def plain(value) -> str:
    """For an attribute or the <title>, where no element can mark a language."""
    return "" if value is None else str(value)


def init_app(app) -> None:
    """``{{ said }}`` marks itself; in an attribute or the <title>, write ``said | plain``."""
    app.jinja_env.filters["plain"] = plain


# (lang, desk) -> (content snapshot, valid until, lines): see Messages.desk_next.
_desk_next: dict[tuple[str, str], tuple[Content, datetime, list[str]]] = {}


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

    def desk_next(self, desk) -> list[str]:
        """'Open now, until 12:00' or 'Next opening: …', and the closures before it, at
        this request's time (closures and holidays from the same model as the site). Kept
        until the first thing they list starts or ends, as long as the content is the same:
        Babel's formatting would otherwise cost every form page and submission."""
        moment = now()
        found = _desk_next.get((self.lang, desk.id))
        if found is not None and found[0] is self.content and moment < found[1]:
            return found[2]
        lines = self.next_openings_lines(desk, moment)
        _desk_next[(self.lang, desk.id)] = (self.content, desk.schedule.next_change(moment), lines)
        return lines

    def desk_when(self, desk) -> str:
        """The weekly hours and, after them, the next opening: a desk on one line."""
        return ". ".join([self.desk_hours(desk), *self.desk_next(desk)])

    def said(self, text: str, lang: str) -> Said:
        """``text``, in ``lang``, marked for this page when that is not its language."""
        if lang == self.lang:
            return Said(text, lang)
        direction = self.content.language(lang).dir
        return Said(text, lang, language_attrs(lang, direction, self.language.dir))

    def s(self, key: str, **params) -> Said:
        """A UI string, in this language or else Italian: either way it says which. A text
        put into it in another language (an event's Italian title in an Arabic sentence)
        stays marked inside it on the page."""
        here = key in self.content.strings.get(self.lang, {})
        lang = self.lang if here else self.source
        inner = {k: v for k, v in params.items() if isinstance(v, Said) and v.attrs}
        if not inner:
            return self.said(super().s(key, **params), lang)
        stand_in = {k: f"\ue000{k}\ue001" for k in inner}  # private-use marks, never text
        frame = super().s(key, **{**params, **stand_in})
        text, html = frame, escape(frame)
        for k, value in inner.items():
            text, html = text.replace(stand_in[k], value), html.replace(stand_in[k], value)
        said = self.said(text, lang)
        said.html = html
        return said

    def text(self, value) -> Said:
        """A translatable content text in this language (Italian when missing)."""
        if not value:
            return Said("", self.lang)
        text, fell_back = value.resolve(self.lang, self.source)
        return self.said(self.fill(text), self.source if fell_back else self.lang)

    def lang_of(self, text) -> str:
        """The language of a text this object gave (one put together from several: of its
        frame), for the JSON answers."""
        return getattr(text, "lang", self.lang)

    def texts(self, **texts) -> dict:
        """JSON fields: each text, and its language beside it (``next_steps_lang``; a list
        of texts gets a list of languages, a map of them a map)."""
        found: dict = {}
        for name, value in texts.items():
            found[name] = value
            if isinstance(value, list):
                found[f"{name}_lang"] = [self.lang_of(item) for item in value]
            elif isinstance(value, dict):
                found[f"{name}_lang"] = {key: self.lang_of(item) for key, item in value.items()}
            else:
                found[f"{name}_lang"] = self.lang_of(value)
        return found

    def message(self, code: str, message: str) -> dict:
        """An error or a reason for JSON: its code, its message and the message's language."""
        return {"code": code, "message": message, "lang": self.lang_of(message)}

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
