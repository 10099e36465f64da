"""The "open now" badge in Debian's Chromium, on the session's shared `portal serve`, with the
browser's clock set by Playwright: during an opening, after it, long after the build, and
without JavaScript (the list the build wrote, which a screen reader reads too). The times
come from the page's own data; tests/test_openings.py checks that data against the model."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portal.formats import Formats
from portal.model import load

from .test_browser_layout import site_url

pytestmark = pytest.mark.browser
ITEMS = """box => [...document.querySelectorAll(box + ' [data-end]')].map(e => ({
    start: +e.dataset.start, end: +e.dataset.end, closed: e.hasAttribute('data-closed'),
    when: e.dataset.when || e.textContent, hidden: e.hidden,
    shown: e.getClientRects().length > 0}))"""


def _items(browser, url: str, box: str = "div.portal-openings") -> list[dict]:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(url)
    found = page.evaluate(ITEMS, box)
    context.close()
    return found


def _at(browser, url: str, moment: float, box: str = "div.portal-openings"):
    """The badge's text, the box's classes and the items, with the clock at ``moment``."""
    context = browser.new_context()
    page = context.new_page()
    page.clock.set_fixed_time(datetime.fromtimestamp(moment, UTC))
    page.goto(url)
    badge = page.locator(f"{box} .portal-openings__badge").first.inner_text()
    classes = page.locator(box).first.get_attribute("class")
    items = page.evaluate(ITEMS, box)
    context.close()
    return badge, classes, items


@pytest.mark.parametrize("lang", ["it", "ar"])
def test_the_badge_follows_the_readers_clock(browser, shared_portal, lang):
    f = Formats(load(shared_portal.project), lang)
    url = site_url(shared_portal.base, lang, "sportelli/celadina/")
    built = _items(browser, url)
    first, second = [item for item in built if not item["closed"]][:2]

    # During the first opening: "open now, until …", in green.
    badge, classes, items = _at(browser, url, first["start"] + 1800)
    closes = datetime.fromtimestamp(first["end"], UTC).astimezone(
        f.content.desks["celadina"].schedule.zone
    )
    assert badge == f.s("open_now_until", time=f.time(closes.time()))
    assert "portal-openings--open" in classes
    assert [i["when"] for i in items if i["shown"] and not i["closed"]][0] == first["when"]

    # A minute after it closed: it is gone from the list, the next one is in the badge, and
    # four openings are listed.
    badge, classes, items = _at(browser, url, first["end"] + 60)
    assert badge == f.s("next_opening", when=second["when"])
    assert "portal-openings--open" not in classes
    shown = [i for i in items if i["shown"] and not i["closed"]]
    assert shown[0]["when"] == second["when"] and len(shown) == 4

    # Long after the build, past every opening the page knows: the weekly hours instead.
    badge, _, items = _at(browser, url, built[-1]["end"] + 86400)
    assert badge == f.s("openings_see_week")
    assert not any(i["shown"] for i in items)


def test_without_javascript_the_page_lists_the_next_four_openings(browser, shared_portal):
    url = site_url(shared_portal.base, "it", "sportelli/colognola/")
    built = _items(browser, url)
    shown = [i for i in built if i["shown"]]
    assert len([i for i in shown if not i["closed"]]) == 4
    # Every closure shown falls before the fourth opening; what follows is hidden.
    last = [i for i in shown if not i["closed"]][-1]
    assert all(i["end"] <= last["end"] for i in shown)
    assert all(not i["shown"] for i in built[built.index(last) + 1 :])


def test_the_desks_overview_says_which_desk_is_open_now(browser, shared_portal):
    url = site_url(shared_portal.base, "en", "sportelli/")
    box = "span.portal-openings"
    built = _items(browser, url, box)
    first = next(i for i in built if not i["closed"])
    badge, classes, items = _at(browser, url, first["start"] + 60, box)
    assert badge.startswith("Open now, until")
    assert "portal-openings--open" in classes
    # The short line shows no opening of its own, only the badge (and a near closure).
    assert not any(i["shown"] and not i["closed"] for i in items)


def test_a_page_built_a_week_ago_is_still_right(browser, shared_portal):
    """A week on, the badge names an opening a week later than the build's first."""
    url = site_url(shared_portal.base, "it", "sportelli/conca-fiorita-lazzaretto/")
    built = [i for i in _items(browser, url) if not i["closed"]]
    later = built[0]["start"] + timedelta(days=7).total_seconds() + 1
    badge, _, items = _at(browser, url, later)
    upcoming = [i for i in built if i["end"] > later]
    f = Formats(load(shared_portal.project), "it")
    expected = (
        f.s("next_opening", when=upcoming[0]["when"])
        if upcoming[0]["start"] > later
        else badge  # under way: checked above
    )
    assert badge == expected
