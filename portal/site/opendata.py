"""The directory as Open Referral HSDS 3.x open data: organization, services, locations and
their schedules, as JSON and as a tabular data package (CSV + ``datapackage.json``).

``hsds_tables(content, today)`` is the pure mapping from the content model to HSDS rows, one
list per HSDS table; the JSON objects are nested from the same rows, so both formats say the
same thing. ``write_open_data(site_dir, content, today)`` writes them under ``open-data/hsds/``
of a built site. No MkDocs here: any generator can call it. The mapping, and what is left out
and why, is in docs/open-data.md.

Only what the content states is exported: a field the content marks "to be confirmed"
(``to_confirm``) is left out, a contact that is "not yet available" has no phone or e-mail.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import urljoin

from ..formats import Formats
from ..model import Content, Text
from ..model.schedule import WEEKDAYS, Schedule
from ..urls import site_url
from .render import service_path

# Ids are uuid5 of this namespace and a path of content ids ("location/celadina"): the same
# content gives the same ids in every build, whatever the order of the files. Never change it.
NAMESPACE = uuid.UUID("eb91f75c-a220-41e3-9130-999463632d80")
FOLDER = "open-data/hsds"  # under the site's root; the page content/pages/open-data.yml links here
TABULAR = "tabular"
HSDS_VERSION = "3.0"
# Who runs the project and publishes the site (content/pages/note-legali.yml, footer_about).
ORGANIZATION = ("comune-di-bergamo", "Comune di Bergamo")
COUNTRY = "IT"  # the Comune di Bergamo is in Italy; HSDS wants an ISO 3166-1 code
# HSDS requires state_province: the province of each city the content names (only Bergamo).
PROVINCE = {"Bergamo": "BG"}
STATUS = {  # content status -> HSDS service status
    "active": "active",
    "planned": "inactive",
    "suspended": "temporarily closed",
    "closed": "defunct",
}
DAY_CODES = dict(zip(WEEKDAYS, ("MO", "TU", "WE", "TH", "FR", "SA", "SU"), strict=True))

# The columns exported per HSDS table (a subset of the table's fields, in the spec's order),
# with the resource name and CSV path of the HSDS schema.
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "organization": (
        "organizations.csv",
        ("id", "name", "alternate_name", "description"),
    ),
    "service": (
        "services.csv",
        (
            "id",
            "organization_id",
            "name",
            "description",
            "url",
            "email",
            "status",
            "application_process",
            "fees_description",
            "eligibility_description",
            "alert",
        ),
    ),
    "service_at_location": ("service_at_location.csv", ("id", "service_id", "location_id")),
    "location": (
        "locations.csv",
        ("id", "location_type", "organization_id", "name", "alternate_name", "description"),
    ),
    "address": (
        "addresses.csv",
        (
            "id",
            "location_id",
            "address_1",
            "city",
            "state_province",
            "postal_code",
            "country",
            "address_type",
        ),
    ),
    "phone": (
        "phones.csv",
        ("id", "location_id", "service_id", "organization_id", "number", "type", "description"),
    ),
    "schedule": (
        "schedules.csv",
        (
            "id",
            "location_id",
            "valid_from",
            "valid_to",
            "dtstart",
            "timezone",
            "until",
            "wkst",
            "freq",
            "interval",
            "byday",
            "description",
            "opens_at",
            "closes_at",
            "notes",
        ),
    ),
    "service_area": ("service_areas.csv", ("id", "service_id", "name")),
}
# Required in the HSDS schemas ("required", and "tabular_required" for the CSV package).
REQUIRED = {
    "organization": {"id", "name", "description"},
    "service": {"id", "name", "status", "organization_id"},
    "service_at_location": {"id", "service_id", "location_id"},
    "location": {"id", "location_type"},
    "address": {
        "id",
        "address_1",
        "city",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    },
    "phone": {"id", "number"},
    "schedule": {"id"},
    "service_area": {"id"},
}
FOREIGN = {"organization_id": "organization", "service_id": "service", "location_id": "location"}
DATES = {"valid_from", "valid_to", "dtstart", "until"}
NUMBERS = {"timezone", "interval"}


def uid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_EMPHASIS = re.compile(r"(\*\*|\*)(\S(?:.*?\S)?)\1")
_TAG = re.compile(r"<[^>\n]+>")


def plain(f: Formats, text: Text | None) -> str | None:
    """A content text as plain text in ``f``'s language (Italian when not translated): no
    emphasis or HTML, links as their words (and the address, when absolute), list lines
    kept."""
    if text is None:
        return None
    value = f.fill(text.resolve(f.lang, f.source)[0])
    value = _LINK.sub(lambda m: f"{m[1]} ({m[2]})" if "://" in m[2] else m[1], value)
    value = _TAG.sub("", _EMPHASIS.sub(r"\2", value))
    lines = [line.strip() for line in value.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) or None


def known(item, path: str, value):
    """``value``, or None when the content marks ``path`` of ``item`` as to be confirmed."""
    return None if item.pending(path) is not None else value


def page_url(lang: str, source: str, path: str) -> str:
    """The absolute address of a docs page (``servizi/x.md``), as the site serves it."""
    prefix = "" if lang == source else f"{lang}/"
    stem = path.removesuffix(".md").removesuffix("index")
    return urljoin(site_url(), prefix + (stem if not stem or stem.endswith("/") else stem + "/"))


# --- schedules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """Consecutive weekly occurrences of one slot with one UTC offset: one HSDS schedule row."""

    day: str
    opens: time
    closes: time
    first: date
    last: date
    offset: timedelta
    extra: bool = False
    reason: Text | None = None


def _offset(schedule: Schedule, day: date, at: time) -> timedelta:
    offset = datetime.combine(day, at, schedule.zone).utcoffset()
    assert offset is not None  # a ZoneInfo always has one
    return offset


def _period_edge(schedule: Schedule, day: date, step: int) -> date:
    """The first (step -1) or last (step 1) day with the UTC offset of ``day`` at noon."""
    offset = _offset(schedule, day, time(12))
    while _offset(schedule, day + timedelta(days=step), time(12)) == offset:
        day += timedelta(days=step)
    return day


def horizon(schedule: Schedule, today: date) -> tuple[date, date]:
    """From the start of today's offset period to the end of the period a year ahead: whole
    periods, so a row's dates do not move from one day's build to the next."""
    return (
        _period_edge(schedule, today, -1),
        _period_edge(schedule, today + timedelta(days=365), 1),
    )


def schedule_runs(schedule: Schedule, today: date) -> list[Run]:
    """The schedule as rows HSDS can hold: each weekly slot split wherever its UTC offset
    changes (the HSDS times carry an offset, Europe/Rome has two) and around the days it does
    not open (closures), plus one row per extra opening. Read from ``openings_on``, so the
    rows open exactly when the site says the desk is open."""
    start, end = horizon(schedule, today)
    runs: list[Run] = []
    for slot in schedule.weekly:
        current: Run | None = None
        day = start + timedelta(days=(WEEKDAYS.index(slot.day) - start.weekday()) % 7)
        while day <= end:
            opens = any(
                not o.extra and o.opens == slot.opens and o.closes == slot.closes
                for o in schedule.openings_on(day)
            )
            offset = _offset(schedule, day, slot.opens)
            if current and opens and offset == current.offset:
                current = Run(slot.day, slot.opens, slot.closes, current.first, day, offset)
            else:
                if current:
                    runs.append(current)
                current = (
                    Run(slot.day, slot.opens, slot.closes, day, day, offset) if opens else None
                )
            day += timedelta(days=7)
        if current:
            runs.append(current)
    for item in schedule.exceptions:
        if item.kind == "extra" and start <= item.date <= end:
            assert item.opens is not None and item.closes is not None  # checked by the model
            if any(o.extra and o.opens == item.opens for o in schedule.openings_on(item.date)):
                day_name = WEEKDAYS[item.date.weekday()]
                offset = _offset(schedule, item.date, item.opens)
                runs.append(
                    Run(
                        day_name,
                        item.opens,
                        item.closes,
                        item.date,
                        item.date,
                        offset,
                        extra=True,
                        reason=item.reason,
                    )
                )
    return sorted(runs, key=lambda r: (r.first, r.opens))


def _hours(offset: timedelta) -> int | float:
    """The UTC offset in hours, as HSDS's ``timezone`` number (1 in winter, 2 in summer)."""
    hours = offset.total_seconds() / 3600
    return int(hours) if hours.is_integer() else hours


