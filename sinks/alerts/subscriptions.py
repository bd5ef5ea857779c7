"""Subscriptions in SQL, and loading them from YAML.

A YAML file holds a list of subscriptions in the fields of ``schemas.alert.Subscription``::

    - id: ganja-watch
      radius: {lat: 40.68, lon: 46.36, km: 50}
      min_fatalities: 1
      delivery: {kind: webhook, target: "https://hooks.example/wirewatch", secret: "s3cret"}
    - id: caucasus
      bbox: [44.7, 38.4, 50.4, 41.9]   # west, south, east, north, as GeoJSON
      delivery: {kind: file, target: caucasus.jsonl}

A box may also be written "44.7,38.4,50.4,41.9", or by its sides' names
({west: 44.7, south: 38.4, ...}, in any order): see `schemas.inputs`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import yaml
from pydantic import ValidationError
from sqlalchemy import JSON, Column, DateTime, Engine, MetaData, String, Table, delete, func, select

from infra.db import Migration, make_engine, migrate, upsertable_insert
from infra.netguard import BlockedURLError, UnresolvedHostError, check_reachable
from infra.redact import redact
from infra.yaml_files import read_yaml
from schemas.alert import Subscription
from schemas.dead_letter import describe_error
from sinks.alerts.channels import file_target

metadata = MetaData()

subscriptions_table = Table(
    "subscriptions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("record", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


def _create_v1(engine: Engine) -> None:
    metadata.create_all(engine, tables=[subscriptions_table])


MIGRATIONS: tuple[Migration, ...] = ((1, _create_v1),)


class SubscriptionFileError(ValueError):
    pass


def connect(url: str) -> Engine:
    engine = make_engine(url)
    migrate(engine, "subscriptions", MIGRATIONS)
    return engine


def save(engine: Engine, subscription: Subscription) -> None:
    """Add the subscription, or replace the one with its id."""
    row = {
        "id": subscription.id,
        "record": json.loads(subscription.model_dump_json()),
        "updated_at": dt.datetime.now(dt.UTC),
    }
    with engine.begin() as connection:
        statement = upsertable_insert(engine, subscriptions_table).values(**row)
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=["id"],
                set_={
                    "record": statement.excluded.record,
                    "updated_at": statement.excluded.updated_at,
                },
            )
        )


def remove(engine: Engine, subscription_id: str) -> bool:
    with engine.begin() as connection:
        result = connection.execute(
            delete(subscriptions_table).where(subscriptions_table.c.id == subscription_id)
        )
        return bool(result.rowcount)


def fingerprint(engine: Engine) -> tuple[int, str]:
    """Changes whenever a subscription is added, replaced or removed (cheap to ask often)."""
    with engine.connect() as connection:
        count, latest = connection.execute(
            select(func.count(), func.max(subscriptions_table.c.updated_at))
        ).one()
    return count, str(latest)


def list_subscriptions(engine: Engine) -> Iterator[Subscription]:
    with engine.connect() as connection:
        for record in connection.execute(
            select(subscriptions_table.c.record).order_by(subscriptions_table.c.id)
        ).scalars():
            yield Subscription.model_validate_json(json.dumps(record))


def get(engine: Engine, subscription_id: str) -> Subscription | None:
    with engine.connect() as connection:
        record = connection.execute(
            select(subscriptions_table.c.record).where(subscriptions_table.c.id == subscription_id)
        ).scalar_one_or_none()
    return Subscription.model_validate_json(json.dumps(record)) if record is not None else None


def check_targets(subscriptions: list[Subscription], files_dir: Path) -> None:
    """SubscriptionFileError naming the first subscription whose file target lies
    outside FILES_DIR (the other kinds are checked by the schema)."""
    for subscription in subscriptions:
        if subscription.delivery.kind == "file":
            try:
                file_target(subscription.delivery.target, files_dir)
            except ValueError as error:
                raise SubscriptionFileError(f"subscription {subscription.id}: {error}") from None


# how long a webhook's host name may take to resolve before the check gives up on it
LOOKUP_SECONDS = 5.0


async def check_webhook(subscription: Subscription, allow_private: bool) -> str | None:
    """SubscriptionFileError when the subscription's webhook is one delivery will refuse
    (a loopback, private or link-local address, unless ALLOW_PRIVATE); a warning line
    when its host does not resolve now (DNS down, or a wrong name: it is kept, and
    delivery retries it); None when it is not a webhook or its host is fine."""
    if subscription.delivery.kind != "webhook":
        return None
    url = subscription.delivery.target
    try:
        await asyncio.wait_for(check_reachable(url, allow_private), LOOKUP_SECONDS)
    except TimeoutError:
        return f"could not look up the webhook's host within {LOOKUP_SECONDS:g} s"
    except UnresolvedHostError as error:
        return f"{redact(str(error), url)}: delivery will keep trying it"
    except BlockedURLError as error:
        raise SubscriptionFileError(
            f"subscription {subscription.id}: delivery will refuse this webhook: "
            f"{redact(str(error), url)}"
        ) from None
    return None


def load_yaml(path: Path) -> list[Subscription]:
    """Every subscription in the file; a bad one is reported with its position and field."""
    try:
        items = read_yaml(path)
    except (OSError, yaml.YAMLError) as error:
        raise SubscriptionFileError(f"{path}: {error}") from error
    if items is None:
        return []
    if not isinstance(items, list):
        raise SubscriptionFileError(f"{path}: expected a list of subscriptions")
    loaded = []
    for number, item in enumerate(items, start=1):
        try:
            loaded.append(Subscription.model_validate_json(json.dumps(item, default=str)))
        except ValidationError as error:
            raise SubscriptionFileError(
                f"{path}: subscription {number}: {describe_error(error)}"
            ) from error
    ids = [s.id for s in loaded]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise SubscriptionFileError(f"{path}: duplicate ids: {', '.join(duplicates)}")
    return loaded
