"""The nginx configuration of docs/operators.md, run by the real nginx in front of gunicorn.

The configuration is read from the docs (the text operators copy is the text tested); only
its addresses, paths and certificate are swapped for the test's (``PLACEHOLDERS``, each of
which must appear in it). gunicorn runs with the docs' own command line. Checked: a client's
forged X-Forwarded-For does not move its rate-limit counter, a form post over https is not
refused (X-Forwarded-Proto reaches the service), HSTS, the static site, the service's paths,
and access logs (nginx's and gunicorn's) without query strings and with a %0A or %00 in the
path written escaped, on one line. nginx missing is a failure, never a skip: `make test`
installs it (Makefile, SYSTEM_PACKAGES).
"""

from __future__ import annotations

import http.client
import logging
import os
import pwd
import re
import shlex
import shutil
import signal
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from portal.urls import SERVICE_PREFIXES
from tests.helpers import ROOT, free_port

NGINX = "/usr/sbin/nginx"
OPERATORS = ROOT / "docs" / "operators.md"
HOST = "portal.example.invalid"  # the docs' server_name: sent as Host, like a browser would
START_TIMEOUT = 30


def fenced(text: str, language: str, containing: str) -> str:
    """The one fenced block of ``language`` that contains ``containing``."""
    blocks = re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.S | re.M)
    found = [block for block in blocks if containing in block]
    assert len(found) == 1, f"one ```{language} block with {containing!r}, found {len(found)}"
    return found[0]


def docs_nginx() -> str:
    return fenced(OPERATORS.read_text(encoding="utf-8"), "nginx", "server_name")


def docs_gunicorn() -> list[str]:
    """The docs' gunicorn command line, as arguments (continuation lines joined)."""
    block = fenced(OPERATORS.read_text(encoding="utf-8"), "sh", "gunicorn")
    line = block.replace("\\\n", " ").splitlines()
    command = next(part for part in line if part.lstrip().startswith(".venv/bin/gunicorn"))
    return shlex.split(command)[1:]


@dataclass
class Proxy:
    https: int
    http: int
    service: int
    folder: Path

    @property
    def nginx_log(self) -> Path:
        return self.folder / "nginx-access.log"

    @property
    def gunicorn_log(self) -> Path:
        return self.folder / "gunicorn-access.log"


def placeholders(proxy: Proxy, site: Path) -> dict[str, str]:
    """What the docs say -> what the test uses: ports, paths and the certificate only."""
    return {
        "listen 80;": f"listen 127.0.0.1:{proxy.http};",
        "listen 443 ssl;": f"listen 127.0.0.1:{proxy.https} ssl;",
        f"/etc/letsencrypt/live/{HOST}/fullchain.pem": str(proxy.folder / "cert.pem"),
        f"/etc/letsencrypt/live/{HOST}/privkey.pem": str(proxy.folder / "key.pem"),
        "/var/log/nginx/vivere-sap.log": str(proxy.nginx_log),
        "root /srv/vivere-sap/site;": f"root {site};",
        "proxy_pass http://127.0.0.1:8001;": f"proxy_pass http://127.0.0.1:{proxy.service};",
    }


def nginx_conf(proxy: Proxy, site: Path) -> str:
    """Debian's nginx.conf in miniature (its http {} includes conf.d/) around the docs' text."""
    text = docs_nginx()
    for docs, test in placeholders(proxy, site).items():
        assert docs in text, f"docs/operators.md no longer has {docs!r}: update the test"
        text = text.replace(docs, test)
    # Workers as this user (Debian's: www-data), so they read the test's temporary folders.
    return f"""
daemon off;
user {pwd.getpwuid(os.getuid()).pw_name};
pid {proxy.folder}/nginx.pid;
error_log {proxy.folder}/nginx-error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {proxy.folder}/body;
    proxy_temp_path {proxy.folder}/proxy;
    fastcgi_temp_path {proxy.folder}/fastcgi;
    uwsgi_temp_path {proxy.folder}/uwsgi;
    scgi_temp_path {proxy.folder}/scgi;
    # --- docs/operators.md ---
{text}
}}
"""


