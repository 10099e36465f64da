"""The event sign-up says what will happen, and cancelling asks first, then says what it did
(forms service through Flask's test client, on SQLite and PostgreSQL; the static event page
through the renderer)."""

from __future__ import annotations

import re
from datetime import date

from portal.model import load
from portal.site.render import render_site
from tests import test_forms_html
from tests.conftest import add_event
from tests.test_forms_html import sign_up, text

make_app = test_forms_html.make_app  # the fixture: another app on the same project and database

WAITLIST_BUTTON = "Mettimi in lista d'attesa"
QUEUE = "Ci sono posti liberi, ma prima di te altre persone aspettano già in lista d'attesa."


def test_free_places_behind_a_waiting_group_lead_to_the_waiting_list(make_app, project):
    add_event(project, "coda", capacity=2)
    client = make_app().test_client()
    sign_up(client, "coda", full_name="Anna Bianchi")  # 1 of 2 places
    sign_up(client, "coda", full_name="Bruno Verdi", people="2")  # too many: waits
    form = text(client.get("/moduli/it/eventi/coda/"))
    assert re.search(r"<dd data-places-left>1</dd>", form)  # "1 free place"...
    assert QUEUE in form and f'type="submit">{WAITLIST_BUTTON}<' in form  # ...but the list
    arabic = text(client.get("/moduli/ar/eventi/coda/"))
    assert "توجد أماكن فارغة، لكن أشخاصًا آخرين ينتظرون قبلك" in arabic
    assert "ضعني في قائمة الانتظار" in arabic
    carla = text(client.get(sign_up(client, "coda", full_name="Carla Neri")))
    assert 'data-status="waitlisted"' in carla
    assert "Sei in lista d'attesa: prima di te aspettavano già altre persone" in carla
    assert "L'evento è pieno" not in carla  # it is not: one place is free


def test_a_group_larger_than_the_free_places_is_told_before_sending(client):
    sign_up(client, "assemblea", full_name="Anna Bianchi", people="2")  # 1 of 3 left
    form = text(client.get("/moduli/it/eventi/assemblea/"))
    assert "Se iscrivi più persone dei posti liberi, l'iscrizione va in lista d'attesa." in form
    assert 'type="submit">Iscriviti<' in form and QUEUE not in form


def test_a_full_event_offers_the_waiting_list(make_app, project):
    add_event(project, "pieno", capacity=1)
    client = make_app().test_client()
    sign_up(client, "pieno", full_name="Anna Bianchi")
    form = text(client.get("/moduli/en/eventi/pieno/"))
    assert "The event is full." in form and 'type="submit">Put me on the waiting list<' in form


def test_cancelling_asks_first_and_then_says_what_happened(client):
    private = sign_up(client, "assemblea", full_name="Anna Bianchi")
    reference, token = re.search(r"iscrizione/([^?]+)\?t=(.+)", private).groups()
    page = text(client.get(private))
    # The button opens a question (a GET form, no JavaScript needed); nothing changes yet.
    assert f'<form method="get" action="/moduli/it/iscrizione/{reference}/annulla"' in page
    asked = client.get(f"/moduli/it/iscrizione/{reference}/annulla?t={token}")
    shown = text(asked)
    assert asked.status_code == 200 and "Vuoi annullare l'iscrizione?" in shown
    assert "Il tuo posto è confermato. Se annulli, il posto va alla prima persona" in shown
    assert f'<a href="{private}">No, tengo la mia iscrizione</a>' in shown
    assert 'data-status="confirmed"' in text(client.get(private))
    assert client.get(f"/moduli/it/iscrizione/{reference}/annulla?t=wrong").status_code == 403

    done = client.post(f"/moduli/it/iscrizione/{reference}/annulla", data={"t": token})
    assert (done.status_code, done.headers["Location"]) == (303, private)
    cancelled = text(client.get(private))
    assert 'data-status="cancelled"' in cancelled
    assert "Non sei più iscritto a questo evento." in cancelled
    # No "undo" that could promise the place back: a new sign-up, by everyone's rules.
    assert '<a href="/moduli/it/eventi/assemblea/">Iscriviti di nuovo</a>' in cancelled
    again = client.get(f"/moduli/it/iscrizione/{reference}/annulla?t={token}")
    assert 'data-status="cancelled"' in text(again) and "Sì, annulla" not in text(again)
    back = text(client.get(sign_up(client, "assemblea", full_name="Anna Bianchi")))
    assert 'data-status="confirmed"' in back  # the same e-mail may sign up again


def test_the_waitlisted_are_told_they_leave_the_list(make_app, project):
    add_event(project, "piccolo", capacity=1)
    client = make_app().test_client()
    sign_up(client, "piccolo", full_name="Anna Bianchi")
    bruno = sign_up(client, "piccolo", lang="uk", full_name="Bruno Verdi")
    reference, token = re.search(r"iscrizione/([^?]+)\?t=(.+)", bruno).groups()
    asked = text(client.get(f"/moduli/uk/iscrizione/{reference}/annulla?t={token}"))
    assert "Ви в списку очікування. Якщо ви скасуєте запис, то вийдете зі списку" in asked
    assert "Так, скасувати мій запис" in asked


def test_the_static_event_page_promises_no_place_and_sends_to_the_live_count(project):
    add_event(project, "assemblea", capacity=3)
    add_event(project, "libero", capacity=None)
    sites = {site.lang: site for site in render_site(load(project), date.today())}
    for lang, live, button in (
        ("it", "I posti liberi cambiano a ogni iscrizione", "Vedi i posti liberi e iscriviti"),
        ("ur", "ہر رجسٹریشن کے ساتھ خالی جگہیں بدلتی ہیں", "خالی جگہیں دیکھیں اور رجسٹریشن کریں"),
    ):
        pages = {page.path: page.body for page in sites[lang].pages}
        body = pages["corsi-ed-eventi/evento-assemblea.md"]
        assert live in body and f"[{button}](/moduli/{lang}/eventi/assemblea/)" in body
        unlimited = pages["corsi-ed-eventi/evento-libero.md"]
        assert live not in unlimited and "/moduli/" in unlimited
