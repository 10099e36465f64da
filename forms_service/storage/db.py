"""Storage connections for SQLite (embedded default) and PostgreSQL (production).

Both speak the same SQL written with ``?`` placeholders; ``Database`` adapts it.
Writes happen in ``transaction()``: on SQLite that is ``BEGIN IMMEDIATE`` (one
writer at a time, WAL, ``synchronous=FULL`` so a commit survives a crash); on
PostgreSQL rows that allocate places are locked with ``FOR UPDATE``.
The schema is created and migrated here, under a lock, by whichever worker
starts first.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

from .migrations import MIGRATIONS


class Database:
    def __init__(self, url: str, root: Path):
        self.url = url
        parsed = urlparse(url)
        if parsed.scheme == "sqlite":
            self.dialect = "sqlite"
            path = Path(url[len("sqlite:///") :])
            self.path = path if path.is_absolute() else root / path
            self.path.parent.mkdir(parents=True, exist_ok=True)
        elif parsed.scheme in ("postgres", "postgresql"):
            self.dialect = "postgresql"
        else:
            raise ValueError(
                f"PORTAL_DATABASE_URL must start with sqlite:/// or postgresql://, "
                f"not {parsed.scheme or url!r}"
            )
        self._local = threading.local()

    # --- connections ---------------------------------------------------------------------
    def connect(self):
        if self.dialect == "sqlite":
            conn = sqlite3.connect(
                self.path, timeout=30, isolation_level=None, check_same_thread=False
            )
            conn.row_factory = sqlite3.Row
            _set_wal(conn)
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=30000")
            return conn
        import psycopg
        from psycopg.rows import dict_row

        return psycopg.connect(self.url, autocommit=True, row_factory=dict_row)

    @contextmanager
    def transaction(self, conn):
        """All-or-nothing; the caller's acknowledgement comes after this block commits."""
        if self.dialect == "sqlite":
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        else:
            with conn.transaction():
                yield

    def sql(self, text: str) -> str:
        if self.dialect == "postgresql":
            return text.replace("?", "%s").replace("{for_update}", "FOR UPDATE")
        return text.replace("{for_update}", "")

    def execute(self, conn, text: str, params=()):
        return conn.execute(self.sql(text), params)

    def one(self, conn, text: str, params=()):
        row = self.execute(conn, text, params).fetchone()
        return dict(row) if row is not None else None

    def all(self, conn, text: str, params=()) -> list[dict]:
        return [dict(row) for row in self.execute(conn, text, params).fetchall()]

    # --- schema ----------------------------------------------------------------------------
    def migrate(self) -> int:
        """Bring the schema to the latest version; safe to call from many workers at once."""
        conn = self.connect()
        try:
            with self.transaction(conn):
                if self.dialect == "postgresql":
                    conn.execute("SELECT pg_advisory_xact_lock(4242001)")
                conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
                row = self.one(conn, "SELECT MAX(version) AS v FROM schema_version")
                current = row["v"] or 0
                for version, statements in MIGRATIONS:
                    if version <= current:
                        continue
                    for statement in statements:
                        conn.execute(_dialect(statement, self.dialect))
                    self.execute(
                        conn, "INSERT INTO schema_version (version) VALUES (?)", (version,)
                    )
                    current = version
            return current
        finally:
            conn.close()


def _set_wal(conn, seconds: float = 30.0) -> None:
    """Switch a new database file to WAL, retrying while another worker does the same.

    Why: when several workers open a fresh file at once, ``PRAGMA journal_mode=WAL``
    can fail at once with "database is locked" (SQLite skips the busy handler there
    to avoid a deadlock), so a worker crashed at start and gunicorn stopped.
    """
    deadline = time.monotonic() + seconds
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _dialect(statement: str, dialect: str) -> str:
    ids = {
        "sqlite": "INTEGER PRIMARY KEY AUTOINCREMENT",
        "postgresql": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
    }
    return statement.replace("{id}", ids[dialect])
