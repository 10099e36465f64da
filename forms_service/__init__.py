"""The forms service: heating-grant pre-applications and event sign-ups.

``create_app`` follows Flask's tutorial (flaskr): configuration from the
environment, the database opened and migrated, one blueprint per area.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import api, db, errors, forms, security
from .config import load_settings
from .content import ContentCache
from .ratelimit import RateLimiter, parse_limits


def create_app(test_config: dict | None = None, root: Path | str | None = None) -> Flask:
    root = Path(root or os.environ.get("PORTAL_ROOT", ".")).resolve()
    app = Flask(__name__)
    app.config.from_mapping(load_settings(root, test_config))
    app.config["PORTAL_ROOT"] = str(root)
    hops = int(app.config["PORTAL_PROXY_HOPS"])
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.extensions["portal_content"] = ContentCache(root)
    app.extensions["portal_rate_limiter"] = RateLimiter(
        parse_limits(app.config["PORTAL_RATE_LIMITS"]), app.config["PORTAL_REDIS_URL"])
    db.init_app(app, db.Database(app.config["PORTAL_DATABASE_URL"], root))
    app.before_request(security.check_request)
    app.after_request(security.add_headers)
    errors.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(forms.bp)
    return app
