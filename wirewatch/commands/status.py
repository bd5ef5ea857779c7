"""``wirewatch status``: the pipeline on one screen, with no worker needed. The broker's
part (each stage's lag, the dead letters, the workers in the group) comes from Kafka
itself (`infra.kafka_status`, `deadletters.status`); the collector's last poll and the
last stored event from the databases. Whatever part cannot be read says why in one line, and the rest is
still shown."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from infra.settings import KafkaSection, get_settings


@click.command()
@click.option(
    "--format",
    "output",
    type=click.Choice(["table", "json"]),
    default=None,
    help="table on a terminal, JSON otherwise",
)
def status(output: str | None) -> None:
    """Broker, stage lag, dead letters, workers, collector and last event, on one screen.

    Exit status 1 when the broker does not answer (the rest is still shown)."""
    from wirewatch.render import status_table

    settings = get_settings()
    document = {
        "broker": _broker_part(settings.kafka),
        "collector": _collector_part(settings.resolved_collector_database_url),
        "events": _events_part(settings.resolved_database_url),
    }
    if (output or ("table" if sys.stdout.isatty() else "json")) == "table":
        status_table(document)
    else:
        click.echo(json.dumps(document, default=str))
    sys.exit(0 if document["broker"]["reachable"] else 1)


def _broker_part(kafka: KafkaSection) -> dict[str, Any]:
    from kafka.errors import KafkaError

    from deadletters.status import letters_held
    from infra.kafka_admin import broker_answers
    from infra.kafka_status import read_broker

    part: dict[str, Any] = {"servers": kafka.bootstrap_servers, "group": kafka.app_id}
    if not broker_answers(kafka):
        return {**part, "reachable": False, "error": "no broker answers"}
    try:
        view = read_broker(kafka)
        dead_letters = letters_held(kafka)
    except KafkaError as error:
        return {**part, "reachable": False, "error": f"{type(error).__name__}: {error}"}
    return {
        **part,
        "reachable": True,
        "group_state": view.group_state,
        "stages": [
            {
                "stage": stage.stage,
                "topic": stage.topic,
                "lag": stage.lag,
                "partitions": [
                    {
                        "partition": p.partition,
                        "committed": p.committed,
                        "end": p.end,
                        "lag": p.lag,
                    }
                    for p in stage.partitions
                ],
            }
            for stage in view.stages
        ],
        "dead_letters": dead_letters,
        "workers": [
            {
                "member_id": member.member_id,
                "client_id": member.client_id,
                "host": member.host,
                "partitions": member.partitions,
            }
            for member in view.members
        ],
    }


def _collector_part(database_url: str) -> dict[str, Any]:
    from sqlalchemy.exc import SQLAlchemyError

    from ingest.feed_store import FeedStore

    try:
        store = FeedStore(database_url)
        feeds, last = store.last_poll()
        not_read = store.not_read()
    except (SQLAlchemyError, OSError) as error:  # shown, not raised: the rest still counts
        return {"error": _database_problem(error)}
    return {
        "feeds_polled": feeds,
        "last_poll": last.isoformat() if last else None,
        # feed URL -> language -> articles skipped: the extractor reads English only
        "not_english": not_read,
    }


def _events_part(database_url: str) -> dict[str, Any]:
    from sqlalchemy.exc import SQLAlchemyError

    from sinks.storage import connect, last_stored

    try:
        count, when, event_id = last_stored(connect(database_url))
    except (SQLAlchemyError, OSError) as error:  # shown, not raised: the rest still counts
        return {"error": _database_problem(error)}
    return {
        "stored": count,
        "last_stored_at": when.isoformat() if when else None,
        "last_event_id": event_id,
    }


def _database_problem(error: Exception) -> str:
    from infra.errors import OperatorError

    if isinstance(error, OperatorError):  # a damaged file: the message names it
        return str(error)
    detail = str(getattr(error, "orig", None) or error).splitlines() or [type(error).__name__]
    return f"the database cannot be used: {detail[0]}"
