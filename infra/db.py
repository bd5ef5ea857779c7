"""SQL engines and versioned schema migrations, shared by every store in wirewatch."""

from __future__ import annotations

import datetime as dt
import fcntl
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

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
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite

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


def make_engine(url: str) -> Engine:
    """An engine; SQLite files get their directory, WAL, synchronous=NORMAL and a busy timeout."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
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
