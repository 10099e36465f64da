"""Lighthouse on the home page and a desk page, in Italian and in Arabic (right to left).

Serves a scratch build with gzip, as production's nginx does (``bench/server.py``), runs the
Lighthouse CLI pinned in ``bench/package.json`` / ``bench/package-lock.json`` (installed with
``npm ci --prefix bench`` when missing) with Debian's Chromium, its default mobile profile
(Moto G Power, simulated slow 4G, 4x CPU slowdown), 3 runs per page by default, and writes:

- ``bench/lighthouse-scores.json``: page path -> the four category scores (0-100, medians);
- ``test-artifacts/lighthouse/*.json``: the full reports, to read why an audit fails.

Targets: performance >= 95; accessibility, best practices and SEO = 100. The table on stdout
lists every audit that costs points in a category below its target; exit status 1 then.

    make lighthouse                 # or: .venv/bin/python -m bench.lighthouse [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from bench.server import ROOT, serve

BENCH = ROOT / "bench"
LIGHTHOUSE = BENCH / "node_modules" / ".bin" / "lighthouse"
SCORES = BENCH / "lighthouse-scores.json"
REPORTS = ROOT / "test-artifacts" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium"))
PAGES = ["/", "/sportelli/celadina/", "/ar/", "/ar/sportelli/celadina/"]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGET = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}


def install() -> None:
    """``npm ci --prefix bench`` unless the pinned Lighthouse is already installed."""
    hidden_lock = BENCH / "node_modules" / ".package-lock.json"
    lock = BENCH / "package-lock.json"
    if (
        LIGHTHOUSE.exists()
        and hidden_lock.exists()
        and hidden_lock.stat().st_mtime >= lock.stat().st_mtime
    ):
        return
    subprocess.run(["npm", "ci", "--prefix", str(BENCH), "--no-audit", "--no-fund"], check=True)


def run(url: str, out: Path) -> dict:
    """One Lighthouse run; returns the parsed JSON report."""
    env = {**os.environ, "CHROME_PATH": CHROME}
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ],
        check=True,
        env=env,
    )
    return json.loads(out.read_text(encoding="utf-8"))


def scores(report: dict) -> dict:
    return {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}


def losing_audits(report: dict, category: str) -> list[str]:
    """Audits that cost points in ``category``: id, score, title and the display value."""
    found = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            value = audit.get("displayValue") or ""
            found.append(
                f"{ref['id']} ({audit['score']:.2f}, weight {ref['weight']}): "
                f"{audit['title']} {value}".rstrip()
            )
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs",
        type=int,
        default=3,
        help="runs per page (default 3); the median of each category is kept",
    )
    args = parser.parse_args(argv)

    install()
    REPORTS.mkdir(parents=True, exist_ok=True)
    results, losses = {}, {}
    with serve(ROOT) as base:
        for path in PAGES:
            runs = []
            for n in range(args.runs):
                name = (path.strip("/").replace("/", "_") or "home") + f"-{n + 1}.json"
                print(f"lighthouse {base}{path} (run {n + 1}/{args.runs})", flush=True)
                runs.append(run(base + path, REPORTS / name))
            results[path] = {
                c: int(statistics.median(scores(r)[c] for r in runs)) for c in CATEGORIES
            }
            version = runs[-1]["lighthouseVersion"]
            agent = runs[-1]["environment"]["hostUserAgent"]
            # the audits of the run whose performance is the median one
            middle = sorted(runs, key=lambda r: scores(r)["performance"])[len(runs) // 2]
            losses[path] = {
                c: losing_audits(middle, c) for c in CATEGORIES if results[path][c] < TARGET[c]
            }
    SCORES.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")

    print(f"\nLighthouse {version}, mobile (simulated throttling), {agent.split(') ')[-1]}")
    header = f"{'page':<26}" + "".join(f"{c:>16}" for c in CATEGORIES)
    print(header)
    for path, row in results.items():
        cells = "".join(
            f"{str(row[c]) + ('' if row[c] >= TARGET[c] else ' !'):>16}" for c in CATEGORIES
        )
        print(f"{path:<26}{cells}")
    target = {c: (">= " if c == "performance" else "") + str(TARGET[c]) for c in CATEGORIES}
    print(f"{'target':<26}" + "".join(f"{target[c]:>16}" for c in CATEGORIES))
    failed = False
    for path, categories in losses.items():
        for category, audits in categories.items():
            failed = True
            print(f"\n{path} {category} {results[path][category]} < {TARGET[category]}:")
            for line in audits:
                print(f"  - {line}")
    print(
        f"\nscores written to {SCORES.relative_to(ROOT)}; reports in {REPORTS.relative_to(ROOT)}/"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
