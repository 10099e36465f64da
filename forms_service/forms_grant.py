"""The heating-grant pre-application as pages: start, one question per screen, the
resident's details, "check your answers", send, and the confirmation to bookmark.

A rule that fails ends the questionnaire on the exit page, which says why and which
desk can help; nothing is stored then.
"""

from __future__ import annotations

import re

from flask import abort, redirect, session, url_for

from portal.site.render.grant import rule_lines

from . import actions, grant_flow as flow, store
from .db import get_db
from .eligibility import Reason
from .forms_common import (bp, choose_overrides, go, invalid, messages_for, new_submission_id,
                           rejected_bot, show, site_home)
from .grant_flow import BY_SLUG, DETAILS, DONT_KNOW, STEPS
from .i18n import Messages, content
from .references import normalise
from .requests import idempotency_key, payload
from .validation import reason_message, shown, validate_pre_application

GRANT = "/<lang>/contributo-riscaldamento"
SLUGS = "<any(" + ", ".join(f'"{slug}"' for slug in BY_SLUG) + "):slug>"
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def place_url(lang: str, place: str) -> str:
    if place in BY_SLUG:
        return url_for("forms.grant_step", lang=lang, slug=place)
    return url_for({"dati": "forms.grant_details", "controlla": "forms.grant_check",
                    "uscita": "forms.grant_exit", "inizio": "forms.grant_start"}[place], lang=lang)


def desks() -> list:
    return list(content().desks.values())


def first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- start -----------------------------------------------------------------------------------

@bp.get(f"{GRANT}/")
def grant_start(lang):
    m = messages_for(lang)
    grant = content().heating_grant
    closed = flow.reasons({}, actions.today())  # only the application window can fail here
    return show("grant_start.html", m, grant=grant, rules=rule_lines(m, grant.rules),
                closed=[reason_message(r, m) for r in closed], desks=desks(),
                first=place_url(lang, STEPS[0].slug))


# --- one question per screen ---------------------------------------------------------------

def options(step, m: Messages) -> list[tuple[str, str]]:
    labels = {"heating": lambda v: first_upper(m.s(f"heating_{v}")),
              "band": lambda v: m.s("form_dont_know") if v == DONT_KNOW else m.s(f"band_{v}"),
              "arrears": lambda v: m.s(f"form_{v}"), "repayment_plan": lambda v: m.s(f"form_{v}")}
    label = labels.get(step.field, str)
    return [(value, label(value)) for value in step.choices]


def step_page(lang: str, step, m: Messages, clean: dict, values: dict, errors=None,
              status: int = 200):
    steps = flow.steps_for(clean)
    before = flow.previous(step, clean)
    context = dict(step=step, options=options(step, m), values=values, desks=desks(),
                   number=steps.index(step) + 1, total=len(steps),
                   back=place_url(lang, before) if before else place_url(lang, "inizio"))
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
        return str(data.get("tenancy_start_text") or "").strip() or \
            str(data.get("tenancy_start") or "").strip()
    return str(data.get(step.field) or "").strip()


def canonical(step, raw: str, value) -> str:
    if step.kind == "yes_no":
        return "yes" if value else "no"
    return value.isoformat() if step.kind == "date" else raw


@bp.get(f"{GRANT}/{SLUGS}")
def grant_step(lang, slug):
    m, step = messages_for(lang), BY_SLUG[slug]
    state = flow.load()
    clean = flow.known(state, actions.today())
    if not flow.reachable(step, clean):
        return redirect(place_url(lang, flow.next_place(state, clean)))
    raw = str(state["answers"].get(step.field) or "")
    values = date_values(raw) if step.kind == "date" else {step.field: raw}
    return step_page(lang, step, m, clean, values)


@bp.post(f"{GRANT}/{SLUGS}")
def grant_answer(lang, slug):
    m, step, day = messages_for(lang), BY_SLUG[slug], actions.today()
    state = flow.load()
    clean = flow.known(state, day)
    if not flow.reachable(step, clean):  # the session expired or the URL was typed
        return go(place_url(lang, flow.next_place(state, clean)))
    raw = raw_answer(step, payload())
    if step.field == "band" and raw == DONT_KNOW:
        return leave(lang, [Reason("band_unknown", {})])
    parsed, errors = flow.check(step.field, raw, day)
    if errors:
        values = date_values(raw) if step.kind == "date" else {step.field: raw}
        return step_page(lang, step, m, clean, values, errors)
    state["answers"][step.field] = canonical(step, raw, parsed)
    clean = flow.known(state, day)
    state["answers"] = {k: v for k, v in state["answers"].items() if k in clean}
    found = flow.reasons(clean, day)
    if found:
        return leave(lang, found)
    flow.save(state)
    return go(place_url(lang, flow.next_place(state, clean)))


# --- not eligible ------------------------------------------------------------------------------

def leave(lang: str, found: list[Reason]):
    flow.remember_exit(found)
    return go(place_url(lang, "uscita"))


def exit_message(reason: Reason, m: Messages) -> str:
    return m.s("form_exit_band_unknown") if reason.code == "band_unknown" \
        else reason_message(reason, m)


@bp.get(f"{GRANT}/non-ammissibile")
def grant_exit(lang):
    m = messages_for(lang)
    found = flow.exit_reasons()
    if not found:
        return redirect(place_url(lang, "inizio"))
    eligible_from = next((r.params["eligible_from"] for r in found
                          if r.code == "tenancy_too_short"), None)
    return show("grant_exit.html", m, reasons=[exit_message(r, m) for r in found],
                band_unknown=found[0].code == "band_unknown", eligible_from=eligible_from,
                desks=desks(), again=place_url(lang, "inizio"))


