"""The faust app: the pipeline's stages as agents, each doing I/O around a pure function.

    articles.raw --extract--> events.mentions --merge--> events --store--> SQL

Every stage catches what it cannot handle and sends the original bytes with the
reason to ``<topic>.dlq``; the stream goes on.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import faust
from faust.types import EventT

from processors.extraction import extract_events
from processors.extraction.gazetteer import get_gazetteer
from processors.merge import event_id_for, merge_mentions
from processors.transport import IdempotentTransport
from schemas.article import Article
from schemas.dead_letter import dead_letter
from schemas.event import Event, EventMention
from schemas.topics import ARTICLES_RAW, EVENT_MENTIONS, EVENTS, TopicSpec, dead_letter_topic
from sinks.storage import connect, upsert_event
from wirewatch.settings import Settings

log = logging.getLogger("wirewatch.worker")


class WirewatchApp(faust.App):
    def _new_producer_transport(self):
        return IdempotentTransport(self.conf.broker_producer, self)

    def _new_transport(self):
        return IdempotentTransport(self.conf.broker_consumer, self)


def create_app(settings: Settings) -> faust.App:
    app = WirewatchApp(
        settings.app_id,
        broker=f"kafka://{settings.bootstrap_servers}",
        store="memory://",
        datadir=str(settings.state_dir / "worker"),
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=1,
        producer_acks=-1,
        consumer_auto_offset_reset="earliest",
        web_enabled=False,
        table_cleanup_interval=60.0,
        autodiscover=False,
    )

    def topic(spec: TopicSpec) -> faust.TopicT:
        return app.topic(
            settings.topic(spec.name),
            key_type=bytes,
            value_type=bytes,
            key_serializer="raw",
            value_serializer="raw",
            partitions=spec.partition_count(settings.topic_partitions),
        )

    articles, mentions, events = topic(ARTICLES_RAW), topic(EVENT_MENTIONS), topic(EVENTS)
    dlq = {
        spec.name: topic(dead_letter_topic(spec)) for spec in (ARTICLES_RAW, EVENT_MENTIONS, EVENTS)
    }
    incidents = app.Table(
        settings.topic("incidents"),
        default=None,
        partitions=settings.topic_partitions,
        key_type=str,
    )
    storage: dict[str, Any] = {}

    async def to_dead_letters(spec: TopicSpec, stage: str, event: EventT, error: Exception) -> None:
        message = event.message
        log.warning(
            "%s: message at %s[%s]@%s sent to %s: %s",
            stage,
            message.topic,
            message.partition,
            message.offset,
            settings.topic(spec.name + ".dlq"),
            error,
        )
        letter = dead_letter(
            topic=message.topic,
            stage=stage,
            error=error,
            key=message.key,
            value=message.value,
            partition=message.partition,
            offset=message.offset,
        )
        await dlq[spec.name].send(key=message.key, value=letter.to_json_bytes())

    @app.task
    async def load_gazetteer() -> None:
        # Load the place index before the first article needs it, off the event loop.
        await asyncio.get_running_loop().run_in_executor(None, get_gazetteer)

    @app.agent(articles)
    async def extract(stream: faust.StreamT) -> None:
        async for event in stream.events():
            try:
                article = Article.from_json_bytes(event.value)
                found = extract_events(article)
            except Exception as error:  # any failure goes to the DLQ, never stops the stage
                await to_dead_letters(ARTICLES_RAW, "extract", event, error)
                continue
            for mention in found:
                await mentions.send(
                    key=event_id_for(mention).encode(), value=mention.to_json_bytes()
                )

    @app.agent(mentions)
    async def merge(stream: faust.StreamT) -> None:
        async for event in stream.events():
            try:
                mention = EventMention.from_json_bytes(event.value)
                event_id = event_id_for(mention)
                known = incidents.get(event_id) or []
                if any(item["mention_id"] == mention.mention_id for item in known):
                    continue  # a replayed or redelivered mention: nothing new to say
                merged = [EventMention.model_validate_json(json.dumps(item)) for item in known]
                canonical = merge_mentions(event_id, [*merged, mention])
                incidents[event_id] = [*known, mention.model_dump(mode="json")]
            except Exception as error:
                await to_dead_letters(EVENT_MENTIONS, "merge", event, error)
                continue
            await events.send(key=event_id.encode(), value=canonical.to_json_bytes())

    @app.agent(events)
    async def store(stream: faust.StreamT) -> None:
        async for event in stream.events():
            try:
                canonical = Event.from_json_bytes(event.value)
                if "engine" not in storage:
                    storage["engine"] = connect(settings.resolved_database_url)
                stored = upsert_event(storage["engine"], canonical)
            except Exception as error:
                await to_dead_letters(EVENTS, "store", event, error)
                continue
            if stored:
                location = canonical.location.name if canonical.location else "?"
                log.info(
                    "stored event %s v%d: %s in %s, %s, %s killed, %s injured (%s)",
                    canonical.event_id,
                    canonical.version,
                    canonical.sub_event_type.value,
                    location,
                    canonical.event_date,
                    canonical.fatalities,
                    canonical.injured,
                    ", ".join(canonical.sources),
                )

    return app


def run_worker(settings: Settings) -> None:
    """Run the faust worker in this process until it is stopped."""
    from wirewatch.kafka_admin import ensure_topics

    ensure_topics(settings)
    (settings.state_dir / "worker").mkdir(parents=True, exist_ok=True)
    app = create_app(settings)
    worker = faust.Worker(app, loglevel=settings.log_level, quiet=True)
    worker.execute_from_commandline()
