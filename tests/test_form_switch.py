"""The open/closed switch of each online form (site_config/forms.yml), in both states: the
model's rule (open only with a complete privacy notice), a real build of the site, and the
real forms service (its pages and its JSON API) on a real SQLite database.

While a form is closed its pages say so in every language and list the desks with their days
and hours; the service refuses with the code ``form_closed`` and stores nothing.
"""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import pytest

from portal.formats import Formats
from portal.model import load
from portal.site.build import build

from .conftest import add_event, only_problem, service_app
from .helpers import PRE_APPLICATION, ROOT, service_rows

SHIPPED = load(ROOT)  # loading takes a while: once, for the texts the tests look for
CODES = SHIPPED.codes
FORMS = "site_config/forms.yml"
PERSON = {"full_name": "Anna Bianchi", "email": "anna@example.it", "people": 1, "consent": True}


def switch(root: Path, form: str, state: str) -> None:
    """Set ``state`` under ``online_forms.<form>`` in the project's forms.yml."""
    path = root / FORMS
    text = path.read_text(encoding="utf-8")
    pattern = rf"(\n  {form}:[^\n]*\n    state: )\w+"
    assert re.search(pattern, text), f"no state for {form}"
    path.write_text(re.sub(pattern, rf"\g<1>{state}", text), encoding="utf-8")


def strings(lang: str) -> Formats:
    return Formats(SHIPPED, lang)


