"""Events in SQL storage (SQLite by default, PostgreSQL by URL), upserted idempotently.

``events`` holds the latest state of each incident; ``event_versions`` every version
ever stored. Writing the same version twice changes nothing, and an older version
arriving late never overwrites a newer one.

``events`` also holds, in columns, what queries filter on (`sinks.event_query`): the
actors, the region, the place's precision, and the text searched for words (evidence,
place, actors, outlets), indexed by the database's own full-text search by the words'
stems: an FTS5 table with the Porter stemmer kept in step by triggers on SQLite, a
generated ``tsvector`` column of the English configuration on PostgreSQL.
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
    ColumnElement,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    cast,
    func,
    select,
    text,
)

from infra.db import Migration, check_file, make_engine, migrate, upsertable_insert
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
    # version 2: what queries filter on
    Column("actor1", Text),
    Column("actor2", Text),
    Column("admin1", Text),
    Column("precision", String(16)),
    Column("search_text", Text),
    # version 6: both actors case-folded, for the actor filter
    Column("actors_folded", Text),
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
    # the tables as version 1 made them: the columns added since come with their migration
    version_1 = MetaData()
    Table(
        "events",
        version_1,
        *(
            Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable, index=c.index)
            for c in events_table.c
            if c.name not in (*_V2_COLUMNS, "actors_folded")
        ),
    )
    event_versions_table.to_metadata(version_1)
    version_1.create_all(engine)


_V2_COLUMNS = ("actor1", "actor2", "admin1", "precision", "search_text")


def _fill(connection: Connection, names: tuple[str, ...]) -> None:
    """Columns added by a migration, filled from each stored record, a thousand records
    at a time: a large store is never read whole."""
    fill = (
        events_table.update()
        .where(events_table.c.event_id == bindparam("key"))
        .values({name: bindparam(name) for name in names})
    )
    last = ""
    while True:
        rows = connection.execute(
            select(events_table.c.event_id, events_table.c.record)
            .where(events_table.c.event_id > last)
            .order_by(events_table.c.event_id)
            .limit(1000)
        ).all()
        if not rows:
            return
        values = []
        for event_id, record in rows:
            columns = _query_columns(stored_event(record))
            values.append({"key": event_id, **{name: columns[name] for name in names}})
        connection.execute(fill, values)
        last = rows[-1][0]


def _add_query_columns_v2(engine: Engine) -> None:
    """The columns queries filter on, filled from each stored record, their indexes, and
    the full-text index over ``search_text``."""
    with engine.begin() as connection:
        for name in _V2_COLUMNS:
            column_type = "VARCHAR(16)" if name == "precision" else "TEXT"
            connection.execute(text(f"ALTER TABLE events ADD COLUMN {name} {column_type}"))
        _fill(connection, _V2_COLUMNS)
        for name, columns in (
            ("ix_events_country_date", "country, event_date"),
            ("ix_events_stored_at", "stored_at"),
            ("ix_events_lat_lon", "lat, lon"),
            ("ix_events_fatalities", "fatalities"),
        ):
            connection.execute(text(f"CREATE INDEX {name} ON events ({columns})"))
        if engine.dialect.name == "postgresql":
            connection.execute(
                text(
                    "ALTER TABLE events ADD COLUMN search tsvector GENERATED ALWAYS AS "
                    "(to_tsvector('simple', coalesce(search_text, ''))) STORED"
                )
            )
            connection.execute(text("CREATE INDEX ix_events_search ON events USING gin (search)"))
            return
        # SQLite: an FTS5 index over the events table's own text, kept in step by triggers
        _create_sqlite_search(connection, "unicode61")


_SEARCH_TRIGGERS = (
    "CREATE TRIGGER events_search_insert AFTER INSERT ON events BEGIN "
    "INSERT INTO events_search(rowid, search_text) VALUES (new.rowid, new.search_text); END",
    "CREATE TRIGGER events_search_delete AFTER DELETE ON events BEGIN "
    "INSERT INTO events_search(events_search, rowid, search_text) "
    "VALUES ('delete', old.rowid, old.search_text); END",
    "CREATE TRIGGER events_search_update AFTER UPDATE OF search_text ON events BEGIN "
    "INSERT INTO events_search(events_search, rowid, search_text) "
    "VALUES ('delete', old.rowid, old.search_text); "
    "INSERT INTO events_search(rowid, search_text) VALUES (new.rowid, new.search_text); END",
)


def _create_sqlite_search(connection: Connection, tokenize: str) -> None:
    """SQLite's FTS5 index of ``search_text`` with TOKENIZE, filled from the events
    stored, and the triggers that keep it in step."""
    connection.execute(
        text(
            "CREATE VIRTUAL TABLE events_search USING fts5("
            f"search_text, content='events', content_rowid='rowid', tokenize='{tokenize}')"
        )
    )
    connection.execute(text("INSERT INTO events_search(events_search) VALUES ('rebuild')"))
    for trigger in _SEARCH_TRIGGERS:
        connection.execute(text(trigger))


def _order_versions_v3(engine: Engine) -> None:
    """The order versions were committed in, for the change feed (`sinks.event_changes`).
    SQLite commits one writer at a time, so a version's rowid already says it. PostgreSQL
    commits writers side by side: each version records its transaction (``txid``) and a
    sequence number, and the feed reads only transactions older than any still open."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        connection.execute(
            text(
                "ALTER TABLE event_versions ADD COLUMN txid BIGINT NOT NULL "
                "DEFAULT (pg_current_xact_id()::text::bigint)"
            )
        )
        connection.execute(text("ALTER TABLE event_versions ADD COLUMN seq BIGSERIAL"))
        connection.execute(
            text("CREATE INDEX ix_event_versions_txid_seq ON event_versions (txid, seq)")
        )


