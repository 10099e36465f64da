""" "Open now / next opening": the model's calculation (portal/model/schedule.py ``agenda``)
across a week boundary, an announced closure, public holidays from the ``holidays`` library,
both DST changes and a slot under way; the sentences of every language (portal/formats.py);
the pages that show a desk's hours (portal/site/render/openings.py), which all carry a
closure that is near; and the forms service, which computes the same at request time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from portal.formats import Formats
from portal.model import load
from portal.model.fields import Text
from portal.model.schedule import (
    Closure,
    Opening,
    Schedule,
    ScheduleException,
    Slot,
    Weekday,
)
from portal.site.build import render
from portal.site.render.context import Renderer
from tests.conftest import local_now, only_problem, service_app
from tests.test_api import PRE_APPLICATION, PRE_APPLICATIONS
from tests.test_forms_html import answer_all, fill_details, send, text, url

ROME = ZoneInfo("Europe/Rome")


def rome(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ROME)


def weekly(*slots: tuple[Weekday, int, int], **fields) -> Schedule:
    return Schedule(
        weekly=tuple(Slot(day, time(opens), time(closes)) for day, opens, closes in slots),
        **fields,
    )


def openings(agenda) -> list[tuple[date, time]]:
    return [(item.day, item.opens) for item in agenda if isinstance(item, Opening)]


# --- the calculation ----------------------------------------------------------------------


def test_next_opening_crosses_the_week_boundary():
    schedule = weekly(("monday", 14, 17), ("wednesday", 9, 12))
    # Wednesday 2 December 2026 after closing, then Sunday night: both lead to Monday 7.
    for now in (rome(2026, 12, 2, 13, 0), rome(2026, 12, 6, 23, 30)):
        assert openings(schedule.agenda(now, 2)) == [
            (date(2026, 12, 7), time(14)),
            (date(2026, 12, 9), time(9)),
        ]


def test_a_slot_under_way_is_the_next_opening_until_it_closes():
    schedule = weekly(("wednesday", 9, 12))
    under_way = schedule.agenda(rome(2026, 12, 2, 10, 30), 1)
    assert openings(under_way) == [(date(2026, 12, 2), time(9))]
    # At closing time it is over: next week's.
    assert openings(schedule.agenda(rome(2026, 12, 2, 12, 0), 1)) == [(date(2026, 12, 9), time(9))]


def test_an_announced_closure_is_listed_and_skipped():
    reason = Text({"it": "Formazione del team.", "en": "Team training."})
    schedule = weekly(
        ("wednesday", 9, 12),
        exceptions=(ScheduleException(date(2026, 12, 9), "closed", reason=reason),),
    )
    agenda = schedule.agenda(rome(2026, 12, 3, 9, 0), 2)
    assert agenda == [
        Closure(date(2026, 12, 9), reason=reason),
        Opening(date(2026, 12, 16), time(9), time(12)),
        Opening(date(2026, 12, 23), time(9), time(12)),
    ]


@pytest.mark.parametrize(
    ("day", "weekday", "name"),
    [
        (date(2026, 12, 8), "tuesday", "Immacolata Concezione"),
        (date(2027, 3, 29), "monday", "Lunedì dell'Angelo"),  # Easter Monday
        (date(2027, 8, 26), "thursday", "Sant'Alessandro di Bergamo"),  # the province's
        (date(2027, 10, 4), "monday", "San Francesco d'Assisi"),  # national again from 2026
    ],
)
def test_public_holidays_come_from_the_library(day, weekday, name):
    schedule = weekly((weekday, 9, 12))
    agenda = schedule.agenda(datetime.combine(day - timedelta(days=1), time(12), ROME), 1)
    assert agenda[0] == Closure(day, calendar="IT-BG")
    assert agenda[1].day == day + timedelta(days=7)
    assert name in Formats(load(Path(".")), "it").closure_line(agenda[0])


def test_announced_exceptions_win_over_the_holiday_rule():
    immacolata = date(2026, 12, 8)
    extra = ScheduleException(immacolata, "extra", opens=time(10), closes=time(11))
    schedule = weekly(("tuesday", 9, 12), exceptions=(extra,))
    assert schedule.openings_on(immacolata) == [Opening(immacolata, time(10), time(11), True)]
    assert schedule.closure_on(immacolata) is None
    reason = Text({"it": "Chiuso per il ponte."})
    closed = weekly(
        ("tuesday", 9, 12),
        exceptions=(ScheduleException(immacolata, "closed", reason=reason),),
    )
    assert closed.closure_on(immacolata) == Closure(immacolata, reason=reason)
    # A desk whose schedule names no holiday calendar opens on holidays.
    always = weekly(("tuesday", 9, 12), public_holidays=None)
    assert always.openings_on(immacolata) == [Opening(immacolata, time(9), time(12))]


def test_both_dst_changes():
    # Without the holiday rule: 28 March 2027 is also Easter Sunday.
    # Summer time starts on Sunday 28 March 2027 at 02:00 (+01:00 -> +02:00).
    spring = weekly(("sunday", 9, 12), ("tuesday", 9, 12), public_holidays=None)
    before = datetime(2027, 3, 28, 0, 59, tzinfo=UTC)  # 01:59 in Rome, winter time
    first = spring.agenda(before, 2)
    assert openings(first) == [(date(2027, 3, 28), time(9)), (date(2027, 3, 30), time(9))]
    start, end = first[0].span(ROME)
    assert start.astimezone(UTC) == datetime(2027, 3, 28, 7, 0, tzinfo=UTC)  # 09:00 CEST
    assert end.astimezone(UTC) == datetime(2027, 3, 28, 10, 0, tzinfo=UTC)
    # Winter time returns on Sunday 25 October 2026 at 03:00 (+02:00 -> +01:00).
    autumn = weekly(("sunday", 9, 12), public_holidays=None)
    after = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 in Rome, already winter time
    (opening,) = autumn.agenda(after, 1)
    assert opening.day == date(2026, 10, 25)
    assert opening.span(ROME)[0].astimezone(UTC) == datetime(2026, 10, 25, 8, 0, tzinfo=UTC)
    # 08:30 UTC is 09:30 in Rome that day (it was 10:30 the day before): under way.
    assert autumn.agenda(datetime(2026, 10, 25, 8, 30, tzinfo=UTC), 1) == [opening]
    # 11:30 UTC is 12:30 in Rome: over, next Sunday's.
    later = autumn.agenda(datetime(2026, 10, 25, 11, 30, tzinfo=UTC), 1)
    assert openings(later) == [(date(2026, 11, 1), time(9))]


def test_the_forms_know_when_their_sentence_changes():
    """The forms keep the sentence until the first thing it names starts or ends."""
    schedule = weekly(("tuesday", 9, 12))
    assert schedule.next_change(rome(2026, 12, 1, 8, 0)) == rome(2026, 12, 1, 9, 0)  # opens
    assert schedule.next_change(rome(2026, 12, 1, 10, 0)) == rome(2026, 12, 1, 12, 0)  # closes
    # On Wednesday 2 December the Immacolata (Tuesday 8) is listed first: until it is over.
    assert schedule.next_change(rome(2026, 12, 2, 10, 0)) == rome(2026, 12, 9, 0, 0)


def test_a_schedule_that_has_ended_has_no_next_opening():
    ended = weekly(("wednesday", 9, 12), valid_until=date(2026, 6, 30))
    assert ended.agenda(rome(2026, 12, 1, 9, 0), 4) == []
    assert ended.next_opening(rome(2026, 12, 1, 9, 0)) is None


def test_an_unknown_holiday_calendar_is_an_error_with_its_line(project):
    path = project / "content/desks/celadina.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "  timezone: Europe/Rome\n", "  timezone: Europe/Rome\n  public_holidays: IT-XX\n"
        ),
        encoding="utf-8",
    )
    problem = only_problem(project)
    assert problem.code == "schedule.unknown_holiday_calendar"
    assert problem.format().startswith("content/desks/celadina.yml:")
    assert "IT-BG" in problem.format()


# --- the sentences -------------------------------------------------------------------------


def test_the_forms_sentences_in_every_language(shared_content):
    content = load(shared_content)
    colognola = content.desks["colognola"]  # Tuesdays 09:00-12:00
    before_holiday = rome(2026, 12, 2, 10, 0)  # Tuesday 8 December is the Immacolata
    during = rome(2026, 12, 1, 10, 0)
    for lang in content.codes:
        f = Formats(content, lang)
        lines = f.next_openings_lines(colognola, before_holiday)
        assert lines == [
            f.s(
                "next_opening", when=f.opening_when(Opening(date(2026, 12, 15), time(9), time(12)))
            ),
            f.closure_line(Closure(date(2026, 12, 8), calendar="IT-BG")),
        ], lang
        assert f.s("closed") in lines[1] and f.s("public_holiday") in lines[1]
        assert "12:00" in f.next_openings_lines(colognola, during)[0]
        assert f.next_openings_lines(colognola, during)[0] == f.open_now(
            Opening(date(2026, 12, 1), time(9), time(12))
        )


def test_the_holiday_name_is_marked_italian_on_other_pages(shared_content):
    content = load(shared_content)
    closure = Closure(date(2026, 12, 8), calendar="IT-BG")
    arabic = Renderer(content, "ar", date(2026, 12, 1)).closure_line(closure)
    assert '<span lang="it" dir="ltr">Immacolata Concezione</span>' in arabic
    # English has the library's own English name; Italian needs no mark.
    assert "Immaculate Conception" in Renderer(content, "en", date(2026, 12, 1)).closure_line(
        closure
    )
    assert "<span" not in Renderer(content, "it", date(2026, 12, 1)).closure_line(closure)


# --- the pages -----------------------------------------------------------------------------


def _close_next(root: Path, desk_id: str, today: date) -> date:
    """Add an announced closure on the desk's next opening day after ``today``."""
    path = root / f"content/desks/{desk_id}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    schedule = load(root).desks[desk_id].schedule
    start = datetime.combine(today + timedelta(days=1), time.min, ROME)
    day = schedule.next_opening(start).day
    data["schedule"]["exceptions"] = [
        {"date": day, "kind": "closed", "reason": {"it": "Assemblea del team.", "en": "Team day."}}
    ]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return day


