"""MkDocs run in this process, as `portal build` and the live preview need it.

- the configuration is handed over as a dict (MkDocs parsed the generated YAML, every
  language's navigation and strings, in a third of a second per build);
- compiled theme templates are shared between builds (MkDocs makes a new Jinja environment
  for every language and compiled the same ~50 templates each time);
- one language can be built alone, with all languages configured so that its pages come out
  byte for byte as in the full build;
- of that language, only some pages can be written (the others are still read);
- a build can be cancelled between its steps, and strict mode's "Aborted with 1 warnings"
  comes with the warnings themselves.
"""

from __future__ import annotations

import copy
import io
import logging
import os
from contextlib import contextmanager

import jinja2

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


class BuildFailed(Exception):
    """MkDocs refused the generated pages; the message says so, ``warnings`` why."""

    def __init__(self, message: str, warnings: list[str] | tuple = ()):
        super().__init__(message)
        self.warnings = list(warnings)


class BuildCancelled(Exception):
    """The caller's ``cancelled()`` said yes mid-build; nothing was moved into site/."""


def run_mkdocs(
    config: dict, language: str | None = None, cancelled=None, pages: set[str] | None = None
) -> None:
    """MkDocs on ``config``, strict. ``language``: render that language only (the others are
    still configured, so links, alternates and the language switcher come out as in the full
    build), and of it only ``pages`` (docs paths) when given. ``cancelled``: asked between
    steps; raises BuildCancelled when it says yes."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, MkDocsException

    # Every path in ``config`` is absolute, so no configuration file needs to exist. A copy:
    # MkDocs may change what it is given, and callers reuse it.
    loaded = load_config(io.BytesIO(b"{}"), **{**copy.deepcopy(config), "strict": True})
    _share_compiled_templates(loaded.theme)
    # Not a BasePlugin, only duck-typed (MkDocs looks up a plugin's on_* methods): subclassing
    # would import MkDocs with this module rather than lazily here, and one ``_check`` serving
    # four events clashes with BasePlugin's typed event signatures.
    loaded.plugins["portal"] = _PortalPlugin(  # type: ignore[assignment]
        cancelled or (lambda: False), pages
    )
    warnings = _WarningLog()
    logging.getLogger("mkdocs").addHandler(warnings)
    try:
        with _restoring_mkdocs_state():
            if language is not None:
                _one_language(loaded, language)
            # "Dirty": MkDocs writes only the pages whose File says it is modified.
            mkdocs_build(loaded, dirty=pages is not None)
    except (Abort, MkDocsException) as exc:
        raise BuildFailed(str(exc), warnings.messages) from exc
    finally:
        logging.getLogger("mkdocs").removeHandler(warnings)


def _one_language(loaded, language: str) -> None:
    # mkdocs-static-i18n builds current_language first, then, unless it is already
    # building, every other language from its on_post_build.
    i18n = loaded.plugins["i18n"]
    i18n.current_language, i18n.building = language, True
    # 404.html and sitemap.xml cover every language: only the full build's are right.
    loaded.theme.static_templates.clear()
    # MkDocs warns that a dirty build may be inaccurate; ours writes only pages whose
    # Markdown changed, within the same configuration (portal.site.build.Sources).
    logging.getLogger("mkdocs.commands.build").addFilter(
        lambda record: not record.getMessage().startswith("A 'dirty' build")
    )


class _PortalPlugin:
    """A MkDocs plugin added in code. It stops the build at its next step once
    ``cancelled()`` (page-level events would stop sooner, but MkDocs logs an error for a page
    that raises), and, given ``pages``, has MkDocs write only those: every page is still
    read (titles, anchors), so the ones written are exactly as in a full build."""

    def __init__(self, cancelled, pages: set[str] | None):
        self.cancelled, self.pages = cancelled, pages

    def _check(self, item=None, **_):
        if self.cancelled():
            raise BuildCancelled()

    on_config = on_files = on_nav = on_post_build = _check

    def on_env(self, env, *, files, **_):
        self._check()
        if self.pages is not None:
            for file in files:
                if file.src_uri not in self.pages:
                    # Neither written nor copied: unchanged pages, theme files.
                    file.is_modified = lambda: False
        return env


@contextmanager
def _restoring_mkdocs_state():
    """MkDocs' cleaning of site_dir and its build log's filters as they were: while it builds
    the other languages mkdocs-static-i18n replaces the one and adds to the other, and undoes
    both only when all went well; ``_one_language`` adds a filter too."""
    from mkdocs import utils

    build_log = logging.getLogger("mkdocs.commands.build")
    clean_directory, filters = utils.clean_directory, list(build_log.filters)
    try:
        yield
    finally:
        utils.clean_directory = clean_directory
        build_log.filters[:] = filters


class _WarningLog(logging.Handler):
    """What MkDocs warned about: strict mode turns any warning into "Aborted with 1 warnings"."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


class _CompiledTemplates(jinja2.BytecodeCache):
    """Theme templates compiled once per process: MkDocs makes a new Jinja environment for
    every language, which compiled the same ~50 templates again each time. A template's
    checksum is stored with its code, so an edited template is compiled afresh."""

    def __init__(self):
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self._code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = _CompiledTemplates()


def _share_compiled_templates(theme) -> None:
    make_env = theme.get_env

    def get_env():
        env = make_env()
        env.bytecode_cache = COMPILED_TEMPLATES
        return env

    theme.get_env = get_env
