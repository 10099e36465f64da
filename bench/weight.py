"""Page weight of a first visit, as a resident on a cheap phone pays for it.

Builds the site into a scratch folder and serves it like production (``bench/server.py``),
then opens each page in Debian's Chromium in a fresh browser context (empty cache, empty
storage), phone-sized. Once the page has settled (network idle) it opens the search box and
types a query, so the search index, the search worker and the lunr language files are
fetched too if they were not already, and counts them.

Every response body is read through Playwright (``response.body()``, already decoded) and
counted twice: raw, and as a web server sends it: gzip level 6 for compressible types (HTML,
CSS, JS, JSON, SVG, XML, text), as-is for images and fonts. HTTP headers are not counted.
1 KB = 1000 bytes.

    make bench                      # or: .venv/bin/python -m bench.weight
    .venv/bin/python -m bench.weight --lang it --lang ar --desk-only --top 20

Exit status 1 when a desk page is over the budget or any page requested another host.
``tests/test_weight.py`` imports ``measure``, ``pages`` and ``resources_table`` from here.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from playwright.sync_api import Error as PlaywrightError

from bench.server import ROOT, compressible, gzipped, serve

__all__ = [
    "BUDGET",
    "KB",
    "Resource",
    "Visit",
    "chromium",
    "measure",
    "pages",
    "resources_table",
    "serve",
]

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
KB = 1000
BUDGET = 150 * KB  # a first visit to a desk page, search included, in any language
DESK = "sportelli/celadina/"
OTHER_PAGES = {"home": "", "heating grant": "contributo-riscaldamento/"}
QUERY = "Celadina"  # the desk's place name, written the same in every language
# A cheap Android phone: small screen, touch, 2x pixels.
PHONE = {
    "viewport": {"width": 360, "height": 640},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def gzipped_size(body: bytes, content_type: str) -> int:
    """The bytes a web server would send: gzip -6 for text types, as-is otherwise."""
    if not body or not compressible(content_type):
        return len(body)
    return len(gzipped(body))


@dataclass
class Resource:
    url: str
    method: str
    status: int | None
    content_type: str
    raw: int
    compressed: int
    phase: str  # "load" (until network idle) or "search" (opening search and typing)
    third_party: bool
    failure: str | None = None
    wire: int = 0  # body bytes as the bench server actually sent them (gzip when it applies)

    @property
    def path(self) -> str:
        parts = urlsplit(self.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    @property
    def failed(self) -> bool:
        return self.failure is not None or (self.status or 0) >= 400


@dataclass
class Visit:
    lang: str
    label: str
    url: str
    resources: list[Resource] = field(default_factory=list)
    search_result: str = ""  # what the search box answered to QUERY ("" if it did not)

    @property
    def requests(self) -> int:
        return len(self.resources)

    @property
    def raw(self) -> int:
        return sum(r.raw for r in self.resources)

    @property
    def compressed(self) -> int:
        return sum(r.compressed for r in self.resources)

    @property
    def third_party(self) -> list[str]:
        return [r.url for r in self.resources if r.third_party]

    @property
    def wire(self) -> int:
        return sum(r.wire for r in self.resources)

    @property
    def failed(self) -> list[Resource]:
        """Requests answered 4xx/5xx or not answered at all."""
        return [r for r in self.resources if r.failed]

    def biggest(self, n: int = 10) -> list[Resource]:
        return sorted(self.resources, key=lambda r: r.compressed, reverse=True)[:n]


# --- pages and browser -------------------------------------------------------------------


def languages(root: Path = ROOT) -> list[str]:
    """Language codes from site_config/languages.yml; the first is served at /."""
    data = yaml.safe_load((root / "site_config" / "languages.yml").read_text(encoding="utf-8"))
    return [entry["code"] for entry in data["languages"]]


def pages(root: Path = ROOT, langs: list[str] | None = None, desk_only: bool = False):
    """(language, label, path) of the desk page in every language, then the home page and
    the heating-grant page in every language (for information)."""
    codes = languages(root)
    default = codes[0]
    chosen = [c for c in codes if langs is None or c in langs]
    prefix = {c: "/" if c == default else f"/{c}/" for c in codes}
    found = [(c, "desk", prefix[c] + DESK) for c in chosen]
    if not desk_only:
        for label, path in OTHER_PAGES.items():
            found += [(c, label, prefix[c] + path) for c in chosen]
    return found


@contextmanager
def chromium():
    """Debian's Chromium under Playwright, with the same flags as the test suite."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium not found at {CHROMIUM}: `make browser` installs it.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            yield browser
        finally:
            browser.close()