def _clock(at: time, offset: timedelta) -> str:
    """09:00:00+01:00: HSDS wants the offset on opens_at and closes_at."""
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{at.strftime('%H:%M:%S')}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def schedule_rows(f: Formats, owner_id: str, location_id: str, schedule: Schedule, today: date):
    rows = []
    for run in schedule_runs(schedule, today):
        key = "extra" if run.extra else "weekly"
        hours = f"{run.opens:%H:%M}-{run.closes:%H:%M}"
        what = f"{f.weekday(run.day)} {f.hours(run.opens, run.closes)}"
        if run.extra:
            what = f"{f.date(run.first)}: {f.s('extra_opening')} {f.hours(run.opens, run.closes)}"
        rows.append(
            {
                "id": uid("schedule", owner_id, key, run.day, hours, run.first.isoformat()),
                "location_id": location_id,
                "valid_from": run.first.isoformat(),
                "valid_to": run.last.isoformat(),
                "dtstart": run.first.isoformat(),
                "timezone": _hours(run.offset),
                "until": run.last.isoformat(),
                "wkst": "MO",
                "freq": "WEEKLY",
                "interval": 1,
                "byday": DAY_CODES[run.day],
                "description": what,
                "opens_at": _clock(run.opens, run.offset),
                "closes_at": _clock(run.closes, run.offset),
                "notes": plain(f, run.reason),
            }
        )
    return rows


