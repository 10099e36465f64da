"""Build the static site: render pages, write them with a derived MkDocs config, swap in.

Everything is built inside a temporary folder next to ``site/``. Only when the
content is valid and MkDocs finished without a warning is the new folder moved
into place, so a broken content file never damages the site already built.

The live preview also builds single languages (``build_languages``) and moves their pages
into the site already there; how MkDocs is driven for that is in ``mkdocs_run``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import yaml

from ..markup import mkdocs_extensions
from ..model import Content, ContentError, load
from ..model.schedule import LOCAL_TIMEZONE
from ..urls import site_url
from .calendars import write_calendars
from .jsonld import with_jsonld
from .mkdocs_run import BuildCancelled, BuildFailed, run_mkdocs
from .opendata import write_open_data
from .postprocess import fix_pages, postprocess
from .render import LanguageSite, NavItem, render_site
from .render.punctuation import check_rendered

log = logging.getLogger("portal.build")
__all__ = [
    "BuildCancelled",
    "BuildFailed",
    "BuildResult",
    "Rendered",
    "Sources",
    "build",
    "build_languages",
    "local_today",
    "mkdocs_config",
    "render",
    "swap_in",
]


@dataclass(frozen=True)
class BuildResult:
    site_dir: Path
    pages: int
    languages: tuple[str, ...]
    sources: Sources | None = None


@dataclass(frozen=True)
class Sources:
    """What a build made its pages from: enough to tell which pages a later build of the same
    language must write again."""

    frame: str  # digest of the MkDocs configuration (navigation, strings…) and the theme
    docs: dict[str, str]  # "lang/path.md" -> its Markdown

    def changed(self, new: Sources, lang: str) -> set[str] | None:
        """The docs of ``lang`` whose page may differ in ``new``; None for all of them: with
        another frame or set of pages, any page's navigation, links or language switcher may
        differ. A page is otherwise made from its own Markdown alone."""
        if new.frame != self.frame or new.docs.keys() != self.docs.keys():
            return None
        return {
            path
            for path, text in new.docs.items()
            if path.startswith(f"{lang}/") and self.docs[path] != text
        }


@dataclass(frozen=True)
class Rendered:
    """Valid content and its pages as Markdown, ready for MkDocs."""

    content: Content
    sites: tuple[LanguageSite, ...]
    today: date  # the day the pages were rendered for (next openings, JSON-LD closures)


def _nav(items: tuple[NavItem, ...]) -> list:
    out = []
    for item in items:
        out.append({item.title: item.path if item.path else _nav(item.children)})
    return out


def url_of(lang: str, default: str, path: str) -> str:
    """The site-relative URL of a docs path, as MkDocs writes it with directory URLs."""
    prefix = "" if lang == default else f"{lang}/"
    stem = path[:-3]
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")]
    else:
        stem += "/"
    return prefix + stem


def mkdocs_config(root: Path, content: Content, sites, docs_dir: Path, out_dir: Path) -> dict:
    """The base mkdocs.yml completed with the languages, navigation and footer of the content."""
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    default = content.source_language
    config.update(
        docs_dir=str(docs_dir),
        site_dir=str(out_dir),
        site_url=site_url(),
        markdown_extensions=mkdocs_extensions(),
    )
    config["theme"]["custom_dir"] = str(root / config["theme"]["custom_dir"])
    languages = []
    # The default language is built LAST: mkdocs-static-i18n writes the one 404.html in the
    # language it builds last, and that page must be Italian (it links every language).
    for site in sorted(sites, key=lambda s: s.lang == default):
        language = content.language(site.lang)
        languages.append(
            {
                "locale": site.lang,
                "name": language.name,
                "build": True,
                "default": site.lang == default,
                "site_name": site.site_name,
                "nav": _nav(site.nav),
            }
        )
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "i18n" in plugin:
            plugin["i18n"]["languages"] = languages
    config.setdefault("extra", {})["portal"] = {
        "default": default,
        "languages": {
            language.code: {
                "dir": language.dir,
                "name": language.name,
            }
            for language in content.languages
        },
        "footer": {
            site.lang: [
                {"title": f.title, "url": url_of(site.lang, default, f.path)} for f in site.footer
            ]
            for site in sites
        },
        "strings": {site.lang: site.strings for site in sites},
        # The contacts marked in_footer (the 1522 line), in the footer's help on every page.
        "help": {
            site.lang: [
                {
                    "label": c.label.resolve(site.lang, default)[0],
                    "value": c.value,
                    "href": ("tel:" if c.kind == "phone" else "")
                    + (c.value or "").replace(" ", ""),
                }
                for c in content.contacts.values()
                if c.in_footer
            ]
            for site in sites
        },
        "not_found": [
            {
                "lang": site.lang,
                "dir": content.language(site.lang).dir,
                # Absolute: the one 404 page is served at any missing path.
                "home": urlsplit(site_url()).path + url_of(site.lang, default, "index.md"),
                "title": site.strings["not_found_title"],
                "text": site.strings["not_found_text"],
                "name": content.language(site.lang).name,
            }
            for site in sites
        ],
    }
    return config


def write_docs(
    sites, docs_dir: Path, content: Content | None = None, today: date | None = None
) -> dict[str, str]:
    """Write every page's Markdown under ``docs_dir``; returns {"lang/path.md": Markdown}.
    With ``content``, pages of desks, services and events carry their schema.org JSON-LD."""
    docs = {f"{site.lang}/{page.path}": page.markdown() for site in sites for page in site.pages}
    if content is not None:
        docs = with_jsonld(content, docs, today or local_today())
    for path, text in docs.items():
        target = docs_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return docs


def _frame(config: dict) -> str:
    """Digest of what every page depends on besides its Markdown: the configuration (less
    its temporary folders) and the times of the theme's files."""
    theme = Path(config["theme"]["custom_dir"])
    stamps = sorted((str(p), p.stat().st_mtime_ns) for p in theme.rglob("*") if p.is_file())
    settings = {k: v for k, v in config.items() if k not in ("docs_dir", "site_dir")}
    text = json.dumps([settings, stamps], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def swap_in(new_dir: Path, site_dir: Path) -> None:
    """Replace ``site_dir`` by ``new_dir`` with two renames on the same file system."""
    old = None
    if site_dir.exists():
        old = site_dir.with_name(f".{site_dir.name}.old-{os.getpid()}")
        site_dir.rename(old)
    new_dir.rename(site_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def move_pages(out_dir: Path, site_dir: Path, lang: str, default: str) -> int:
    """Move the HTML pages of ``lang`` from a one-language build into ``site_dir``, each with
    one rename (a reader never gets half a page). The search index, 404 page and sitemap of a
    one-language build differ from the full build's, so they are left to it."""
    base = out_dir if lang == default else out_dir / lang
    moved = 0
    for page in sorted(base.rglob("*.html")):
        if page == out_dir / "404.html":
            continue
        target = site_dir / page.relative_to(out_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(page, target)
        moved += 1
    return moved


def local_today() -> date:
    """Today in Bergamo, whatever the machine's time zone (as the forms service counts)."""
    return datetime.now(ZoneInfo(LOCAL_TIMEZONE)).date()


def render(root: Path, today: date | None = None) -> Rendered:
    """Load and check the content and render every page: our steps, without MkDocs."""
    content = load(Path(root).resolve())
    today = today or local_today()
    sites = render_site(content, today)
    punctuation = check_rendered(content, sites)
    if punctuation.items:  # an ASCII mark in a Chinese or Urdu sentence: fix it first
        raise ContentError(punctuation.sorted())
    return Rendered(content, sites, today)


@contextmanager
def _workspace(site_dir: Path):
    """A temporary folder beside ``site_dir`` (same file system: renames are atomic)."""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.build-", dir=site_dir.parent))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _prepare(root: Path, rendered: Rendered, work: Path) -> tuple[dict, Sources]:
    """Write the Markdown pages; the MkDocs configuration that builds them, and its sources."""
    docs_dir = work / "docs"
    docs = write_docs(rendered.sites, docs_dir, rendered.content, rendered.today)
    config = mkdocs_config(root, rendered.content, rendered.sites, docs_dir, work / "site")
    return config, Sources(_frame(config), docs)


def build(
    root: Path,
    site_dir: Path | None = None,
    today: date | None = None,
    *,
    rendered: Rendered | None = None,
    cancelled=None,
) -> BuildResult:
    """Check, render and build; raises ContentError or BuildFailed and leaves site/ as it was.

    ``rendered``: the content already rendered (``render``); ``cancelled``: a function asked
    between build steps (the preview's "a newer edit came"): BuildCancelled when it says yes."""
    root = Path(root).resolve()
    site_dir = Path(site_dir or root / "site").resolve()
    rendered = rendered or render(root, today)
    content = rendered.content
    with _workspace(site_dir) as work:
        config, sources = _prepare(root, rendered, work)
        run_mkdocs(config, cancelled=cancelled)
        out_dir = Path(config["site_dir"])
        postprocess(out_dir, config["site_url"], content.languages, content.source_language)
        write_open_data(out_dir, content, today or local_today())  # /open-data/hsds/
        write_calendars(out_dir, content, today or local_today())  # .../calendari/*.ics
        swap_in(out_dir, site_dir)
    return BuildResult(site_dir, len(sources.docs), content.codes, sources)


def build_languages(
    root: Path,
    site_dir: Path,
    rendered: Rendered,
    languages,
    since: dict[str, Sources],
    done=lambda lang, sources: None,
) -> list[str]:
    """The live preview's fast path: build only ``languages``, one after the other, and move
    each one's pages into the existing ``site_dir`` as soon as it is built, then call
    ``done(lang, sources)`` with what they are now made from. ``since``: what each
    language's pages in ``site_dir`` were made from; only pages that may differ are written.
    They come out byte for byte as the full build writes them; pages of other languages,
    removed pages, search indexes and the 404 page wait for the full build. Returns the
    languages built."""
    root, site_dir = Path(root).resolve(), Path(site_dir).resolve()
    content = rendered.content
    with _workspace(site_dir) as work:
        config, sources = _prepare(root, rendered, work)
        for lang in languages:
            redo = since[lang].changed(sources, lang) if lang in since else None
            if redo != set():
                out_dir = work / f"site-{lang}"
                run_mkdocs({**config, "site_dir": str(out_dir)}, language=lang, pages=redo)
                fix_pages(out_dir, config["site_url"], content.languages, content.source_language)
                move_pages(out_dir, site_dir, lang, content.source_language)
            done(lang, sources)
    return list(languages)
