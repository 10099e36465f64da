"""How the full ``portal build`` grows with the content, and what our own step adds to MkDocs.

For each factor (1×, 4×, 16× by default) a scratch copy of content/, site_config/ and
mkdocs.yml gets ``factor - 1`` more copies of every desk, service, course, event, page and
team role (``<id>-xN.yml`` with ``id: <id>-xN``; references still point at the shipped
ones, so the copies are valid content). Then, one after the other on the same copy:

1. **portal build**: ``portal --root <copy> build --site-dir <scratch>``, a new process,
   timed from start to exit (load and check the content, render every page in every
   language, MkDocs, post-processing, swap-in);
2. **plain mkdocs build**: the very Markdown and configuration that step 1 hands to MkDocs
   (``portal.site.build.render``, ``write_docs`` and ``mkdocs_config``, written out as files
   beforehand and not timed), built by ``mkdocs build -f mkdocs.yml``, a new process, timed
   the same way.

**our overhead** = (portal build − plain mkdocs) / plain mkdocs. Goal: at most 10 %. As
MkDocs inside ``portal build`` is faster than plain ``mkdocs build`` (``mkdocs_run``: no YAML
to parse, theme templates compiled once for the twelve language builds), the script also
runs ``portal.site.build.build`` once more in a process of its own with ``run_mkdocs`` timed:
**our steps** is everything else of that build (loading, checking and rendering the content,
writing the Markdown, post-processing the HTML, swapping in), against its MkDocs time.
Growth is linear when the seconds per page (pages = every page of every language) stay the
same as the content grows; the script also fits seconds = fixed + per page × pages.

    make bench-build
    .venv/bin/python -m bench.build_scaling --factor 1 --factor 4 --runs 2

Exit status 1 when our overhead is over 10 % at any factor.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from bench.server import ROOT
from tests.helpers import PORTAL, copy_project

COPIED = ("desks", "services", "courses", "events", "pages", "team")
GOAL = 0.10  # our step adds at most 10 % to MkDocs
ID_LINE = re.compile(r"^id: *(\S+) *$", re.M)


def multiply(project: Path, factor: int) -> None:
    """``factor - 1`` more copies of every copied content file, each with an id of its own."""
    for kind in COPIED:
        for source in sorted((project / "content" / kind).glob("*.yml")):
            text = source.read_text(encoding="utf-8")
            match = ID_LINE.search(text)
            if match is None:
                raise SystemExit(f"{source}: no `id:` line to change")
            for copy in range(1, factor):
                new_id = f"{match.group(1)}-x{copy}"
                target = source.with_name(f"{new_id}.yml")
                target.write_text(ID_LINE.sub(f"id: {new_id}", text, count=1), encoding="utf-8")


def timed(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return seconds, done.stdout + done.stderr


def plain_project(project: Path, target: Path) -> Path:
    """The Markdown and mkdocs.yml ``portal build`` gives MkDocs, as files under ``target``."""
    from portal.site.build import mkdocs_config, render, write_docs

    rendered = render(project)
    docs = target / "docs"
    write_docs(rendered.sites, docs)
    config = mkdocs_config(project, rendered.content, rendered.sites, docs, target / "site")
    config_file = target / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return config_file


def measure(factor: int, scratch: Path, runs: int, env: dict[str, str]) -> dict:
    project = copy_project(scratch / f"project-{factor}")
    multiply(project, factor)
    config_file = plain_project(project, scratch / f"plain-{factor}")
    mkdocs = str(Path(sys.executable).with_name("mkdocs"))
    ours, plain = [], []
    pages, languages = 0, 0
    site_dir, plain_site = scratch / f"site-{factor}", config_file.parent / "site"
    for _ in range(runs):  # alternated, so a busy moment of the machine hits both alike
        # Both build into a folder that does not exist yet: deleting an earlier site (which
        # portal build does after its swap-in, MkDocs before it builds) is not timed.
        shutil.rmtree(site_dir, ignore_errors=True)
        seconds, output = timed(
            [*PORTAL, "--root", str(project), "build", "--site-dir", str(site_dir)], env
        )
        ours.append(seconds)
        found = re.search(r"(\d+) pagine, lingue (.*)\.", output)
        if found is None:
            raise RuntimeError(f"portal build said:\n{output}")
        pages, languages = int(found.group(1)), len(found.group(2).split(", "))
        shutil.rmtree(plain_site, ignore_errors=True)
        seconds, _ = timed([mkdocs, "build", "--quiet", "-f", str(config_file)], env)
        plain.append(seconds)
    command = [sys.executable, "-m", "bench.build_scaling", "--phases", str(project)]
    shutil.rmtree(site_dir, ignore_errors=True)
    inside = json.loads(timed([*command, str(site_dir)], env)[1].splitlines()[-1])
    shutil.rmtree(site_dir, ignore_errors=True)
    return {
        "ours": inside["build"] - inside["mkdocs"],
        "mkdocs_inside": inside["mkdocs"],
        "factor": factor,
        "pages": pages,
        "languages": languages,
        "portal": statistics.median(ours),
        "mkdocs": statistics.median(plain),
    }


def phases(project: Path, site_dir: Path) -> dict[str, float]:
    """Seconds of one ``build`` in this process: in all, and inside ``run_mkdocs``."""
    import portal.site.build as site_build

    inside = 0.0
    run_mkdocs = site_build.run_mkdocs

    def timed_mkdocs(*args, **kwargs):
        nonlocal inside
        started = time.perf_counter()
        try:
            return run_mkdocs(*args, **kwargs)
        finally:
            inside += time.perf_counter() - started

    site_build.run_mkdocs = timed_mkdocs
    started = time.perf_counter()
    site_build.build(project, site_dir)
    return {"build": time.perf_counter() - started, "mkdocs": inside}


def fit(points: list[tuple[int, float]]) -> tuple[float, float]:
    """Least squares: seconds = fixed + per_page × pages."""
    if len(points) < 2:
        return 0.0, points[0][1] / points[0][0]
    slope, intercept = statistics.linear_regression(
        [float(p) for p, _ in points], [s for _, s in points]
    )
    return intercept, slope


def report(results: list[dict]) -> int:
    print(
        f"\n{'factor':>6}{'pages':>7}{'langs':>6}{'pages/lang':>11}{'portal s':>10}"
        f"{'ms/page':>9}{'mkdocs s':>10}{'ms/page':>9}{'overhead':>10}{'our steps s':>12}"
        f"{'vs MkDocs':>10}"
    )
    over = False
    for r in results:
        overhead = (r["portal"] - r["mkdocs"]) / r["mkdocs"]
        over |= overhead > GOAL
        print(
            f"{r['factor']:>5}×{r['pages']:>7}{r['languages']:>6}"
            f"{r['pages'] / r['languages']:>11.1f}{r['portal']:>10.2f}"
            f"{r['portal'] / r['pages'] * 1000:>9.1f}{r['mkdocs']:>10.2f}"
            f"{r['mkdocs'] / r['pages'] * 1000:>9.1f}{overhead:>+10.1%}{r['ours']:>12.2f}"
            f"{r['ours'] / r['mkdocs_inside']:>10.1%}"
        )
    for name in ("portal", "mkdocs"):
        fixed, per_page = fit([(r["pages"], r[name]) for r in results])
        print(
            f"{name + ' build':<14} ≈ {fixed:5.2f} s + {per_page * 1000:5.1f} ms × pages "
            "(pages = every page of every language)"
        )
    print(
        f"\noverhead: portal build over plain mkdocs build, goal at most {GOAL:.0%}: "
        f"{'ok' if not over else 'OVER'}. our steps: portal build's own work (all but "
        "run_mkdocs), in seconds and against the MkDocs time of the same build"
    )
    return 1 if over else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=int, action="append", help="default: 1, 4, 16")
    parser.add_argument("--runs", type=int, default=1, help="builds of each kind per factor")
    parser.add_argument("--phases", nargs=2, type=Path, help=argparse.SUPPRESS)  # internal
    args = parser.parse_args(argv)
    if args.phases:
        print(json.dumps(phases(*args.phases)))
        return 0
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    results = []
    with tempfile.TemporaryDirectory(prefix="portal-bench-build-") as scratch:
        for factor in args.factor or [1, 4, 16]:
            results.append(measure(factor, Path(scratch), args.runs, env))
            r = results[-1]
            print(
                f"{factor}×: {r['pages']} pages, portal build {r['portal']:.2f} s, "
                f"plain mkdocs {r['mkdocs']:.2f} s",
                flush=True,
            )
    return report(results)


if __name__ == "__main__":
    sys.exit(main())
