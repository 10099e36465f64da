"""Serve ``site/`` on localhost and rebuild it when content changes (live preview).

A watcher thread polls content/, site_config/ and mkdocs.yml. On a change it
rebuilds (into a temporary folder, swapped in only on success) and bumps a
version number; the small script injected into every HTML page polls that
version, reloads the page, or shows the content errors on top of the page.
"""

from __future__ import annotations

import json
import logging
import mimetypes
import threading
import time
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler
from werkzeug.wrappers import Request, Response

from .model import ContentError
from .site.build import BuildFailed, build

log = logging.getLogger("portal.preview")
WATCHED = ("content", "site_config", "mkdocs.yml")
RELOAD_JS = """(function(){var v=null;function poll(){fetch('/__portal/status').then(function(r){
return r.json()}).then(function(s){if(v!==null&&s.version!==v){location.reload();return}v=s.version;
var b=document.getElementById('portal-preview-errors');if(s.errors.length){if(!b){b=document.createElement('pre');
b.id='portal-preview-errors';b.style.cssText='position:fixed;z-index:9999;left:0;right:0;bottom:0;max-height:50vh;'+
'overflow:auto;margin:0;padding:1em;background:#b00020;color:#fff;font-size:14px;white-space:pre-wrap';
document.body.appendChild(b)}b.textContent='Anteprima non aggiornata, correggi:\\n'+s.errors.join('\\n')}
else if(b){b.remove()}}).catch(function(){}).finally(function(){setTimeout(poll,1000)})}poll()})();"""


def snapshot(root: Path) -> dict:
    stamps = {}
    for name in WATCHED:
        base = root / name
        paths = base.rglob("*") if base.is_dir() else [base]
        for path in paths:
            try:
                stamps[str(path)] = path.stat().st_mtime_ns
            except FileNotFoundError:
                continue
    return stamps


class Preview:
    """Keeps the built site fresh and reports the state of the last build."""

    def __init__(self, root: Path, site_dir: Path, echo=print):
        self.root, self.site_dir, self.echo = root, site_dir, echo
        self.version, self.errors = 0, []
        self._lock = threading.Lock()

    def rebuild(self) -> bool:
        try:
            result = build(self.root, self.site_dir)
        except ContentError as exc:
            errors = [p.format() for p in exc.problems]
        except BuildFailed as exc:
            errors = [str(exc)]
        except Exception as exc:  # noqa: BLE001 - the preview must outlive any bug
            log.exception("build crashed")
            errors = [f"errore interno durante la costruzione ({type(exc).__name__}: {exc}); "
                      "il sito mostrato è l'ultimo costruito"]
        else:
            errors = []
            self.echo(f"Sito aggiornato: {result.pages} pagine in {len(result.languages)} lingue.")
        with self._lock:
            self.errors = errors
            self.version += 1
        for line in errors:
            self.echo(line)
        return not errors

    def watch(self, interval: float = 0.7) -> None:
        before = snapshot(self.root)
        while True:
            time.sleep(interval)
            now = snapshot(self.root)
            if now != before:
                before = now
                self.rebuild()

    def start_watching(self) -> threading.Thread:
        thread = threading.Thread(target=self.watch, name="portal-watch", daemon=True)
        thread.start()
        return thread

    def status(self) -> dict:
        with self._lock:
            return {"version": self.version, "errors": list(self.errors)}


class QuietRequestHandler(WSGIRequestHandler):
    """Access log without query strings: cancel links carry a private token there."""

    def log_request(self, code="-", size="-"):
        path = self.path.split("?", 1)[0]
        self.log("info", '"%s %s" %s %s', self.command, path, code, size)


def resolve(site_dir: Path, url_path: str) -> Path | None:
    """The file for a URL path inside ``site_dir``, never outside it."""
    target = (site_dir / url_path.lstrip("/")).resolve()
    if not target.is_relative_to(site_dir.resolve()):
        return None
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def static_app(site_dir: Path, preview: Preview | None = None):
    """A WSGI app serving the built site, with the live-reload script when previewing."""

    def app(environ, start_response):
        request = Request(environ)
        if preview is not None and request.path == "/__portal/status":
            response = Response(json.dumps(preview.status()), mimetype="application/json")
        elif preview is not None and request.path == "/__portal/reload.js":
            response = Response(RELOAD_JS, mimetype="text/javascript")
        else:
            response = _file_response(site_dir, request, preview is not None)
        return response(environ, start_response)

    return app


SERVICE_PREFIXES = ("/api/", "/moduli/")


def combined_app(static, service):
    """One address for both: the forms service under /api/ and /moduli/, the site elsewhere
    (the same layout as the nginx configuration in docs/operators.md)."""

    def app(environ, start_response):
        path = environ.get("PATH_INFO", "")
        target = service if path.startswith(SERVICE_PREFIXES) or path == "/api" else static
        return target(environ, start_response)

    return app


def _file_response(site_dir: Path, request: Request, inject: bool) -> Response:
    path = request.path
    target = resolve(site_dir, path)
    if target is not None and target.name == "index.html" and not path.endswith(("/", ".html")):
        return Response(status=301, headers={"Location": path + "/"})  # like a web server would
    status = 200
    if target is None:
        target, status = resolve(site_dir, "404.html"), 404
        if target is None:
            return Response("Not found", status=404, mimetype="text/plain")
    body = target.read_bytes()
    mimetype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if inject and mimetype == "text/html":
        body = body.replace(b"</body>", b'<script src="/__portal/reload.js"></script></body>', 1)
    response = Response(body, status=status, mimetype=mimetype)
    response.headers["Cache-Control"] = "no-cache"
    return response
