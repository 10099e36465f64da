"""The database as the web layer sees it: one pooled connection per request, lent on first
use and given back when the request ends (flaskr's pattern, with a pool)."""

from __future__ import annotations

from flask import current_app, g

from ..storage.db import Database, Limits


def database() -> Database:
    return current_app.extensions["portal_db"]


def get_db():
    """The request's connection, taken from the pool on first use."""
    if "db" not in g:
        g.db = database().checkout()
    return g.db


def close_db(exception=None):
    conn = g.pop("db", None)
    if conn is not None:
        database().release(conn)


def limits(config) -> Limits:
    """The pool size and timeouts from the settings (seconds)."""
    return Limits(
        pool_size=int(config["PORTAL_DB_POOL_SIZE"]),
        connect_timeout=float(config["PORTAL_DB_CONNECT_TIMEOUT"]),
        lock_timeout=float(config["PORTAL_DB_LOCK_TIMEOUT"]),
        statement_timeout=float(config["PORTAL_DB_STATEMENT_TIMEOUT"]),
    )


def init_app(app, db: Database) -> None:
    app.extensions["portal_db"] = db
    db.migrate()
    app.teardown_appcontext(close_db)
