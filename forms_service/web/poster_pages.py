"""Posters to print, made on request for the site's "poster to print" links.

``/moduli/<lang>/manifesti/<name>.pdf`` is the poster in Italian and ``lang`` (Italian
alone for ``it``); ``?con=ar&con=en`` chooses up to two languages instead. The site is
static, so the PDF is made here, from the request's content snapshot, the same way as
``portal posters`` makes it; the last few are kept, since one takes about a second of
processor time and a whole stairwell of volunteers may ask for the same one.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from functools import partial

from flask import Blueprint, abort, current_app, request
from flask.wrappers import Response

from portal import urls
from portal.posters import MAX_EXTRA_LANGUAGES, find_poster, poster_html, to_pdf

from ..domain.actions import today
from .i18n import content

bp = Blueprint("posters", __name__, url_prefix=f"{urls.FORMS_PREFIX}/<lang>/{urls.POSTERS_SLUG}")
log = logging.getLogger("forms_service")
KEEP = 32  # posters kept in memory per worker (about 300 KB each)
# key -> (the snapshot, the PDF): holding the snapshot keeps its id() from being reused by a
# newer one while the entry lives, so an edit of the content is never served stale.
_made: OrderedDict[tuple, tuple[object, bytes]] = OrderedDict()
_lock = threading.Lock()


@bp.get("/<name>.pdf")
def poster(lang: str, name: str):
    snapshot = content()
    if lang not in snapshot.codes:
        abort(404)
    extra = tuple(dict.fromkeys(request.args.getlist("con") or [lang]))
    extra = tuple(code for code in extra if code != snapshot.source_language)
    if len(extra) > MAX_EXTRA_LANGUAGES or any(code not in snapshot.codes for code in extra):
        abort(400)
    day = today()
    found = find_poster(snapshot, name, day)
    if found is None:
        abort(404)
    site = urls.site_url(current_app.config)
    key = (id(snapshot), name, extra, site, day)
    with _lock:
        kept = _made.get(key)
    if kept is not None:
        pdf = kept[1]
    else:
        try:
            pdf = to_pdf(partial(poster_html, snapshot, found, extra, site, day))
        except OSError as exc:  # WeasyPrint cannot load Pango: `make system` installs it
            log.error("posters: cannot make a PDF on this server: %s", exc)
            abort(503)
        with _lock:
            _made[key] = (snapshot, pdf)
            while len(_made) > KEEP:
                _made.popitem(last=False)
    filename = f"{name}-{'-'.join((snapshot.source_language, *extra))}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "Cache-Control": "public, max-age=3600",
        },
    )
