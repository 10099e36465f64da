"""What mkdocs-static-i18n leaves undone, fixed on the built files.

- every page's ``<html>`` gets the ``dir`` of its language (site_config/languages.yml);
- ``hreflang`` alternates become absolute URLs, plus an ``x-default`` (Italian);
- one search index per language: the shared index is split, and each page's
  ``__config.base`` points at its own language's folder, so a page loads only the
  index of its language; languages lunr cannot stem search unstemmed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin

# Languages with a lunr stemmer and stop words shipped by Material (lunr-languages).
LUNR = {
    "ar",
    "da",
    "de",
    "du",
    "el",
    "en",
    "es",
    "fi",
    "fr",
    "he",
    "hi",
    "hu",
    "hy",
    "it",
    "ja",
    "kn",
    "ko",
    "nl",
    "no",
    "pt",
    "ro",
    "ru",
    "sa",
    "sv",
    "ta",
    "te",
    "th",
    "tr",
    "vi",
    "zh",
}
# Scripts written without spaces between words: index every character as a token.
UNSPACED = {"zh": "\\u3400-\\u9fff\\uf900-\\ufaff"}
HTML_TAG = re.compile(r'<html lang="([^"]+)"')
ALTERNATE = re.compile(r'<link rel="alternate" href="([^"]+)" hreflang="([^"]+)">')
CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)


def language_of(relative: PurePosixPath, codes, default: str) -> str:
    first = relative.parts[0] if relative.parts else ""
    return first if first in codes and first != default else default


def page_url(site_url: str, relative: PurePosixPath) -> str:
    path = str(relative)
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    return urljoin(site_url, path)


def fix_page(html: str, url: str, lang: str, directions: dict, default: str) -> str:
    html = HTML_TAG.sub(lambda m: f'<html lang="{m[1]}" dir="{directions[lang]}"', html, 1)
    default_href = None

    def absolute(match):
        nonlocal default_href
        href = urljoin(url, match[1])
        if match[2] == default:
            default_href = href
        return f'<link rel="alternate" href="{href}" hreflang="{match[2]}">'

    html = ALTERNATE.sub(absolute, html)
    if default_href:
        last = list(ALTERNATE.finditer(html))[-1]
        html = (
            html[: last.end()] + f'\n<link rel="alternate" href="{default_href}" '
            f'hreflang="x-default">' + html[last.end() :]
        )
    if lang != default:
        html = CONFIG.sub(lambda m: m[1] + _language_base(m[2], lang) + m[3], html, 1)
    return html


def _language_base(config_json: str, lang: str) -> str:
    config = json.loads(config_json)
    base = config["base"].rstrip("/")
    # base climbs to the site root; the language folder sits right under it. The trailing
    # slash matters: Material resolves "search/search_index.json" against this URL.
    config["base"] = f"{base}/{lang}/" if base not in ("", ".") else f"{lang}/"
    return json.dumps(config, ensure_ascii=False)


def split_search(site_dir: Path, codes, default: str) -> None:
    shared_path = site_dir / "search" / "search_index.json"
    shared = json.loads(shared_path.read_text(encoding="utf-8"))
    docs: dict[str, list[dict]] = {code: [] for code in codes}
    seen: set[str] = set()
    for doc in shared["docs"]:
        if doc["location"] in seen:  # the default language's pages arrive twice
            continue
        seen.add(doc["location"])
        first = doc["location"].split("/", 1)[0]
        if first in docs and first != default:
            docs[first].append({**doc, "location": doc["location"][len(first) + 1 :]})
        else:
            docs[default].append(doc)
    for code in codes:
        config = dict(shared["config"])
        config["lang"] = [code] if code in LUNR else ["en"]
        if code not in LUNR:
            config["pipeline"] = []  # no stemmer or stop words: match words as written
        if code in UNSPACED:
            chars = UNSPACED[code]
            config["separator"] = f"[\\s\\-，。、；：！？（）]+|(?=[{chars}])|(?<=[{chars}])"
        target = site_dir / ("" if code == default else code) / "search" / "search_index.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            json.dumps({"config": config, "docs": docs[code]}, ensure_ascii=False), encoding="utf-8"
        )


def fix_pages(site_dir: Path, site_url: str, languages, default: str) -> None:
    """``dir`` and absolute alternates on every page (also on a one-language build's)."""
    codes = [language.code for language in languages]
    directions = {language.code: language.dir for language in languages}
    for path in site_dir.rglob("*.html"):
        relative = PurePosixPath(path.relative_to(site_dir).as_posix())
        lang = language_of(relative, codes, default)
        html = path.read_text(encoding="utf-8")
        path.write_text(
            fix_page(html, page_url(site_url, relative), lang, directions, default),
            encoding="utf-8",
        )


def postprocess(site_dir: Path, site_url: str, languages, default: str) -> None:
    fix_pages(site_dir, site_url, languages, default)
    split_search(site_dir, [language.code for language in languages], default)
