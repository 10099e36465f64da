"""Group commit for SQLite: the writers of one process that arrive together share a commit.

Why: SQLite has one writer at a time, and with ``synchronous=FULL`` every commit waits for
the disk. Under a rush each submission held the write lock through its own fsync, and
through every wait of its thread for the interpreter between statements, so the lock, not
the processor, set the pace.

How: writers queue their work. One of them, the leader, takes the write lock, opens the
transaction, runs every queued work one after the other, each in a SAVEPOINT and in the
context (Flask's request, ``g``) of the thread that queued it, and commits once. Then the
next queued writer leads the next batch. The lock is held by one thread that never waits
for another.

What stays true:
- Nobody is answered before that commit, so a 201 still means the row is on disk.
- A work that raises (a reused key, an event already signed up to) is rolled back to its
  savepoint alone; its writer gets the exception.
- A failure of the transaction itself (the lock not free in time, a full disk) fails the
  whole batch with ``Unavailable``, and nothing of it is stored.
- Works run in their order of arrival, so the first to ask for a place gets it.
- A work must not open a transaction of its own: it runs while the write lock is held.
"""

from __future__ import annotations

import contextvars
import sqlite3
import threading
from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from .db import Database

T = TypeVar("T")
MAX_BATCH = 32  # works per commit at most, so one commit never grows unbounded


class _Job:
    def __init__(self, work: Callable[[Any], Any]) -> None:
        self.work = work
        self.context = contextvars.copy_context()  # the writer's request, run by the leader
        self.ready = threading.Event()  # done, or this writer's turn to lead
        self.lead = False
        self.done = False
        self.value: Any = None
        self.error: BaseException | None = None


class GroupCommit:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._mutex = threading.Lock()
        self._queue: list[_Job] = []
        self._leading = False  # a writer of this process is leading a batch

    def run(self, conn, work: Callable[[Any], T]) -> T:
        job = _Job(work)
        with self._mutex:
            self._queue.append(job)
            job.lead = not self._leading
            self._leading = True
        while not job.lead:
            job.ready.wait()
            job.ready.clear()
            if job.done:
                break
        if not job.done:
            self._lead(conn)
        if job.error is not None:
            raise job.error
        return job.value

    def _lead(self, conn) -> None:
        """Commit one batch (this writer's work among it), then pass the lead on."""
        from .db import Unavailable, translated

        writer = self._db._writer
        assert writer is not None
        batch: list[_Job] = []
        try:
            if not writer.acquire(self._db.limits.lock_timeout):
                batch = self._take()
                self._fail(batch, Unavailable("database is locked (busy)"))
                return
            try:
                batch = self._take()  # who queued while the lock was awaited comes along
                with translated():
                    conn.execute("BEGIN IMMEDIATE")
                for job in batch:
                    self._step(conn, job)
                with translated():
                    conn.execute("COMMIT")
            except BaseException as exc:
                with suppress(sqlite3.Error):
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                self._fail(batch, exc)
            finally:
                writer.release()
        finally:
            for job in batch:
                job.done = True
                job.ready.set()
            self._pass_lead()

    def _take(self) -> list[_Job]:
        with self._mutex:
            batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
        return batch

    def _pass_lead(self) -> None:
        with self._mutex:
            if not self._queue:
                self._leading = False
                return
            following = self._queue[0]
            following.lead = True
        following.ready.set()

    @staticmethod
    def _fail(batch: list[_Job], exc: BaseException) -> None:
        """The transaction is lost: every work of the batch fails as the database did."""
        from .db import unavailable

        cause = unavailable(exc) or exc
        for job in batch:
            job.value = None
            job.error = cause

    @staticmethod
    def _step(conn, job: _Job) -> None:
        """One work in a savepoint. An ``Unavailable`` from it, or a transaction that SQLite
        ended, is the batch's failure and propagates; any other exception is the writer's."""
        from .db import Unavailable, translated

        with translated():
            conn.execute("SAVEPOINT writer")
        try:
            job.value = job.context.run(job.work, conn)
        except Unavailable:
            raise
        except Exception as exc:
            if not conn.in_transaction:
                raise
            with translated():
                conn.execute("ROLLBACK TO writer")
            job.error = exc
        with translated():
            conn.execute("RELEASE writer")
