"""Opening the database: one writer at a time (a lock file), readers that wait a bounded time,
numbered migrations each applied in one transaction with the row that records it."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shlex
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

from pipelines import QUERIES_DIR
from pipelines.workers import close_in_children, keep_in_children

SCHEMA_DIR = QUERIES_DIR / "schema"
VIEWS_DIR = QUERIES_DIR / "views"
_MIGRATION_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


class StoreError(Exception):
    """A problem with the database a user can act on; the message is one line."""


class DatabaseLocked(StoreError):
    """Another provtrack process holds the database for writing."""


class StoppedWaiting(DatabaseLocked):
    """A wait for readers to close the file that its caller ended (`give_up`), not a timeout."""


_REFUSED_WRITE = ("No space left", "File too large", "Disk quota")


def disk_full_text(exc: BaseException) -> str | None:
    """One line for a write the disk refused (full, over quota, over the file-size limit), saying
    what to do; None for any other error."""
    text = str(exc).splitlines()[0] if str(exc) else ""
    if not any(marker in text for marker in _REFUSED_WRITE):
        return None
    return f"{text} (free some disk space; everything stored before is kept)"


#: DuckDB's words for a file whose blocks fail their checksums, or that ends before its blocks do
_DAMAGED = ("Corrupt database file", "Could not read enough bytes from file")
#: DuckDB's words for a file another process holds (any other IO error is not a wait)
_LOCKED = ("Could not set lock", "Conflicting lock")


def _holder(exc: BaseException) -> str:
    """'another process (PID 8707, python3.11)' from DuckDB's lock error, which names the program
    and process holding the file: the notebook or `link` to wait for, or to find."""
    if found := re.search(r"held in (\S+) \(PID (\d+)\)", str(exc)):
        return f"another process (PID {found[2]}, {os.path.basename(found[1])})"
    return "another process"


def damaged_text(db_path: str | os.PathLike, exc: BaseException) -> str | None:
    """One line for a damaged database file, saying how to rebuild it; None for any other error. A
    kill cannot damage a DuckDB file by design, but a disk, a copy taken mid-write or a DuckDB bug can,
    and a cron job must then say what to do rather than fail the same way every hour. The rebuild
    reads the crawl archive: this database's own WARC files (named after it since 0.2.0), and the
    unnamed ones of before, which other databases in the folder may have written too."""
    text = str(exc).splitlines()[0] if str(exc) else ""
    if not any(marker in text for marker in _DAMAGED):
        return None
    from pipelines.archive import (  # warcio is not needed otherwise
        CRAWL_WARC_REST,
        archive_dir,
        crawl_warcs,
        own_warc_prefix,
    )

    path, folder = Path(db_path), archive_dir(db_path)
    damaged = f"{path} is damaged ({text[:200]})"
    # older names first: ingest numbers versions in the order it reads, and those files came first
    older, own = "crawl-", own_warc_prefix(path)
    found = [prefix for prefix in (older, own) if any(crawl_warcs(folder, prefix))]
    if not found:
        return (
            f"{damaged}; no crawl archive of it is in {folder}: restore a copy, or ingest again what it held"
        )
    db = shlex.quote(str(path))
    files = " ".join(shlex.quote(str(folder / prefix)) + CRAWL_WARC_REST for prefix in found)
    if found == [older]:  # only names of before: which database wrote them is not known
        how = f"move it aside; if it crawled before 0.2.0, its pages are in {folder} among others': "
        shared = ""
    else:
        how = "move it aside and rebuild it from its crawl archive: "
        shared = f" ({older}0… files: before 0.2.0, by any database in the folder)" if older in found else ""
    return (
        f"{damaged}; {how}`provtrack --db {db} ingest {files}`{shared} (with --sources FILE if the crawls "
        f"used one), then `provtrack --db {db} link`; ingest again any files you ingested, and merged "
        "shards' WARC files"
    )


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """ROLLBACK after an error, without hiding it: when a write fails for want of disk space DuckDB
    has already dropped the transaction, and the ROLLBACK's own "no transaction is active" would
    otherwise be the error the user reads."""
    with contextlib.suppress(duckdb.Error):
        con.execute("ROLLBACK")


#: id of a connection -> how deep in `transaction` it is (0 or absent: no transaction of ours)
_transaction_depth: dict[int, int] = {}


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """BEGIN ... COMMIT, rolled back on any error or signal. Used inside another `transaction` on
    the same connection it is part of that one, so a caller can make several stores all or nothing
    (a crawl batch: its articles, late dates and fetch rows)."""
    key = id(con)
    depth = _transaction_depth.get(key, 0)
    if depth:
        _transaction_depth[key] = depth + 1
        try:
            yield
        finally:
            _transaction_depth[key] = depth
        return
    con.execute("BEGIN TRANSACTION")
    _transaction_depth[key] = 1
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        rollback(con)
        raise
    finally:
        _transaction_depth.pop(key, None)


def load_query(name: str) -> str:
    """The SQL text of queries/<name>.sql (name may contain a sub-folder, e.g. "store/stored_versions")."""
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise StoreError(f"no SQL file {path}")
    return path.read_text(encoding="utf-8")


def migration_files() -> list[tuple[int, str, Path]]:
    """(version, name, path) of every migration in queries/schema, in order."""
    found = []
    for path in sorted(SCHEMA_DIR.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise StoreError(f"migration file name must look like 001_name.sql: {path.name}")
        found.append((int(match.group(1)), match.group(2), path))
    return found


class Database:
    """A provtrack DuckDB file. `writer()` takes the cron lock and migrates; `reader()` opens
    read-only. Both wait up to `wait` seconds for another process, then raise DatabaseLocked."""

    def __init__(self, path: str | os.PathLike, wait: float = 60.0):
        self.path = Path(path)
        # beside the file itself: a database reached through a symlink (moved to a bigger disk, the old
        # path kept as a link) and by its real path is one database, and takes one lock
        real = self.path.resolve()
        self.lock_path = real.with_name(real.name + ".lock")
        self.wait = wait

    @contextlib.contextmanager
    def writer(self, *, migrate: bool = True, create: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection held under the writer lock for the whole `with` block. With
        create=False a missing file is an error: `link` on a mistyped --db would otherwise make an
        empty database and report success every night."""
        if not create:
            self._must_exist()
        with self.write_session(migrate=migrate) as session, session.connection() as con:
            yield con

    @contextlib.contextmanager
    def write_session(self, *, migrate: bool = True) -> Iterator[WriteSession]:
        """The writer lock for the whole `with` block, but the file itself only while a
        `session.connection()` is open: a long job (a crawl) lets readers in between its batches."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._writer_lock():
            session = WriteSession(self)
            if migrate:
                with session.connection() as con:
                    apply_migrations(con)
            yield session

    @contextlib.contextmanager
    def reader(self, *, provtrack_only: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection; waits (bounded) while a writer has the file open. A DuckDB file no
        provtrack has written (an empty one a notebook made, another tool's) is a StoreError unless
        provtrack_only is off: every query of it would fail on a missing table, with a traceback."""
        self._must_exist()
        con = self._connect(read_only=True)
        try:
            if provtrack_only and not con.execute(load_query("store/has_migrations")).fetchone()[0]:
                raise StoreError(foreign_text(con) or not_provtrack_text(self.path))
            yield con
        finally:
            con.close()

    def _must_exist(self) -> None:
        if not self.path.exists():
            raise StoreError(
                f"no database at {self.path}: run `provtrack ingest`, `provtrack crawl` or "
                "`provtrack migrate` first, or name another (--db or PROVTRACK_DB)"
            )

    @contextlib.contextmanager
    def _writer_lock(self) -> Iterator[None]:
        handle = open(self.lock_path, "a+")
        # A forked worker would share the lock and hold it after this process is killed.
        close_in_children(handle.fileno())
        try:
            deadline = time.monotonic() + self.wait
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        handle.seek(0)
                        holder = handle.read().strip() or "another process"
                        raise DatabaseLocked(
                            f"{self.path} is being written by {holder}; gave up after {self.wait:g} s "
                            "(raise --wait, or let the other run finish)"
                        ) from None
                    time.sleep(0.2)
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()}")
            handle.flush()
            yield
        finally:
            keep_in_children(handle.fileno())
            handle.close()  # closing the descriptor releases the flock

    def _connect(
        self,
        *,
        read_only: bool,
        wait: float | None = None,
        hint: str = "close it there, or raise --wait",
        give_up: Callable[[], bool] | None = None,
    ) -> duckdb.DuckDBPyConnection:
        wait = self.wait if wait is None else wait
        deadline = time.monotonic() + wait
        _refuse_sqlite(self.path)
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=read_only)
                _check_a_database_file(con, self.path)
                # every stored time is UTC: current_timestamp::TIMESTAMP and Python's aware datetimes
                # would otherwise become the machine's local time, hours off on a non-UTC server
                con.execute("SET TimeZone = 'UTC'")
                return con
            except duckdb.IOException as exc:
                if not any(marker in str(exc) for marker in _LOCKED):
                    if "not a valid DuckDB database file" in str(exc):
                        raise StoreError(
                            f"{self.path} is not a DuckDB database (the file holds something else): "
                            "name provtrack's database with --db"
                        ) from exc
                    damaged = damaged_text(self.path, exc)
                    raise StoreError(damaged or f"cannot open {self.path}: {exc}") from exc
                if give_up is not None and give_up():
                    raise StoppedWaiting(f"{self.path} is open in {_holder(exc)}; stopped waiting") from exc
                if time.monotonic() >= deadline:
                    raise DatabaseLocked(
                        f"{self.path} is open in {_holder(exc)}; gave up after {wait:g} s ({hint})"
                    ) from exc
                time.sleep(0.2)
            except duckdb.Error as exc:
                if "in-memory database in read-only mode" in str(exc):  # a data file, opened to read
                    raise StoreError(_data_file_text(self.path)) from exc
                damaged = damaged_text(self.path, exc)
                raise StoreError(damaged or f"cannot open {self.path}: {str(exc).splitlines()[0]}") from exc


