"""Pure rendering: no build, no I/O, just model in and Markdown out."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from portal.model import load
from portal.model.schedule import Schedule, ScheduleException, Slot
from portal.site.render import render_site
from portal.site.render.context import loosen_lists

from .helpers import ROOT


def test_lists_after_a_paragraph_line_get_their_blank_line():
    assert loosen_lists("Intro:\n- a\n- b") == "Intro:\n\n- a\n- b"
    assert loosen_lists("Passi:\n1. uno\n2. due") == "Passi:\n\n1. uno\n2. due"
    assert loosen_lists("- a\n  continua\n- b") == "- a\n  continua\n- b"
    assert loosen_lists("Testo\n\n- a") == "Testo\n\n- a"


def test_every_language_gets_the_same_pages():
    content = load(ROOT)
    sites = render_site(content, date(2026, 11, 22))
    paths = [
        sorted(p.path for p in site.pages if not p.path.startswith("facile/")) for site in sites
    ]
    assert [site.lang for site in sites] == list(content.codes)
    assert all(p == paths[0] for p in paths)
    assert "sportelli/celadina.md" in paths[0]


WEEKLY = Schedule(
    weekly=(Slot("wednesday", time(9), time(12)),),
    exceptions=(
        ScheduleException(date(2026, 11, 25), "closed"),
        ScheduleException(date(2026, 11, 27), "extra", time(14), time(16)),
    ),
)
ROME = ZoneInfo("Europe/Rome")


def test_openings_apply_closures_and_extra_openings():
    assert WEEKLY.openings_on(date(2026, 11, 25)) == []
    assert [(o.opens, o.extra) for o in WEEKLY.openings_on(date(2026, 11, 27))] == [
        (time(14), True)
    ]
    assert [o.opens for o in WEEKLY.openings_on(date(2026, 12, 2))] == [time(9)]


def test_next_opening_skips_a_closure_and_respects_the_time_zone():
    # Monday 23 Nov, 10:00 in Rome: Wednesday 25 is closed, so Friday 27's extra opening is next.
    now = datetime(2026, 11, 23, 10, 0, tzinfo=ROME)
    assert WEEKLY.next_opening(now).day == date(2026, 11, 27)
    # Wednesday 2 Dec at 10:30 Rome time (09:30 UTC): the desk is open right now.
    now = datetime(2026, 12, 2, 9, 30, tzinfo=ZoneInfo("UTC"))
    assert WEEKLY.next_opening(now).day == date(2026, 12, 2)
    # ...and at 12:00 it has just closed: next week.
    now = datetime(2026, 12, 2, 12, 0, tzinfo=ROME)
    assert WEEKLY.next_opening(now).day == date(2026, 12, 9)


def test_validity_dates_bound_the_schedule():
    limited = Schedule(
        weekly=WEEKLY.weekly, valid_from=date(2026, 12, 1), valid_until=date(2026, 12, 31)
    )
    assert limited.openings_on(date(2026, 11, 25)) == []
    assert limited.next_opening(datetime(2026, 11, 1, tzinfo=ROME)).day == date(2026, 12, 2)
    assert limited.next_opening(datetime(2027, 1, 1, tzinfo=ROME)) is None


def test_gulpease_follows_the_formula():
    from portal.readability import gulpease

    # 6 words, 23 letters, 2 sentences: 89 + (600 - 230) / 6 = 150.7, capped at 100.
    assert gulpease("Il gatto dorme. Il cane corre.") == 100.0
    # 11 words, 98 letters, 1 sentence: 89 + (300 - 980) / 11 = 27.2
    assert (
        gulpease(
            "Presentazione dettagliata della documentazione amministrativa "
            "necessaria per accedere al beneficio economico."
        )
        == 27.2
    )
    assert gulpease("") is None


def test_easy_italian_pages_exist_in_italian_only_and_link_both_ways():
    content = load(ROOT)
    sites = {site.lang: site for site in render_site(content, date(2026, 11, 22))}
    italian = {page.path: page for page in sites["it"].pages}
    for path in ("sportelli/celadina.md", "contributo-riscaldamento.md", "regole.md"):
        easy = italian[f"facile/{path}"]
        assert "italiano semplice" in easy.title
        assert "../" in easy.body and path.split("/")[-1] in easy.body  # back to the full page
        assert "facile/" + path in italian[path].body  # and the full page links to it
    assert not any(p.path.startswith("facile/") for p in sites["en"].pages)
    desk = italian["facile/sportelli/celadina.md"].body
    assert "via Pizzo Tre Signori 2" in desk and "09:00–12:00" in desk  # facts from data
