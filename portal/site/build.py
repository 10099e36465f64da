"""Build the static site: render pages, write them with a derived MkDocs config, swap in.

Everything is built inside a temporary folder next to ``site/``. Only when the
content is valid and MkDocs finished without a warning is the new folder moved
into place, so a broken content file never damages the site already built.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from ..model import Content, load
from .postprocess import postprocess
from .render import NavItem, render_site

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
log = logging.getLogger("portal.build")
DEFAULT_SITE_URL = "http://127.0.0.1:8000/"


class BuildFailed(Exception):
    """MkDocs refused the generated pages; the message says why."""


@dataclass(frozen=True)
class BuildResult:
    site_dir: Path
    pages: int
    languages: tuple[str, ...]


def _nav(items: tuple[NavItem, ...]) -> list:
    out = []
    for item in items:
        out.append({item.title: item.path if item.path else _nav(item.children)})
    return out


def site_url() -> str:
    url = os.environ.get("PORTAL_SITE_URL", DEFAULT_SITE_URL)
    return url if url.endswith("/") else url + "/"


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
    config.update(docs_dir=str(docs_dir), site_dir=str(out_dir), site_url=site_url())
    config["theme"]["custom_dir"] = str(root / config["theme"]["custom_dir"])
    languages = []
    # The default language is built LAST: mkdocs-static-i18n writes the one 404.html in the
    # language it builds last, and that page must be Italian (it links every language).
    for site in sorted(sites, key=lambda s: s.lang == default):
        language = content.language(site.lang)
        languages.append({
            "locale": site.lang, "name": language.name, "build": True,
            "default": site.lang == default, "site_name": site.site_name, "nav": _nav(site.nav),
        })
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "i18n" in plugin:
            plugin["i18n"]["languages"] = languages
    config.setdefault("extra", {})["portal"] = {
        "default": default,
        "languages": {language.code: {"dir": language.dir, "reviewed": language.reviewed,
                                      "name": language.name} for language in content.languages},
        "footer": {site.lang: [{"title": f.title, "url": url_of(site.lang, default, f.path)}
                               for f in site.footer] for site in sites},
        "strings": {site.lang: site.strings for site in sites},
        "not_found": [{"lang": site.lang, "dir": content.language(site.lang).dir,
                       # Absolute: the one 404 page is served at any missing path.
                       "home": urlsplit(site_url()).path + url_of(site.lang, default, "index.md"),
                       "title": site.strings["not_found_title"],
                       "text": site.strings["not_found_text"],
                       "name": content.language(site.lang).name} for site in sites],
    }
    return config


def write_docs(sites, docs_dir: Path) -> int:
    count = 0
    for site in sites:
        for page in site.pages:
            target = docs_dir / site.lang / page.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(page.markdown(), encoding="utf-8")
            count += 1
    return count


def _run_mkdocs(config_file: Path) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, MkDocsException

    try:
        mkdocs_build(load_config(str(config_file), strict=True))
    except (Abort, MkDocsException) as exc:
        raise BuildFailed(str(exc)) from exc


def swap_in(new_dir: Path, site_dir: Path) -> None:
    """Replace ``site_dir`` by ``new_dir`` with two renames on the same file system."""
    old = None
    if site_dir.exists():
        old = site_dir.with_name(f".{site_dir.name}.old-{os.getpid()}")
        site_dir.rename(old)
    new_dir.rename(site_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build(root: Path, site_dir: Path | None = None, today: date | None = None) -> BuildResult:
    """Check, render and build; raises ContentError or BuildFailed and leaves site/ as it was."""
    root = Path(root).resolve()
    site_dir = Path(site_dir or root / "site").resolve()
    content = load(root)
    sites = render_site(content, today or date.today())
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.build-", dir=site_dir.parent))
    try:
        docs_dir, out_dir = work / "docs", work / "site"
        pages = write_docs(sites, docs_dir)
        config_file = work / "mkdocs.yml"
        config = mkdocs_config(root, content, sites, docs_dir, out_dir)
        config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                               encoding="utf-8")
        _run_mkdocs(config_file)
        postprocess(out_dir, config["site_url"], content.languages, content.source_language)
        swap_in(out_dir, site_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return BuildResult(site_dir, pages, content.codes)
