"""The faust app: the pipeline's stages as agents, each doing I/O around a pure function.

    articles.raw --dedup--> articles.unique --extract--> events.mentions --merge--> events --store--> SQL

- **dedup** (one partition): drops repeats; turns copies into ``ArticleCopy`` notices
  keyed by the original's id, so each follows its original into extraction.
- **extract** (partitioned by article): extracts mentions, keyed by country. It remembers
  which countries each article's events are in, to forward a later copy's notice to
  them.
- **merge** (partitioned by country): folds mentions and copies into canonical events
  with ``processors.merge.IncidentIndex``.

Every table has a changelog topic, so a restarted worker, or a second worker taking
over partitions, recovers the state from Kafka. Entries older than the window (event
time) are evicted as the stream moves on, so state stays bounded on an endless stream.
Every stage catches what it cannot handle and sends the original bytes with the reason
to ``<topic>.dlq``; the stream goes on.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

import faust
from faust.types import EventT
from pydantic import TypeAdapter

from processors.dedup import ArticleIndex, IndexEntry, signature_of
from processors.extraction import extract_events
from processors.extraction.gazetteer import get_gazetteer
from processors.merge import IncidentIndex
from processors.transport import IdempotentTransport
from schemas.article import Article, ArticleCopy
from schemas.dead_letter import dead_letter
from schemas.event import Event, EventMention
from schemas.topics import (
    ARTICLES_RAW,
    ARTICLES_UNIQUE,
    EVENT_MENTIONS,
    EVENTS,
    TopicSpec,
    dead_letter_topic,
)
from sinks.storage import connect, upsert_event
from wirewatch.settings import Settings

log = logging.getLogger("wirewatch.worker")

EVICT_EVERY = 500  # messages between scans of a table for entries past the window

_ARTICLE_OR_COPY: TypeAdapter[Article | ArticleCopy] = TypeAdapter(Article | ArticleCopy)
_MENTION_OR_COPY: TypeAdapter[EventMention | ArticleCopy] = TypeAdapter(EventMention | ArticleCopy)


class WirewatchApp(faust.App):
    def _new_producer_transport(self):
        return IdempotentTransport(self.conf.broker_producer, self)

    def _new_transport(self):
        return IdempotentTransport(self.conf.broker_consumer, self)


class _Window:
    """The event-time horizon of one stage: the latest time seen, minus the window."""

    def __init__(self, days: float) -> None:
        self.width = dt.timedelta(days=days)
        self.latest: dt.datetime | None = None
        self.seen = 0

    def advance(self, moment: dt.datetime) -> bool:
        """Note a message's time; True when it is time to evict."""
        if self.latest is None or moment > self.latest:
            self.latest = moment
        self.seen += 1
        return self.seen % EVICT_EVERY == 0

    @property
    def horizon(self) -> dt.datetime:
        assert self.latest is not None
        return self.latest - self.width


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

    def table(name: str, spec: TopicSpec) -> faust.Table:
        return app.Table(
            settings.topic(name),
            default=None,
            partitions=spec.partition_count(settings.topic_partitions),
            key_type=str,
        )

    stages = (ARTICLES_RAW, ARTICLES_UNIQUE, EVENT_MENTIONS, EVENTS)
    raw, unique, mentions, events = (topic(spec) for spec in stages)
    dlq = {spec.name: topic(dead_letter_topic(spec)) for spec in stages}
    article_index = table("dedup.articles", ARTICLES_RAW)
    extracted = table("extract.articles", ARTICLES_UNIQUE)
    incidents = IncidentIndex(
        table("merge.events", EVENT_MENTIONS),
        table("merge.days", EVENT_MENTIONS),
        table("merge.articles", EVENT_MENTIONS),
    )
    memory: dict[str, Any] = {"index": None}  # the dedup LSH, rebuilt from its table
    storage: dict[str, Any] = {}
    windows = {name: _Window(settings.state_window_days) for name in ("dedup", "extract", "merge")}

    @app.on_partitions_revoked.connect
    async def forget_index(sender: Any, revoked: Any, **kwargs: Any) -> None:
        memory["index"] = None  # partitions move: rebuild from the table that now holds them

    @app.on_partitions_assigned.connect
    async def forget_index_too(sender: Any, assigned: Any, **kwargs: Any) -> None:
        memory["index"] = None

    def dedup_index() -> ArticleIndex:
        index = memory["index"]
        if index is None or len(index) != len(article_index):
            index = ArticleIndex(settings.dedup_threshold)
            for key, record in list(article_index.items()):
                index.add(IndexEntry.from_record(key, record))
            memory["index"] = index
        return index

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

    @app.agent(raw)
    async def dedup(stream: faust.StreamT) -> None:
        async for event in stream.events():
            try:
                article = Article.from_json_bytes(event.value)
                index = dedup_index()
                signature = signature_of(article.text)
                verdict = index.check(article.id, article.content_hash, signature)
                if verdict.kind == "repeat":
                    continue
                original = verdict.original_id if verdict.kind == "copy" else None
                entry = IndexEntry(
                    article.id,
                    article.content_hash,
                    signature,
                    article.source,
                    article.published,
                    original,
                )
                index.add(entry)
                window = windows["dedup"]
                if window.advance(article.published):
                    for key in index.expired(window.horizon):
                        index.remove(key)
                        if key in article_index:
                            del article_index[key]
            except Exception as error:  # any failure goes to the DLQ, never stops the stage
                await to_dead_letters(ARTICLES_RAW, "dedup", event, error)
                continue
            if original is None:
                sent = await unique.send(key=article.id.encode(), value=event.value)
            else:
                copy = ArticleCopy(
                    article_id=article.id,
                    original_id=original,
                    source=article.source,
                    url=article.url,
                    published=article.published,
                    similarity=verdict.similarity,
                )
                log.info("article %s repeats %s (%.2f)", article.id, original, verdict.similarity)
                sent = await unique.send(key=original.encode(), value=copy.to_json_bytes())
            # Only once the article is safely on its way is it remembered as seen: a worker
            # killed in between sends it again (harmless downstream), never drops it.
            await sent
            article_index[article.id] = entry.to_record()

    @app.agent(unique)
    async def extract(stream: faust.StreamT) -> None:
        async for event in stream.events():
            outgoing: list[tuple[str, bytes]] = []
            try:
                item = _ARTICLE_OR_COPY.validate_json(event.value)
                if isinstance(item, ArticleCopy):
                    known = extracted.get(item.original_id)
                    for country in (known or {}).get("c", []):
                        outgoing.append((country, item.to_json_bytes()))
                else:
                    found = extract_events(item)
                    countries = sorted({mention.country for mention in found})
                    extracted[item.id] = {"c": countries, "p": item.published.isoformat()}
                    outgoing = [(m.country, m.to_json_bytes()) for m in found]
                    window = windows["extract"]
                    if window.advance(item.published):
                        horizon = window.horizon.isoformat()
                        for key, record in list(extracted.items()):
                            if record and record["p"] < horizon:
                                del extracted[key]
            except Exception as error:
                await to_dead_letters(ARTICLES_UNIQUE, "extract", event, error)
                continue
            for country, value in outgoing:
                await mentions.send(key=country.encode(), value=value)

    @app.agent(mentions)
    async def merge(stream: faust.StreamT) -> None:
        async for event in stream.events():
            try:
                item = _MENTION_OR_COPY.validate_json(event.value)
                if isinstance(item, ArticleCopy):
                    changed = incidents.add_copy(item) or incidents.events_of(item.article_id)
                else:
                    version = incidents.add_mention(item)
                    # Nothing new: send the current version again. After a crash between
                    # saving the state and sending, that version would otherwise be lost;
                    # storage ignores a version it already has.
                    changed = [version] if version else incidents.events_of(item.article_id)
                    window = windows["merge"]
                    if window.advance(dt.datetime.combine(item.event_date, dt.time(), dt.UTC)):
                        incidents.evict(window.horizon.date())
            except Exception as error:
                await to_dead_letters(EVENT_MENTIONS, "merge", event, error)
                continue
            for canonical in changed:
                await events.send(key=canonical.event_id.encode(), value=canonical.to_json_bytes())

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
