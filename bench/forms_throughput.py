"""Forms service throughput: accepted heating-grant pre-applications per second, durably
committed, against the same server's liveness endpoint, on SQLite and on PostgreSQL.

The service runs as in production (``docs/operators.md``): gunicorn, ``-w 4 -k gthread
--threads 4`` (two workers per core on this 2-core machine), on a scratch copy of content/,
site_config/ and mkdocs.yml, with a fresh SQLite file or a fresh PostgreSQL database, rate
limits off (every ``PORTAL_*LIMITS`` setting ``off``), no access log.

Per backend, in one run against one server:

1. **peak** (Debian's ``wrk``, closed loop, keep-alive, ``--connections`` connections):
   ``--rounds`` rounds of the liveness endpoint for ``--seconds`` then the pre-application
   for ``--seconds`` (``bench/wrk_requests.lua``: a valid JSON body, a unique
   ``Idempotency-Key`` per request, responses counted by status). Liveness is ``/api/live``
   when it answers 200, else ``/api/health``. Only 201 counts as accepted; the **ratio** is
   accepted/s over liveness req/s of the same rounds, so a busy machine slows both alike.
2. **half peak** (``open_loop`` below; wrk2's ``-R`` is not in Debian): pre-applications
   sent at a constant rate, half the accepted/s of step 1, for ``--seconds`` × 2, whatever
   the answers do (open loop). Each request has its time slot; its latency runs from that
   slot, not from when a connection was free, so a stalled server's queue is counted (wrk2's
   correction of "coordinated omission").
3. **durably committed**: the server is stopped, then the rows in ``pre_applications`` are
   counted on a new connection; they must equal the 201 answers of the whole run.

For reference, a bare Flask app answering ``{"status": "ok"}`` under the same gunicorn
settings. ``--profile`` instead profiles the request path in this process (cProfile,
``app.wsgi_app`` called with a prepared WSGI environ, no server, no client): where the time
of a liveness request and of a pre-application goes.

    make bench-forms
    .venv/bin/python -m bench.forms_throughput --backend sqlite --rounds 2
    .venv/bin/python -m bench.forms_throughput --profile

Exit status 1 when a goal is missed or the row count differs from the 201s.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.server import ROOT
from tests.helpers import PRE_APPLICATION, copy_project, free_port, stop

LUA = Path(__file__).with_name("wrk_requests.lua")
PRE_APPLICATION_PATH = "/api/heating-grant/pre-applications?lang=it"
LIVENESS_PATHS = ("/api/live", "/api/health")  # the first that answers 200
GUNICORN = ["-w", "4", "-k", "gthread", "--threads", "4"]  # as docs/operators.md runs it
POSTGRESQL = os.environ.get("PORTAL_BENCH_POSTGRESQL", "postgresql://postgres@127.0.0.1:5432/")
# Goals of issue #9 on this 2-core machine.
PEAK_GOAL = {"sqlite": 1000, "postgresql": 800}  # accepted pre-applications per second
RATIO_GOAL = 0.3  # accepted/s over liveness req/s
P99_GOAL_MS = 50  # at half the peak rate


@dataclass
class Run:
    """One load: how many requests, over how long, their latencies and statuses."""

    seconds: float
    statuses: Counter = field(default_factory=Counter)
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    socket_errors: int = 0

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    def rate(self, status: int | None = None) -> float:
        count = self.requests if status is None else self.statuses[str(status)]
        return count / self.seconds if self.seconds else 0.0


def combined(runs: list[Run]) -> Run:
    """Several rounds as one: totals over the total time, the median p50, the worst p99."""
    total = Run(sum(r.seconds for r in runs))
    for run in runs:
        total.statuses.update(run.statuses)
        total.socket_errors += run.socket_errors
    total.p50_ms = statistics.median(r.p50_ms for r in runs)
    total.p99_ms = max(r.p99_ms for r in runs)
    return total


# --- the server ------------------------------------------------------------------------------


def bare_app():
    """The reference: Flask with one JSON route, nothing else (``gunicorn 'm:bare_app()'``)."""
    from flask import Flask, jsonify

    app = Flask("bare")
    app.get("/api/live")(lambda: jsonify({"status": "ok"}))
    return app


def bare_insert_app():
    """The second reference: Flask storing each POSTed JSON body as one SQLite row, durably
    (WAL, ``synchronous=FULL``, one connection per thread), and nothing else: what this
    machine's processor and disk allow one durable insert per request, without validation,
    idempotency, rate limits or a write lock of our own. ``BENCH_BARE_DB`` is the file."""
    import sqlite3
    import threading
    import uuid

    from flask import Flask, jsonify, request

    path = os.environ["BENCH_BARE_DB"]
    local = threading.local()

    def connection() -> sqlite3.Connection:
        if getattr(local, "conn", None) is None:
            conn = sqlite3.connect(path, isolation_level=None, timeout=10)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("CREATE TABLE IF NOT EXISTS rows (reference TEXT PRIMARY KEY, body TEXT)")
            local.conn = conn
        return local.conn

    def store():
        reference = uuid.uuid4().hex[:10]
        conn = connection()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO rows VALUES (?, ?)", (reference, json.dumps(request.json)))
        conn.execute("COMMIT")
        return jsonify({"reference": reference}), 201

    app = Flask("bare_insert")
    app.post(PRE_APPLICATION_PATH.split("?")[0])(store)
    return app


def service_env(project: Path, database_url: str) -> dict[str, str]:
    from forms_service.config import SETTINGS

    limits = {s.name: "off" for s in SETTINGS if s.name.endswith("LIMITS")}
    return {
        **os.environ,
        **limits,
        "PORTAL_ROOT": str(project),
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_SECRET_KEY": "bench-" + "k" * 58,
        "PORTAL_REDIS_URL": "",
        "PORTAL_SMTP_URL": "",
        "PORTAL_TEAM_MAIL": "",
    }


@contextmanager
def gunicorn(app: str, env: dict[str, str], log: Path) -> Iterator[str]:
    """gunicorn serving ``app`` on a free port; yields its base URL once it answers."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), *GUNICORN, "-b", f"127.0.0.1:{port}"]
            + ["--chdir", str(ROOT), app],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while status_of(base + LIVENESS_PATHS[-1]) is None and status_of(base + "/") is None:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start:\n{log.read_text()}")
                time.sleep(0.2)
            yield base
        finally:
            stop(process, grace=30)