def wait_for(check, process, what: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            pytest.fail(f"{what} exited with {process.returncode}:\n{log.read_text()}")
        try:
            if check():
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not answer within {START_TIMEOUT} s:\n{log.read_text()}")
        time.sleep(0.1)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def request(port: int, method: str, path: str, tls: bool = True, **headers: str):
    """(status, headers, body) of one request to 127.0.0.1:``port``, with Host ``HOST``."""
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            "127.0.0.1", port, timeout=10, context=context
        )
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    body = headers.pop("body", None)
    try:
        conn.request(method, path, body=body, headers={"Host": HOST, **headers})
        response = conn.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


@contextmanager
def gunicorn(proxy: Proxy, root: Path, env: dict[str, str]) -> Iterator[None]:
    """The docs' command line; only the address, one worker (its rate-limit counters are in
    the process, so one worker keeps them in one place) and the log file changed."""
    arguments = docs_gunicorn()
    assert "forms_service.access_log.AccessLogger" in arguments
    changes = {"-b": f"127.0.0.1:{proxy.service}", "-w": "1", "--access-logfile": ""}
    for flag, value in changes.items():
        index = arguments.index(flag)
        arguments[index + 1] = value or str(proxy.gunicorn_log)
    output = proxy.folder / "gunicorn.out"
    with output.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", *arguments, "--no-control-socket"],
            cwd=ROOT,
            env={**os.environ, **env, "PORTAL_ROOT": str(root)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(
                lambda: request(proxy.service, "GET", "/api/health", tls=False)[0] == 200,
                process,
                "gunicorn",
                output,
            )
            yield
        finally:
            stop(process)


@contextmanager
def nginx(proxy: Proxy, site: Path) -> Iterator[None]:
    conf = proxy.folder / "nginx.conf"
    conf.write_text(nginx_conf(proxy, site), encoding="utf-8")
    output = proxy.folder / "nginx.out"
    with output.open("w") as out:
        process = subprocess.Popen(
            [NGINX, "-c", str(conf), "-p", str(proxy.folder)], stdout=out, stderr=out
        )
        try:
            wait_for(lambda: request(proxy.https, "GET", "/")[0] == 200, process, "nginx", output)
            yield
        finally:
            stop(process)


@pytest.fixture
def proxied(project, tmp_path) -> Iterator[Proxy]:
    """nginx (docs' configuration) -> gunicorn (docs' command) -> the forms service."""
    assert Path(NGINX).exists(), "nginx is missing: `make test` installs it (apt-get install nginx)"
    assert shutil.which("openssl"), "openssl is missing (Debian package openssl)"
    folder = tmp_path / "proxy"
    folder.mkdir()
    proxy = Proxy(free_port(), free_port(), free_port(), folder)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
        + ["-nodes", "-days", "1", "-subj", f"/CN={HOST}"]
        + ["-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
        check=True,
        capture_output=True,
    )
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    (site / "index.html").write_text("<!doctype html><title>Vivere SAP</title>Benvenuti")
    (site / "404.html").write_text("<!doctype html><title>404</title>Pagina non trovata")
    env = {
        "PORTAL_DATABASE_URL": f"sqlite:///{tmp_path / 'nginx.sqlite3'}",
        "PORTAL_PROXY_HOPS": "1",
        "PORTAL_RATE_LIMITS": "post=30/minute,get=8/minute",
        "PORTAL_REDIS_URL": "",
        "PORTAL_SECRET_KEY": "nginx-test",
        "PORTAL_SITE_URL": f"https://{HOST}/",
    }
    with gunicorn(proxy, project, env), nginx(proxy, site):
        yield proxy


def test_the_docs_pass_every_service_path_and_trust_no_client_header():
    text = docs_nginx()
    location = re.search(r"location ~ \^/\(([a-z|]+)\)/", text)
    assert location, text
    assert {f"/{name}/" for name in location.group(1).split("|")} == set(SERVICE_PREFIXES)
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in text
    assert "$proxy_add_x_forwarded_for" not in text.replace("($proxy_add_x_forwarded_for)", "")
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in text
    assert "Strict-Transport-Security" in text


def test_nginx_in_front_of_gunicorn_as_documented(proxied):
    https = proxied.https
    # The static site, with HSTS; plain http is sent to https.
    status, headers, body = request(https, "GET", "/")
    assert (status, "Benvenuti" in body) == (200, True)
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    status, headers, _ = request(proxied.http, "GET", "/moduli/?x=1", tls=False)
    assert (status, headers["Location"]) == (301, f"https://{HOST}/moduli/?x=1")

    # The service, through nginx, with HSTS too.
    status, headers, body = request(https, "GET", "/api/health")
    assert status == 200 and '"status":"ok"' in body.replace(" ", "")
    assert headers["Strict-Transport-Security"] == "max-age=31536000"

    # A browser's form post over https: the Origin is https://HOST, which the service only
    # recognises as its own when nginx says the scheme was https (else 403).
    status, _, body = request(
        https,
        "POST",
        "/api/heating-grant/eligibility",
        body="heating=centralized",
        **{
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"https://{HOST}",
            "Sec-Fetch-Site": "same-origin",
        },
    )
    assert status == 422, body  # refused for its missing answers, not for its origin

    # A private link: its token must not reach either access log.
    request(https, "GET", "/moduli/it/iscrizione/E-AAAA-AAAA?t=SECRET-TOKEN")
    # A path with a newline and a NUL: one line each, escaped.
    # (nginx itself refuses a %00 with a 400 before logging the path: the other control.)
    request(https, "GET", "/api/x%0Aforged%1Bline")
    request(proxied.service, "GET", "/api/y%0Aforged%00line", tls=False)

    # Forged X-Forwarded-For values do not give the client new counters: get=8/minute, and
    # the requests so far already count (health, the posts are another kind).
    statuses = [
        request(https, "GET", "/api/health", **{"X-Forwarded-For": f"203.0.113.{n}"})[0]
        for n in range(10)
    ]
    assert statuses[-1] == 429, statuses

    time.sleep(0.5)  # both servers write their access log as each request ends
    nginx_lines = proxied.nginx_log.read_text(encoding="utf-8").splitlines()
    gunicorn_lines = proxied.gunicorn_log.read_text(encoding="utf-8").splitlines()
    for lines in (nginx_lines, gunicorn_lines):
        assert not any("SECRET-TOKEN" in line or "?t=" in line for line in lines), lines
        assert not any(line.startswith("forged") for line in lines), lines
    assert any('"GET /moduli/it/iscrizione/E-AAAA-AAAA"' in line for line in nginx_lines)
    assert any(r'"GET /api/x\x0Aforged\x1Bline"' in line for line in nginx_lines), nginx_lines
    forged = [line for line in gunicorn_lines if "forged" in line]
    assert any(r'"GET /api/y\nforged\x00line"' in line for line in forged), gunicorn_lines
    assert any(r'"GET /api/x\nforged\x1bline"' in line for line in forged), gunicorn_lines
    # The service saw nginx's address, never the forged ones.
    assert not any("203.0.113." in line for line in gunicorn_lines), gunicorn_lines


def test_a_crash_on_a_forged_path_logs_one_escaped_line(service, caplog):
    """The service's own error log: the path of a request that crashed, escaped. (A NUL in
    a path never gets this far: web/requests.py answers 400.)"""

    from flask import request

    @service.before_request
    def crash():  # any path under /api/crash/, newlines too (a route's converters stop there)
        if request.path.startswith("/api/crash/"):
            raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR, logger="forms_service"):
        response = service.test_client().get("/api/crash/a%0Aforged%1Bline")
    assert response.status_code == 500
    [record] = [r for r in caplog.records if r.name == "forms_service"]
    message = record.getMessage()
    assert message == r"unhandled RuntimeError on GET /api/crash/a\nforged\x1bline", message