# --- the tables --------------------------------------------------------------------------------


def _phones_and_email(content: Content, f: Formats, ids, owner: dict) -> tuple[list, str | None]:
    """Only contacts the configuration says are available: never a number that is not."""
    phones, email = [], None
    for contact_id in ids:
        contact = content.contacts[contact_id]
        if contact.status != "available" or not contact.value:
            continue
        if contact.kind == "phone":
            phones.append(
                {
                    "id": uid("phone", *owner.values(), contact_id),
                    **owner,
                    "number": contact.value,
                    "type": "voice",
                    "description": plain(f, contact.label),
                }
            )
        elif contact.kind == "email" and email is None:
            email = contact.value
    return phones, email


def hsds_tables(content: Content, today: date) -> dict[str, list[dict]]:
    """Every HSDS row of the directory, per table, sorted by id; None marks an empty field."""
    source = content.source_language
    f = Formats(content, source)
    org_id = uid("organization", ORGANIZATION[0])
    tables: dict[str, list[dict]] = {name: [] for name in TABLES}
    project = content.pages.get("progetto")
    tables["organization"].append(
        {
            "id": org_id,
            "name": ORGANIZATION[1],
            "alternate_name": f.s("site_name"),
            "description": plain(f, project.summary if project else None) or f.s("footer_about"),
        }
    )
    cities: dict[str, str | None] = {}
    for desk in content.desks.values():
        location_id = uid("location", desk.id)
        address = known(desk, "address", desk.address)
        cities[desk.id] = address.city if address else None
        description = [plain(f, known(desk, "summary", desk.summary))]
        if address is None:  # as the site writes it: the address is not known yet
            description.append(f.s("address_unknown") + ".")
        elif address.note:
            description.append(plain(f, address.note))
        tables["location"].append(
            {
                "id": location_id,
                "location_type": "physical",
                "organization_id": org_id,
                "name": plain(f, desk.name),
                "alternate_name": desk.neighbourhood,
                "description": "\n\n".join(d for d in description if d) or None,
            }
        )
        if address is not None:
            tables["address"].append(
                {
                    "id": uid("address", desk.id),
                    "location_id": location_id,
                    "address_1": address.street,
                    "city": address.city,
                    "state_province": PROVINCE.get(address.city, ""),
                    "postal_code": "",  # not in the content: empty, never guessed
                    "country": COUNTRY,
                    "address_type": "physical",
                }
            )
        if desk.pending("schedule") is None:
            tables["schedule"] += schedule_rows(f, desk.id, location_id, desk.schedule, today)
        phones, _ = _phones_and_email(
            content, f, known(desk, "contacts", desk.contacts) or (), {"location_id": location_id}
        )
        tables["phone"] += phones
    for service in content.services.values():
        service_id = uid("service", service.id)
        phones, email = _phones_and_email(
            content,
            f,
            known(service, "contacts", service.contacts) or (),
            {"service_id": service_id},
        )
        tables["phone"] += phones
        status = known(service, "status", service.status)
        tables["service"].append(
            {
                "id": service_id,
                "organization_id": org_id,
                "name": plain(f, service.title),
                "description": plain(f, known(service, "summary", service.summary)),
                "url": page_url(source, source, service_path(service.id)),
                "email": email,
                # HSDS requires a status: a status still to be confirmed is not "active".
                "status": STATUS[status.state] if status else "inactive",
                "application_process": plain(f, known(service, "how_to", service.how_to)),
                "fees_description": plain(f, known(service, "costs", service.costs)),
                "eligibility_description": plain(f, known(service, "audience", service.audience)),
                "alert": plain(f, status.reason) if status else None,
            }
        )
        desks = known(service, "desks", service.desks) or ()
        for desk_id in desks:
            tables["service_at_location"].append(
                {
                    "id": uid("service_at_location", service.id, desk_id),
                    "service_id": service_id,
                    "location_id": uid("location", desk_id),
                }
            )
        for city in sorted({c for d in desks if (c := cities.get(d))}):
            tables["service_area"].append(
                {
                    "id": uid("service_area", service.id, city),
                    "service_id": service_id,
                    "name": city,
                }
            )
    for rows in tables.values():
        rows.sort(key=lambda row: row["id"])
    return tables


