"""Helpers for tests that need a real build or a real server on localhost."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORTAL = [sys.executable, "-m", "portal.cli"]


def copy_project(target: Path) -> Path:
    """A copy of the shipped content, site_config and mkdocs.yml, free to edit."""
    target.mkdir(parents=True, exist_ok=True)
    for part in ("content", "site_config", "mkdocs.yml"):
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy(source, target / part)
    return target


def tree_digest(folder: Path) -> dict:
    """Every file under ``folder`` with the hash of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str):
    """(status, headers, body text) without raising on 4xx/5xx or following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.headers, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8", "replace")


def stop(process: subprocess.Popen, grace: float = 15) -> None:
    """Ask a server to stop (SIGTERM: gunicorn finishes its requests), then kill it."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@contextmanager
def running_portal(root: Path, *extra: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """``portal serve`` in a subprocess on a free port, with ``env`` added to the environment;
    yields its base URL (``http://127.0.0.1:PORT``, no trailing slash)."""
    port = free_port()
    env = {**os.environ, **(env or {}), "PORTAL_SITE_URL": f"http://127.0.0.1:{port}/"}
    base = f"http://127.0.0.1:{port}"
    # The output goes to a file, not a pipe: nobody reads a pipe while the tests run, and
    # once its buffer is full (some hundred access-log lines) the server blocks on writing.
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as output:
        process = subprocess.Popen(
            [*PORTAL, "--root", str(root), "serve", "--port", str(port), *extra],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    output.seek(0)
                    raise RuntimeError(f"portal serve exited: {output.read()}")
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                        break
                except OSError:
                    time.sleep(0.2)
            else:
                raise RuntimeError("portal serve did not start within 60 s")
            yield base
        finally:
            stop(process, grace=10)


def wait_for(predicate, timeout: float = 30, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")


def service_rows(service, sql: str, params=()) -> list[dict]:
    """The rows of one query on the forms service's database, on a connection of its own."""
    db = service.extensions["portal_db"]
    conn = db.connect()
    try:
        return db.all(conn, sql, params)
    finally:
        conn.close()


def table_rows(html: str) -> list[list[str]]:
    cells = r"<t[dh][^>]*>(.*?)</t[dh]>"
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(cells, row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)
    ]


# An eligible heating-grant pre-application, as the API takes it.
PRE_APPLICATION = {
    "full_name": "Maria Rossi",
    "phone": "035 123456",
    "address": "Via Roma 1, Bergamo",
    "household_size": 3,
    "tenancy_start": "2020-01-15",
    "heating": "centralized",
    "band": "accesso",
    "isee": "12.345,67",
    "arrears": False,
    "preferred_desk": "celadina",
    "consent": True,
}
# Its answers to the eligibility questions alone, as the eligibility check takes them.
QUESTION = {
    name: PRE_APPLICATION[name] for name in ("tenancy_start", "heating", "band", "isee", "arrears")
}
