"""Group commit on SQLite (storage/group_commit.py), on a real database file: the writers of
a process that arrive while the write lock is taken share one commit, each keeps its own
outcome, and a failure of the transaction fails them all with nothing stored.

To make writers meet, a second ``Database`` on the same file holds the write lock (its
advisory lock, as another gunicorn worker would) while they arrive.
"""

from __future__ import annotations

import contextvars
import threading
import time
from contextlib import contextmanager

import pytest

from forms_service.storage import store
from forms_service.storage.db import Database, Limits, Unavailable

WRITERS = 8
who = contextvars.ContextVar("who", default="nobody")


@pytest.fixture
def db(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'g.sqlite3'}", tmp_path, Limits(lock_timeout=5))
    database.migrate()
    with database.connection() as conn:
        conn.execute("CREATE TABLE notes (writer INTEGER PRIMARY KEY, who TEXT)")
    yield database
    database.close()


@contextmanager
def lock_held(db: Database, seconds: float):
    """Another process's writer (a second Database on the file) holds the lock a while."""
    other = Database(db.url, db.path.parent, db.limits)
    taken = threading.Event()

    def hold():
        with other.connection() as conn, other.transaction(conn):
            taken.set()
            time.sleep(seconds)

    holder = threading.Thread(target=hold)
    holder.start()
    taken.wait(5)
    try:
        yield
    finally:
        holder.join()
        other.close()


def writers(db: Database, work_of, stagger: float = 0.01, hold: float = 0.3) -> dict[int, object]:
    """Start WRITERS threads in order, each ``db.write`` of ``work_of(n)`` on its own
    connection, while the lock is held; returns n -> value or exception."""
    outcomes: dict[int, object] = {}

    def run(n: int) -> None:
        who.set(f"writer {n}")
        with db.connection() as conn:
            try:
                outcomes[n] = db.write(conn, work_of(n))
            except Exception as exc:  # noqa: BLE001 - the outcome is what is checked
                outcomes[n] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(WRITERS)]
    with lock_held(db, hold + WRITERS * stagger):
        for thread in threads:
            thread.start()
            time.sleep(stagger)  # arrival order = n
    for thread in threads:
        thread.join(10)
    return outcomes


def note(n: int, used: list):
    def work(conn):
        used.append((n, conn))
        conn.execute("INSERT INTO notes (writer, who) VALUES (?, ?)", (n, who.get()))
        return n

    return work


def row(name: str) -> dict:
    """A pre-application's columns, as the form's declaration makes them."""
    return {
        "full_name": name,
        "phone": "3331234567",
        "email": None,
        "address": "Via Roma 1",
        "household_size": 2,
        "tenancy_start": "2020-01-01",
        "heating": "independent",
        "band": "A",
        "isee": "5000",
        "arrears": False,
        "repayment_plan": False,
        "preferred_desk": "celadina",
    }


def stored(db: Database) -> dict[int, str]:
    with db.connection() as conn:
        return {r["writer"]: r["who"] for r in db.all(conn, "SELECT writer, who FROM notes")}


def test_writers_that_arrive_together_share_one_commit_in_their_order(db):
    used: list = []
    outcomes = writers(db, lambda n: note(n, used))
    assert outcomes == {n: n for n in range(WRITERS)}
    # One leader ran every work, in the order they arrived, on its own connection ...
    assert [n for n, _ in used] == list(range(WRITERS))
    assert len({id(conn) for _, conn in used}) == 1
    # ... each in the context of the request that queued it.
    assert stored(db) == {n: f"writer {n}" for n in range(WRITERS)}


def test_a_writer_that_fails_is_rolled_back_alone(db):
    def work_of(n):
        def work(conn):
            conn.execute("INSERT INTO notes (writer, who) VALUES (?, ?)", (n, who.get()))
            if n == 3:
                raise store.AlreadySignedUp("event")
            return n

        return work

    outcomes = writers(db, work_of)
    assert isinstance(outcomes.pop(3), store.AlreadySignedUp)
    assert outcomes == {n: n for n in range(WRITERS) if n != 3}
    assert sorted(stored(db)) == [n for n in range(WRITERS) if n != 3]


def test_a_lost_transaction_fails_every_writer_of_the_batch_and_stores_nothing(db):
    def work_of(n):
        def work(conn):
            conn.execute("INSERT INTO notes (writer, who) VALUES (?, ?)", (n, who.get()))
            if n == WRITERS - 1:
                raise Unavailable("sqlite: disk full")
            return n

        return work

    outcomes = writers(db, work_of)
    assert all(isinstance(o, Unavailable) for o in outcomes.values()), outcomes
    assert stored(db) == {}
    # The next writer finds the database as before, and commits.
    with db.connection() as conn:
        assert db.write(conn, note(99, [])) == 99
    assert list(stored(db)) == [99]


def test_a_lock_not_free_in_time_fails_every_waiting_writer(tmp_path, db):
    quick = Database(db.url, tmp_path, Limits(lock_timeout=0.2))
    outcomes = writers(quick, lambda n: note(n, []), hold=1.0)  # every wait times out
    quick.close()
    assert all(isinstance(o, Unavailable) and "locked" in o.cause for o in outcomes.values())
    assert stored(db) == {}


def test_pre_applications_written_at_once_get_their_own_reference_and_key(db):
    """The store's path through the group commit: one row and one key per submission, and a
    retry with the same key gets the first reference back."""
    refs = iter(f"PA-{n:04d}" for n in range(100))

    def save(n: int):
        def run(conn):  # not in a transaction: save_pre_application writes through db.write
            return store.save_pre_application(
                db, conn, row(f"P {n}"), "it", f"key-{n:04d}-abcdefgh", lambda: next(refs)
            )

        return run

    results: dict[int, tuple[str, bool]] = {}

    def submit(n: int) -> None:
        with db.connection() as conn:
            results[n] = save(n)(conn)

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(WRITERS)]
    with lock_held(db, 0.3):
        for thread in threads:
            thread.start()
    for thread in threads:
        thread.join(10)
    references = [ref for ref, created in results.values() if created]
    assert len(set(references)) == WRITERS
    with db.connection() as conn:
        assert save(2)(conn) == (results[2][0], False)
        rows = db.all(conn, "SELECT reference FROM pre_applications")
    assert sorted(r["reference"] for r in rows) == sorted(references)


def test_a_reference_already_taken_is_drawn_again_and_the_key_follows(db):
    drawn = iter(["PA-SAME", "PA-SAME", "PA-OTHER"])
    with db.connection() as conn:
        first = store.save_pre_application(
            db, conn, row("A"), "it", "key-a-0123456789", lambda: next(drawn)
        )
        second = store.save_pre_application(
            db, conn, row("B"), "it", "key-b-0123456789", lambda: next(drawn)
        )
        again = store.save_pre_application(
            db, conn, row("B"), "it", "key-b-0123456789", lambda: "PA-UNUSED"
        )
    assert first == ("PA-SAME", True)
    assert second == ("PA-OTHER", True)
    assert again == ("PA-OTHER", False)
