"""How the grant's answers read back to the resident: labels of the choices, and each
stored value on the "check your answers" page, in the reader's language."""

from __future__ import annotations

from ..domain.questionnaire import DONT_KNOW
from .i18n import Messages, content


def first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def choice_labels(step, m: Messages) -> list[tuple[str, ...]]:
    """(value, label) or, for "I don't know", (value, label, note): the note says that the
    questionnaire goes on and the team checks it."""
    labels = {
        "heating": lambda v: first_upper(m.s(f"heating_{v}")),
        "band": lambda v: m.s(f"band_{v}"),
        "arrears": lambda v: m.s(f"form_{v}"),
        "repayment_plan": lambda v: m.s(f"form_{v}"),
    }
    label = labels.get(step.field, str)
    return [
        (value, m.s("form_dont_know"), m.s("form_dont_know_note"))
        if value == DONT_KNOW
        else (value, label(value))
        for value in step.choices
    ]


def answer_text(name: str, value, m: Messages) -> str:
    if value is None:
        return m.s("form_not_given")
    if value == DONT_KNOW:  # heating or band: said so, and who checks it
        return m.s("form_to_check")
    if name == "heating":
        return first_upper(m.s(f"heating_{value}"))
    if name == "band":
        return m.s(f"band_{value}")
    if name == "consent":
        return m.s("form_consent_given")
    if isinstance(value, bool):
        return m.s("form_yes" if value else "form_no")
    if name == "preferred_desk":
        desk = content().desks[value]
        return f"{m.text(desk.name)} – {m.desk_when(desk)}"
    return m.shown(value)
