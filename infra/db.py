"""SQL engines and versioned schema migrations, shared by every store in wirewatch.

A store that cannot be used is the operator's to fix, and says so in one line naming
it (`StoreDamaged`, `StoreUnavailable`). A damaged SQLite file is caught twice: SQLite's
own errors on opening or reading it, and, after each write, a look at the file itself
(`check_file`): SQLite commits into its write-ahead log and answers from its page
cache, so a file truncated or overwritten under a running process still takes writes
that no later reader will find.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import sqlite3
import struct
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    make_url,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DatabaseError, DBAPIError, InterfaceError, OperationalError

from infra.errors import OperatorError

Migration = tuple[int, Callable[[Engine], None]]

_ADVISORY_KEY = 0x77697265  # "wire": the PostgreSQL advisory lock that migrations take
_migrations_metadata = MetaData()
schema_migrations = Table(
    "schema_migrations",
    _migrations_metadata,
    Column("component", String(64), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)


# the file each SQLite engine first opened, (device, inode): a file put in its place is not it
_opened: weakref.WeakKeyDictionary[Engine, tuple[int, int]] = weakref.WeakKeyDictionary()
SQLITE_MAGIC = b"SQLite format 3\x00"
_SQLITE_DAMAGE = {  # SQLite's words -> what they mean to the operator
    "file is not a database": "is not a valid SQLite file",
    "database disk image is malformed": "is damaged",
}


class StoreDamaged(OperatorError, DatabaseError):
    """A SQLite file that is not (or no longer) a whole database. It is a DatabaseError
    too, so code that reports database errors and goes on still catches it."""

    def __init__(self, where: str, problem: str) -> None:
        Exception.__init__(self)
        self.where, self.problem = where, problem
        self.orig, self.statement, self.params = None, None, None

    def __str__(self) -> str:
        return (
            f"the database at {self.where} {self.problem}: restore it from a backup or move "
            "it away (with its -wal and -shm files beside it)"
        )

    def __reduce__(self) -> Any:
        return type(self), (self.where, self.problem)


class StoreUnavailable(OperatorError):
    """The store cannot be written now (damaged, unreachable, full, read-only): no
    message's fault, so a stage waits and tries again rather than dead-letter it."""


def sqlite_damage(message: str) -> str | None:
    """What SQLite's error MESSAGE says of the file, when it says the file is damaged."""
    for words, meaning in _SQLITE_DAMAGE.items():
        if words in message:
            return f"{meaning} ({words})"
    return None


def header_problem(header: bytes, size: int) -> str | None:
    """What is wrong with a SQLite file of SIZE bytes starting with HEADER (its first
    100 bytes), as far as they tell; None when they look whole. An empty file is a new
    database to SQLite, but not to a process that has written to it."""
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        return "is not a valid SQLite file (no SQLite header)"
    (page_size,) = struct.unpack(">H", header[16:18])
    page_size = 65536 if page_size == 1 else page_size
    change_counter, pages = struct.unpack(">II", header[24:32])
    (valid_for,) = struct.unpack(">I", header[92:96])
    if valid_for == change_counter and pages and size < pages * page_size:
        return f"is damaged (truncated: {size} bytes, its header says {pages * page_size})"
    return None


def _fresh_check(path: str) -> str | None:
    """PRAGMA quick_check on a new connection (the process's own connections answer
    from their cache and see nothing wrong): what is wrong, or None."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        try:
            rows = connection.execute("PRAGMA quick_check(1)").fetchall()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        return sqlite_damage(str(error)) or f"cannot be read ({error})"
    if rows != [("ok",)]:
        return f"is damaged ({rows[0][0] if rows else 'quick_check said nothing'})"
    return None


def sqlite_path(engine: Engine) -> str | None:
    """The file of a SQLite engine; None for other databases and in-memory ones."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    return database if database and database != ":memory:" else None


