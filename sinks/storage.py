"""Events in SQL storage (SQLite by default, PostgreSQL by URL), upserted idempotently.

``events`` holds the latest state of each incident; ``event_versions`` every version
ever stored. Writing the same version twice changes nothing, and an older version
arriving late never overwrites a newer one.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    select,
)

from infra.db import Migration, make_engine, migrate, upsertable_insert
from schemas.event import Event

metadata = MetaData()

events_table = Table(
    "events",
    metadata,
    Column("event_id", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("event_type", String(64), nullable=False, index=True),
    Column("sub_event_type", String(64), nullable=False),
    Column("event_date", Date, nullable=False, index=True),
    Column("country", String(2), nullable=False, index=True),
    Column("location_name", Text),
    Column("lat", Float),
    Column("lon", Float),
    Column("geonames_id", Integer),
    Column("fatalities", Integer),
    Column("injured", Integer),
    Column("sources", JSON, nullable=False),
    Column("record", JSON, nullable=False),
    Column("stored_at", DateTime(timezone=True), nullable=False),
)

event_versions_table = Table(
    "event_versions",
    metadata,
    Column("event_id", String(64), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("record", JSON, nullable=False),
    Column("stored_at", DateTime(timezone=True), nullable=False),
)


def _create_v1(engine: Engine) -> None:
    metadata.create_all(engine, tables=[events_table, event_versions_table])


# Versioned migrations: append, never edit. Each runs once, in order.
MIGRATIONS: tuple[Migration, ...] = ((1, _create_v1),)


def connect(url: str) -> Engine:
    """An engine on the URL with the events schema migrated to the latest version."""
    engine = make_engine(url)
    migrate(engine, "events", MIGRATIONS)
    return engine


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@functools.cache
def _upserts(dialect: str) -> tuple[Any, Any]:
    """The two statements of an upsert, built once: each call only binds its values."""
    version_insert = (
        upsertable_insert(dialect, event_versions_table)
        .on_conflict_do_nothing(index_elements=["event_id", "version"])
        .returning(event_versions_table.c.event_id, event_versions_table.c.version)
    )
    latest = upsertable_insert(dialect, events_table)
    latest = latest.on_conflict_do_update(
        index_elements=["event_id"],
        set_={c.name: latest.excluded[c.name] for c in events_table.c if c.name != "event_id"},
        where=events_table.c.version < latest.excluded.version,
    )
    return version_insert, latest


def upsert_event(engine: Engine, event_record: Event) -> bool:
    """Store a version of an event; return False when it was already there or older."""
    [inserted] = upsert_events(engine, [event_record])
    return inserted


def upsert_events(engine: Engine, event_records: list[Event]) -> list[bool]:
    """Store versions of events in one transaction (the worker stores a batch at a time);
    for each, False when it was already there or older."""
    if not event_records:
        return []
    version_insert, latest = _upserts(engine.dialect.name)
    stored_at = _now()
    rows: dict[tuple[str, int], dict[str, Any]] = {}  # a version sent twice is stored once
    for event_record in event_records:
        if (event_record.event_id, event_record.version) not in rows:
            rows[event_record.event_id, event_record.version] = _row(event_record, stored_at)
    newest: dict[str, dict[str, Any]] = {}  # one row per event for the latest state
    for row in rows.values():
        if row["event_id"] not in newest or newest[row["event_id"]]["version"] < row["version"]:
            newest[row["event_id"]] = row
    versions = [
        {key: row[key] for key in ("event_id", "version", "record", "stored_at")}
        for row in rows.values()
    ]
    with engine.begin() as connection:
        inserted = {tuple(r) for r in connection.execute(version_insert, versions)}
        connection.execute(latest, list(newest.values()))
    told = []  # True once per version stored now
    for event_record in event_records:
        key = (event_record.event_id, event_record.version)
        told.append(key in inserted)
        inserted.discard(key)
    return told


def _row(event_record: Event, stored_at: dt.datetime) -> dict[str, Any]:
    location = event_record.location
    return {
        "event_id": event_record.event_id,
        "version": event_record.version,
        "event_type": event_record.event_type.value,
        "sub_event_type": event_record.sub_event_type.value,
        "event_date": event_record.event_date,
        "country": event_record.country,
        "location_name": location.name if location else None,
        "lat": location.lat if location else None,
        "lon": location.lon if location else None,
        "geonames_id": location.geonames_id if location else None,
        "fatalities": event_record.fatalities,
        "injured": event_record.injured,
        "sources": event_record.sources,
        "record": event_record.model_dump(mode="json"),
        "stored_at": stored_at,
    }


def list_events(engine: Engine, limit: int | None = None) -> Iterator[Event]:
    query = select(events_table.c.record).order_by(
        events_table.c.event_date.desc(), events_table.c.event_id
    )
    if limit:
        query = query.limit(limit)
    with engine.connect() as connection:
        for (record,) in connection.execute(query):
            yield Event.model_validate_json(json.dumps(record))


def count_versions(engine: Engine) -> int:
    with engine.connect() as connection:
        return len(connection.execute(select(event_versions_table.c.event_id)).all())
