"""Addresses the site and the forms service share: written once, used by both sides.

The static site links to the forms and the forms link back to site pages, so each
path is a function here rather than a string typed in two places.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

SITE_URL_VARIABLE = "PORTAL_SITE_URL"
DEFAULT_SITE_URL = "http://127.0.0.1:8000/"

API_PREFIX = "/api"
FORMS_PREFIX = "/moduli"
STAFF_PREFIX = "/staff"  # the desk team's area
# What nginx passes to the service.
SERVICE_PREFIXES = (f"{API_PREFIX}/", f"{FORMS_PREFIX}/", f"{STAFF_PREFIX}/")

GRANT_FORM_SLUG = "contributo-riscaldamento"
EVENT_FORM_SLUG = "eventi"
STATUS_FORM_SLUG = "stato"
ACTIVITIES_FOLDER = "corsi-ed-eventi"
DESKS_FOLDER = "sportelli"
POSTERS_SLUG = "manifesti"
PRIVACY_PAGE = "privacy"


def site_url(environ: Mapping[str, str] = os.environ) -> str:
    """The public address (``PORTAL_SITE_URL``), always ending in a slash."""
    url = environ.get(SITE_URL_VARIABLE) or DEFAULT_SITE_URL
    return url if url.endswith("/") else url + "/"


def site_home(lang: str, source_language: str) -> str:
    """The site's home page for ``lang``: the source language lives at the root."""
    return "/" if lang == source_language else f"/{lang}/"


def grant_form(lang: str) -> str:
    """The first page of the heating-grant pre-application."""
    return f"{FORMS_PREFIX}/{lang}/{GRANT_FORM_SLUG}/"


def status_form(lang: str) -> str:
    """Where a resident looks up the status of a pre-application with its reference."""
    return f"{FORMS_PREFIX}/{lang}/{STATUS_FORM_SLUG}/"


def event_form(lang: str, event_id: str) -> str:
    """The sign-up page of one event."""
    return f"{FORMS_PREFIX}/{lang}/{EVENT_FORM_SLUG}/{event_id}/"


def event_page(lang: str, source_language: str, event_id: str) -> str:
    """The event's page on the static site."""
    return f"{site_home(lang, source_language)}{ACTIVITIES_FOLDER}/evento-{event_id}/"


def desk_page(lang: str, source_language: str, desk_id: str) -> str:
    """A desk's page on the static site."""
    return f"{site_home(lang, source_language)}{DESKS_FOLDER}/{desk_id}/"


def poster_name(kind: str, item_id: str = "") -> str:
    """A poster's name: ``sportello-<desk>``, ``evento-<event>`` or the grant's slug."""
    return {"desk": f"sportello-{item_id}", "event": f"evento-{item_id}"}.get(kind, GRANT_FORM_SLUG)


def poster(lang: str, name: str) -> str:
    """A printable poster, made by the forms service, in Italian and ``lang``."""
    return f"{FORMS_PREFIX}/{lang}/{POSTERS_SLUG}/{name}.pdf"


def privacy_page(lang: str, source_language: str) -> str:
    return f"{site_home(lang, source_language)}{PRIVACY_PAGE}/"


# iCalendar feeds (portal/site/calendars.py), one set per language, written by the build.
CALENDARS_FOLDER = "calendari"


def desk_calendar(lang: str, source_language: str, desk_id: str) -> str:
    """The feed of a desk's openings (weekly hours, closures, extra openings)."""
    return f"{site_home(lang, source_language)}{CALENDARS_FOLDER}/sportello-{desk_id}.ics"


def events_calendar(lang: str, source_language: str) -> str:
    """The feed of every event with a date."""
    return f"{site_home(lang, source_language)}{CALENDARS_FOLDER}/eventi.ics"


def event_calendar(lang: str, source_language: str, event_id: str) -> str:
    """The feed of one event (its page and the registration page link it)."""
    return f"{site_home(lang, source_language)}{CALENDARS_FOLDER}/evento-{event_id}.ics"
