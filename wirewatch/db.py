"""SQL engines and versioned schema migrations, shared by every store in wirewatch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
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
)
from sqlalchemy.dialects import postgresql, sqlite

Migration = tuple[int, Callable[[Engine], None]]

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


def migrate(engine: Engine, component: str, migrations: Sequence[Migration]) -> list[int]:
    """Apply the component's migrations not applied yet, in order; return those applied."""
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
