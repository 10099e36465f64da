"""Storage connections for SQLite (embedded default) and PostgreSQL (production).

Both speak the same SQL written with ``?`` placeholders; ``Database`` adapts it.
Writes happen in ``transaction()``: on SQLite that is ``BEGIN IMMEDIATE`` (one
writer at a time, WAL, ``synchronous=FULL`` so a commit survives a crash); on
PostgreSQL rows that allocate places are locked with ``FOR UPDATE``. The residents'
submissions use ``write(conn, work)`` instead, which on SQLite lets the writers that
arrive together share one commit (group_commit.py).
The schema is created and migrated here, under a lock, by whichever worker
starts first.

Connections. ``checkout()``/``release()`` (or ``with db.connection()``) lend a
pooled one, as each web request does; ``connect()`` opens a private one that the
caller closes (maintenance commands, backups, tests). PostgreSQL uses psycopg_pool:
a connection is checked on checkout (a broken one is dropped, so the service
recovers by itself when the database comes back), every statement has a
server-side ``statement_timeout``/``lock_timeout`` and a client-side deadline (a
partitioned network gets no answer at all), and connecting has ``connect_timeout``.
SQLite keeps a few open connections; WAL is switched on once, when the file is
made, never per connection, so reads keep working when the disk is full; the WAL
is truncated now and then (``wal_checkpoint(TRUNCATE)``).

Faults. When the database cannot serve (refused, no answer, too many connections,
disk full, read-only, a lock or statement over its timeout) every method raises
``Unavailable`` with a short cause; ``unavailable(exc)`` classifies a driver error
raised elsewhere. Anything else, such as SQL that is wrong, stays what it is.
"""

from __future__ import annotations

import fcntl
import logging
import os
import select
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlparse

from .group_commit import GroupCommit
from .migrations import MIGRATIONS

log = logging.getLogger("forms_service")
T = TypeVar("T")


class Unavailable(Exception):
    """The database cannot serve now; nothing of the current transaction was stored."""

    def __init__(self, cause: str):
        super().__init__(cause)
        self.cause = cause


@dataclass(frozen=True)
class Limits:
    """Seconds: how long to wait for a connection, a lock, a statement; how many to keep."""

    pool_size: int = 5
    connect_timeout: float = 2.0
    lock_timeout: float = 2.0
    statement_timeout: float = 3.0


# SQLite primary result codes that mean "cannot serve now", not "wrong SQL".
_SQLITE_UNAVAILABLE = {
    5: "database is locked (busy)",  # SQLITE_BUSY
    6: "table is locked",  # SQLITE_LOCKED
    7: "out of memory",  # SQLITE_NOMEM
    8: "database is read-only",  # SQLITE_READONLY
    10: "disk I/O error",  # SQLITE_IOERR
    13: "disk full",  # SQLITE_FULL
    14: "cannot open the database file",  # SQLITE_CANTOPEN
    15: "locking protocol error",  # SQLITE_PROTOCOL
}


def unavailable(exc: BaseException) -> Unavailable | None:
    """``exc`` as ``Unavailable`` when it means the database cannot serve now, else None."""
    if isinstance(exc, Unavailable):
        return exc
    if isinstance(exc, sqlite3.OperationalError):
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None and code & 0xFF in _SQLITE_UNAVAILABLE:
            cause = _SQLITE_UNAVAILABLE[code & 0xFF]
            if code & 0xFF == 10 and _disk_full(exc):
                cause = "disk full"
            return Unavailable(f"sqlite: {cause} ({exc})")
        return None
    try:
        import psycopg
        import psycopg_pool
    except ImportError:  # pragma: no cover - both are dependencies
        return None
    if isinstance(exc, psycopg_pool.PoolTimeout | psycopg_pool.TooManyRequests):
        return Unavailable(f"postgresql: {_first_line(exc)}")
    if isinstance(exc, psycopg.OperationalError | psycopg.errors.ReadOnlySqlTransaction):
        name = type(exc).__name__
        return Unavailable(f"postgresql: {name}: {_first_line(exc)}")
    if isinstance(exc, psycopg.InterfaceError) and "closed" in str(exc):
        return Unavailable(f"postgresql: {_first_line(exc)}")
    return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def _disk_full(exc: BaseException) -> bool:
    """SQLite reports a failed write of a full disk as "disk I/O error" (SQLITE_IOERR_WRITE)."""
    return getattr(exc, "sqlite_errorcode", 0) in (778, 4874)  # IOERR_WRITE, IOERR_SHMSIZE


