"""Build the site into a scratch folder and serve it the way production's nginx does.

``serve()`` picks a free port, runs ``portal build`` on a copy of content/, site_config/ and
mkdocs.yml with ``PORTAL_SITE_URL`` set to that address (so the absolute ``hreflang`` links
and anything resolved against them stay on the local server, as they stay on the public host
in production), and serves the result from a thread:

- ``try_files $uri $uri/ =404``: a folder without its trailing slash is redirected (301), a
  folder serves its ``index.html``, anything else missing gets ``404.html`` with status 404;
- ``gzip on; gzip_comp_level 6;`` for every compressible type (HTML, CSS, JS, JSON, SVG, XML,
  text) when the browser accepts it, like nginx with ``gzip_types`` set; images and fonts
  as they are.

The forms service (``/api/``, ``/moduli/``) is not served: the pages measured make no request
to it. The repository's own ``site/`` is left alone.
"""

from __future__ import annotations

import gzip
import mimetypes
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from contextlib import contextmanager
from email.utils import formatdate
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
COMPRESSIBLE = {
    "application/javascript",
    "application/x-javascript",
    "application/json",
    "application/manifest+json",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "image/svg+xml",
    "application/wasm",
}
GZIP_LEVEL = 6
GZIP_MIN_LENGTH = 20  # nginx's gzip_min_length default
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("application/json", ".json")
mimetypes.add_type("image/svg+xml", ".svg")
mimetypes.add_type("application/xml", ".xml")


def compressible(content_type: str) -> bool:
    """Would a web server gzip this type? Text, JS, JSON, SVG and XML: yes; images, fonts: no."""
    kind = content_type.split(";")[0].strip().lower()
    return kind.startswith("text/") or kind in COMPRESSIBLE or kind.endswith(("+json", "+xml"))


def gzipped(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


def build(root: Path, site_dir: Path, site_url: str) -> None:
    """``portal build`` of ``root`` into ``site_dir`` with the given public address."""
    env = {**os.environ, "PORTAL_SITE_URL": site_url, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "portal.cli",
            "--root",
            str(root),
            "build",
            "--site-dir",
            str(site_dir),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"portal build failed:\n{done.stdout}{done.stderr}")


def handler_for(site_dir: Path):
    class Handler(SimpleHTTPRequestHandler):
        server_version = "bench"
        sys_version = ""

        def log_message(self, *args):  # quiet
            pass

        def do_HEAD(self):
            self.respond(head=True)

        def do_GET(self):
            self.respond(head=False)

        def respond(self, head: bool) -> None:
            path = unquote(urlsplit(self.path).path)
            target = (site_dir / path.lstrip("/")).resolve()
            status = 200
            if site_dir not in target.parents and target != site_dir:
                target, status = site_dir / "404.html", 404
            elif target.is_dir():
                if not path.endswith("/"):
                    self.send_response(301)
                    self.send_header("Location", path + "/")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                target = target / "index.html"
            if not target.is_file():
                target, status = site_dir / "404.html", 404
            body = target.read_bytes()
            content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if content_type.startswith("text/") or content_type in COMPRESSIBLE:
                content_type += "; charset=utf-8"
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Last-Modified", formatdate(target.stat().st_mtime, usegmt=True))
            if compressible(content_type):
                self.send_header("Vary", "Accept-Encoding")
                if (
                    "gzip" in self.headers.get("Accept-Encoding", "")
                    and len(body) >= GZIP_MIN_LENGTH
                ):
                    body = gzipped(body)
                    self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)

    return Handler


@contextmanager
def serve(root: Path = ROOT):
    """Build a copy of ``root`` and serve it on a free local port; yields the base URL
    (``http://127.0.0.1:PORT``, no trailing slash)."""
    # The port first (the site is built for its address), the handler once the site exists.
    server = ThreadingHTTPServer(("127.0.0.1", 0), SimpleHTTPRequestHandler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as scratch:
        project = Path(scratch) / "project"
        project.mkdir()
        for part in ("content", "site_config"):
            shutil.copytree(root / part, project / part)
        shutil.copy(root / "mkdocs.yml", project / "mkdocs.yml")
        site_dir = Path(scratch) / "site"
        build(project, site_dir, base + "/")
        server.RequestHandlerClass = handler_for(site_dir.resolve())
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield base
        finally:
            server.shutdown()
            server.server_close()
            thread.join()
