"""HTML forms under /moduli/<lang>/: they work without JavaScript and look like the site."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template

from .i18n import Messages, content

bp = Blueprint("forms", __name__, url_prefix="/moduli", static_folder="static",
               static_url_path="/static")


@lru_cache(maxsize=8)
def _stylesheets(site_dir: str, stamp: float) -> tuple[str, ...]:
    folder = Path(site_dir) / "assets" / "stylesheets"
    found = sorted(folder.glob("main.*.min.css")) + sorted(folder.glob("palette.*.min.css"))
    return tuple(f"/assets/stylesheets/{p.name}" for p in found) + (
        ("/assets/stylesheets/portal.css",) if (folder / "portal.css").exists() else ())


@bp.app_context_processor
def site_links():
    site_dir = Path(current_app.config["PORTAL_ROOT"]) / "site"

    def site_stylesheets():
        stamp = site_dir.stat().st_mtime if site_dir.exists() else 0.0
        return _stylesheets(str(site_dir), stamp)

    def site_home(lang: str) -> str:
        return "/" if lang == content().source_language else f"/{lang}/"

    return {"site_stylesheets": site_stylesheets, "site_home": site_home}


def messages_for(lang: str) -> Messages:
    if lang not in content().codes:
        abort(404)
    return Messages(lang)


@bp.get("/<lang>/contributo-riscaldamento/conferma/<reference>")
def grant_done(lang, reference):
    m = messages_for(lang)
    return render_template("error.html", m=m, status=200, message=reference)


@bp.get("/<lang>/iscrizione/<reference>")
def registration(lang, reference):
    m = messages_for(lang)
    return render_template("error.html", m=m, status=200, message=reference)
