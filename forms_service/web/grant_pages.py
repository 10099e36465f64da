"""The heating-grant pre-application as pages: start, one question per screen, the
resident's details, "check your answers", send, and the confirmation to bookmark.

A rule that fails ends the questionnaire on the exit page, which says why and which
desk can help; nothing is stored then.
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, redirect, url_for

from portal import urls

from ..domain.eligibility import Reason
from ..domain.forms import DETAILS, PRE_APPLICATION
from ..domain.questionnaire import BY_SLUG, DONT_KNOW, STEPS, Questionnaire
from ..domain.references import normalise
from ..storage import store
from . import grant_session as saved
from . import submissions
from .db import database, get_db
from .grant_answers import answer_text, choice_labels
from .i18n import Messages, content, request_facts
from .pages import (
    answer_key_errors,
    choose_overrides,
    go,
    invalid,
    messages_for,
    new_submission_id,
    privacy_link,
    rejected_bot,
    show,
)
from .requests import idempotency_key, payload

bp = Blueprint("grant", __name__, url_prefix=f"{urls.FORMS_PREFIX}/<lang>/{urls.GRANT_FORM_SLUG}")
answer_key_errors(bp)
SLUGS = "<any(" + ", ".join(f'"{slug}"' for slug in BY_SLUG) + "):slug>"
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def place_url(lang: str, place: str) -> str:
    if place in BY_SLUG:
        return url_for("grant.question", lang=lang, slug=place)
    return url_for(
        {
            "dati": "grant.details",
            "controlla": "grant.check",
            "uscita": "grant.not_eligible",
            "inizio": "grant.start",
        }[place],
        lang=lang,
    )


def desks() -> list:
    return list(content().desks.values())


def questionnaire() -> Questionnaire:
    """The questions under the request's rules, on the request's day."""
    return Questionnaire(content().heating_grant.rules, request_facts())


# --- start -----------------------------------------------------------------------------------


@bp.get("/")
def start(lang):
    m = messages_for(lang)
    grant = content().heating_grant
    closed = questionnaire().reasons({})  # only the application window can fail here
    if saved.load()["expired"]:
        saved.expire()
    return show(
        "grant_start.html",
        m,
        expired=saved.was_expired(),
        grant=grant,
        rules=m.rule_lines(grant.rules),
        closed=[m.reason(r) for r in closed],
        desks=desks(),
        first=place_url(lang, STEPS[0].slug),
    )


# --- one question per screen ---------------------------------------------------------------


def step_page(
    lang: str, step, m: Messages, clean: dict, values: dict, errors=None, status: int = 200
):
    q = questionnaire()
    steps = q.steps_for(clean)
    before = q.previous(step, clean)
    context = dict(
        step=step,
        options=choice_labels(step, m),
        values=values,
        desks=desks(),
        number=steps.index(step) + 1,
        total=len(steps),
        back=place_url(lang, before) if before else place_url(lang, "inizio"),
    )
    if errors is not None:
        radio = [step.field] if step.kind in ("choice", "yes_no") else []
        overrides = choose_overrides(errors, radio, m)
        return invalid("grant_step.html", m, errors, overrides=overrides, **context)
    return show("grant_step.html", m, status, errors={}, **context)


def date_values(raw: str) -> dict:
    """A date from the picker goes back in the picker; anything typed goes back in the text box."""
    key = "tenancy_start" if ISO_DAY.fullmatch(raw or "") else "tenancy_start_text"
    return {key: raw} if raw else {}


def raw_answer(step, data: dict) -> str:
    if step.kind == "date":  # the typed fallback wins: it is what the resident wrote last
        return (
            str(data.get("tenancy_start_text") or "").strip()
            or str(data.get("tenancy_start") or "").strip()
        )
    return str(data.get(step.field) or "").strip()


def canonical(step, raw: str, value) -> str:
    if step.kind == "yes_no":
        return "yes" if value else "no"
    return value.isoformat() if step.kind == "date" else raw


def next_url(lang: str, q: Questionnaire, state: dict, clean: dict) -> str:
    return place_url(lang, q.next_place(bool(state["details"]), clean))


def arrive(lang: str, step=None, need_details: bool = False):
    """(messages, questionnaire, saved state, valid answers, detour): the detour is where the
    resident must go first (a step not reached yet, the start when the answers expired), or
    None."""
    m, q, state = messages_for(lang), questionnaire(), saved.load()
    clean = q.known(state["answers"])
    if state["expired"]:
        saved.expire()
        return m, q, state, clean, place_url(lang, "inizio")
    here = q.reachable(step, clean) if step else ready(q, state, clean, need_details)
    return m, q, state, clean, None if here else next_url(lang, q, state, clean)


@bp.get(f"/{SLUGS}")
def question(lang, slug):
    step = BY_SLUG[slug]
    m, q, state, clean, detour = arrive(lang, step)
    if detour:
        return redirect(detour)
    raw = str(state["answers"].get(step.field) or "")
    values = date_values(raw) if step.kind == "date" else {step.field: raw}
    return step_page(lang, step, m, clean, values)


@bp.post(f"/{SLUGS}")
def answer(lang, slug):
    step = BY_SLUG[slug]
    m, q, state, clean, detour = arrive(lang, step)
    if detour:  # the session expired or the URL was typed
        return go(detour)
    raw = raw_answer(step, payload())
    if step.field == "band" and raw == DONT_KNOW:
        return leave(lang, [Reason("band_unknown", {})])
    parsed, errors = q.check(step.field, raw)
    if errors:
        values = date_values(raw) if step.kind == "date" else {step.field: raw}
        return step_page(lang, step, m, clean, values, errors)
    state["answers"][step.field] = canonical(step, raw, parsed)
    clean = q.known(state["answers"])
    state["answers"] = {k: v for k, v in state["answers"].items() if k in clean}
    found = q.reasons(clean)
    if found:
        return leave(lang, found)
    saved.save(state)
    return go(next_url(lang, q, state, clean))


# --- not eligible ------------------------------------------------------------------------------


def leave(lang: str, found: list[Reason]):
    saved.remember_exit(found)
    return go(place_url(lang, "uscita"))


def exit_message(reason: Reason, m: Messages) -> str:
    return m.s("form_exit_band_unknown") if reason.code == "band_unknown" else m.reason(reason)


@bp.get("/non-ammissibile")
def not_eligible(lang):
    m = messages_for(lang)
    found = saved.exit_reasons()
    if not found:
        return redirect(place_url(lang, "inizio"))
    eligible_from = next(
        (r.params["eligible_from"] for r in found if r.code == "tenancy_too_short"), None
    )
    return show(
        "grant_exit.html",
        m,
        reasons=[exit_message(r, m) for r in found],
        band_unknown=found[0].code == "band_unknown",
        eligible_from=eligible_from,
        desks=desks(),
        again=place_url(lang, "inizio"),
    )


# --- details, check, send ------------------------------------------------------------------------


def ready(q: Questionnaire, state: dict, clean: dict, need_details: bool) -> bool:
    return q.all_answered(clean) and (bool(state["details"]) or not need_details)


def details_page(lang, m, clean, values, errors=None):
    desk_options = [
        (desk.id, m.text(desk.name), f"{m.desk_hours(desk)} – {m.desk_address(desk)}")
        for desk in desks()
    ]
    context = dict(
        values=values,
        desk_options=desk_options,
        privacy=privacy_link(lang),
        back=place_url(lang, questionnaire().steps_for(clean)[-1].slug),
    )
    if errors is not None:
        return invalid(
            "grant_details.html",
            m,
            errors,
            order=DETAILS,
            overrides={
                **choose_overrides(errors, ["preferred_desk"], m),
                "consent": m.s("error_consent"),
            },
            **context,
        )
    return show("grant_details.html", m, errors={}, **context)


@bp.get("/dati")
def details(lang):
    m, q, state, clean, detour = arrive(lang)
    if detour:
        return redirect(detour)
    key = state["submission_id"] or new_submission_id()
    return details_page(lang, m, clean, {**state["details"], "submission_id": key})


@bp.post("/dati")
def details_post(lang):
    m, q, state, clean, detour = arrive(lang)
    if detour:
        return go(detour)
    data = payload()
    if bot := rejected_bot(data, m):
        return bot
    details = {name: str(data.get(name) or "").strip() for name in DETAILS}
    key = idempotency_key(data) or new_submission_id()
    _, errors = PRE_APPLICATION.validate({**state["answers"], **details}, q.facts)
    errors = {name: error for name, error in errors.items() if name in DETAILS}
    if errors:
        return details_page(lang, m, clean, {**details, "submission_id": key}, errors)
    state["details"] = {name: value for name, value in details.items() if value}
    state["submission_id"] = key
    saved.save(state)
    return go(place_url(lang, "controlla"))


def summary_rows(lang: str, m: Messages, clean_all: dict) -> list[dict]:
    """Every answer with a way back to change it (the page then returns here)."""
    rows = [
        (step.field, place_url(lang, step.slug)) for step in questionnaire().steps_for(clean_all)
    ]
    rows += [(name, place_url(lang, "dati") + f"#{name}") for name in DETAILS]
    return [
        {
            "field": name,
            "label": m.s(PRE_APPLICATION.by_name[name].label),
            "value": answer_text(name, clean_all.get(name), m),
            "change": url,
        }
        for name, url in rows
    ]


def check_page(lang, m, state, key, errors=None):
    clean, _ = PRE_APPLICATION.validate({**state["answers"], **state["details"]}, request_facts())
    context = dict(
        rows=summary_rows(lang, m, clean), submission_id=key, back=place_url(lang, "dati")
    )
    if errors is not None:
        order = [row["field"] for row in context["rows"]]
        return invalid("grant_check.html", m, errors, order=order, **context)
    return show("grant_check.html", m, errors={}, **context)


@bp.get("/controlla")
def check(lang):
    m, q, state, clean, detour = arrive(lang, need_details=True)
    if detour:
        return redirect(detour)
    return check_page(lang, m, state, state["submission_id"] or new_submission_id())


@bp.post("/controlla")
def send(lang):
    m, q, state, clean, detour = arrive(lang, need_details=True)
    data = payload()
    if bot := rejected_bot(data, m):
        return bot
    key = idempotency_key(data) or state["submission_id"]
    if reference := saved.sent_with(key):  # sent already: a resend finds the same one
        return go(url_for("grant.done", lang=lang, reference=reference))
    if detour:
        return go(detour)
    outcome = submissions.pre_apply({**state["answers"], **state["details"]}, m.lang, key, q.facts)
    if outcome.kind == "invalid":
        return check_page(lang, m, state, key, outcome.errors)
    if outcome.kind == "ineligible":
        return leave(lang, outcome.reasons)
    saved.remember_sent(key, outcome.reference)  # the answers are dropped from the draft
    return go(url_for("grant.done", lang=lang, reference=outcome.reference))


# --- confirmation ---------------------------------------------------------------------------------


@bp.get("/conferma/<reference>")
def done(lang, reference):
    """Bookmarkable: the URL holds only the reference; the desk chosen is not personal."""
    m = messages_for(lang)
    wanted = normalise(reference)  # never the raw text: PostgreSQL refuses a NUL in it
    found = store.pre_application_exists(database(), get_db(), wanted) if wanted else None
    if found is None:
        abort(404)
    if found["reference"] != reference:  # typed in lower case or with spaces
        return redirect(url_for("grant.done", lang=lang, reference=found["reference"]))
    desk = content().desks.get(found["preferred_desk"])
    return show(
        "grant_done.html",
        m,
        reference=found["reference"],
        grant=content().heating_grant,
        desks=[desk] if desk else desks(),
        chosen=desk is not None,
    )
