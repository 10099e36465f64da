"""The database as the web layer sees it: one connection per request (flaskr's pattern)."""

from __future__ import annotations

from flask import current_app, g

from ..storage.db import Database


def database() -> Database:
    return current_app.extensions["portal_db"]


def get_db():
    """The request's connection, opened on first use."""
    if "db" not in g:
        g.db = database().connect()
    return g.db


def close_db(exception=None):
    conn = g.pop("db", None)
    if conn is not None:
        conn.close()


def init_app(app, db: Database) -> None:
    app.extensions["portal_db"] = db
    db.migrate()
    app.teardown_appcontext(close_db)