#: the first bytes of every SQLite file; DuckDB opens one through its sqlite extension, which it would
#: download (offline: "Failed to download extension") and then write provtrack's tables into
_SQLITE_HEADER = b"SQLite format 3\x00"


def _refuse_sqlite(path: Path) -> None:
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except OSError:  # missing (a new database), or unreadable: DuckDB says which
        return
    if header == _SQLITE_HEADER:
        raise StoreError(f"{path} is a SQLite database, not DuckDB: name provtrack's database with --db")


def _check_a_database_file(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Raise StoreError (closing `con`) unless DuckDB opened `path` as a database file. Given a CSV,
    Parquet or JSON file, DuckDB 2 opens an in-memory database that reads it as a table: `migrate`
    then "applied" its migrations to memory and exited 0, and `ingest` failed with a traceback."""
    query = "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    if con.execute(query).fetchall() == [(None,)]:
        con.close()
        raise StoreError(_data_file_text(path))


def database_file(con: duckdb.DuckDBPyConnection) -> str:
    """The file `con` reads, to name in a line about it: a researcher who forgot --db (or the
    PROVTRACK_DB of another shell) sees which database was asked, not just that the answer is empty."""
    asked = "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    row = con.execute(asked).fetchone()
    return row[0] if row and row[0] else "the database"


def foreign_text(con: duckdb.DuckDBPyConnection) -> str | None:
    """What to say of a database holding another tool's tables and none of provtrack's; None for an
    empty one or provtrack's own."""
    others = [name for (name,) in con.execute(load_query("store/tables_of_others")).fetchall()]
    if not others:
        return None
    shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
    return (
        f"{database_file(con)} is a DuckDB database provtrack did not make (it holds {shown}): "
        "name provtrack's database with --db (or PROVTRACK_DB), or a new file for a new one"
    )


def not_provtrack_text(path: Path) -> str:
    return (
        f"{path} is a DuckDB file without provtrack's tables: name the database with --db (or "
        "PROVTRACK_DB), or make this one with `provtrack migrate`"
    )


def _data_file_text(path: Path) -> str:
    return (
        f"{path} is a data file, not a DuckDB database: name a database with --db "
        "(such as provenance.duckdb) and give data files to `provtrack ingest`"
    )


class WriteSession:
    """The writer lock of one job; connections are opened per unit of work and closed after it."""

    def __init__(self, db: Database):
        self.db = db

    @contextlib.contextmanager
    def connection(
        self,
        wait: float | None = None,
        hint: str = "close it there, or raise --wait",
        give_up: Callable[[], bool] | None = None,
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection; waits up to `wait` seconds (default --wait) for readers to let go,
        or until `give_up()`, then fails with a DatabaseLocked that ends with `hint`."""
        con = self.db._connect(read_only=False, wait=wait, hint=hint, give_up=give_up)
        try:
            yield con
        finally:
            con.close()


def applied_migrations(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    """Versions already applied, with when."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    return dict(con.execute(load_query("store/applied_migrations")).fetchall())


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply pending migrations, each with its schema_migrations row in one transaction; then
    (re)create the views. Returns the names applied; running it again applies nothing. A database
    holding another tool's tables is refused, not given provtrack's beside them."""
    foreign = foreign_text(con)
    if foreign:
        raise StoreError(foreign)
    done = applied_migrations(con)
    shipped = migration_files()
    newest = max((version for version, _, _ in shipped), default=0)
    if done and max(done) > newest:
        # its tables and views are newer than the SQL here: writing, or recreating the views, would
        # undo what the newer provtrack made
        raise StoreError(
            f"this database was made by a newer provtrack (schema version {max(done)}; this one knows up to "
            f"{newest}): upgrade provtrack to write to it"
        )
    applied = []
    for version, name, path in shipped:
        if version in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(path.read_text(encoding="utf-8"))
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, current_timestamp::TIMESTAMP)", [version, name]
            )
            con.execute("COMMIT")
        except duckdb.Error as exc:
            rollback(con)
            raise StoreError(f"migration {path.name} failed: {str(exc).splitlines()[0]}") from exc
        applied.append(f"{version:03d}_{name}")
    create_views(con)
    return applied


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create every view in queries/views; each file is one self-contained CREATE OR REPLACE VIEW,
    or MACRO for the files named _*.sql that views share (sorted first, so they exist before)."""
    for path in sorted(VIEWS_DIR.glob("*.sql")):
        con.execute(path.read_text(encoding="utf-8"))