# --- measuring ---------------------------------------------------------------------------


def _settle(page, in_flight: set, quiet: float = 0.5, timeout: float = 15) -> None:
    """Wait until no request has been in flight for ``quiet`` seconds."""
    deadline = time.monotonic() + timeout
    calm_since = None
    while time.monotonic() < deadline:
        if in_flight:
            calm_since = None
        elif calm_since is None:
            calm_since = time.monotonic()
        elif time.monotonic() - calm_since >= quiet:
            return
        page.wait_for_timeout(50)


def _search(page, query: str) -> str:
    """Open the search box as a reader would (the magnifier on a phone), type, and wait for
    the result count to replace the placeholder; returns that count line."""
    box = page.locator("input.md-search__input")
    if not box.is_visible():
        page.locator('label.md-header__button[for="__search"]').first.click()
    box.wait_for(state="visible", timeout=10_000)
    box.focus()
    meta = page.locator(".md-search-result__meta")
    before = meta.inner_text()
    box.press_sequentially(query, delay=60)
    try:
        page.wait_for_function(
            "([el, before]) => el.textContent.trim() && el.textContent.trim() !== before",
            arg=[meta.element_handle(), before.strip()],
            timeout=15_000,
        )
    except PlaywrightError:  # no result count: the resources fetched are still measured
        return ""
    return " ".join(meta.inner_text().split())


def measure(
    browser, base: str, path: str, lang: str = "", label: str = "", search: bool = True
) -> Visit:
    """One first visit to ``base + path`` in a fresh context: every request, its bytes raw and
    gzipped, and whether it went to another host than ``base``."""
    local = urlsplit(base).netloc
    context = browser.new_context(**PHONE)
    page = context.new_page()
    phase = {"now": "load"}
    seen: list[tuple] = []  # (request, phase)
    in_flight: set = set()

    def on_request(request):
        if request.url.startswith(("data:", "blob:")):
            return
        seen.append((request, phase["now"]))
        in_flight.add(request)

    context.on("request", on_request)
    context.on("requestfinished", lambda r: in_flight.discard(r))
    context.on("requestfailed", lambda r: in_flight.discard(r))
    visit = Visit(lang, label, base + path)
    try:
        page.goto(base + path, wait_until="load")
        page.wait_for_load_state("networkidle")
        _settle(page, in_flight)
        if search:
            phase["now"] = "search"
            visit.search_result = _search(page, QUERY)
            _settle(page, in_flight)
        for request, when in seen:
            visit.resources.append(_resource(request, when, local))
    finally:
        context.close()
    return visit


def _resource(request, phase: str, local: str) -> Resource:
    third_party = urlsplit(request.url).netloc != local
    response = request.response() if request.failure is None else None
    if response is None:
        return Resource(
            request.url,
            request.method,
            None,
            "",
            0,
            0,
            phase,
            third_party,
            request.failure or "no response",
        )
    content_type = response.headers.get("content-type", "")
    try:
        body = response.body()
    except PlaywrightError:  # redirects and bodiless responses
        body = b""
    try:
        wire = max(request.sizes()["responseBodySize"], 0)
    except PlaywrightError:
        wire = 0
    return Resource(
        request.url,
        request.method,
        response.status,
        content_type,
        len(body),
        gzipped_size(body, content_type),
        phase,
        third_party,
        wire=wire,
    )