def test_a_near_closure_reaches_every_page_that_shows_the_desk(project):
    today = date(2026, 11, 30)  # a Monday: Celadina opens on Wednesdays
    closed = _close_next(project, "celadina", today)
    assert closed == date(2026, 12, 2)
    rendered = render(project, today)
    pages = {(s.lang, p.path): p for s in rendered.sites for p in s.pages}
    for lang, words in (("it", "Assemblea del team."), ("en", "Team day.")):
        for path in (
            "index.md",  # home
            "sportelli/index.md",  # desks overview
            "sportelli/celadina.md",
            "contributo-riscaldamento.md",  # heating page: where to go
            "servizi/ascolto-sportelli.md",  # a service's desks
        ):
            page = pages[(lang, path)]
            assert words in page.body, (lang, path)
            assert page.openings, (lang, path)  # the theme loads openings.js there
        desk = pages[(lang, "sportelli/celadina.md")].body
        # Without JavaScript: the next four openings after the closure, shown; later ones
        # are there for the script, hidden.
        visible = [
            line for line in desk.splitlines() if line.startswith("<li ") and " hidden" not in line
        ]
        assert len(visible) == 5 and "data-closed" in visible[0]
        assert "2026-12-09T09:00:00+01:00" in visible[1]
    # The Italian easy page says it too.
    assert "Assemblea del team." in pages[("it", "facile/sportelli/celadina.md")].body
    # A page with no desk hours does not load the script.
    assert not pages[("it", "regole.md")].openings


