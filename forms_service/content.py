"""The content model as the service sees it: loaded once, reloaded when the YAML changes.

A volunteer who edits an ISEE bound or an event's capacity changes the site and
the service together. If the new content is invalid the service keeps the last
good version (the build would refuse it too) and logs why. Each request takes one
snapshot from here (web/i18n.py), so a reload never mixes two versions in a request.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from portal.model import Content, ContentError, load
from portal.model.watch import snapshot

log = logging.getLogger("forms_service.content")


class ContentCache:
    def __init__(self, root: Path, check_every: float = 2.0):
        self.root, self.check_every = root, check_every
        self._content = load(root)  # the service refuses to start on broken content
        self._stamp, self._checked = snapshot(root), time.monotonic()
        self._lock = threading.Lock()

    def get(self) -> Content:
        now = time.monotonic()
        if now - self._checked >= self.check_every:
            with self._lock:
                self._checked = now
                stamp = snapshot(self.root)
                if stamp != self._stamp:
                    self._stamp = stamp
                    self._reload()
        return self._content

    def _reload(self) -> None:
        try:
            self._content = load(self.root)
        except ContentError as exc:
            log.warning("content has %d errors; keeping the last valid version", len(exc.problems))