def status_of(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def liveness_path(base: str) -> str:
    return next((p for p in LIVENESS_PATHS if status_of(base + p) == 200), LIVENESS_PATHS[-1])


# --- databases -------------------------------------------------------------------------------


@contextmanager
def fresh_database(backend: str, scratch: Path) -> Iterator[str]:
    """The URL of an empty database: a new SQLite file, or a new PostgreSQL database
    (dropped afterwards)."""
    if backend == "sqlite":
        yield f"sqlite:///{scratch / 'bench.sqlite3'}"
        return
    import psycopg

    name = f"portal_bench_{os.getpid()}"
    with psycopg.connect(POSTGRESQL + "postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield POSTGRESQL + name
    finally:
        with psycopg.connect(POSTGRESQL + "postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def stored_pre_applications(database_url: str) -> int:
    """Rows in pre_applications, on a connection of our own (after the server stopped)."""
    if database_url.startswith("sqlite:///"):
        import sqlite3

        lite = sqlite3.connect(database_url[len("sqlite:///") :])
        try:
            return lite.execute("SELECT COUNT(*) FROM pre_applications").fetchone()[0]
        finally:
            lite.close()
    import psycopg

    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT COUNT(*) FROM pre_applications").fetchone()
        return row[0] if row else 0


def postgresql_reachable() -> bool:
    try:
        import psycopg

        psycopg.connect(POSTGRESQL + "postgres", connect_timeout=3).close()
        return True
    except Exception:  # noqa: BLE001 - any failure means: skip the backend, say why
        return False


# --- load ------------------------------------------------------------------------------------

BODY = json.dumps(PRE_APPLICATION)


def wrk(url: str, seconds: float, connections: int, nonce: str, post: bool) -> Run:
    """``wrk`` on ``url`` for ``seconds``: GET, or POST of a pre-application (see the .lua)."""
    env = {**os.environ, "BENCH_NONCE": nonce}
    if post:
        env["BENCH_BODY"] = BODY
    done = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s", "-s", str(LUA)]
        + [url],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(ln for ln in done.stdout.splitlines() if ln.startswith("BENCH "))
    data = json.loads(line[len("BENCH ") :])
    return Run(
        data["duration_us"] / 1e6,
        Counter(data["statuses"]),
        data["p50_us"] / 1000,
        data["p99_us"] / 1000,
        data["socket_errors"],
    )


def open_loop(base: str, path: str, rate: float, seconds: float, nonce: str) -> Run:
    """Pre-applications at a constant ``rate`` for ``seconds``, whatever the answers do."""
    return asyncio.run(_open_loop(base, path, rate, seconds, nonce))


async def _open_loop(base: str, path: str, rate: float, seconds: float, nonce: str) -> Run:
    host, port = base.removeprefix("http://").split(":")
    body = BODY.encode()
    slots: asyncio.Queue[float | None] = asyncio.Queue()
    latencies: list[float] = []
    statuses: Counter = Counter()
    errors = 0

    async def client(number: int) -> None:
        nonlocal errors
        reader = writer = None
        sent = 0
        while (slot := await slots.get()) is not None:
            sent += 1
            head = (
                f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                "Content-Type: application/json\r\n"
                f"Idempotency-Key: bench-{nonce}-{number}-{sent}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            )
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, int(port))
                assert reader is not None
                writer.write(head.encode() + body)
                status, close = await _read_response(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                errors += 1
                writer = None
                continue
            latencies.append(time.monotonic() - slot)
            statuses[str(status)] += 1
            if close:
                writer.close()
                writer = None
        if writer is not None:
            writer.close()

    clients = [asyncio.create_task(client(n)) for n in range(64)]
    started = time.monotonic()
    total = int(rate * seconds)
    for number in range(total):
        slot = started + number / rate
        delay = slot - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        slots.put_nowait(slot)
    for _ in clients:
        slots.put_nowait(None)
    await asyncio.gather(*clients)
    latencies.sort()
    run = Run(seconds, statuses, socket_errors=errors)
    if latencies:
        run.p50_ms = latencies[len(latencies) // 2] * 1000
        run.p99_ms = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    return run


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """(status, server closes the connection) of one HTTP/1.1 response; its body skipped."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    headers = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(":") for line in head[1:] if line)
    }
    await reader.readexactly(int(headers.get("content-length", "0")))
    return int(head[0].split()[1]), headers.get("connection", "").lower() == "close"


# --- one backend -----------------------------------------------------------------------------


@dataclass
class Row:
    backend: str
    endpoint: str
    run: Run
    rate: float
    ratio: float | None = None
    goal: str = ""
    met: bool | None = None


def measure_backend(backend: str, scratch: Path, args) -> tuple[list[Row], str, bool]:
    project = copy_project(scratch / f"project-{backend}")
    with fresh_database(backend, scratch) as url:
        env = service_env(project, url)
        with gunicorn("forms_service.wsgi:app", env, scratch / f"gunicorn-{backend}.log") as base:
            live_path = liveness_path(base)
            print(f"{backend}: serving at {base}, liveness {live_path}", flush=True)
            live_url, post_url = base + live_path, base + PRE_APPLICATION_PATH
            closed = 0  # 201s of wrk's loads
            warm = wrk(post_url, 2, args.connections, f"{backend}w", post=True)
            closed += warm.statuses["201"]
            wrk(live_url, 2, args.connections, f"{backend}w", post=False)
            lives, posts = [], []
            for round_ in range(args.rounds):
                lives.append(wrk(live_url, args.seconds, args.connections, "", post=False))
                posts.append(
                    wrk(post_url, args.seconds, args.connections, f"{backend}{round_}", True)
                )
                closed += posts[-1].statuses["201"]
                print(
                    f"  round {round_ + 1}: liveness {lives[-1].rate():7.0f}/s, pre-applications "
                    f"{posts[-1].rate(201):6.0f}/s accepted ({dict(posts[-1].statuses)}), "
                    f"ratio {posts[-1].rate(201) / max(lives[-1].rate(), 1):.2f}",
                    flush=True,
                )
            live, post = combined(lives), combined(posts)
            peak = post.rate(201)
            time.sleep(1)  # what wrk left in flight is answered and committed by now
            before = stored_pre_applications(url)
            half = open_loop(base, PRE_APPLICATION_PATH, peak / 2, args.seconds * 2, f"{backend}h")
            print(
                f"  half peak: {peak / 2:.0f}/s offered, {half.rate(201):.0f}/s accepted "
                f"({dict(half.statuses)}, {half.socket_errors} errors)",
                flush=True,
            )
        after = stored_pre_applications(url)  # the server has stopped
    # wrk stops with up to --connections requests in flight per load, unanswered to it but
    # committed by the server; the open loop waits for every answer: exact.
    in_flight = args.connections * (args.rounds + 1)
    durable = (
        f"{backend}: wrk's loads: {before} rows for {closed} answers 201 (+ at most {in_flight} "
        f"in flight when wrk stopped); half peak: {after - before} rows for "
        f"{half.statuses['201']} answers 201"
    )
    ok = closed <= before <= closed + in_flight and after - before == half.statuses["201"]
    durable += ": every 201 durably committed" if ok else ": MISMATCH"
    ratio = peak / live.rate() if live.rate() else 0.0
    rows = [
        Row(backend, f"liveness {live_path}", live, live.rate()),
        Row(
            backend,
            "pre-application, peak",
            post,
            peak,
            ratio,
            f">= {PEAK_GOAL[backend]}/s, ratio >= {RATIO_GOAL}",
            peak >= PEAK_GOAL[backend] and ratio >= RATIO_GOAL,
        ),
        Row(
            backend,
            "pre-application, half peak",
            half,
            half.rate(201),
            goal=f"p99 < {P99_GOAL_MS} ms",
            met=half.p99_ms < P99_GOAL_MS and half.statuses["201"] == half.requests > 0,
        ),
    ]
    return rows, durable, ok


def measure_bare(scratch: Path, args) -> Row:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with gunicorn("bench.forms_throughput:bare_app()", env, scratch / "gunicorn-bare.log") as base:
        wrk(base + "/api/live", 2, args.connections, "", post=False)
        url = base + "/api/live"
        run = combined([wrk(url, args.seconds, args.connections, "", False) for _ in range(2)])
    return Row("bare Flask", "liveness /api/live", run, run.rate(), goal="reference")


def measure_bare_insert(scratch: Path, args) -> Row:
    database = scratch / "bare-insert.sqlite3"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BENCH_BARE_DB": str(database)}
    app = "bench.forms_throughput:bare_insert_app()"
    with gunicorn(app, env, scratch / "gunicorn-bare-insert.log") as base:
        url = base + PRE_APPLICATION_PATH
        wrk(url, 2, args.connections, "bw", post=True)
        run = combined([wrk(url, args.seconds, args.connections, f"b{n}", True) for n in range(2)])
    return Row("bare Flask", "one durable SQLite insert", run, run.rate(201), goal="reference")


def against_bare_insert(rows: list[Row]) -> str:
    """Each backend's peak as a share of the bare durable insert of the same run."""
    bare = next((r for r in rows if r.endpoint == "one durable SQLite insert"), None)
    if bare is None or not bare.rate:
        return ""
    return (
        "\n".join(
            f"{r.backend}: a pre-application at the peak is {r.rate / bare.rate:.0%} of the bare "
            f"durable insert ({r.rate:.0f}/s of {bare.rate:.0f}/s)"
            for r in rows
            if r.endpoint == "pre-application, peak"
        )
        + "\n"
    )


def table(rows: list[Row]) -> str:
    lines = [
        f"{'backend':<12}{'endpoint':<30}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'ratio':>7}"
        f"  {'goal':<30}{'met':<4}"
    ]
    for row in rows:
        ratio = f"{row.ratio:.2f}" if row.ratio is not None else ""
        met = "" if row.met is None else ("yes" if row.met else "NO")
        lines.append(
            f"{row.backend:<12}{row.endpoint:<30}{row.rate:>8.0f}{row.run.p50_ms:>9.1f}"
            f"{row.run.p99_ms:>9.1f}{ratio:>7}  {row.goal:<30}{met:<4}"
        )
    return "\n".join(lines)


# --- profile ---------------------------------------------------------------------------------

# What a request goes through, as (label, file ending, function name) for cumulative times.
STAGES = (
    ("whole request (Flask wsgi_app)", "flask/app.py", "wsgi_app"),
    ("  request context push (session open)", "flask/ctx.py", "push"),
    ("  before_request hooks", "flask/app.py", "preprocess_request"),
    ("    content snapshot (i18n.take_snapshot)", "web/i18n.py", "take_snapshot"),
    ("    origin check + rate limit (security)", "web/security.py", "check_request"),
    (
        "    Flask-Limiter (every limit, one pass)",
        "flask_limiter/_extension.py",
        "_check_request_limit",
    ),
    ("    CSRF hook (staff_auth)", "web/staff_auth.py", "_check_csrf"),
    ("  view function", "flask/app.py", "dispatch_request"),
    ("    database connection opened (get_db)", "web/db.py", "get_db"),
    ("    submit_pre_application", "domain/actions.py", "submit_pre_application"),
    ("      storing it (store.save_pre_application)", "storage/store.py", "save_pre_application"),
    ("    pre_application_json (desk hours...)", "web/api.py", "pre_application_json"),
    ("    jsonify", "flask/json/__init__.py", "jsonify"),
    ("  after_request hooks (headers, session)", "flask/app.py", "process_response"),
    ("    security headers (add_headers)", "web/security.py", "add_headers"),
    ("    session save", "flask/sessions.py", "save_session"),
    ("  teardown (close_db)", "web/db.py", "close_db"),
)


def profile(args) -> int:
    from werkzeug.test import EnvironBuilder

    from forms_service import create_app

    with tempfile.TemporaryDirectory(prefix="portal-bench-profile-") as scratch:
        project = copy_project(Path(scratch) / "project")
        os.environ.update(service_env(project, f"sqlite:///{Path(scratch) / 'profile.sqlite3'}"))
        app = create_app(root=project)
        liveness = "/api/live" if "/api/live" in {r.rule for r in app.url_map.iter_rules()} else ""
        cases = {
            f"liveness {liveness or '/api/health'}": EnvironBuilder(path=liveness or "/api/health"),
            "pre-application": EnvironBuilder(
                path=PRE_APPLICATION_PATH.split("?")[0],
                query_string="lang=it",
                method="POST",
                data=BODY,
                content_type="application/json",
            ),
        }
        for name, builder in cases.items():
            environ = builder.get_environ()
            body = environ["wsgi.input"].read()
            calls = iter(range(10**9))

            def one(environ=environ, body=body, calls=calls, name=name) -> None:
                request = {**environ, "wsgi.input": io.BytesIO(body)}
                request["HTTP_IDEMPOTENCY_KEY"] = f"profile-{next(calls)}"
                statuses: list[str] = []

                def start_response(status, headers, exc_info=None):
                    statuses.append(status)
                    return lambda data: None

                b"".join(app.wsgi_app(request, start_response))
                if statuses[0][:3] not in ("200", "201"):
                    raise RuntimeError(f"{name}: {statuses[0]}")

            for _ in range(200):
                one()
            started = time.perf_counter()
            for _ in range(args.requests):
                one()
            plain = (time.perf_counter() - started) / args.requests
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests):
                one()
            profiler.disable()
            print(f"\n== {name}: {plain * 1000:.2f} ms per request in-process without profiler")
            print_profile(pstats.Stats(profiler), args.requests, args.top)
    return 0


def print_profile(stats: pstats.Stats, requests: int, top: int) -> None:
    entries = stats.stats  # type: ignore[attr-defined]  # {(file, line, name): (cc, nc, tt, ct, callers)}
    whole = max(
        (ct for (file, _, name), (_, _, _, ct, _) in entries.items() if name == "wsgi_app"),
        default=1.0,
    )
    print(f"{'stage (cumulative, per request, with profiler)':<48}{'ms':>7}{'%':>6}")
    for label, suffix, function in STAGES:
        found = [
            ct
            for (file, _, name), (_, _, _, ct, _) in entries.items()
            if name == function and file.endswith(suffix)
        ]
        if found:
            print(f"{label:<48}{sum(found) / requests * 1000:>7.3f}{sum(found) / whole:>6.0%}")
    print(f"\ntop {top} by own time:")
    output = io.StringIO()
    stats.stream = output  # type: ignore[attr-defined]  # where print_stats writes
    stats.sort_stats("tottime").print_stats(top)
    lines = output.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("ncalls"))
    for line in lines[start:]:
        if line.strip():
            print(line.replace(str(ROOT) + "/", "").replace(sys.prefix + "/lib/python3.11/", ""))


# --- main ------------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", action="append", choices=("sqlite", "postgresql"))
    parser.add_argument("--rounds", type=int, default=3, help="liveness/pre-application rounds")
    parser.add_argument("--seconds", type=float, default=5, help="length of each load")
    parser.add_argument("--connections", type=int, default=16, help="wrk's connections")
    parser.add_argument("--profile", action="store_true", help="profile in-process instead")
    parser.add_argument("--requests", type=int, default=2000, help="profiled requests per case")
    parser.add_argument("--top", type=int, default=25, help="profile entries to print")
    args = parser.parse_args(argv)
    if args.profile:
        return profile(args)
    if shutil.which("wrk") is None:
        parser.error("wrk is missing: `make bench-forms` installs it (apt-get install wrk)")
    backends = args.backend or ["sqlite", "postgresql"]
    if "postgresql" in backends and not postgresql_reachable():
        print(f"PostgreSQL at {POSTGRESQL} unreachable: skipped (PORTAL_BENCH_POSTGRESQL)")
        backends.remove("postgresql")
    rows: list[Row] = []
    notes: list[str] = []
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="portal-bench-forms-") as scratch_dir:
        scratch = Path(scratch_dir)
        rows.append(measure_bare(scratch, args))
        if "sqlite" in backends:
            rows.append(measure_bare_insert(scratch, args))
        for backend in backends:
            backend_rows, note, durable = measure_backend(backend, scratch, args)
            rows += backend_rows
            notes.append(note)
            failures += [] if durable else [backend]
    print(
        f"\ngunicorn {' '.join(GUNICORN)}; wrk -t1 -c{args.connections}, {args.rounds} rounds "
        f"of {args.seconds:g} s per endpoint; half peak: open loop for {args.seconds * 2:g} s\n"
    )
    print(table(rows))
    print()
    print(against_bare_insert(rows))
    for note in notes:
        print(note)
    missed = [r for r in rows if r.met is False]
    return 1 if missed or failures else 0


if __name__ == "__main__":
    sys.exit(main())