# --- JSON, nested as the HSDS API serves it ----------------------------------------------------


def _clean(row: dict) -> dict:
    """A row as a JSON object: empty fields left out (HSDS types have no null)."""
    return {k: v for k, v in row.items() if v is not None}


def _children(tables, table: str, key: str, value: str) -> list[dict]:
    return [_clean(r) for r in tables[table] if r.get(key) == value]


def location_objects(tables) -> list[dict]:
    return [
        {
            **_clean(row),
            "addresses": _children(tables, "address", "location_id", row["id"]),
            "phones": _children(tables, "phone", "location_id", row["id"]),
            "schedules": _children(tables, "schedule", "location_id", row["id"]),
        }
        for row in tables["location"]
    ]


def service_objects(tables) -> list[dict]:
    """Each service with its organization, areas, phones and locations (with their hours)."""
    organization = _clean(tables["organization"][0])
    locations = {loc["id"]: loc for loc in location_objects(tables)}
    return [
        {
            **_clean(row),
            "organization": organization,
            "phones": _children(tables, "phone", "service_id", row["id"]),
            "service_areas": _children(tables, "service_area", "service_id", row["id"]),
            "service_at_locations": [
                {**link, "location": locations[link["location_id"]]}
                for link in _children(tables, "service_at_location", "service_id", row["id"])
            ],
        }
        for row in tables["service"]
    ]


def organization_object(tables) -> dict:
    organization = _clean(tables["organization"][0])
    services = [
        {k: v for k, v in s.items() if k != "organization"} for s in service_objects(tables)
    ]
    return {**organization, "locations": location_objects(tables), "services": services}


# --- the tabular data package ------------------------------------------------------------------


def _field(table: str, column: str) -> dict:
    if column == "id" or column in FOREIGN:
        descriptor: dict = {"name": column, "type": "string", "format": "uuid"}
    elif column in ("url", "email"):
        descriptor = {
            "name": column,
            "type": "string",
            "format": "uri" if column == "url" else column,
        }
    elif column in DATES:
        descriptor = {"name": column, "type": "date"}
    elif column in NUMBERS:
        descriptor = {"name": column, "type": "number"}
    elif column in ("opens_at", "closes_at"):
        descriptor = {"name": column, "type": "time"}
    else:
        descriptor = {"name": column, "type": "string"}
    constraints = {}
    if column in REQUIRED[table]:
        constraints["required"] = True
    if column == "id":
        constraints["unique"] = True
    return {**descriptor, **({"constraints": constraints} if constraints else {})}


def datapackage(tables) -> dict:
    resources = []
    for name, (path, columns) in TABLES.items():
        schema: dict = {
            "fields": [_field(name, c) for c in columns],
            "primaryKey": ["id"],
        }
        foreign = [
            {"fields": c, "reference": {"resource": FOREIGN[c], "fields": "id"}}
            for c in columns
            if c in FOREIGN
        ]
        if foreign:
            schema["foreignKeys"] = foreign
        resources.append(
            {
                "name": name,
                "path": path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "vivere-sap-bergamo-hsds",
        "title": "Vivere SAP Bergamo: portierato di comunità (Open Referral HSDS 3.0)",
        "description": (
            "Sportelli, orari e servizi del portierato di comunità del Comune di Bergamo, "
            "nel formato Open Referral HSDS 3.0. Licenza dei dati: da confermare da parte del "
            "Comune di Bergamo."
        ),
        "homepage": urljoin(site_url(), "open-data/"),
        "resources": resources,
    }


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def csv_text(table: str, rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    columns = TABLES[table][1]
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue()


def open_data_files(content: Content, today: date) -> Iterator[tuple[str, str]]:
    """(path under ``open-data/hsds/``, text) of every file of the export."""
    tables = hsds_tables(content, today)

    def dump(value) -> str:
        return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False) + "\n"

    yield "organization.json", dump(organization_object(tables))
    yield "services.json", dump(service_objects(tables))
    yield "locations.json", dump(location_objects(tables))
    yield f"{TABULAR}/datapackage.json", dump(datapackage(tables))
    for name, (path, _) in TABLES.items():
        yield f"{TABULAR}/{path}", csv_text(name, tables[name])


def write_open_data(site_dir: Path, content: Content, today: date) -> list[Path]:
    """Write the export under ``site_dir/open-data/hsds/``; returns the files written."""
    written = []
    for relative, text in open_data_files(content, today):
        target = Path(site_dir) / FOLDER / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="")
        written.append(target)
    return written