def measure_all(browser, base: str, targets, search: bool = True) -> list[Visit]:
    return [measure(browser, base, path, lang, label, search) for lang, label, path in targets]


# --- report ------------------------------------------------------------------------------


def kb(n: int) -> str:
    return f"{n / KB:.1f}"


def table(visits: list[Visit]) -> str:
    lines = [
        (
            f"{'lang':<5}{'page':<15}{'requests':>9}{'raw KB':>9}{'gzip KB':>9}"
            f"{'4xx/5xx':>8}{'3rd-party':>10}  {'path':<34}search '{QUERY}'"
        )
    ]
    for v in visits:
        lines.append(
            f"{v.lang:<5}{v.label:<15}{v.requests:>9}{kb(v.raw):>9}"
            f"{kb(v.compressed):>9}{len(v.failed):>8}"
            f"{len(v.third_party):>10}  {urlsplit(v.url).path:<34}"
            f"{v.search_result or '-'}"
        )
    return "\n".join(lines)


def resources_table(visit: Visit, top: int) -> str:
    lines = [f"{'gzip KB':>8}{'raw KB':>9}  {'status':<6} {'phase':<7} {'type':<24} path"]
    for r in visit.biggest(top):
        kind = r.content_type.split(";")[0] or (r.failure or "")
        lines.append(
            f"{kb(r.compressed):>8}{kb(r.raw):>9}  {r.status or '-':<6} {r.phase:<7} "
            f"{kind[:24]:<24} {r.path}"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lang", action="append", help="only these languages (repeatable)")
    parser.add_argument("--desk-only", action="store_true", help="skip home and grant pages")
    parser.add_argument("--no-search", action="store_true", help="do not open the search")
    parser.add_argument("--top", type=int, default=15, help="biggest resources to list")
    args = parser.parse_args(argv)

    targets = pages(ROOT, args.lang, args.desk_only)
    if not targets:
        parser.error(f"no such language; known: {', '.join(languages(ROOT))}")
    print(f"Building a copy of {ROOT} and serving it with gzip ...", flush=True)
    with serve(ROOT) as base, chromium() as browser:
        visits = []
        for lang, label, path in targets:
            visits.append(measure(browser, base, path, lang, label, not args.no_search))
            print(f"  {lang:<4}{label:<15}{kb(visits[-1].compressed):>8} KB", flush=True)
    print()
    print(table(visits))
    worst = max((v for v in visits if v.label == "desk"), key=lambda v: v.compressed)
    where = f"{worst.lang} {urlsplit(worst.url).path}"
    print(f"\nbiggest resources of the worst desk page ({where}):")
    print(resources_table(worst, args.top))
    by_phase = {
        p: sum(r.compressed for r in worst.resources if r.phase == p) for p in ("load", "search")
    }
    print(
        f"by phase: until network idle {kb(by_phase['load'])} KB, opening the search and "
        f"typing {kb(by_phase['search'])} KB"
    )
    reported = [r for v in visits for r in v.resources if r.wire]
    same = sum(r.wire == r.compressed for r in reported)
    print(
        f"check: computed gzip size = bytes the server sent for {same} of {len(reported)} "
        "responses Chromium reports a size for (it reports none for worker scripts)"
    )
    third = [u for v in visits for u in v.third_party]
    if third:
        print("\nthird-party requests:")
        for url in sorted(set(third)):
            print(f"  {url}")
    failed = sorted({f"{r.status or r.failure} {r.path}" for v in visits for r in v.failed})
    if failed:
        print("\nrequests answered 4xx/5xx or not at all (counted in the weight):")
        for line in failed:
            print(f"  {line}")
    over = worst.compressed > BUDGET
    print(
        f"\nworst desk page: {where} {kb(worst.compressed)} KB of the {kb(BUDGET)} KB budget "
        f"({worst.compressed / BUDGET:.0%}): {'OVER BUDGET' if over else 'ok'}; "
        f"third-party requests: {len(third)}"
    )
    return 1 if over or third else 0


if __name__ == "__main__":
    sys.exit(main())