def _index_places_v4(engine: Engine) -> None:
    """A spatial index of where events are, so a box or a radius reads only the events
    near it: an R*Tree kept in step by triggers on SQLite, a GiST index of points on
    PostgreSQL."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(
                text("CREATE INDEX ix_events_place ON events USING gist (point(lon, lat))")
            )
            return
        connection.execute(
            text(
                "CREATE VIRTUAL TABLE events_place USING rtree("
                "id, min_lat, max_lat, min_lon, max_lon)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO events_place SELECT rowid, lat, lat, lon, lon FROM events "
                "WHERE lat IS NOT NULL AND lon IS NOT NULL"
            )
        )
        placed = "new.lat IS NOT NULL AND new.lon IS NOT NULL"
        add = "INSERT INTO events_place VALUES (new.rowid, new.lat, new.lat, new.lon, new.lon);"
        for trigger in (
            f"CREATE TRIGGER events_place_insert AFTER INSERT ON events WHEN {placed} "
            f"BEGIN {add} END",
            "CREATE TRIGGER events_place_delete AFTER DELETE ON events "
            "BEGIN DELETE FROM events_place WHERE id = old.rowid; END",
            "CREATE TRIGGER events_place_update AFTER UPDATE OF lat, lon ON events "
            "BEGIN DELETE FROM events_place WHERE id = old.rowid; "
            f"INSERT INTO events_place SELECT new.rowid, new.lat, new.lat, new.lon, new.lon "
            f"WHERE {placed}; END",
        ):
            connection.execute(text(trigger))


def _index_tolls_v5(engine: Engine) -> None:
    """The order by toll (unknown below zero, ties by id) as an index, so sort=-killed
    reads a page instead of sorting every matching row."""
    expression = (
        "(coalesce(fatalities, -1))"
        if engine.dialect.name == "postgresql"
        else ("coalesce(fatalities, -1)")
    )
    with engine.begin() as connection:
        connection.execute(
            text(f"CREATE INDEX ix_events_toll_order ON events ({expression}, event_id)")
        )


def _fold_actors_v6(engine: Engine) -> None:
    """Both actors, case-folded in Python when stored, so that a search for part of a
    name matches in any case and any script (SQLite's lower() folds ASCII only)."""
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE events ADD COLUMN actors_folded TEXT"))
        _fill(connection, ("actors_folded",))


def _index_orders_v7(engine: Engine) -> None:
    """The orders by event date and by time stored, each with the event id that breaks
    its ties, as indexes: a page in either direction reads the index instead of sorting
    every event of the newest day."""
    with engine.begin() as connection:
        for name, column in (("date", "event_date"), ("updated", "stored_at")):
            connection.execute(
                text(f"CREATE INDEX ix_events_{name}_order ON events ({column}, event_id)")
            )


# The day an event happened as a number, days since 1970-01-01, in SQLite's R*Tree
PLACE_DAY_SQL = "(julianday({date}) - 2440587.5)"


def _index_places_by_day_v8(engine: Engine) -> None:
    """The spatial index (migration 4) also knows each event's date, so a page of a box
    or a radius, newest first, finds its dates in the index alone and then reads only
    the events of those dates (`sinks.event_query`), not every event in the box. SQLite:
    the day as a third dimension of the R*Tree; PostgreSQL: the date carried in the GiST
    index (with the coordinates, so the index answers without reading the table)."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("DROP INDEX ix_events_place"))
            connection.execute(
                text(
                    "CREATE INDEX ix_events_place ON events USING gist (point(lon, lat)) "
                    "INCLUDE (event_date, lon, lat)"
                )
            )
            return
        for trigger in ("insert", "delete", "update"):
            connection.execute(text(f"DROP TRIGGER events_place_{trigger}"))
        connection.execute(text("DROP TABLE events_place"))
        connection.execute(
            text(
                "CREATE VIRTUAL TABLE events_place USING rtree("
                "id, min_lat, max_lat, min_lon, max_lon, min_day, max_day)"
            )
        )
        old_day, new_day = (
            PLACE_DAY_SQL.format(date="event_date"),
            PLACE_DAY_SQL.format(date="new.event_date"),
        )
        connection.execute(
            text(
                f"INSERT INTO events_place SELECT rowid, lat, lat, lon, lon, {old_day}, {old_day} "
                "FROM events WHERE lat IS NOT NULL AND lon IS NOT NULL"
            )
        )
        placed = "new.lat IS NOT NULL AND new.lon IS NOT NULL"
        row = f"new.rowid, new.lat, new.lat, new.lon, new.lon, {new_day}, {new_day}"
        for trigger in (
            f"CREATE TRIGGER events_place_insert AFTER INSERT ON events WHEN {placed} "
            f"BEGIN INSERT INTO events_place VALUES ({row}); END",
            "CREATE TRIGGER events_place_delete AFTER DELETE ON events "
            "BEGIN DELETE FROM events_place WHERE id = old.rowid; END",
            "CREATE TRIGGER events_place_update AFTER UPDATE OF lat, lon, event_date ON events "
            "BEGIN DELETE FROM events_place WHERE id = old.rowid; "
            f"INSERT INTO events_place SELECT {row} WHERE {placed}; END",
        ):
            connection.execute(text(trigger))


# the text-search configuration PostgreSQL indexes and searches with (migration 9)
SEARCH_CONFIG = "english"


def _stem_search_v9(engine: Engine) -> None:
    """Words found by their stem, so "shelling" finds "shelled" and "missile" finds
    "Missiles": SQLite's FTS5 index rebuilt with the Porter stemmer over unicode61's
    words, PostgreSQL's tsvector column made again with the English configuration.
    Both are filled from the events already stored, in the migration's transaction."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("DROP INDEX ix_events_search"))
            connection.execute(text("ALTER TABLE events DROP COLUMN search"))
            connection.execute(
                text(
                    "ALTER TABLE events ADD COLUMN search tsvector GENERATED ALWAYS AS "
                    f"(to_tsvector('{SEARCH_CONFIG}', coalesce(search_text, ''))) STORED"
                )
            )
            connection.execute(text("CREATE INDEX ix_events_search ON events USING gin (search)"))
            return
        for trigger in ("insert", "delete", "update"):
            connection.execute(text(f"DROP TRIGGER events_search_{trigger}"))
        connection.execute(text("DROP TABLE events_search"))
        _create_sqlite_search(connection, "porter unicode61")


# Versioned migrations: append, never edit. Each runs once, in order.
MIGRATIONS: tuple[Migration, ...] = (
    (1, _create_v1),
    (2, _add_query_columns_v2),
    (3, _order_versions_v3),
    (4, _index_places_v4),
    (5, _index_tolls_v5),
    (6, _fold_actors_v6),
    (7, _index_orders_v7),
    (8, _index_places_by_day_v8),
    (9, _stem_search_v9),
)


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
    for each, False when it was already there or older. StoreDamaged when the SQLite
    file committed to is no longer whole (`infra.db.check_file`): then nothing of
    the batch is known stored."""
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
    check_file(engine)
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
        **_query_columns(event_record),
    }


def _query_columns(event_record: Event) -> dict[str, Any]:
    """The version-2 columns: what queries filter on, and the text searched for words."""
    location = event_record.location
    words = [
        *event_record.evidence,
        location.name if location else "",
        (location.admin1 or "") if location else "",
        event_record.actor1 or "",
        event_record.actor2 or "",
        *event_record.sources,
    ]
    return {
        "actor1": event_record.actor1,
        "actor2": event_record.actor2,
        "admin1": location.admin1 if location else None,
        "precision": location.precision if location else None,
        "search_text": "\n".join(word for word in words if word),
        "actors_folded": "\n".join(
            actor.casefold() for actor in (event_record.actor1, event_record.actor2) if actor
        ),
    }


def stored_event(record: str | dict[str, Any]) -> Event:
    """A stored record as an Event: read as JSON, as a message is (strict types)."""
    return Event.model_validate_json(record if isinstance(record, str) else json.dumps(record))


def record_text(table: Table) -> ColumnElement[str]:
    """A table's record column as the JSON text it is stored as, so that reading an
    event parses it once (into the Event) rather than into a dict first."""
    return cast(table.c.record, Text).label("record")


def list_events(engine: Engine, limit: int | None = None) -> Iterator[Event]:
    query = select(record_text(events_table)).order_by(
        events_table.c.event_date.desc(), events_table.c.event_id
    )
    if limit:
        query = query.limit(limit)
    with engine.connect() as connection:
        for (record,) in connection.execute(query):
            yield stored_event(record)


def last_stored(engine: Engine) -> tuple[int, dt.datetime | None, str | None]:
    """How many events the store holds, when the latest version was stored and of which
    event (None, None when there is none)."""
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(events_table)).scalar_one()
        row = connection.execute(
            select(event_versions_table.c.stored_at, event_versions_table.c.event_id)
            .order_by(event_versions_table.c.stored_at.desc())
            .limit(1)
        ).first()
    if row is None:
        return count, None, None
    stored_at = row.stored_at
    if stored_at.tzinfo is None:  # SQLite hands back naive times; every one stored is UTC
        stored_at = stored_at.replace(tzinfo=dt.UTC)
    return count, stored_at, row.event_id


def holds_versions(engine: Engine) -> bool:
    """Whether any event version is stored (one row read, at most)."""
    with engine.connect() as connection:
        return (
            connection.execute(select(event_versions_table.c.event_id).limit(1)).first() is not None
        )


def count_versions(engine: Engine) -> int:
    with engine.connect() as connection:
        return len(connection.execute(select(event_versions_table.c.event_id)).all())