@contextmanager
def translated() -> Iterator[None]:
    """Raise ``Unavailable`` for a driver error that means the database cannot serve."""
    try:
        yield
    except Exception as exc:
        down = unavailable(exc)
        if down is None or down is exc:
            raise
        raise down from exc


class Database:
    def __init__(self, url: str, root: Path, limits: Limits | None = None):
        self.url = url
        self.limits = limits or Limits()
        parsed = urlparse(url)
        self._pool: _SqlitePool | _PgPool
        if parsed.scheme == "sqlite":
            self.dialect = "sqlite"
            path = Path(url[len("sqlite:///") :])
            self.path = path if path.is_absolute() else root / path
            _private_file(self.path)
            self._pool = _SqlitePool(self)
        elif parsed.scheme in ("postgres", "postgresql"):
            self.dialect = "postgresql"
            self._pool = _PgPool(self)
        else:
            raise ValueError(
                f"PORTAL_DATABASE_URL must start with sqlite:/// or postgresql://, "
                f"not {parsed.scheme or url!r}"
            )
        self._writer = _WriterLock(self.path) if self.dialect == "sqlite" else None
        self._group = GroupCommit(self) if self.dialect == "sqlite" else None
        weakref.finalize(self, self._pool.close)

    # --- connections ---------------------------------------------------------------------
    def connect(self):
        """A private connection, with the timeouts; the caller closes it."""
        with translated():
            if self.dialect == "sqlite":
                return _sqlite_connect(self.path, self.limits)
            return _pg_connect(self.url, self.limits)

    def checkout(self):
        """A connection lent by the pool; give it back with ``release``."""
        with translated():
            return self._pool.get()

    def release(self, conn) -> None:
        self._pool.put(conn)

    @contextmanager
    def connection(self):
        conn = self.checkout()
        try:
            yield conn
        finally:
            self.release(conn)

    def check(self) -> str | None:
        """None when the database answers, else a short cause (for /api/health)."""
        try:
            with self.connection() as conn:
                self.one(conn, "SELECT 1 AS ok")
        except Unavailable as exc:
            return exc.cause
        return None

    def close(self) -> None:
        """Close the pooled connections (a test's app, a worker's exit)."""
        self._pool.close()

    @contextmanager
    def transaction(self, conn):
        """All-or-nothing; the caller's acknowledgement comes after this block commits."""
        with translated():
            if self.dialect == "sqlite":
                assert self._writer is not None
                if not self._writer.acquire(self.limits.lock_timeout):
                    raise Unavailable("database is locked (busy)")
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    try:
                        yield
                    except BaseException:
                        if conn.in_transaction:  # SQLite may have rolled back (disk full)
                            conn.execute("ROLLBACK")
                        raise
                    conn.execute("COMMIT")
                finally:
                    self._writer.release()
            else:
                with conn.transaction():
                    yield

    def write(self, conn, work: Callable[[Any], T]) -> T:
        """``work(connection)`` in a transaction, committed on return; what it raises rolls
        back what it did. On SQLite, concurrent writes of this process share one commit
        (group_commit.py): ``work`` gets the connection to use, which may not be ``conn``."""
        if self._group is not None:
            return self._group.run(conn, work)
        with translated(), conn.transaction():
            return work(conn)

    def sql(self, text: str) -> str:
        if self.dialect == "postgresql":
            return text.replace("?", "%s").replace("{for_update}", "FOR UPDATE")
        return text.replace("{for_update}", "")

    def execute(self, conn, text: str, params=()):
        with translated():
            return conn.execute(self.sql(text), params)

    def one(self, conn, text: str, params=()):
        with translated():
            row = self.execute(conn, text, params).fetchone()
        return dict(row) if row is not None else None

    def all(self, conn, text: str, params=()) -> list[dict]:
        with translated():
            return [dict(row) for row in self.execute(conn, text, params).fetchall()]

    # --- schema ----------------------------------------------------------------------------
    def migrate(self) -> int:
        """Bring the schema to the latest version; safe to call from many workers at once."""
        conn = self.connect()
        try:
            if self.dialect == "sqlite":
                _set_wal(conn)
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


