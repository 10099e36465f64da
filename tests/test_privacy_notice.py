"""The privacy notice says, for each open online form, what it collects, why, on which legal
basis, who sees the data and for how long, in every language, and marks each part the Comune
di Bergamo has not confirmed yet, from the data (``to_confirm`` in site_config/forms.yml).

Rendered through the site's own renderer (the page's Markdown, as the build writes it); the
real build of both switch states is in test_form_switch.py.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

from forms_service.domain.forms import PRE_APPLICATION, REGISTRATION
from portal.model import load
from portal.site.render.context import Renderer
from portal.site.render.pages import render_page

from .conftest import only_problem
from .helpers import ROOT

SHIPPED = load(ROOT)  # loading takes a while: once for the module's read-only tests
CODES = SHIPPED.codes
PARTS = ("privacy_collects", "privacy_purpose", "privacy_legal_basis", "privacy_seen_by")


def privacy(root: Path | None, lang: str) -> tuple[str, Renderer]:
    """The privacy page's Markdown in ``lang``, of the shipped content or of ``root``."""
    content = SHIPPED if root is None else load(root)
    r = Renderer(content, lang, date(2026, 11, 22))
    return render_page(r, content.pages["privacy"]).body, r


def block(body: str, r: Renderer, name: str) -> str:
    """The part of the page about one form: from its heading to the next heading."""
    start = body.index(f"### {r.s(f'privacy_form_{name}')}")
    end = body.find("\n#", start + 1)
    return body[start : end if end != -1 else None]


def test_each_open_form_says_what_why_basis_who_and_how_long_in_every_language():
    forms = SHIPPED.forms
    for lang in CODES:
        body, r = privacy(None, lang)
        for name in ("pre_application", "registration"):
            form = getattr(forms.online_forms, name)
            part = block(body, r, name)
            for key in PARTS + ("privacy_how_long",):
                assert f"**{r.s(key)}**" in part, (lang, name, key)
            assert r.inline(form.purpose) in part, (lang, name)
            assert r.inline(form.legal_basis.text) in part, (lang, name)
            assert r.inline(form.seen_by) in part, (lang, name)
            for field in form.collects:  # every field by its name in this language
                label = f"privacy_label_{field}"
                shown = (
                    r.s(label) if label in r.content.strings["it"] else r.s(f"form_label_{field}")
                )
                assert shown.lower() in part.lower(), (lang, name, field)
        months = forms.retention.pre_applications_months
        days = forms.retention.registrations_days_after_event
        assert r.s("privacy_keep_pre_application", months=months) in block(
            body, r, "pre_application"
        )
        assert r.s("privacy_keep_registration", days=days) in block(body, r, "registration")


def test_what_the_comune_has_not_confirmed_is_marked_in_every_language():
    forms = SHIPPED.forms
    assert forms.pending("retention") is not None  # shipped as the project's proposal
    for lang in CODES:
        body, r = privacy(None, lang)
        marker = r.s("pending_badge")
        for name in ("pre_application", "registration"):
            lines = block(body, r, name).splitlines()
            basis = next(line for line in lines if r.s("privacy_legal_basis") in line)
            keep = next(line for line in lines if r.s("privacy_how_long") in line)
            assert marker in basis and marker in keep, (lang, name)
            for key in ("privacy_collects", "privacy_purpose", "privacy_seen_by"):
                line = next(line for line in lines if f"**{r.s(key)}**" in line)
                assert marker not in line, (lang, name, key)  # facts of the system itself
        assert r.s("retention_proposal") in body, lang
        assert r.s("retention_confirmed") not in body, lang


def test_the_retention_periods_are_not_called_confirmed_anywhere():
    it, en = SHIPPED.strings["it"], SHIPPED.strings["en"]
    assert "non li ha ancora confermati" in it["retention_proposal"]
    assert "not confirmed them yet" in en["retention_proposal"]
    for lang in CODES:  # the proposal and the confirmation are two different sentences
        strings = SHIPPED.strings[lang]
        assert strings["retention_proposal"] != strings["retention_confirmed"], lang


def test_the_notice_no_longer_promises_a_legal_basis_before_the_forms_open():
    source = yaml.safe_load((ROOT / "content/pages/privacy.yml").read_text(encoding="utf-8"))
    texts = yaml.safe_dump(source, allow_unicode=True)
    for stale in ("prima dell'apertura dei moduli", "before the forms open", "avant l'ouverture"):
        assert stale not in texts


