"""The change feed: event versions in the order they were stored, after a position.

A position is an opaque token a reader hands back to resume (an SSE ``Last-Event-ID``).
Each read first fixes a horizon, everything committed before which can no longer
change, and returns only versions inside it, so a version committed late is never
stepped over:

- SQLite commits one writer at a time, so a version's ``rowid`` orders it; the horizon
  is the largest rowid at the moment of the read (``s<rowid>``).
- PostgreSQL commits writers side by side, and a sequence number taken early may be
  committed late. Each version records its transaction id (migration 3); the horizon is
  the oldest transaction still open, and versions are read in (transaction, sequence)
  order up to it (``p<txid>.<seq>``).

The filters are an `EventQuery`'s, applied to the event's current state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, and_, func, select, text, tuple_

from schemas.event import Event
from sinks.event_query import EventQuery, QueryError, conditions
from sinks.storage import event_versions_table, events_table, record_text, stored_event

_SQLITE = re.compile(r"^s(\d{1,18})$")
_POSTGRES = re.compile(r"^p(\d{1,19})\.(\d{1,19})$")


@dataclass(frozen=True)
class Change:
    position: str
    event: Event


def _sqlite_horizon(connection: Connection) -> int:
    return connection.execute(
        select(func.coalesce(func.max(text("rowid")), 0)).select_from(event_versions_table)
    ).scalar_one()


def _postgres_horizon(connection: Connection) -> tuple[int, int]:
    """The last (txid, seq) of the transactions older than any still open."""
    oldest_open = connection.execute(
        text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
    ).scalar_one()
    row = connection.execute(
        text(
            "SELECT txid, seq FROM event_versions WHERE txid < :oldest "
            "ORDER BY txid DESC, seq DESC LIMIT 1"
        ),
        {"oldest": oldest_open},
    ).first()
    return (row[0], row[1]) if row else (0, 0)


def current_position(engine: Engine) -> str:
    """Where a reader starting now begins: after every version already committed."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            txid, seq = _postgres_horizon(connection)
            return f"p{txid}.{seq}"
        return f"s{_sqlite_horizon(connection)}"


def parse_position(engine: Engine, position: str) -> tuple[int, ...]:
    pattern = _POSTGRES if engine.dialect.name == "postgresql" else _SQLITE
    match = pattern.match(position)
    if match is None:
        raise QueryError("last_event_id", "not a position this server made")
    return tuple(int(part) for part in match.groups())


def changes_after(
    engine: Engine, position: str, query: EventQuery, limit: int = 500
) -> tuple[list[Change], str]:
    """Versions stored after POSITION whose event matches QUERY (at most LIMIT), and the
    position to read from next (past the versions that did not match, too)."""
    after = parse_position(engine, position)
    versions = event_versions_table
    where = conditions(query, engine.dialect.name)
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            horizon: tuple[int, ...] = _postgres_horizon(connection)
            order = tuple_(text("event_versions.txid"), text("event_versions.seq"))
            key = [text("event_versions.txid"), text("event_versions.seq")]
            window = and_(order > tuple_(*after), order <= tuple_(*horizon))
        else:
            horizon = (_sqlite_horizon(connection),)
            rowid = text("event_versions.rowid")
            key = [rowid]
            window = and_(
                text("event_versions.rowid > :after").bindparams(after=after[0]),
                text("event_versions.rowid <= :horizon").bindparams(horizon=horizon[0]),
            )
        statement = (
            select(record_text(versions), *key)
            .join(events_table, events_table.c.event_id == versions.c.event_id)
            .where(window, *where)
            .order_by(*key)
            .limit(limit)
        )
        rows = connection.execute(statement).all()
    changes = [Change(_position(engine, tuple(row[1:])), stored_event(row[0])) for row in rows]
    if len(rows) == limit:  # more may follow: go on from the last one read
        return changes, changes[-1].position
    return changes, _position(engine, horizon)


def _position(engine: Engine, key: tuple[int, ...]) -> str:
    if engine.dialect.name == "postgresql":
        return f"p{key[0]}.{key[1]}"
    return f"s{key[0]}"
