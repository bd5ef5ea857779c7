"""Each alert's delivery state in SQL: ``pending`` (recorded before sending),
``delivered`` or ``dead``, with attempts, the last error and the article-to-delivery
latency. A restarted sink sends the pending ones again and skips the delivered ones, so
nothing is lost."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    select,
    update,
)

from infra.db import Migration, make_engine, migrate, upsertable_insert
from schemas.alert import Alert

metadata = MetaData()

deliveries_table = Table(
    "deliveries",
    metadata,
    Column("alert_id", String(64), primary_key=True),
    Column("subscription_id", String(64), nullable=False, index=True),
    Column("event_id", String(64), nullable=False),
    Column("event_version", Integer, nullable=False),
    Column("reason", String(32), nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("received_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("delivered_at", DateTime(timezone=True)),
    Column("latency_seconds", Float),
    Column("record", JSON, nullable=False),
)


def _create_v1(engine: Engine) -> None:
    metadata.create_all(engine, tables=[deliveries_table])


MIGRATIONS: tuple[Migration, ...] = ((1, _create_v1),)


def connect(url: str) -> Engine:
    engine = make_engine(url)
    migrate(engine, "deliveries", MIGRATIONS)
    return engine


@dataclass(frozen=True)
class Delivery:
    alert_id: str
    subscription_id: str
    event_id: str
    event_version: int
    reason: str
    status: str
    attempts: int
    last_error: str | None
    received_at: dt.datetime | None
    created_at: dt.datetime
    delivered_at: dt.datetime | None
    latency_seconds: float | None


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


@functools.cache
def _insert_pending(dialect: str) -> Any:
    """Built once; each call binds its row."""
    return upsertable_insert(dialect, deliveries_table).on_conflict_do_nothing(
        index_elements=["alert_id"]
    )


def record_pending(engine: Engine, alert: Alert) -> bool:
    """Remember an alert before sending it; False when it is known already."""
    row = {
        "alert_id": alert.alert_id,
        "subscription_id": alert.subscription_id,
        "event_id": alert.event_id,
        "event_version": alert.event_version,
        "reason": alert.reason,
        "status": "pending",
        "attempts": 0,
        "last_error": None,
        "received_at": alert.received_at,
        "created_at": alert.created_at,
        "delivered_at": None,
        "latency_seconds": None,
        "record": alert.model_dump(mode="json"),
    }
    with engine.begin() as connection:
        result = connection.execute(_insert_pending(engine.dialect.name), row)
        return bool(result.rowcount)


def status_of(engine: Engine, alert_id: str) -> str | None:
    with engine.connect() as connection:
        return connection.execute(
            select(deliveries_table.c.status).where(deliveries_table.c.alert_id == alert_id)
        ).scalar_one_or_none()


_MARK = (
    update(deliveries_table)
    .where(deliveries_table.c.alert_id == bindparam("id"))
    .values(
        status=bindparam("status"),
        attempts=bindparam("attempts"),
        last_error=bindparam("last_error"),
        delivered_at=bindparam("delivered_at"),
        latency_seconds=bindparam("latency_seconds"),
    )
)


def mark(
    engine: Engine,
    alert_id: str,
    status: str,
    attempts: int,
    error: str | None = None,
    latency: float | None = None,
) -> None:
    delivered = status == "delivered"
    with engine.begin() as connection:
        connection.execute(
            _MARK,
            {
                "id": alert_id,
                "status": status,
                "attempts": attempts,
                "last_error": error,
                "delivered_at": dt.datetime.now(dt.UTC) if delivered else None,
                "latency_seconds": latency if delivered else None,
            },
        )


def list_deliveries(engine: Engine, status: str | None = None, limit: int = 100) -> list[Delivery]:
    query = select(deliveries_table).order_by(deliveries_table.c.created_at.desc()).limit(limit)
    if status:
        query = query.where(deliveries_table.c.status == status)
    with engine.connect() as connection:
        rows = connection.execute(query).mappings().all()
    return [
        Delivery(
            alert_id=row["alert_id"],
            subscription_id=row["subscription_id"],
            event_id=row["event_id"],
            event_version=row["event_version"],
            reason=row["reason"],
            status=row["status"],
            attempts=row["attempts"],
            last_error=row["last_error"],
            received_at=_aware(row["received_at"]),
            created_at=_aware(row["created_at"]),  # type: ignore[arg-type]
            delivered_at=_aware(row["delivered_at"]),
            latency_seconds=row["latency_seconds"],
        )
        for row in rows
    ]


def alerts_with_status(engine: Engine, status: str) -> Iterator[Alert]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(deliveries_table.c.record).where(deliveries_table.c.status == status)
        ).scalars()
        for record in rows:
            yield Alert.model_validate_json(json.dumps(record))
