"""How long a volunteer waits to see an edit in the live preview.

Starts ``portal serve`` on a scratch copy of content/, site_config/ and mkdocs.yml (the
repository is left alone), opens a desk page in Debian's Chromium, where the script that
``portal serve`` injects polls ``/__portal/status`` as it does for a volunteer, and then,
run after run, changes the desk's closing time in ``content/desks/celadina.yml``. Measured:

- **reload**: from the moment the file is saved (written and closed) to the moment the page
  has reloaded by itself (``DOMContentLoaded``) with the new time in its opening-hours table;
- **complete**: from the same moment until the server reports that nothing is left to build
  (every language rebuilt and swapped in); the next run starts only then.

Pages: the Italian desk page at the site root and its Arabic copy under ``/ar/``.

    .venv/bin/python -m bench.preview            # 5 runs per page
    .venv/bin/python -m bench.preview --runs 3 --page /fr/sportelli/celadina/

Prints every run, then the median and worst reload per page against the 3 s target; exit
status 1 when a page's median is over it.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench.server import ROOT
from bench.weight import chromium
from tests.helpers import copy_project, running_portal

TARGET = 3.0  # seconds from saving a file to seeing the change
PAGES = ["/sportelli/celadina/", "/ar/sportelli/celadina/"]
DESK_FILE = "content/desks/celadina.yml"
CLOSES = re.compile(r'closes: "12:(\d\d)"')  # the Wednesday closing time, "12:00" as shipped


def status(base: str, path: str) -> dict:
    """Asked as the page at ``path`` asks: the server takes the page's language for open."""
    query = urllib.parse.urlencode({"path": path})
    with urllib.request.urlopen(f"{base}/__portal/status?{query}", timeout=10) as response:
        return json.loads(response.read())


def wait_until_built(base: str, path: str, timeout: float = 300) -> float:
    """Seconds until the server has nothing left to build (``building`` false)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if not status(base, path).get("building", False):
            return time.monotonic() - started
        time.sleep(0.1)
    raise RuntimeError(f"still building after {timeout:.0f} s")


def hours_text(page) -> str:
    """The opening-hours table of the desk page ("" while there is none)."""
    table = page.locator("article table")
    return table.first.inner_text() if table.count() else ""


def edit_closing_time(project: Path, minutes: int) -> str:
    """Save the desk file with a closing time of 12:``minutes``; returns that time."""
    desk = project / DESK_FILE
    text, found = CLOSES.subn(f'closes: "12:{minutes:02d}"', desk.read_text("utf-8"), count=1)
    if not found:
        raise SystemExit(f"{DESK_FILE}: no closing time 12:MM to edit")
    desk.write_text(text, encoding="utf-8")
    return f"12:{minutes:02d}"


def one_run(page, base: str, path: str, project: Path, minutes: int) -> tuple[float, float]:
    """(seconds to the reloaded page showing the edit, seconds to the complete site)."""
    expected = edit_closing_time(project, minutes)
    saved = time.monotonic()
    while True:
        page.wait_for_event("domcontentloaded", timeout=120_000)
        if expected in hours_text(page):
            reloaded = time.monotonic() - saved
            break
    return reloaded, reloaded + wait_until_built(base, path)


def measure_page(browser, base: str, project: Path, path: str, runs: int, first: int):
    page = browser.new_page()
    try:
        page.goto(base + path, wait_until="domcontentloaded")
        page.wait_for_timeout(1500)  # the injected script has polled: its language is open
        results = []
        for run in range(runs):
            reload, complete = one_run(page, base, path, project, first + run)
            results.append((reload, complete))
            print(f"{path:<28}{run + 1:>4}{reload:>10.2f}{complete:>12.1f}", flush=True)
        return results
    finally:
        page.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="edits per page (default 5)")
    parser.add_argument("--page", action="append", help=f"pages to open (default {PAGES})")
    args = parser.parse_args(argv)
    paths = args.page or PAGES
    if not 0 < args.runs * len(paths) < 60:
        parser.error("every run sets another minute of 12:MM: at most 59 runs in all")
    with tempfile.TemporaryDirectory(prefix="portal-bench-preview-") as scratch:
        project = copy_project(Path(scratch) / "project")
        print(f"Serving a copy of {ROOT} with `portal serve` (it builds first) ...", flush=True)
        started = time.monotonic()
        with running_portal(project) as base, chromium() as browser:
            print(f"serving after {time.monotonic() - started:.1f} s\n", flush=True)
            print(f"{'page':<28}{'run':>4}{'reload s':>10}{'complete s':>12}", flush=True)
            figures = {}
            for number, path in enumerate(paths):
                wait_until_built(base, path)
                figures[path] = measure_page(
                    browser, base, project, path, args.runs, 1 + number * args.runs
                )
    return report(figures)


def report(figures: dict) -> int:
    print(
        f"\n{'page':<28}{'median s':>9}{'worst s':>9}{'complete median s':>19}   "
        f"target {TARGET:.0f} s (reload)"
    )
    over = False
    for path, results in figures.items():
        reloads = [reload for reload, _ in results]
        median = statistics.median(reloads)
        over |= median > TARGET
        print(
            f"{path:<28}{median:>9.2f}{max(reloads):>9.2f}"
            f"{statistics.median(c for _, c in results):>19.1f}   "
            f"{'OVER' if median > TARGET else 'ok'}"
        )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
