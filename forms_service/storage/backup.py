"""Consistent copies of the database, and putting one back: the work of ``portal backup``
and ``portal restore``, safe while the service runs.

- SQLite: SQLite's online backup API copies the live file in one step (a snapshot: WAL
  readers do not stop the service's writers) into a temporary file beside DEST, which is
  switched to a single self-contained file, checked with ``PRAGMA integrity_check`` and only
  then given its name. Restoring runs the same API the other way, into the live file: one
  write transaction, which the service's own connections simply wait for.
- PostgreSQL: ``pg_dump --format=custom`` (a snapshot by design) and ``pg_restore --clean
  --single-transaction``. A database URL whose ``options`` set ``search_path`` (one schema per
  test, or per portal in a shared database) is dumped and restored for that schema only.

Either way a copy is read back before it counts (its rows per table are what is printed),
a restore refuses a copy from a newer schema and a target that holds any row unless forced,
and migrations bring an older copy up to date afterwards.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

from .db import Database
from .migrations import MIGRATIONS

LATEST = MIGRATIONS[-1][0]


class BackupRefused(ValueError):
    """Said to the person at the terminal, in Italian; nothing was overwritten."""


@dataclass(frozen=True)
class Copy:
    path: Path
    size: int  # bytes
    version: int  # the copy's schema version
    rows: dict[str, int]  # per table; after a restore, the database's own


def tables_since(version: int) -> list[str]:
    """The tables the migrations after ``version`` create, in order."""
    return [
        name
        for number, statements in MIGRATIONS
        if number > version
        for statement in statements
        for name in re.findall(r"^CREATE TABLE (\w+)", statement)
    ]


TABLES = tables_since(0)


def backup(db: Database, dest: Path, force: bool = False) -> Copy:
    """Copy the database into the file ``dest``; an existing one is replaced only with
    ``force``. A failed or refused copy leaves nothing under that name."""
    dest = dest.absolute()
    if not dest.parent.is_dir():
        raise BackupRefused(f"la cartella {dest.parent} non esiste")
    if db.dialect == "sqlite" and _same_file(dest, db.path):
        raise BackupRefused(f"{dest} è il database in uso: scegli un altro file")
    if dest.exists() and not force:
        raise BackupRefused(f"{dest} esiste già: per sostituirlo usa --force")
    fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".partial", dir=dest.parent)
    os.close(fd)  # mode 0600: a copy holds personal data
    partial = Path(name)
    try:
        if db.dialect == "sqlite":
            version, rows = _sqlite_backup(db, partial)
        else:
            version, rows = _pg_backup(db, partial)
        _flush(partial)
        if force:
            os.replace(partial, dest)
        else:
            try:  # a link never replaces: a DEST made meanwhile is not overwritten
                os.link(partial, dest)
            except FileExistsError:
                raise BackupRefused(f"{dest} esiste già: per sostituirlo usa --force") from None
        _flush(dest.parent)
    finally:
        partial.unlink(missing_ok=True)
    return Copy(dest, dest.stat().st_size, version, rows)


def restore(db: Database, src: Path, force: bool = False) -> Copy:
    """Replace the database's content with the copy ``src``, then migrate it. Refused when
    ``src`` is not a copy of a portal database, comes from a newer schema, or when the
    database holds any row and ``force`` is not given."""
    src = src.absolute()
    kind = _kind(src)
    if kind is None:
        raise BackupRefused(
            f"{src} non è una copia del portale (né un file SQLite né un archivio di pg_dump)"
        )
    if kind != db.dialect:
        raise BackupRefused(
            f"{src} è una copia {_NAMES[kind]}, ma PORTAL_DATABASE_URL indica un database "
            f"{_NAMES[db.dialect]}"
        )
    if db.dialect == "sqlite":
        version = _sqlite_restore(db, src, force)
    else:
        version = _pg_restore(db, src, force)
    db.migrate()
    conn = db.connect()
    try:
        rows = row_counts(conn)
    finally:
        conn.close()
    return Copy(src, src.stat().st_size, version, rows)


def row_counts(conn, tables: Iterable[str] = TABLES) -> dict[str, int]:
    """Rows per table, on any connection whose rows are read by column name."""
    return {t: conn.execute(f"SELECT COUNT(*) AS n FROM {t}").fetchone()["n"] for t in tables}


_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _kind(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            start = handle.read(16)
    except OSError as exc:
        raise BackupRefused(f"non riesco a leggere {path}: {exc.strerror}") from None
    if start == b"SQLite format 3\x00":
        return "sqlite"
    if start.startswith(b"PGDMP"):
        return "postgresql"
    return None


def _checked_version(versions: list[int], src: Path) -> int:
    version = max(versions, default=0)
    if version > LATEST:
        raise BackupRefused(
            f"{src} viene da una versione più recente del portale (schema {version}; questo "
            f"codice arriva allo schema {LATEST}): aggiorna il portale prima di ripristinarla"
        )
    return version


def _refuse_unless_empty(db: Database, force: bool) -> None:
    conn = db.connect()
    try:
        held = {t: n for t, n in row_counts(conn).items() if n}
    finally:
        conn.close()
    if held and not force:
        listing = ", ".join(f"{table} {n}" for table, n in held.items())
        raise BackupRefused(
            f"il database di destinazione contiene già dati ({listing}): per sostituirli "
            "con la copia usa --force"
        )


def _same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` is the database file ``b`` or one of its companions."""
    return any(
        a.resolve() == Path(f"{b.resolve()}{end}")
        for end in ("", "-wal", "-shm", "-journal", ".lock")
    )


