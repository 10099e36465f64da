"""The forms service: heating-grant pre-applications and event sign-ups.

``create_app`` follows Flask's tutorial (flaskr): configuration from the
environment, the database opened and migrated, one blueprint per area, each
registered here. The layers are folders (see README.md): ``web`` (requests and
pages) calls ``domain`` (forms, rules, actions), which calls ``storage`` (SQL).
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import maintenance, smtp
from .config import load_settings
from .content import ContentCache
from .storage.db import Database
from .web import (
    api,
    db,
    errors,
    event_pages,
    grant_pages,
    i18n,
    pages,
    poster_pages,
    ratelimit,
    requests,
    security,
    staff_admin,
    staff_assisted,
    staff_auth,
    staff_cases,
    staff_events,
    staff_mail,
    staff_stats,
    staff_subjects,
    status_pages,
)


def create_app(test_config: dict | None = None, root: Path | str | None = None) -> Flask:
    root = Path(root or os.environ.get("PORTAL_ROOT", ".")).resolve()
    app = Flask(__name__, template_folder="web/templates")
    app.config.from_mapping(load_settings(root, test_config))
    app.config["PORTAL_ROOT"] = str(root)
    hops = int(app.config["PORTAL_PROXY_HOPS"])
    if hops:
        # Only what the documented nginx sets: the client's address and the scheme. Never
        # X-Forwarded-Host: nobody sets it, so it would be the client's to forge.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented way
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=0
        )
    app.extensions["portal_content"] = ContentCache(root)
    smtp.parse_url(app.config["PORTAL_SMTP_URL"])  # a malformed one stops the start, named
    db.init_app(app, Database(app.config["PORTAL_DATABASE_URL"], root, db.limits(app.config)))
    app.before_request(i18n.take_snapshot)  # one content version for the whole request
    i18n.init_app(app)  # Italian in place of a missing translation is marked as Italian
    app.before_request(security.check_request)
    ratelimit.init_app(app)  # the per-client limits, right after the origin check
    app.before_request(requests.clean_request)  # no NUL or lone surrogate past here
    app.after_request(security.add_headers)
    errors.init_app(app)
    staff_auth.init_app(app)
    for blueprint in (
        api.bp,
        pages.bp,
        grant_pages.bp,
        event_pages.bp,
        staff_auth.bp,
        staff_admin.bp,
        staff_cases.bp,
        staff_assisted.bp,
        staff_events.bp,
        staff_mail.bp,
        staff_stats.bp,
        staff_subjects.bp,
        status_pages.bp,
        poster_pages.bp,
    ):
        app.register_blueprint(blueprint)
    ratelimit.check_submissions(app)
    maintenance.init_app(app)
    return app