def store_name(url: str) -> str:
    """The store at URL as the operator knows it: its file, or its URL without the
    password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return parsed.database
    return parsed.render_as_string(hide_password=True)


def check_file(engine: Engine) -> None:
    """After a commit (or when a process starts): raise StoreDamaged unless the SQLite
    file the engine writes to is still the file first opened, with a whole header (a stat and a 100-byte read); a header that
    looks wrong is confirmed by a quick_check on a new connection. Other databases
    committed what they said they did."""
    path = sqlite_path(engine)
    if path is None:
        return
    try:
        with open(path, "rb") as handle:
            stat = os.fstat(handle.fileno())
            header = handle.read(100)
    except FileNotFoundError:
        raise StoreDamaged(path, "was removed while it was in use") from None
    if _opened.get(engine, (stat.st_dev, stat.st_ino)) != (stat.st_dev, stat.st_ino):
        raise StoreDamaged(path, "was replaced by another file while it was in use")
    problem = header_problem(header, stat.st_size)
    if problem and header.startswith(SQLITE_MAGIC):
        # shorter than its header says: a checkpoint of another process seen midway,
        # or a truncated file, which a new connection cannot read
        problem = problem if _fresh_check(path) else None
    if problem:
        raise StoreDamaged(path, problem)


def check_whole(engine: Engine) -> None:
    """StoreDamaged unless a quick_check of the SQLite file on a new connection passes
    (it reads the whole file: for a store coming back from damage, not every write)."""
    path = sqlite_path(engine)
    problem = _fresh_check(path) if path is not None else None
    if problem:
        raise StoreDamaged(path, problem)


def unavailable(url: str, error: Exception) -> StoreUnavailable | None:
    """ERROR, met using the store at URL, as StoreUnavailable when it is the store's fault (damaged, unreachable,
    locked, full, read-only), not the data's; None otherwise."""
    if isinstance(error, StoreDamaged):
        return StoreUnavailable(str(error))
    if isinstance(error, OperationalError | InterfaceError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    ):
        detail = str(getattr(error, "orig", None) or error).splitlines() or [type(error).__name__]
        return StoreUnavailable(f"the database at {store_name(url)} cannot be written: {detail[0]}")
    return None


def make_engine(url: str) -> Engine:
    """An engine; SQLite files get their directory, WAL, synchronous=NORMAL and a busy
    timeout, and a damaged file raises StoreDamaged naming it."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    path = sqlite_path(engine)
    if path is not None:

        @event.listens_for(engine, "handle_error")
        def _damaged(context) -> None:
            problem = sqlite_damage(str(context.original_exception))
            if isinstance(context.original_exception, sqlite3.DatabaseError) and problem:
                raise StoreDamaged(path, problem)

    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            # With WAL, NORMAL stays consistent after a crash and skips an fsync per commit;
            # a power cut may lose the last commits, which the pipeline writes again.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()
            if path is not None and engine not in _opened:
                stat = os.stat(path)
                _opened[engine] = (stat.st_dev, stat.st_ino)

    return engine


def upsertable_insert(engine: Engine | str, table: Table):
    """An INSERT with ``on_conflict_do_*`` for the engine's dialect (SQLite or PostgreSQL).

    Given a dialect's name instead of an engine, statements can be built once and cached.
    """
    name = engine if isinstance(engine, str) else engine.dialect.name
    dialect = postgresql if name == "postgresql" else sqlite
    return dialect.insert(table)


@contextmanager
def _one_migrator(engine: Engine) -> Iterator[None]:
    """Hold a lock that one process at a time can take for this database.

    Workers, the collector and the CLI may start together on a fresh database; without
    it two of them apply the same migration and one crashes. SQLite files get a lock
    file beside them (``<file>.migrate-lock``), PostgreSQL a session advisory lock.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _ADVISORY_KEY})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _ADVISORY_KEY})
                connection.commit()
        return
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield  # in memory (one process) or a dialect without a lock here
        return
    with open(f"{database}.migrate-lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def migrate(engine: Engine, component: str, migrations: Sequence[Migration]) -> list[int]:
    """Apply the component's migrations not applied yet, in order; return those applied.

    Safe when several processes start at once: they take turns, and each finds what the
    one before it applied.
    """
    with _one_migrator(engine):
        _migrations_metadata.create_all(engine)
        with engine.begin() as connection:
            applied = set(
                connection.scalars(
                    select(schema_migrations.c.version).where(
                        schema_migrations.c.component == component
                    )
                )
            )
        done = []
        for version, step in migrations:
            if version in applied:
                continue
            step(engine)
            with engine.begin() as connection:
                connection.execute(
                    schema_migrations.insert().values(
                        component=component, version=version, applied_at=dt.datetime.now(dt.UTC)
                    )
                )
            done.append(version)
        return done
