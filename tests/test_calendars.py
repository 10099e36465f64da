"""The iCalendar feeds (portal/site/calendars.py) of a real build, read back with icalendar and
expanded with recurring-ical-events: the occurrences are the model's openings for the next
12 months, a closure and both DST changes included; UIDs and bytes survive a rebuild with the
files renamed; nginx (docs/operators.md) and `portal serve` send them as text/calendar; the
pages and the registration page link them."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events  # type: ignore[import-untyped]  # no type information
import yaml
from icalendar import Calendar
from werkzeug.test import Client

from portal.model import load
from portal.preview import static_app
from portal.site.build import build
from portal.site.calendars import uid, vtimezone
from tests.conftest import add_event, service_app, write
from tests.helpers import copy_project
from tests.test_forms_html import sign_up, text
from tests.test_nginx import proxied, request  # noqa: F401  (proxied is a fixture)

pytestmark = pytest.mark.build
ROME = ZoneInfo("Europe/Rome")
TODAY = date(2026, 11, 22)  # a Sunday; the next 12 months hold both DST changes of 2027
CLOSED = date(2026, 12, 9)  # a Wednesday, Celadina's day
EXTRA = date(2026, 12, 29)  # a Tuesday


def _edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _dated_content(root: Path) -> None:
    """The shipped content plus a closure and an extra opening at Celadina, an event on the
    day summer time starts (its title only in Italian and English) and one open for sign-up."""

    def exceptions(desk: dict) -> None:
        desk["schedule"]["exceptions"] = [
            {"date": CLOSED, "kind": "closed", "reason": {"it": "Chiuso.", "en": "Closed."}},
            {
                "date": EXTRA,
                "kind": "extra",
                "opens": "14:00",
                "closes": "17:00",
                "reason": {"it": "Per le domande.", "en": "For the applications."},
            },
        ]

    _edit_yaml(root / "content/desks/celadina.yml", exceptions)
    write(
        root,
        "content/events/festa.yml",
        """
        id: festa
        updated: 2026-11-20
        title:
          it: Festa nel cortile
          en: Courtyard party
        description:
          it: Una festa tra vicini.
          en: A party between neighbours.
        place:
          desk: colognola
        start: 2027-03-28 10:00
        end: 2027-03-28 12:00
        """,
    )
    add_event(root)  # "assemblea", sign-up open now


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    root = copy_project(tmp_path_factory.mktemp("calendars") / "project")
    _dated_content(root)
    site = root / "site"
    build(root, site, today=TODAY)
    return root, site


def feed(site: Path, path: str) -> Calendar:
    return Calendar.from_ical((site / path).read_bytes())


def occurrences(calendar: Calendar, days: int = 365) -> set[tuple[datetime, datetime]]:
    start = datetime.combine(TODAY, time(), ROME)
    found = recurring_ical_events.of(calendar).between(start, start + timedelta(days=days))
    return {(e.decoded("dtstart"), e.decoded("dtend")) for e in found}


def model_openings(desk, days: int = 365) -> set[tuple[datetime, datetime]]:
    zone = desk.schedule.zone
    return {
        (datetime.combine(o.day, o.opens, zone), datetime.combine(o.day, o.closes, zone))
        for n in range(days)
        for o in desk.schedule.openings_on(TODAY + timedelta(days=n))
    }


def utc(moments) -> set:
    return {tuple(m.astimezone(UTC) for m in pair) for pair in moments}


@pytest.mark.timeout(300)  # the first test builds the module's site
@pytest.mark.parametrize("lang", ["it", "ar"])
def test_desk_feeds_expand_to_the_models_openings_for_12_months(built, lang):
    root, site = built
    content = load(root)
    prefix = "" if lang == content.source_language else f"{lang}/"
    for desk in content.desks.values():
        calendar = feed(site, f"{prefix}calendari/sportello-{desk.id}.ics")
        assert utc(occurrences(calendar)) == utc(model_openings(desk)), desk.id


def test_closure_extra_opening_and_both_dst_changes(built):
    _, site = built
    celadina = occurrences(feed(site, "calendari/sportello-celadina.ics"))
    starts = {start for start, _ in celadina}
    days = {start.date(): start for start in starts}
    assert CLOSED not in days  # the closure
    assert {CLOSED - timedelta(weeks=1), CLOSED + timedelta(weeks=1)} <= days.keys()
    extra = datetime.combine(EXTRA, time(14), ROME)
    assert (extra, datetime.combine(EXTRA, time(17), ROME)) in celadina
    # 09:00 in Bergamo on both sides of each change: 08:00 UTC in winter, 07:00 in summer.
    for day, hour_utc in [
        (date(2027, 3, 24), 8),
        (date(2027, 3, 31), 7),
        (date(2027, 10, 27), 7),
        (date(2027, 11, 3), 8),
    ]:
        start = days[day]
        assert (start.astimezone(ROME).time(), start.astimezone(UTC).hour) == (time(9), hour_utc)

    text = (site / "calendari/sportello-celadina.ics").read_text(encoding="utf-8")
    assert "RRULE:FREQ=WEEKLY;BYDAY=WE" in text
    assert "EXDATE;TZID=Europe/Rome:20261209T090000" in text


def test_feeds_are_valid_icalendar_with_a_correct_vtimezone(built):
    _, site = built
    feeds = sorted(site.rglob("*.ics"))
    assert len(feeds) == 11 * (3 + 1 + 2)  # per language: 3 desks, all events, 2 dated events
    for path in feeds:
        data = path.read_bytes()
        lines = data.split(b"\r\n")
        assert lines[-1] == b"" and all(len(line) <= 75 for line in lines), path
        calendar = Calendar.from_ical(data)
        assert (calendar["version"], calendar.get_missing_tzids()) == ("2.0", set()), path
        assert calendar["prodid"] and calendar["name"] == calendar["x-wr-calname"], path
        for event in calendar.walk("VEVENT"):
            assert all(event.get(key) for key in ("uid", "dtstamp", "dtstart", "summary")), path

    # The VTIMEZONE alone (not the TZID's name) gives Bergamo's offset at every hour of three
    # years, the hours around each change included.
    zone = feed(site, "calendari/sportello-celadina.ics").timezones[0]
    assert zone.tz_name == "Europe/Rome"
    from_feed = zone.to_tz()
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    while moment.year < 2029:
        assert moment.astimezone(from_feed).utcoffset() == moment.astimezone(ROME).utcoffset(), (
            moment
        )
        moment += timedelta(hours=1)


def test_feeds_speak_the_feeds_language(built):
    _, site = built
    english = feed(site, "en/calendari/sportello-celadina.ics")
    summaries = {str(e["summary"]): e["summary"].params["LANGUAGE"] for e in english.walk("VEVENT")}
    assert summaries == {
        "Celadina desk": "en",
        "Celadina desk (extra opening)": "en",
    }
    extra = next(e for e in english.walk("VEVENT") if "extra" in str(e["summary"]))
    assert str(extra["description"]).startswith("For the applications.")
    # No French title: the Italian one, said to be Italian.
    french = feed(site, "fr/calendari/evento-festa.ics")
    [party] = french.walk("VEVENT")
    assert (str(party["summary"]), party["summary"].params["LANGUAGE"]) == (
        "Festa nel cortile",
        "it",
    )
    arabic = feed(site, "ar/calendari/eventi.ics")
    assert str(arabic["name"]) == "الفعاليات – Vivere SAP Bergamo"


def test_events_feed_and_one_feed_per_dated_event(built):
    _, site = built
    everything = feed(site, "calendari/eventi.ics").walk("VEVENT")
    # Every dated event, in the order of their dates, whatever the order of their files.
    assert {str(e["uid"]) for e in everything} == {uid("event", "assemblea"), uid("event", "festa")}
    starts = [e.decoded("dtstart") for e in everything]
    assert starts == sorted(starts)
    assert not (site / "calendari/evento-pulizia-celadina.ics").exists()  # date to confirm
    [party] = feed(site, "calendari/evento-festa.ics").walk("VEVENT")
    start = party.decoded("dtstart")
    assert (start.astimezone(ROME).time(), start.astimezone(UTC).hour) == (time(10), 8)
    assert str(party["location"]) == "via Carlo Alberto 23, Bergamo"
    assert party.decoded("dtstamp") == datetime(2026, 11, 20, tzinfo=UTC)  # its `updated`


@pytest.mark.parametrize(
    "name", ["Europe/Rome", "America/New_York", "Australia/Sydney", "Asia/Kolkata"]
)
def test_vtimezone_follows_the_tz_data(name):
    """The VTIMEZONE written from the zone's POSIX rule, south of the equator and without
    summer time too, read back by icalendar: the same offset as zoneinfo at every hour."""
    component = Calendar.from_ical(vtimezone(name, 2025).to_ical())
    from_feed, zone = component.to_tz(), ZoneInfo(name)
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    while moment.year < 2028:
        assert moment.astimezone(from_feed).utcoffset() == moment.astimezone(zone).utcoffset()
        moment += timedelta(hours=1)


def hrefs(page: Path) -> list[str]:
    return re.findall(r'href="([^"]+\.ics)"', page.read_text(encoding="utf-8"))


def test_pages_link_their_feeds(built):
    _, site = built
    assert hrefs(site / "sportelli/celadina/index.html") == ["/calendari/sportello-celadina.ics"]
    assert hrefs(site / "ar/sportelli/celadina/index.html") == [
        "/ar/calendari/sportello-celadina.ics"
    ]
    assert hrefs(site / "en/corsi-ed-eventi/evento-festa/index.html") == [
        "/en/calendari/evento-festa.ics"
    ]
    assert hrefs(site / "corsi-ed-eventi/index.html") == ["/calendari/eventi.ics"]
    assert hrefs(site / "corsi-ed-eventi/evento-pulizia-celadina/index.html") == []
    for page in site.rglob("*.html"):
        for href in hrefs(page):
            assert (site / href.lstrip("/")).is_file(), (page, href)


@pytest.mark.timeout(400)
def test_uids_and_bytes_survive_a_rebuild_with_files_renamed(built, tmp_path):
    """Another day of the same year, every content file renamed (so read in another order):
    the same feeds, byte for byte."""
    root, site = built
    again = tmp_path / "project"
    shutil.copytree(root, again, ignore=shutil.ignore_patterns("site"))
    for folder in ("desks", "events"):
        for path in sorted((again / "content" / folder).glob("*.yml")):
            path.rename(path.with_name(f"{len(path.stem):02d}-{path.stem[::-1]}.yml"))
    other = tmp_path / "site"
    build(again, other, today=TODAY + timedelta(days=9))
    first = {p.relative_to(site): p.read_bytes() for p in site.rglob("*.ics")}
    second = {p.relative_to(other): p.read_bytes() for p in other.rglob("*.ics")}
    assert first.keys() == second.keys()
    changed = [str(path) for path in first if first[path] != second[path]]
    assert changed == []
    desk_uids = {
        str(e["uid"]) for e in feed(other, "calendari/sportello-celadina.ics").walk("VEVENT")
    }
    assert desk_uids == {
        uid("desk", "celadina", "weekly", "wednesday", "09:00"),
        uid("desk", "celadina", "extra", EXTRA.isoformat(), "14:00"),
    }


def test_registration_page_links_the_events_feed(built, tmp_path):
    root, site = built
    app = service_app(root, f"sqlite:///{tmp_path / 'portal.sqlite3'}")
    client = app.test_client()
    for lang, prefix in (("it", ""), ("en", "en/")):
        page = text(client.get(sign_up(client, "assemblea", lang, full_name=f"Anna {lang}")))
        [href] = re.findall(r'href="([^"]+\.ics)"', page)
        assert href == f"/{prefix}calendari/evento-assemblea.ics"
        [event] = feed(site, href.lstrip("/")).walk("VEVENT")
        assert str(event["uid"]) == uid("event", "assemblea")


def test_served_as_text_calendar_by_portal_serve(built):
    _, site = built
    response = Client(static_app(site)).get("/en/calendari/eventi.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"


def test_served_as_text_calendar_by_the_documented_nginx(built, proxied, tmp_path):  # noqa: F811
    _, site = built
    target = tmp_path / "site" / "ar" / "calendari"  # the folder nginx serves (proxied)
    target.mkdir(parents=True)
    shutil.copy(site / "ar/calendari/sportello-celadina.ics", target)
    status, headers, body = request(proxied.https, "GET", "/ar/calendari/sportello-celadina.ics")
    assert (status, headers["Content-Type"]) == (200, "text/calendar; charset=utf-8")
    assert "Strict-Transport-Security" in headers
    assert Calendar.from_ical(body).walk("VEVENT")