def test_the_forms_show_the_near_closure_at_request_time(project, database_url):
    """The desk choice, the check page, the confirmation and the API answer, computed when
    the resident asks, from the same model as the site."""
    closed = _close_next(project, "colognola", local_now().date())
    app = service_app(project, database_url)  # after the edit: its snapshot has the closure
    client = app.test_client()
    f = Formats(load(project), "it")
    reason = load(project).desks["colognola"].schedule.exceptions[0].reason
    line = f.closure_line(Closure(closed, reason=reason)).replace("'", "&#39;")
    answer_all(client)
    assert line in text(client.get(url("it", "dati")))  # the desk choice
    key = fill_details(client)  # Colognola
    assert line in text(client.get(url("it", "controlla")))
    done = send(client, "it", key)
    assert line in text(client.get(done.headers["Location"]))
    api = client.post(PRE_APPLICATIONS, json={**PRE_APPLICATION, "preferred_desk": "colognola"})
    assert api.status_code == 201
    assert f.closure_line(Closure(closed, reason=reason)) in api.get_json()["desk"]["next"]
    app.extensions["portal_db"].close()


def test_the_script_stays_under_its_budget():
    """Issue #11's budget for the badge script, gzipped as a server sends it (the figure:
    ``python -m bench.script_size``)."""
    from bench.script_size import BUDGET, SCRIPTS, gzipped

    assert gzipped(SCRIPTS / "openings.js") <= BUDGET["openings.js"]


def test_the_desk_poster_lists_the_public_holidays_ahead(shared_content):
    """A poster stays on the notice board for weeks: it names the holidays ahead too."""
    from portal.posters.compose import find_poster, poster_html

    content = load(shared_content)
    today = date(2026, 12, 1)
    poster = find_poster(content, "sportello-colognola", today)
    html = poster_html(content, poster, ("en",), "https://example.invalid/", today)
    assert "martedì 8 dicembre: chiuso (giorno festivo: Immacolata Concezione)" in html
    assert "Tuesday, December 8: closed (public holiday: Immaculate Conception)" in html


def test_a_closure_the_site_already_knows_is_a_warning(project):
    """A closure on a public holiday (without a reason to show) or on a day the desk does
    not open changes nothing: ``portal check --warnings`` says so, with the file's line."""
    path = project / "content/desks/colognola.yml"  # Tuesdays
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "  weekly:\n",
            "  exceptions:\n"
            "    - date: 2026-12-08\n      kind: closed\n"
            "    - date: 2026-12-09\n      kind: closed\n"
            "  weekly:\n",
        ),
        encoding="utf-8",
    )
    from tests.conftest import problems_of

    assert not problems_of(project)  # no error: the site builds
    warnings = {p.code: p for p in problems_of(project, "warning") if "colognola" in p.file}
    holiday = warnings["schedule.closed_on_holiday"].format()
    assert holiday.startswith("content/desks/colognola.yml:") and "Immacolata" in holiday
    assert "2026-12-09" in warnings["schedule.closed_not_open"].format()