# --- SQLite ------------------------------------------------------------------------------------

WAL_LIMIT_BYTES = 8 * 1024 * 1024  # the WAL is cut back to this after a checkpoint
CHECKPOINT_SECONDS = 60.0


class _WriterLock:
    """SQLite has one writer at a time. Its busy handler makes the others sleep up to 100 ms
    between tries, however soon the writer is done: under load that was a p99 of 0.8 s. So the
    writers queue here instead: the threads of a process on a lock, one thread per process on
    an advisory lock of ``<database>.lock``, tried every half millisecond."""

    POLL = 0.0005

    def __init__(self, database: Path):
        self._threads = threading.Lock()
        self._path = Path(f"{database}.lock")
        self._fd: int | None = None
        self._pid = 0

    def _file(self) -> int:
        if self._fd is None or self._pid != os.getpid():  # a forked worker opens its own
            try:
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError as exc:  # a full disk cannot make it: busy, not broken
                raise Unavailable(f"sqlite: {exc.strerror}") from None
            self._pid = os.getpid()
        return self._fd

    def acquire(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        if not self._threads.acquire(timeout=timeout):
            return False
        try:
            fd = self._file()
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return True
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        break
                    time.sleep(self.POLL)
        except BaseException:
            self._threads.release()
            raise
        self._threads.release()
        return False

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._threads.release()


def _private_file(path: Path) -> None:
    """The database folder 0700 when made here, the file and its -wal/-shm 0600.

    SQLite gives the -wal and -shm files the main file's permissions, so creating that
    one 0600 is enough; files made by an older version are tightened here.
    """
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            if name.stat().st_mode & 0o077:
                name.chmod(0o600)
        except OSError:  # absent, or not ours to change
            pass


def _sqlite_connect(path: Path, limits: Limits) -> sqlite3.Connection:
    conn = sqlite3.connect(
        path, timeout=limits.lock_timeout, isolation_level=None, check_same_thread=False
    )
    conn.row_factory = sqlite3.Row
    # Per-connection settings only: none of these writes to the file.
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(f"PRAGMA busy_timeout={int(limits.lock_timeout * 1000)}")
    conn.execute(f"PRAGMA journal_size_limit={WAL_LIMIT_BYTES}")
    conn.execute("PRAGMA wal_autocheckpoint=1000")
    return conn


class _SqlitePool:
    """A few open connections, handed out one request at a time."""

    def __init__(self, db: Database):
        self.path = db.path
        self.limits = db.limits
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self.checkpoint_seconds = CHECKPOINT_SECONDS
        self._checkpointed = time.monotonic()

    def get(self) -> sqlite3.Connection:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return _sqlite_connect(self.path, self.limits)

    def put(self, conn: sqlite3.Connection) -> None:
        try:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            self._maybe_checkpoint(conn)
        except sqlite3.Error:
            conn.close()
            return
        with self._lock:
            if len(self._idle) < self.limits.pool_size:
                self._idle.append(conn)
                return
        conn.close()

    def _maybe_checkpoint(self, conn: sqlite3.Connection) -> None:
        """Now and then fold the WAL into the database and truncate it, without waiting
        long for readers (autocheckpoint alone cannot shrink it while they keep reading)."""
        now = time.monotonic()
        if now - self._checkpointed < self.checkpoint_seconds:
            return
        self._checkpointed = now
        conn.execute("PRAGMA busy_timeout=100")
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except sqlite3.OperationalError as exc:
            log.info("WAL checkpoint skipped: %s", exc)
        finally:
            conn.execute(f"PRAGMA busy_timeout={int(self.limits.lock_timeout * 1000)}")

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


def _set_wal(conn, seconds: float = 30.0) -> None:
    """Switch the database file to WAL once (it stays so), retrying while another worker
    does the same.

    Why retry: when several workers open a fresh file at once, ``PRAGMA journal_mode=WAL``
    can fail at once with "database is locked" (SQLite skips the busy handler there
    to avoid a deadlock), so a worker crashed at start and gunicorn stopped.
    Why only once: setting it writes to the file, so on a full disk every new connection
    failed, even for pages that only read.
    """
    deadline = time.monotonic() + seconds
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


# --- PostgreSQL --------------------------------------------------------------------------------

CHECK_SECONDS = 1.0  # a pooled connection must answer its checkout check within this
FRESH_SECONDS = 1.0  # ... unless it was given back this recently


def _pg_connect(url: str, limits: Limits, connection_class: Any = None):
    from psycopg.rows import dict_row

    cls = connection_class or _deadline_class()
    return cls.connect(_pg_conninfo(url, limits), autocommit=True, row_factory=dict_row)


def _pg_conninfo(url: str, limits: Limits) -> str:
    """The URL with the timeouts added to its ``options`` (which may set a search_path)."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = conninfo_to_dict(url)
    options = str(params.pop("options", "") or "")
    timeouts = (
        f"-c statement_timeout={int(limits.statement_timeout * 1000)} "
        f"-c lock_timeout={int(limits.lock_timeout * 1000)}"
    )
    params["options"] = f"{options} {timeouts}".strip()
    params.setdefault("connect_timeout", max(1, round(limits.connect_timeout)))
    # A partition: unacknowledged data fails the connection instead of waiting for minutes.
    params.setdefault("tcp_user_timeout", int(_deadline(limits) * 1000))
    params.setdefault("keepalives", 1)
    params.setdefault("keepalives_idle", 30)
    return make_conninfo("", **params)


def _deadline(limits: Limits) -> float:
    """How long the client waits for any answer: the server's own limit, plus a margin."""
    return limits.statement_timeout + 0.5


_CLASSES: dict[str, Any] = {}


def _deadline_class():
    """A psycopg Connection whose every wait for the server has a deadline.

    The server enforces ``statement_timeout``, but when the network drops packets nothing
    comes back at all; then the client gives up after ``deadline`` seconds and closes the
    connection (its state is unknown), which the pool then replaces.
    """
    if "cls" in _CLASSES:
        return _CLASSES["cls"]
    import psycopg

    class DeadlineConnection(psycopg.Connection):
        deadline: float | None = None
        answered_at = float("-inf")  # monotonic time it was last given back to the pool

        def wait(self, gen, interval=0.1, timeout=None):
            try:
                return super().wait(gen, interval=interval, timeout=timeout or self.deadline)
            except psycopg.errors._WaitTimeout:
                self.pgconn.finish()  # not close(): the caller holds the connection's lock
                raise psycopg.OperationalError(
                    f"no answer from the database within {self.deadline:g} s"
                ) from None

    _CLASSES["cls"] = DeadlineConnection
    return DeadlineConnection


class _PgPool:
    """psycopg_pool's ConnectionPool, opened in the process that uses it (after gunicorn's
    fork), with a fast answer while the database is down.

    While down (the last connection attempt failed), a checkout does not wait for the pool:
    once a second one thread tries a connection itself; the others get ``Unavailable`` with
    the last cause at once. When that attempt succeeds the pool is made anew, so the next
    requests find working connections without waiting for the pool's reconnection backoff.
    """

    def __init__(self, db: Database):
        self.url = db.url
        self.limits = db.limits
        self._pool: Any = None
        self._pid = 0
        self._lock = threading.Lock()
        self._down: tuple[float, str] | None = None
        self._probing = threading.Lock()

    def _current(self):
        with self._lock:
            if self._pool is None or self._pid != os.getpid():
                self._pool = self._new_pool()
                self._pid = os.getpid()
            return self._pool

    def _new_pool(self):
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool

        limits = self.limits
        pool = ConnectionPool(
            _pg_conninfo(self.url, limits),
            connection_class=self._connection_class(),
            kwargs={"autocommit": True, "row_factory": dict_row},
            min_size=1,
            max_size=max(1, limits.pool_size),
            timeout=limits.connect_timeout,
            max_idle=300,
            reconnect_timeout=max(60.0, limits.connect_timeout * 10),
            check=_checked,
            open=False,
            name="portal",
        )
        pool.open(wait=False)
        return pool

    def _connection_class(self):
        holder = self
        deadline = _deadline(self.limits)

        class PooledConnection(_deadline_class()):
            @classmethod
            def connect(cls, *args, **kwargs):
                try:
                    conn = super().connect(*args, **kwargs)
                except Exception as exc:
                    holder._failed(exc)
                    raise
                conn.deadline = deadline
                holder._down = None
                return conn

        return PooledConnection

    def _failed(self, exc: BaseException) -> None:
        self._down = (time.monotonic(), _first_line(exc))

    def get(self):
        if self._down is not None:
            self._probe()
        pool = self._current()
        try:
            return pool.getconn()
        except Exception as exc:
            from psycopg_pool import PoolTimeout

            if isinstance(exc, PoolTimeout) and self._down is not None:
                raise Unavailable(f"postgresql: {self._down[1]}") from exc
            raise

    def _probe(self) -> None:
        """While down: one attempt a second, by one thread; the others answer at once."""
        down = self._down
        if down is None:
            return
        if time.monotonic() - down[0] < 1.0 or not self._probing.acquire(blocking=False):
            raise Unavailable(f"postgresql: {down[1]}")
        try:
            try:
                probe = _pg_connect(self.url, self.limits)
            except Exception as exc:
                self._failed(exc)
                raise Unavailable(f"postgresql: {_first_line(exc)}") from exc
            probe.close()
            with self._lock:
                old, self._pool = self._pool, None
                self._down = None
            if old is not None:
                threading.Thread(target=old.close, kwargs={"timeout": 1}, daemon=True).start()
        finally:
            self._probing.release()

    def put(self, conn) -> None:
        pool = getattr(conn, "_pool", None)
        if pool is None or pool.closed:
            conn.close()
            return
        conn.answered_at = time.monotonic()  # the request that used it is done with it
        pool.putconn(conn)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None and self._pid == os.getpid():
            pool.close(timeout=1)


def _checked(conn) -> None:
    """The pool's checkout check: an empty query, answered within ``CHECK_SECONDS``.

    Skipped for a connection given back within ``FRESH_SECONDS`` whose socket has nothing
    to read: under a rush the check was one more round trip per request. An idle connection
    has nothing to read, so a readable socket means the server closed it or said something
    (a restart, a terminated backend): that one is checked, fails, and the pool replaces it.
    A connection that died silently meanwhile costs its request the usual 503."""
    fresh = time.monotonic() - conn.answered_at < FRESH_SECONDS
    if fresh and not select.select([conn.fileno()], [], [], 0)[0]:
        return
    deadline, conn.deadline = conn.deadline, CHECK_SECONDS
    try:
        conn.execute("")
    finally:
        conn.deadline = deadline


def _dialect(statement: str, dialect: str) -> str:
    ids = {
        "sqlite": "INTEGER PRIMARY KEY AUTOINCREMENT",
        "postgresql": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
    }
    return statement.replace("{id}", ids[dialect])