def test_confirming_a_part_removes_its_mark_and_only_its_mark(project):
    path = project / "site_config/forms.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["to_confirm"] = [
        entry
        for entry in data["to_confirm"]
        if entry["field"] not in ("retention", "online_forms.pre_application.legal_basis")
    ]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    forms = load(project).forms
    assert forms.pending("retention") is None
    assert forms.pending("online_forms.pre_application.legal_basis") is None
    assert forms.pending("online_forms.registration.legal_basis") is not None
    content = load(project)
    for lang in ("it", "ar", "zh"):
        r = Renderer(content, lang, date(2026, 11, 22))
        body = render_page(r, content.pages["privacy"]).body
        marker = r.s("pending_badge")
        assert marker not in block(body, r, "pre_application"), lang
        registration = block(body, r, "registration").splitlines()
        basis = next(line for line in registration if r.s("privacy_legal_basis") in line)
        keep = next(line for line in registration if r.s("privacy_how_long") in line)
        assert marker in basis and marker not in keep, lang
        assert r.s("retention_confirmed") in body and r.s("retention_proposal") not in body


def test_a_closed_form_is_said_closed_in_the_notice(project):
    path = project / "site_config/forms.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "  registration:  # iscrizione online agli eventi\n    state: open",
            "  registration:  # iscrizione online agli eventi\n    state: closed",
        )
    )
    content = load(project)
    for lang in CODES:
        r = Renderer(content, lang, date(2026, 11, 22))
        body = render_page(r, content.pages["privacy"]).body
        closed = block(body, r, "registration")
        assert r.s("privacy_form_closed") in closed, lang
        assert r.s("privacy_collects") not in closed, lang
        assert r.s("privacy_form_closed") not in block(body, r, "pre_application"), lang


def test_what_the_notice_lists_is_what_each_form_asks():
    """The list on the privacy page and the forms service's declarations cannot drift apart."""
    forms = SHIPPED.forms.online_forms
    assert set(forms.pre_application.collects) == set(PRE_APPLICATION.names)
    assert set(forms.registration.collects) == set(REGISTRATION.names)


# --- the controller's, the DPO's and the requests' contacts: data, not words ----------------

PRIVACY_CONTACTS = ("titolare-trattamento-email", "dpo-email", "privacy-richieste-email")


def test_the_notices_contacts_are_listed_as_not_yet_available_in_every_language():
    """The notice's e-mail addresses are contacts of site_config/contacts.yml: until the Comune
    gives them, the page lists each with "not yet available", as a desk does, and `portal
    pending` lists them; the same for the accessibility statement's address for reports."""
    for page_id, ids in (
        ("privacy", PRIVACY_CONTACTS),
        ("accessibilita", ("accessibilita-email",)),
    ):
        assert SHIPPED.pages[page_id].contacts == ids
        for lang in CODES:
            r = Renderer(SHIPPED, lang, date(2026, 11, 22))
            body = render_page(r, SHIPPED.pages[page_id]).body
            contacts = body[body.index(f"## {r.s('contacts')}\n") :]
            for contact_id in ids:
                contact = SHIPPED.contacts[contact_id]
                assert contact.status == "not_yet_available"
                line = f"- {r.inline(contact.label)}{r.colon}*{r.s('not_yet_available')}*"
                assert line in contacts, (page_id, lang, contact_id)


def test_a_contact_given_by_the_comune_shows_on_the_notice(project):
    path = project / "site_config/contacts.yml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: dpo-email\n")
    end = text.index("    status: not_yet_available\n", start)
    # Not a real address: a test value, never published.
    path.write_text(
        text[:end]
        + '    status: available\n    value: "dpo@example.org"\n'
        + text[end + len("    status: not_yet_available\n") :],
        encoding="utf-8",
    )
    content = load(project)
    r = Renderer(content, "en", date(2026, 11, 22))
    body = render_page(r, content.pages["privacy"]).body
    assert "[dpo@example.org](mailto:dpo@example.org)" in body
    assert body.count(f"*{r.s('not_yet_available')}*") == len(PRIVACY_CONTACTS) - 1


def test_a_page_names_only_contacts_that_exist(project):
    path = project / "content/pages/privacy.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - dpo-email\n", "  - dpo-mail\n"), encoding="utf-8")
    problem = only_problem(project)
    lines = text.splitlines()
    assert problem.file == "content/pages/privacy.yml"
    assert problem.line == lines.index("  - dpo-email") + 1
    assert "dpo-mail" in problem.message() and "dpo-email" in problem.message()
