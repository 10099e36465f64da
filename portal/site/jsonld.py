"""schema.org JSON-LD for the desk, service and event pages, from the content model.

``jsonld_for(content, lang, path)`` is pure: the JSON-LD object of one page (a docs path such
as ``sportelli/celadina.md``) in one language, or None. ``with_jsonld`` puts it in a page's
front matter as ``jsonld``; the theme (site_config/theme/main.html) writes it into
``<head>`` as ``<script type="application/ld+json">``. Another generator only needs to do
the same with the front matter.

Facts only: a field the content marks "to be confirmed" is left out, like in the open data
(opendata.py). An event's places are what the YAML says at build time
(``maximumAttendeeCapacity``); how many are left is known only to the forms service, live,
so the static page does not claim a ``remainingAttendeeCapacity``.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from ..formats import Formats
from ..model import Content
from ..model.schedule import WEEKDAYS
from ..urls import event_form, site_url
from .opendata import COUNTRY, ORGANIZATION, known, page_url, plain
from .render import desk_path, event_path, service_path

CONTEXT = "https://schema.org"
DAYS = {day: f"https://schema.org/{day.capitalize()}" for day in WEEKDAYS}
# Characters that may not appear raw in a <script> element or in the YAML front matter
# (U+2028, U+2029 and NEL are line breaks to YAML), each written as a JSON escape instead.
HOLIDAYS_AHEAD = timedelta(days=365)  # the public holidays a desk's special hours list
_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028"}
_ESCAPES.update({"\u2029": "\\u2029", "\x85": "\\u0085"})


def _organization() -> dict:
    return {"@type": "GovernmentOrganization", "name": ORGANIZATION[1]}


def _address(desk) -> dict | None:
    address = known(desk, "address", desk.address)
    if address is None:
        return None
    return {
        "@type": "PostalAddress",
        "streetAddress": address.street,
        "addressLocality": address.city,
        "addressCountry": COUNTRY,
    }


def _clean(value: dict) -> dict:
    return {k: v for k, v in value.items() if v not in (None, [], "")}


def _hhmm(moment) -> str:
    return moment.strftime("%H:%M")


def _special(day: date, opens, closes, description) -> dict:
    """One dated entry of specialOpeningHoursSpecification: an extra opening's hours, or a
    day closed all day, which schema.org writes as opens and closes both 00:00."""
    return _clean(
        {
            "@type": "OpeningHoursSpecification",
            "validFrom": day.isoformat(),
            "validThrough": day.isoformat(),
            "opens": _hhmm(opens) if opens else "00:00",
            "closes": _hhmm(closes) if closes else "00:00",
            "description": description,
        }
    )


def desk_office(content: Content, lang: str, desk, today: date) -> dict:
    f = Formats(content, lang)
    schedule = known(desk, "schedule", desk.schedule)
    regular, special = [], []
    if schedule is not None:
        for slot in schedule.week:
            regular.append(
                _clean(
                    {
                        "@type": "OpeningHoursSpecification",
                        "dayOfWeek": DAYS[slot.day],
                        "opens": _hhmm(slot.opens),
                        "closes": _hhmm(slot.closes),
                        "validFrom": schedule.valid_from and schedule.valid_from.isoformat(),
                        "validThrough": schedule.valid_until and schedule.valid_until.isoformat(),
                    }
                )
            )
        # The public holidays of the coming year on which the desk would open, closed like
        # an announced closure (the model's rule; the next build carries the year on).
        holidays = [c for c in schedule.closures(today, today + HOLIDAYS_AHEAD) if c.holiday]
        special += [_special(c.day, None, None, f.closure_line(c)) for c in holidays]
        special += [
            _special(item.date, item.opens, item.closes, plain(f, item.reason))
            for item in schedule.exceptions
        ]
    url = page_url(lang, content.source_language, desk_path(desk.id))
    return _clean(
        {
            "@context": CONTEXT,
            "@type": "GovernmentOffice",
            "@id": url + "#office",
            "name": plain(f, desk.name),
            "description": plain(f, known(desk, "summary", desk.summary)),
            "url": url,
            "address": _address(desk),
            "parentOrganization": _organization(),
            "openingHoursSpecification": regular,
            "specialOpeningHoursSpecification": sorted(special, key=lambda s: s["validFrom"]),
        }
    )


def government_service(content: Content, lang: str, service) -> dict:
    f = Formats(content, lang)
    source = content.source_language
    url = page_url(lang, source, service_path(service.id))
    desks = [content.desks[d] for d in known(service, "desks", service.desks) or ()]
    channels = []
    for desk in desks:
        desk_url = page_url(lang, source, desk_path(desk.id))
        office: dict = {"@type": "GovernmentOffice", "@id": desk_url + "#office"}
        office.update(name=plain(f, desk.name), url=desk_url, address=_address(desk))
        channels.append({"@type": "ServiceChannel", "serviceLocation": _clean(office)})
    for contact_id in known(service, "contacts", service.contacts) or ():
        contact = content.contacts[contact_id]
        if contact.kind == "phone" and contact.status == "available" and contact.value:
            phone = {"@type": "ContactPoint", "telephone": contact.value}
            phone["name"] = plain(f, contact.label)
            channels.append({"@type": "ServiceChannel", "servicePhone": phone})
    # The page itself, in the languages its title and summary are written in.
    languages = [
        {"@type": "Language", "name": language.name, "alternateName": language.code}
        for language in content.languages
        if service.title.get(language.code) and service.summary.get(language.code)
    ]
    channels.append({"@type": "ServiceChannel", "serviceUrl": url, "availableLanguage": languages})
    audience = plain(f, known(service, "audience", service.audience))
    cities = sorted({a["addressLocality"] for d in desks if (a := _address(d))})
    return _clean(
        {
            "@context": CONTEXT,
            "@type": "GovernmentService",
            "@id": url + "#service",
            "name": plain(f, service.title),
            "description": plain(f, known(service, "summary", service.summary)),
            "url": url,
            "provider": _organization(),
            "serviceOperator": _organization(),
            "audience": audience and {"@type": "Audience", "audienceType": audience},
            "areaServed": [{"@type": "City", "name": city} for city in cities],
            "availableChannel": channels,
        }
    )


def event(content: Content, lang: str, item) -> dict:
    f = Formats(content, lang)
    source = content.source_language
    zone = ZoneInfo(item.timezone)
    dated = not item.date_to_be_confirmed and item.start and item.end
    place = known(item, "place", item.place)
    location = None
    if place is not None and place.desk:
        desk = content.desks[place.desk]
        location = _clean(
            {
                "@type": "Place",
                "name": plain(f, desk.name),
                "url": page_url(lang, source, desk_path(desk.id)),
                "address": _address(desk),
            }
        )
    elif place is not None and place.address:
        location = {"@type": "Place", "address": place.address}
    signup = None
    # No offer while online sign-up is switched off (site_config/forms.yml): it stores nothing.
    if item.signup and dated and content.forms.online_forms.registration.state == "open":
        signup = {
            "@type": "Offer",
            "url": site_url().rstrip("/") + event_form(lang, item.id),
            "availabilityStarts": item.signup.opens.replace(tzinfo=zone).isoformat(),
            "availabilityEnds": item.signup.closes.replace(tzinfo=zone).isoformat(),
        }
    url = page_url(lang, source, event_path(item.id))
    return _clean(
        {
            "@context": CONTEXT,
            "@type": "Event",
            "@id": url + "#event",
            "name": plain(f, item.title),
            "description": plain(f, known(item, "description", item.description)),
            "url": url,
            "startDate": item.start.replace(tzinfo=zone).isoformat() if dated else None,
            "endDate": item.end.replace(tzinfo=zone).isoformat() if dated else None,
            "eventStatus": "https://schema.org/EventScheduled" if dated else None,
            "eventAttendanceMode": location and "https://schema.org/OfflineEventAttendanceMode",
            "location": location,
            "inLanguage": list(known(item, "languages", item.languages) or ()),
            # The places the YAML gives, known at build time; no count of those left.
            "maximumAttendeeCapacity": known(item, "capacity", item.capacity),
            "offers": signup,
        }
    )


def jsonld_for(content: Content, lang: str, path: str, today: date) -> dict | None:
    """The JSON-LD of the page at docs path ``path`` in ``lang``, or None."""
    for desk in content.desks.values():
        if path == desk_path(desk.id):
            return desk_office(content, lang, desk, today)
    for service in content.services.values():
        if path == service_path(service.id):
            return government_service(content, lang, service)
    for item in content.events.values():
        if path == event_path(item.id):
            return event(content, lang, item)
    return None


def script_text(data: dict) -> str:
    """JSON that can stand inside <script> as it is: no "</script>" or "<!--" can form."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in _ESCAPES.items():
        text = text.replace(char, escape)
    return text


def with_jsonld(content: Content, docs: dict[str, str], today: date) -> dict[str, str]:
    """``docs`` ({"lang/path.md": Markdown}) with a ``jsonld`` front matter entry on each
    page that has one."""
    out = {}
    for key, markdown in docs.items():
        lang, _, path = key.partition("/")
        data = jsonld_for(content, lang, path, today)
        if data is not None and markdown.startswith("---\n"):
            entry = json.dumps(script_text(data), ensure_ascii=False)
            markdown = f"---\njsonld: {entry}\n{markdown[4:]}"
        out[key] = markdown
    return out
