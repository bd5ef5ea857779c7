"""Schema migrations when several processes start on one fresh database at once."""

from __future__ import annotations

import multiprocessing
import time
import uuid

import pytest
from sqlalchemy import create_engine, func, inspect, select, text

from infra.db import _one_migrator, make_engine, schema_migrations
from ingest.feed_store import FeedStore
from sinks import storage
from sinks.alerts import state as delivery_state
from sinks.alerts import subscriptions

PROCESSES = 6


def _start_together(url: str, start_at: float) -> None:
    """What each worker, collector and command does first: migrate its tables."""
    time.sleep(max(0.0, start_at - time.time()))
    storage.connect(url)
    subscriptions.connect(url)
    delivery_state.connect(url)


def _migrate_at_once(url: str) -> list[int]:
    start_at = time.time() + 1.5  # every process is up and waiting by then
    context = multiprocessing.get_context("fork")
    processes = [
        context.Process(target=_start_together, args=(url, start_at)) for _ in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    return [process.exitcode for process in processes]


def _applied(url: str) -> list[tuple[str, int]]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(schema_migrations.c.component, schema_migrations.c.version)
        ).all()
        # the tables exist: the migrations ran, not only their records
        for table in (delivery_state.deliveries_table, storage.events_table):
            assert connection.execute(select(func.count()).select_from(table)).scalar_one() == 0
    return sorted(tuple(row) for row in rows)


# every migration of the three components, each recorded once
EXPECTED = sorted(
    (component, version)
    for component, migrations in (
        ("deliveries", delivery_state.MIGRATIONS),
        ("events", storage.MIGRATIONS),
        ("subscriptions", subscriptions.MIGRATIONS),
    )
    for version, _ in migrations
)


def test_processes_migrating_one_sqlite_file_at_once_all_succeed(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert _migrate_at_once(url) == [0] * PROCESSES
    assert _applied(url) == EXPECTED


@pytest.mark.postgres
def test_processes_migrating_one_postgresql_database_at_once_all_succeed(postgres_url):
    name = f"migrate_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = postgres_url.rsplit("/", 1)[0] + f"/{name}"
    assert _migrate_at_once(url) == [0] * PROCESSES
    assert _applied(url) == EXPECTED


def test_a_sqlite_migration_waits_while_another_process_migrates(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    context = multiprocessing.get_context("fork")
    with _one_migrator(make_engine(url)):  # this process is migrating
        waiting = context.Process(target=_start_together, args=(url, 0))
        waiting.start()
        waiting.join(1.0)
        assert waiting.is_alive()  # blocked on the lock, not racing
        assert not inspect(make_engine(url)).has_table("events")
    waiting.join(30)
    assert waiting.exitcode == 0
    assert _applied(url) == EXPECTED


def test_the_collector_store_migrates_beside_the_others(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    _start_together(url, 0)
    FeedStore(url)
    assert ("collector", 1) in _applied(url)
