"""The heating-grant pre-application as pages: start, one question per screen, the
resident's details, "check your answers", send, and the confirmation to bookmark.

A rule that fails ends the questionnaire on the exit page, which says why, which desk can
help, and offers to change the answer that failed: the draft keeps the other answers (one
mis-tapped answer must not lose them all), and nothing is sent.
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, redirect, request, url_for

from portal import urls

from ..domain.forms import DETAILS, PRE_APPLICATION, online_open
from ..domain.questionnaire import BY_SLUG, STEPS, Questionnaire
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
    refuse,
    rejected_bot,
    show,
    wants_json,
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
            "ricomincia": "grant.start_again",
        }[place],
        lang=lang,
    )


def desks() -> list:
    return list(content().desks.values())


def questionnaire() -> Questionnaire:
    """The questions under the request's rules, on the request's day."""
    return Questionnaire(content().heating_grant.rules, request_facts())


# --- switched off ----------------------------------------------------------------------------


@bp.before_request
def switched_off():
    """While the online pre-application is closed (site_config/forms.yml) every page of it says
    so and sends to the desks; nothing is read, kept in a draft or stored. A confirmation
    already sent stays readable."""
    if online_open(content().forms, PRE_APPLICATION) or request.endpoint == "grant.done":
        return None
    lang = (request.view_args or {}).get("lang", "")
    m = messages_for(lang)
    if request.method != "GET":
        if wants_json():
            return refuse(409, "form_closed", m)
        return start_page(lang, m, status=409)
    if request.endpoint != "grant.start":
        return redirect(place_url(lang, "inizio"))
    return None


# --- start -----------------------------------------------------------------------------------


def start_page(lang: str, m: Messages, status: int = 200):
    grant = content().heating_grant
    window = grant.rules.application_window
    switched = not online_open(content().forms, PRE_APPLICATION)
    closed = [] if switched else questionnaire().reasons({})  # only the window fails here
    return show(
        "grant_start.html",
        m,
        status,
        expired=False if switched else saved.was_expired(),
        grant=grant,
        rules=m.rule_lines(grant.rules),
        closed=[m.reason(r) for r in closed],
        switched_off=switched,
        dates=m.date_span("window", window.opens, window.closes) or m.s("window_unknown"),
        desks=desks(),
        first=place_url(lang, STEPS[0].slug),
    )


@bp.get("/")
def start(lang):
    m = messages_for(lang)
    if online_open(content().forms, PRE_APPLICATION) and saved.load()["expired"]:
        saved.expire()
    return start_page(lang, m)


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
    if step:
        here = q.reachable(step, clean)
    else:  # details and check: every answer given, and none that breaks a rule
        here = ready(q, state, clean, need_details) and not q.reasons(clean)
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
    parsed, errors = q.check(step.field, raw)
    if errors:
        values = date_values(raw) if step.kind == "date" else {step.field: raw}
        return step_page(lang, step, m, clean, values, errors)
    state["answers"][step.field] = canonical(step, raw, parsed)
    clean = q.known(state["answers"])
    state["answers"] = {k: v for k, v in state["answers"].items() if k in clean}
    saved.save(state)  # kept even when a rule fails: the exit page offers to change it
    return go(next_url(lang, q, state, clean))


# --- not eligible ------------------------------------------------------------------------------


@bp.get("/non-ammissibile")
def not_eligible(lang):
    """Why, read from the kept answers (so it is never stale), each with a way back to the
    question that decided it."""
    m, q, state, clean, _ = arrive(lang)
    if state["expired"]:
        return redirect(place_url(lang, "inizio"))
    found = q.reasons(clean)
    if not found:
        return redirect(next_url(lang, q, state, clean))
    reasons = []
    for reason in found:
        step = q.step_to_change(reason, clean)
        change = place_url(lang, step.slug) if step else None
        label = m.s(PRE_APPLICATION.by_name[step.field].label) if step else ""
        reasons.append({"text": m.reason(reason), "change": change, "label": label})
    return show(
        "grant_exit.html",
        m,
        reasons=reasons,
        desks=desks(),
        again=place_url(lang, "ricomincia"),
    )


@bp.post("/ricomincia")
def start_again(lang):
    """Every answer forgotten, then the first question: starting again must not bring the
    old answers (and their exit page) back."""
    messages_for(lang)
    saved.forget()
    return go(place_url(lang, STEPS[0].slug))


# --- details, check, send ------------------------------------------------------------------------


def ready(q: Questionnaire, state: dict, clean: dict, need_details: bool) -> bool:
    return q.all_answered(clean) and (bool(state["details"]) or not need_details)


def details_page(lang, m, clean, values, errors=None):
    desk_options = [
        (desk.id, m.text(desk.name), f"{m.desk_address(desk)} – {m.desk_when(desk)}")
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
    if outcome.kind == "ineligible":  # the rules or the day changed since the answers
        return go(place_url(lang, "uscita"))
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