def _flush(path: Path) -> None:
    """fsync a file or a folder, so the copy and its name survive a crash."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- SQLite ----------------------------------------------------------------------------------


def _sqlite_backup(db: Database, partial: Path) -> tuple[int, dict[str, int]]:
    source = db.connect()
    try:
        copy = sqlite3.connect(partial, isolation_level=None)
        try:
            copy.row_factory = sqlite3.Row
            source.backup(copy)  # every page in one step: one consistent snapshot
            copy.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal beside it
            problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupRefused(
                    "la copia non supera PRAGMA integrity_check, il database in uso potrebbe "
                    f"essere danneggiato: {'; '.join(problems[:5])}"
                )
            held = {r["name"] for r in copy.execute("SELECT name FROM sqlite_master")}
            return _sqlite_version(copy), row_counts(copy, [t for t in TABLES if t in held])
        finally:
            copy.close()
    finally:
        source.close()


def _sqlite_version(conn) -> int:
    return conn.execute("SELECT MAX(version) AS v FROM schema_version").fetchone()["v"] or 0


def _sqlite_restore(db: Database, src: Path, force: bool) -> int:
    if _same_file(src, db.path):
        raise BackupRefused(f"{src} è il database in uso, non una copia")
    try:
        source = sqlite3.connect(f"{src.as_uri()}?mode=ro", uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise BackupRefused(f"non riesco ad aprire {src}: {exc}") from None
    try:
        source.row_factory = sqlite3.Row
        try:
            problems = [row[0] for row in source.execute("PRAGMA quick_check")]
            version = _sqlite_version(source)
        except sqlite3.Error as exc:
            raise BackupRefused(f"{src} non è una copia del database del portale: {exc}") from None
        if problems != ["ok"]:
            raise BackupRefused(f"{src} è danneggiato: {'; '.join(problems[:5])}")
        version = _checked_version([version], src)
        _refuse_unless_empty(db, force)
        target = db.connect()
        try:
            source.backup(target)  # one write transaction on the live file
        except sqlite3.Error as exc:
            raise BackupRefused(f"ripristino non riuscito, database invariato: {exc}") from None
        finally:
            target.close()
    finally:
        source.close()
    return version


# --- PostgreSQL ------------------------------------------------------------------------------


def _pg_backup(db: Database, partial: Path) -> tuple[int, dict[str, int]]:
    schema = _pg_schema(db)
    dsn, env = _pg_connection(db.url)
    scope = [f"--table={_quoted(schema)}.*"] if _chooses_schema(db.url) else []
    _run(["pg_dump", "--format=custom", f"--file={partial}", *scope, f"--dbname={dsn}"], env)
    versions, rows = _pg_contents(partial, schema)
    if versions is None:
        raise BackupRefused(f"lo schema «{schema}» non contiene un database del portale")
    return max(versions, default=0), {t: rows[t] for t in TABLES if t in rows}


def _pg_restore(db: Database, src: Path, force: bool) -> int:
    schema = _pg_schema(db)
    versions, _ = _pg_contents(src, schema)
    if versions is None:
        raise BackupRefused(
            f"{src} non contiene un database del portale nello schema «{schema}», quello di "
            "PORTAL_DATABASE_URL"
        )
    version = _checked_version(versions, src)
    _refuse_unless_empty(db, force)
    dsn, env = _pg_connection(db.url)
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--schema={schema}",
            f"--dbname={dsn}",
            str(src),
        ],
        env,
    )
    # Tables the copy predates are still there, with the rows the copy replaces: empty them
    # the only way migrations can (they create them afresh, as the copy's schema had none).
    conn = db.connect()
    try:
        with db.transaction(conn):
            for table in tables_since(version):
                conn.execute(f"DROP TABLE IF EXISTS {table}")
    finally:
        conn.close()
    return version


def _pg_schema(db: Database) -> str:
    conn = db.connect()
    try:
        return conn.execute("SELECT current_schema() AS s").fetchone()["s"]
    finally:
        conn.close()


def _chooses_schema(url: str) -> bool:
    """Whether the URL's ``options`` set a ``search_path`` (then only that schema is copied)."""
    return any("search_path" in o for o in parse_qs(urlsplit(url).query).get("options", []))


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _pg_connection(url: str) -> tuple[str, dict[str, str]]:
    """The URL for ``--dbname`` without its password, which goes in the environment instead
    (a command line is visible to every user of the machine)."""
    parts = urlsplit(url)
    env = dict(os.environ)
    if parts.password is None:
        return url, env
    env["PGPASSWORD"] = unquote(parts.password)
    user, host = parts.netloc.rsplit("@", 1)
    return urlunsplit(parts._replace(netloc=f"{user.split(':', 1)[0]}@{host}")), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupRefused(
            f"{name} non trovato: installa postgresql-client, della stessa versione del server"
        )
    return found


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(
        [_tool(command[0]), *command[1:]], env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise BackupRefused(f"{command[0]} non è riuscito: {done.stderr.strip()}")


def _pg_contents(archive: Path, schema: str) -> tuple[list[int] | None, dict[str, int]]:
    """The schema versions (None: no schema_version table) and the rows per table of
    ``schema`` in a pg_dump archive. Reading every row back is what checks the archive."""
    versions: list[int] | None = None
    rows: dict[str, int] = {}
    table = None
    for line in _lines(["pg_restore", "--data-only", "--file=-", str(archive)]):
        if table is None:
            copy = re.match(r'COPY "?([^".]+)"?\."?(\w+)"? .*FROM stdin;$', line)
            if copy:
                table = copy[2] if copy[1] == schema else ""
                rows[table] = 0
                if table == "schema_version":
                    versions = []
        elif line == "\\.":
            table = None
        else:
            rows[table] += 1
            if versions is not None and table == "schema_version":
                versions.append(int(line))
    return versions, rows


def _lines(command: list[str]) -> Iterator[str]:
    """The standard output of ``command``, line by line, as it comes."""
    with (
        tempfile.TemporaryFile("w+") as errors,  # a file, never a pipe nobody reads
        subprocess.Popen(
            [_tool(command[0]), *command[1:]], stdout=subprocess.PIPE, stderr=errors, text=True
        ) as process,
    ):
        assert process.stdout is not None
        for line in process.stdout:
            yield line.rstrip("\n")
        if process.wait():
            errors.seek(0)
            raise BackupRefused(f"{command[0]} non è riuscito: {errors.read().strip()}")
