"""Serve ``site/`` on localhost and rebuild it when content changes (live preview).

A watcher thread polls content/, site_config/ and mkdocs.yml; a builder thread rebuilds.
MkDocs needs 10-20 s for all eleven languages but about one second for one, so after an
edit the builder first builds the languages open in a browser and moves their pages into
site/ (``build_languages``), then builds the whole site in a temporary folder and swaps it
in, as ``portal build`` does. A newer edit, or a page opened in a language not rebuilt yet,
cancels that full build, and the builder starts over with the open languages.

The script injected into every HTML page (portal/preview_script.py) polls
``/__portal/status`` with its path, which tells the builder which languages are open. Each
language has a version, raised when its pages are replaced; a change in the problems
reported raises them all. The script reloads the page when its language's version changes.
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
from .model.problems import ERROR
from .model.watch import snapshot
from .preview_script import RELOAD_JS
from .site.build import BuildCancelled, BuildFailed, Rendered, build, build_languages, render
from .urls import API_PREFIX, SERVICE_PREFIXES

log = logging.getLogger("portal.preview")
WAIT_SECONDS = 2.0  # the longest a status request waits for a new version
OPEN_SECONDS = 3.0  # a language counts as open while a page of it asked this recently


class Preview:
    """Keeps the built site fresh, the open languages first, and reports the last build."""

    def __init__(self, root: Path, site_dir: Path, echo=print):
        self.root, self.site_dir, self.echo = root, site_dir, echo
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)  # a version changed
        self._wake = threading.Event()  # content changed, or a stale language was opened
        self._counter, self._base = 0, 0
        # Looked up by _language_of's answer, None until the content was first rendered.
        self._versions: dict[str | None, int] = {}  # language -> version of its pages
        self._opened: dict[str | None, float] = {}  # language -> when a page of it last polled
        self._codes: tuple[str, ...] = ()
        self._default: str | None = None
        self._fresh: set[str] = set()  # languages whose pages match the content rendered
        self._sources: dict = {}  # language -> what its pages in site/ were made from
        self._rendered: Rendered | None = None
        self._stamp: dict[str, int] | None = None
        self._building = self._full_running = False

    # --- what the browser asks -------------------------------------------------------------

    def status(self, path: str = "/", known: int | None = None) -> dict:
        """The state for the page at ``path``. Given ``known``, the version that page shows,
        wait up to WAIT_SECONDS for another one: the page hears of its rebuild at once."""
        with self._lock:
            lang = self._language_of(path)
            self._opened_now(lang)
            if known is not None:
                self._changed.wait_for(lambda: self._version(lang) != known, WAIT_SECONDS)
                self._opened_now(lang)
            return {
                "version": self._version(lang),
                "language": lang,
                "errors": list(self.errors),
                "warnings": list(self.warnings),
                "building": self._building,
            }

    def _version(self, lang: str | None) -> int:
        return max(self._base, self._versions.get(lang, 0))

    def _opened_now(self, lang: str | None) -> None:
        self._opened[lang] = time.monotonic()
        if self._full_running and lang not in self._fresh:
            self._wake.set()  # show this language before finishing the others

    def _language_of(self, path: str) -> str | None:
        first = path.strip("/").split("/", 1)[0]
        return first if first in self._codes and first != self._default else self._default

    def _open_languages(self) -> list[str]:
        """Languages polled in the last seconds, latest first; the default one if none."""
        now = time.monotonic()
        with self._lock:
            recent = sorted(
                (t, lang)
                for lang, t in self._opened.items()
                if now - t < OPEN_SECONDS and lang is not None and lang in self._codes
            )
        assert self._default is not None  # asked only after a successful render, which sets it
        return [lang for _, lang in reversed(recent)] or [self._default]

    # --- building --------------------------------------------------------------------------

    def rebuild(self) -> bool:
        """Build the whole site now (at start-up); False when that failed."""
        return self._render() and self._full()

    def refresh(self) -> None:
        """After a change: the open languages first, then the whole site."""
        if self._render() and self._quick() and not self._wake.is_set():
            self._full()

    def _render(self) -> bool:
        stamp = snapshot(self.root)  # taken first: an edit made meanwhile wakes us again
        if stamp == self._stamp and self._rendered is not None:
            return True  # woken by a language opened, not by an edit
        self._stamp, self._rendered = stamp, self._attempt(lambda: render(self.root))
        with self._lock:
            self._fresh = set()
            if self._rendered is not None:
                self._codes = self._rendered.content.codes
                self._default = self._rendered.content.source_language
        return self._rendered is not None

    def _quick(self) -> bool:
        stale = [lang for lang in self._open_languages() if lang not in self._fresh]
        if not stale or not self.site_dir.exists():
            return True
        started = time.monotonic()

        def built(lang, sources):
            self._sources[lang] = sources
            self._settle([lang])
            self.echo(
                f"Anteprima aggiornata ({lang}) in {time.monotonic() - started:.1f} s; "
                "le altre lingue seguono."
            )

        since, rendered = dict(self._sources), self._rendered
        assert rendered is not None  # _render succeeded just before
        return (
            self._attempt(
                lambda: build_languages(self.root, self.site_dir, rendered, stale, since, built)
            )
            is not None
        )

    def _full(self) -> bool:
        with self._lock:
            self._full_running = True
        try:
            result = self._attempt(
                lambda: build(
                    self.root, self.site_dir, rendered=self._rendered, cancelled=self._wake.is_set
                )
            )
        finally:
            with self._lock:
                self._full_running = False
        if result is None:
            return False
        self._sources = dict.fromkeys(result.languages, result.sources)
        self._settle([lang for lang in result.languages if lang not in self._fresh])
        self.echo(f"Sito aggiornato: {result.pages} pagine in {len(result.languages)} lingue.")
        return True

    def _attempt(self, step):
        """``step()``, or None after reporting why it failed (site/ stays as it was)."""
        try:
            return step()
        except BuildCancelled:
            return None
        except ContentError as exc:
            self._report(
                [p.format() for p in exc.problems if p.severity == ERROR],
                [p.format() for p in exc.problems if p.severity != ERROR],
            )
        except BuildFailed as exc:
            self._report(exc.warnings or [str(exc)], self._content_warnings())
        except Exception as exc:  # the preview must outlive any bug
            log.exception("build crashed")
            crash = (
                f"errore interno durante la costruzione ({type(exc).__name__}: {exc}); "
                "il sito mostrato è l'ultimo costruito"
            )
            self._report([crash], self._content_warnings())
        return None

    # --- versions and problems -------------------------------------------------------------

    def _content_warnings(self) -> list[str]:
        rendered = self._rendered
        return [p.format() for p in rendered.content.problems.warnings] if rendered else []

    def _settle(self, languages) -> None:
        """``languages`` now show the content rendered, which has no errors."""
        warnings = self._content_warnings()
        with self._lock:
            self._fresh.update(languages)
            self._counter += 1
            if (self.errors, self.warnings) != ([], warnings):
                self.errors, self.warnings, self._base = [], warnings, self._counter
            self._versions.update(dict.fromkeys(languages, self._counter))
            self._changed.notify_all()

    def _report(self, errors: list[str], warnings: list[str]) -> None:
        with self._lock:
            self.errors, self.warnings = errors, warnings
            self._counter += 1
            self._base = self._counter
            self._changed.notify_all()
        for line in [*errors, *warnings]:
            self.echo(line)

    # --- threads ---------------------------------------------------------------------------

    def watch(self, interval: float = 0.2) -> None:
        before = self._stamp or snapshot(self.root)  # an edit during the first build counts
        while True:
            time.sleep(interval)
            now = snapshot(self.root)
            if now != before:
                before = now
                self._wake.set()

    def work(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            with self._lock:
                self._building = True
            try:
                self.refresh()
            except Exception:  # a bug here must not stop the preview for good
                log.exception("preview crashed")
            finally:
                with self._lock:
                    self._building = self._wake.is_set()

    def start_watching(self) -> threading.Thread:
        """Start the builder and the watcher (daemon threads); returns the watcher."""
        for name, target in (("portal-build", self.work), ("portal-watch", self.watch)):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
        return thread


class QuietRequestHandler(WSGIRequestHandler):
    """Access log without query strings: cancel links carry a private token there."""

    def log_request(self, code="-", size="-"):
        # repr's escapes: a control character in the request line cannot start a forged line.
        path = repr(self.path.split("?", 1)[0])[1:-1]
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
            known = request.args.get("version", type=int)
            status = preview.status(request.args.get("path", "/"), known)
            response = Response(json.dumps(status), mimetype="application/json")
            response.headers["Cache-Control"] = "no-store"
        elif preview is not None and request.path == "/__portal/reload.js":
            response = Response(RELOAD_JS, mimetype="text/javascript")
        else:
            response = _file_response(site_dir, request, preview is not None)
        return response(environ, start_response)

    return app


def combined_app(static, service):
    """One address for both: the forms service under /api/ and /moduli/, the site elsewhere
    (the same layout as the nginx configuration in docs/operators.md)."""

    def app(environ, start_response):
        path = environ.get("PATH_INFO", "")
        target = service if path.startswith(SERVICE_PREFIXES) or path == API_PREFIX else static
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