# --- details, check, send ------------------------------------------------------------------------

def ready(state: dict, clean: dict, need_details: bool) -> bool:
    return flow.all_answered(clean) and (bool(state["details"]) or not need_details)


def details_page(lang, m, clean, values, errors=None):
    desk_options = [(desk.id, m.text(desk.name), f"{m.desk_hours(desk)} – {m.desk_address(desk)}")
                    for desk in desks()]
    context = dict(values=values, desk_options=desk_options, privacy=f"{site_home(lang)}privacy/",
                   back=place_url(lang, flow.steps_for(clean)[-1].slug))
    if errors is not None:
        return invalid("grant_details.html", m, errors, order=DETAILS,
                       overrides={**choose_overrides(errors, ["preferred_desk"], m),
                                  "consent": m.s("error_consent")}, **context)
    return show("grant_details.html", m, errors={}, **context)


@bp.get(f"{GRANT}/dati")
def grant_details(lang):
    m, state = messages_for(lang), flow.load()
    clean = flow.known(state, actions.today())
    if not ready(state, clean, need_details=False):
        return redirect(place_url(lang, flow.next_place(state, clean)))
    key = state["submission_id"] or new_submission_id()
    return details_page(lang, m, clean, {**state["details"], "submission_id": key})


@bp.post(f"{GRANT}/dati")
def grant_details_post(lang):
    m, state, day = messages_for(lang), flow.load(), actions.today()
    clean = flow.known(state, day)
    if not ready(state, clean, need_details=False):
        return go(place_url(lang, flow.next_place(state, clean)))
    data = payload()
    if bot := rejected_bot(data, m):
        return bot
    details = {name: str(data.get(name) or "").strip() for name in DETAILS}
    key = idempotency_key(data) or new_submission_id()
    _, errors = validate_pre_application({**state["answers"], **details}, day, content().desks)
    errors = {name: error for name, error in errors.items() if name in DETAILS}
    if errors:
        return details_page(lang, m, clean, {**details, "submission_id": key}, errors)
    state["details"] = {name: value for name, value in details.items() if value}
    state["submission_id"] = key
    flow.save(state)
    return go(place_url(lang, "controlla"))


def summary_rows(lang: str, m: Messages, state: dict, clean_all: dict) -> list[dict]:
    """Every answer with a way back to change it (the page then returns here)."""
    rows = [(step.field, place_url(lang, step.slug)) for step in flow.steps_for(clean_all)]
    rows += [(name, place_url(lang, "dati") + f"#{name}") for name in DETAILS]
    return [{"field": name, "label": m.s(f"form_label_{name}"),
             "value": shown_answer(name, clean_all.get(name), m), "change": url}
            for name, url in rows]


def shown_answer(name: str, value, m: Messages) -> str:
    if value is None:
        return m.s("form_not_given")
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
        return f"{m.text(desk.name)} – {m.desk_hours(desk)}"
    return shown(value, m)


def check_page(lang, m, state, day, key, errors=None):
    clean, _ = validate_pre_application({**state["answers"], **state["details"]}, day,
                                        content().desks)
    context = dict(rows=summary_rows(lang, m, state, clean), submission_id=key,
                   back=place_url(lang, "dati"))
    if errors is not None:
        order = [row["field"] for row in context["rows"]]
        return invalid("grant_check.html", m, errors, order=order, **context)
    return show("grant_check.html", m, errors={}, **context)


@bp.get(f"{GRANT}/controlla")
def grant_check(lang):
    m, state, day = messages_for(lang), flow.load(), actions.today()
    clean = flow.known(state, day)
    if not ready(state, clean, need_details=True):
        return redirect(place_url(lang, flow.next_place(state, clean)))
    return check_page(lang, m, state, day, state["submission_id"] or new_submission_id())


@bp.post(f"{GRANT}/controlla")
def grant_send(lang):
    m, state, day = messages_for(lang), flow.load(), actions.today()
    data = payload()
    if bot := rejected_bot(data, m):
        return bot
    key = idempotency_key(data) or state["submission_id"]
    clean = flow.known(state, day)
    if not ready(state, clean, need_details=True):
        done = session.get("grant_done") or {}
        if key and done.get("key") == key:  # sent already: a resend finds the same reference
            return go(url_for("forms.grant_done", lang=lang, reference=done["reference"]))
        return go(place_url(lang, flow.next_place(state, clean)))
    outcome = actions.submit_pre_application({**state["answers"], **state["details"]}, m.lang,
                                             key, day)
    if outcome.kind == "invalid":
        return check_page(lang, m, state, day, key, outcome.errors)
    if outcome.kind == "ineligible":
        return leave(lang, outcome.reasons)
    flow.forget()
    session["grant_done"] = {"key": key, "reference": outcome.reference}
    return go(url_for("forms.grant_done", lang=lang, reference=outcome.reference))


# --- confirmation ---------------------------------------------------------------------------------

@bp.get(f"{GRANT}/conferma/<reference>")
def grant_done(lang, reference):
    """Bookmarkable: the URL holds only the reference; the desk chosen is not personal."""
    m = messages_for(lang)
    wanted = normalise(reference) or reference
    found = store.pre_application_exists(actions.database(), get_db(), wanted)
    if found is None:
        abort(404)
    if found["reference"] != reference:  # typed in lower case or with spaces
        return redirect(url_for("forms.grant_done", lang=lang, reference=found["reference"]))
    desk = content().desks.get(found["preferred_desk"])
    return show("grant_done.html", m, reference=found["reference"], grant=content().heating_grant,
                desks=[desk] if desk else desks(), chosen=desk is not None)