def readable(page: str) -> str:
    """The page's text as a person reads it: tags out, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


# --- the model ---------------------------------------------------------------------------------


def test_the_shipped_forms_are_open_with_a_complete_notice():
    forms = SHIPPED.forms.online_forms
    for form in (forms.pre_application, forms.registration):
        assert form.state == "open"
        assert form.collects and form.purpose and form.legal_basis and form.seen_by


def test_an_open_form_without_a_legal_basis_is_an_error_that_says_how_to_fix_it(project):
    path = project / FORMS
    text = path.read_text(encoding="utf-8")
    start = text.index("  registration:")
    cut = text.index("    legal_basis:", start)
    end = text.index("    seen_by:", cut)
    path.write_text(text[:cut] + text[end:], encoding="utf-8")
    problem = only_problem(project)
    assert problem.file == FORMS
    assert problem.line == text[:start].count("\n") + 2  # the form's own mapping
    assert "legal_basis" in problem.message() and "state: closed" in problem.message()
    switch(project, "registration", "closed")  # a closed form needs no notice
    assert load(project).forms.online_forms.registration.state == "closed"


def test_a_state_other_than_open_or_closed_is_refused(project):
    switch(project, "pre_application", "chiuso")
    problem = only_problem(project)
    assert problem.file == FORMS and "closed" in problem.message()


def test_a_collected_field_without_a_label_is_named_with_its_line(project):
    path = project / FORMS
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("[full_name, phone, email, people", "[full_nme, phone, email, people")
    )
    problem = only_problem(project)
    assert problem.file == FORMS
    assert problem.line == text[: text.index("full_name, phone, email, people")].count("\n") + 1
    assert "full_nme" in problem.message() and "full_name" in problem.message()


def test_the_footer_takes_only_an_available_contact(project):
    path = project / "site_config/contacts.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "    status: not_yet_available\n",
            "    status: not_yet_available\n    in_footer: true\n",
            1,
        ),
        encoding="utf-8",
    )
    problem = only_problem(project)
    assert problem.file == "site_config/contacts.yml" and "in_footer" in problem.message()


# --- the site, both states -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    """The shipped content (both forms open) and the same with both forms closed, each built
    for real, with an event whose sign-up is open."""
    from .helpers import copy_project

    built = {}
    for state in ("open", "closed"):
        root = copy_project(tmp_path_factory.mktemp(f"project-{state}"))
        add_event(root)
        switch(root, "pre_application", state)
        switch(root, "registration", state)
        out = tmp_path_factory.mktemp(f"site-{state}") / "site"
        build(root, out, today=date(2026, 11, 22))
        built[state] = out
    return built


def page(site: Path, lang: str, path: str) -> str:
    folder = site if lang == "it" else site / lang
    return (folder / path / "index.html").read_text(encoding="utf-8")


@pytest.mark.timeout(600)
def test_closed_forms_send_every_language_to_the_desks_on_the_site(sites):
    hours = {lang: strings(lang) for lang in CODES}
    desks = SHIPPED.desks.values()
    for lang in CODES:
        s = hours[lang]
        grant = readable(page(sites["closed"], lang, "contributo-riscaldamento"))
        event = readable(page(sites["closed"], lang, "corsi-ed-eventi/evento-assemblea"))
        for text, notice in ((grant, "form_closed_grant"), (event, "form_closed_event")):
            assert s.s("form_closed_title") in text, lang
            assert s.s(notice) in text, lang
            for desk in desks:
                assert s.desk_hours(desk) in text, (lang, desk.id)
        raw = page(sites["closed"], lang, "contributo-riscaldamento")
        assert f"/moduli/{lang}/contributo-riscaldamento/" not in raw, lang  # stores nothing
        assert s.s("grant_pre_now") not in grant, lang
        event_raw = page(sites["closed"], lang, "corsi-ed-eventi/evento-assemblea")
        assert f"/moduli/{lang}/eventi/assemblea/" not in event_raw, lang
        privacy = readable(page(sites["closed"], lang, "privacy"))
        assert privacy.count(s.s("privacy_form_closed")) == 2, lang


@pytest.mark.timeout(600)
def test_open_forms_are_offered_and_say_what_the_online_form_is(sites):
    for lang in CODES:
        s = strings(lang)
        raw = page(sites["open"], lang, "contributo-riscaldamento")
        grant = readable(raw)
        assert f"/moduli/{lang}/contributo-riscaldamento/" in raw, lang
        assert s.s("form_closed_title") not in grant, lang
        # The dates to apply are unknown and said so, right beside what can be done now.
        assert s.s("window_unknown") in grant and s.s("grant_pre_now") in grant, lang
        event = page(sites["open"], lang, "corsi-ed-eventi/evento-assemblea")
        assert f"/moduli/{lang}/eventi/assemblea/" in event, lang


# --- the service, both states ---------------------------------------------------------------


@pytest.fixture
def app(project, tmp_path):
    """The real forms service on a SQLite database of its own, on a copy of the content that
    the test may switch; it rereads the content on every request."""
    add_event(project)
    service = service_app(project, f"sqlite:///{tmp_path / 'portal.sqlite3'}")
    service.extensions["portal_content"].check_every = 0
    yield service
    service.extensions["portal_db"].close()


def count(service, table: str) -> int:
    return service_rows(service, f"SELECT COUNT(*) AS n FROM {table}")[0]["n"]


def test_a_closed_pre_application_says_so_everywhere_and_stores_nothing(app, project):
    client = app.test_client()
    switch(project, "pre_application", "closed")
    for lang in CODES:
        s = strings(lang)
        start = client.get(f"/moduli/{lang}/contributo-riscaldamento/")
        text = readable(start.get_data(as_text=True))
        assert start.status_code == 200
        assert s.s("form_closed_grant") in text, lang
        assert "form-button--start" not in start.get_data(as_text=True), lang  # no way in
        for desk in SHIPPED.desks.values():
            assert s.desk_hours(desk) in text, (lang, desk.id)
    question = client.get("/moduli/it/contributo-riscaldamento/riscaldamento")
    assert question.status_code == 302 and question.location.endswith("/contributo-riscaldamento/")
    answer = client.post(
        "/moduli/en/contributo-riscaldamento/riscaldamento", data={"heating": "centralized"}
    )
    assert answer.status_code == 409
    assert strings("en").s("form_closed_grant") in readable(answer.get_data(as_text=True))
    script = client.post(
        "/moduli/ar/contributo-riscaldamento/riscaldamento",
        data={"heating": "centralized"},
        headers={"Accept": "application/json"},
    )
    assert script.status_code == 409 and script.json["error"]["code"] == "form_closed"
    api = client.post("/api/heating-grant/pre-applications", json={**PRE_APPLICATION, "lang": "uk"})
    assert api.status_code == 409
    assert api.json["error"] == {
        "code": "form_closed",
        "message": strings("uk").s("error_form_closed"),
        "lang": "uk",
    }
    assert count(app, "pre_applications") == 0
    # Open again: the same request is taken, with no restart.
    switch(project, "pre_application", "open")
    assert (
        client.post("/api/heating-grant/pre-applications", json=PRE_APPLICATION).status_code == 201
    )
    assert count(app, "pre_applications") == 1


def test_a_closed_sign_up_says_so_and_stores_nothing(app, project):
    client = app.test_client()
    switch(project, "registration", "closed")
    for lang in CODES:
        s = strings(lang)
        form = client.get(f"/moduli/{lang}/eventi/assemblea/")
        text = readable(form.get_data(as_text=True))
        assert form.status_code == 409
        assert s.s("form_closed_event") in text, lang
        assert 'name="full_name"' not in form.get_data(as_text=True)
        for desk in SHIPPED.desks.values():
            assert s.desk_hours(desk) in text, (lang, desk.id)
    posted = client.post(
        "/moduli/fr/eventi/assemblea/", data={**PERSON, "consent": "on", "website": ""}
    )
    assert posted.status_code == 409
    assert strings("fr").s("form_closed_event") in readable(posted.get_data(as_text=True))
    api = client.post("/api/events/assemblea/registrations", json={**PERSON, "lang": "zh"})
    assert api.status_code == 409
    assert api.json["error"] == {
        "code": "form_closed",
        "message": strings("zh").s("error_form_closed"),
        "lang": "zh",
    }
    assert count(app, "registrations") == 0
    switch(project, "registration", "open")
    assert client.post("/api/events/assemblea/registrations", json=PERSON).status_code == 201
    assert count(app, "registrations") == 1


def test_the_form_start_page_says_what_is_known_about_dates(app):
    client = app.test_client()
    grant = SHIPPED.heating_grant
    for lang in CODES:
        s = strings(lang)
        text = readable(
            client.get(f"/moduli/{lang}/contributo-riscaldamento/").get_data(as_text=True)
        )
        assert s.s("form_grant_dates") in text, lang
        assert s.s("window_unknown") in text, lang  # the official application's dates
        assert s.s("grant_pre_now") in text, lang  # what the online form is, and that it is open
        assert grant.season.get(lang).split(".")[0] in text, lang  # the heating season
