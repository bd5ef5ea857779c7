"""The faust app: the pipeline's stages as agents, each doing I/O around a pure function.

    articles.raw --dedup--> articles.unique --extract--> events.mentions --merge--> events --store--> SQL
                                                                               events --route--> alerts --deliver--> webhook / email / file

- **dedup** (one partition): drops repeats; turns copies into ``ArticleCopy`` notices
  keyed by the original's id, so each follows its original into extraction.
- **extract** (partitioned by article): extracts mentions, keyed by country. It remembers
  which countries each article's events are in, to forward a later copy's notice to
  them.
- **merge** (partitioned by country): folds mentions and copies into canonical events
  with ``processors.merge.IncidentIndex``.
- **route** (partitioned by event): matches each event version against the
  subscriptions (``processors.alerting``) and remembers what each subscription was told.
- **deliver** (partitioned by subscription): sends alerts (``sinks.delivery``), with their
  state in SQL.

Kafka record timestamps carry the moment an article entered ``articles.raw`` through
every stage, so the delivery sink can measure article-to-alert latency.

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
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import faust
from faust.types import EventT
from pydantic import TypeAdapter

from infra.db import migrate
from infra.settings import Settings
from processors.alerting import Sent, SubscriptionIndex, alert_id_for, alert_reason
from processors.dedup import ArticleIndex, IndexEntry, admit
from processors.extraction import extract_events
from processors.extraction.gazetteer import get_gazetteer
from processors.merge import IncidentIndex
from processors.transport import IdempotentTransport
from processors.window import EventClock
from schemas.alert import Alert
from schemas.article import Article, ArticleCopy
from schemas.dead_letter import dead_letter
from schemas.event import Event, EventMention
from schemas.topics import (
    ALERTS,
    ARTICLES_RAW,
    ARTICLES_UNIQUE,
    EVENT_MENTIONS,
    EVENTS,
    TopicSpec,
    dead_letter_topic,
)
from sinks import delivery as deliveries
from sinks import subscriptions as subscription_store
from sinks.storage import connect, upsert_event

log = logging.getLogger("wirewatch.worker")

EVICT_EVERY = 500  # messages between scans of a table for entries past the window

_ARTICLE_OR_COPY: TypeAdapter[Article | ArticleCopy] = TypeAdapter(Article | ArticleCopy)
_MENTION_OR_COPY: TypeAdapter[EventMention | ArticleCopy] = TypeAdapter(EventMention | ArticleCopy)


class WirewatchApp(faust.App):
    def _new_producer_transport(self):
        return IdempotentTransport(self.conf.broker_producer, self)

    def _new_transport(self):
        return IdempotentTransport(self.conf.broker_consumer, self)


class _Window(EventClock):
    """A stage's event clock that also says when to scan its state for evictions."""

    def __init__(self, days: float) -> None:
        super().__init__(dt.timedelta(days=days))
        self.seen = 0

    def advance(self, moment: dt.datetime) -> bool:
        """Note a message's time; True every EVICT_EVERY messages."""
        self.note(moment)
        self.seen += 1
        return self.seen % EVICT_EVERY == 0


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
        # No standby copies of other workers' partitions: faust keeps them in the same
        # mapping as a worker's own, where the eviction scans would delete them and
        # write tombstones for keys this worker does not own. A worker taking over
        # partitions recovers them from the changelog instead.
        table_standby_replicas=0,
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

    stages = (ARTICLES_RAW, ARTICLES_UNIQUE, EVENT_MENTIONS, EVENTS, ALERTS)
    raw, unique, mentions, events, alerts = (topic(spec) for spec in stages)
    dlq = {spec.name: topic(dead_letter_topic(spec)) for spec in stages}
    article_index = table("dedup.articles", ARTICLES_RAW)
    extracted = table("extract.articles", ARTICLES_UNIQUE)
    incidents = IncidentIndex(
        table("merge.events", EVENT_MENTIONS), table("merge.articles", EVENT_MENTIONS)
    )
    told = table("route.sent", EVENTS)  # "subscription|event" -> what it was last told
    memory: dict[str, Any] = {"index": None}  # the dedup LSH, rebuilt from its table
    storage: dict[str, Any] = {}
    windows = {
        name: _Window(settings.state_window_days) for name in ("dedup", "extract", "merge", "route")
    }
    watched: dict[str, Any] = {"index": SubscriptionIndex(), "loaded": None}
    sending: set[asyncio.Task[None]] = set()

    async def forget_indexes(sender: Any, partitions: Any, **kwargs: Any) -> None:
        """Partitions move: rebuild the in-memory indexes from the tables that now hold them."""
        memory["index"] = None
        incidents.forget_day_index()

    app.on_partitions_revoked.connect(forget_indexes)
    app.on_partitions_assigned.connect(forget_indexes)

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
                admission = admit(index, article)
                entry, copy = admission.entry, admission.copy
                if entry is None:
                    continue  # a repeat
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
            if copy is None:
                await unique.send(
                    key=article.id.encode(), value=event.value, timestamp=event.message.timestamp
                )
            else:
                log.info(
                    "article %s repeats %s (%.2f)", article.id, copy.original_id, copy.similarity
                )
                await unique.send(
                    key=copy.original_id.encode(),
                    value=copy.to_json_bytes(),
                    timestamp=event.message.timestamp,
                )
            # Remembered as seen only after it is handed to the producer, so a worker killed
            # before that sends it again (harmless downstream). Both writes are buffered by
            # the producer and flushed before the input offset is committed; waiting for
            # each ack here instead stalls the stage (see the README's known limits).
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
                await mentions.send(
                    key=country.encode(), value=value, timestamp=event.message.timestamp
                )

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
                await events.send(
                    key=canonical.event_id.encode(),
                    value=canonical.to_json_bytes(),
                    timestamp=event.message.timestamp,
                )

    # Every SQL call runs on this one thread: never on the event loop (a SQLite lock wait
    # would stall every stage), and never two writers fighting over SQLite's lock.
    sql_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wirewatch-sql")

    def database() -> Any:
        if "engine" not in storage:
            engine = connect(settings.resolved_database_url)
            # the other components' tables on the same engine (their connect() makes its own)
            migrate(engine, "subscriptions", subscription_store.MIGRATIONS)
            migrate(engine, "deliveries", deliveries.MIGRATIONS)
            storage["engine"] = engine
        return storage["engine"]

    async def sql(function: Any, *args: Any) -> Any:
        """``function(engine, *args)`` on the SQL thread (the engine made there on first use)."""
        return await asyncio.get_running_loop().run_in_executor(
            sql_thread, lambda: function(database(), *args)
        )

    async def subscriptions() -> SubscriptionIndex:
        """The subscriptions, rebuilt when the SQL table changed (checked every few seconds)."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        checked = watched["loaded"]
        if checked is None or now - checked >= settings.subscriptions_refresh_seconds:
            watched["loaded"] = now
            fingerprint = await sql(subscription_store.fingerprint)
            if fingerprint != watched.get("fingerprint"):
                # built off the event loop: 100,000 subscriptions take about a second
                watched["index"] = await sql(
                    lambda engine: SubscriptionIndex(subscription_store.list_subscriptions(engine))
                )
                watched["fingerprint"] = fingerprint
        return watched["index"]

    @app.agent(events)
    async def route(stream: faust.StreamT) -> None:
        async for event in stream.events():
            outgoing: list[tuple[Alert, str]] = []
            try:
                canonical = Event.from_json_bytes(event.value)
                index = await subscriptions()
                received = dt.datetime.fromtimestamp(event.message.timestamp, dt.UTC)
                for sub in index.matching(canonical):
                    key = f"{sub.id}|{canonical.event_id}"
                    record = told.get(key)
                    reason = alert_reason(
                        sub, canonical, Sent.from_record(record) if record else None
                    )
                    if reason is None:
                        continue
                    alert = Alert(
                        alert_id=alert_id_for(sub.id, canonical.event_id, canonical.version),
                        subscription_id=sub.id,
                        event_id=canonical.event_id,
                        event_version=canonical.version,
                        reason=reason,  # type: ignore[arg-type]
                        event=canonical,
                        created_at=dt.datetime.now(dt.UTC),
                        received_at=received,
                    )
                    outgoing.append((alert, key))
            except Exception as error:
                await to_dead_letters(EVENTS, "route", event, error)
                continue
            for alert, key in outgoing:
                await alerts.send(
                    key=alert.subscription_id.encode(),
                    value=alert.to_json_bytes(),
                    timestamp=event.message.timestamp,
                )  # then remembered: a crash before this line re-sends, never drops
                told[key] = {
                    **Sent.of(alert.event).to_record(),
                    "d": canonical.event_date.isoformat(),
                }
            window = windows["route"]
            if window.advance(dt.datetime.combine(canonical.event_date, dt.time(), dt.UTC)):
                horizon = window.horizon.date().isoformat()
                for key, record in list(told.items()):
                    if record and record.get("d", horizon) < horizon:
                        del told[key]

    async def deliver_one(sender: deliveries.Sender, alert: Alert) -> None:
        sub = (await subscriptions()).subscriptions.get(alert.subscription_id)
        if sub is None:
            sub = await sql(subscription_store.get, alert.subscription_id)
        if sub is None:
            await sql(deliveries.mark, alert.alert_id, "dead", 0, "subscription removed")
            return
        ok, attempts, error = await sender.send(alert, sub)
        latency = None
        if ok and alert.received_at is not None:
            latency = (dt.datetime.now(dt.UTC) - alert.received_at).total_seconds()
            deliveries.LATENCY.observe(latency)
        status = "delivered" if ok else "dead"
        await sql(deliveries.mark, alert.alert_id, status, attempts, error, latency)
        if ok:
            log.info("alert %s delivered to %s in %.3f s", alert.alert_id, sub.id, latency or 0.0)
        else:
            log.warning(
                "alert %s to %s failed after %d attempts: %s",
                alert.alert_id,
                sub.id,
                attempts,
                error,
            )

    senders: dict[str, deliveries.Sender] = {}

    def sender() -> deliveries.Sender:
        if "sender" not in senders:
            client = deliveries.webhook_client(
                settings.delivery_timeout, settings.allow_private_addresses
            )
            senders["sender"] = deliveries.Sender.from_settings(settings, client)
        return senders["sender"]

    def spawn(alert: Alert) -> None:
        async def run() -> None:  # the sender bounds how many run at once, and per subscription
            try:
                await deliver_one(sender(), alert)
            except Exception:  # the alert stays pending; the next start sends it again
                log.exception("delivering alert %s", alert.alert_id)

        task = asyncio.create_task(run())
        sending.add(task)
        task.add_done_callback(sending.discard)

    @app.task
    async def resume_pending() -> None:
        """Alerts recorded but not delivered when a previous sink stopped: send them now."""
        pending = await sql(lambda engine: list(deliveries.alerts_with_status(engine, "pending")))
        for alert in pending:
            spawn(alert)

    @app.agent(alerts)
    async def deliver(stream: faust.StreamT) -> None:
        async for event in stream.events():
            try:
                alert = Alert.from_json_bytes(event.value)
                fresh = await sql(deliveries.record_pending, alert)
                if not fresh:
                    continue  # recorded already: delivered, dead, or resumed at start
            except Exception as error:
                await to_dead_letters(ALERTS, "deliver", event, error)
                continue
            spawn(alert)

    @app.agent(events)
    async def store(stream: faust.StreamT) -> None:
        async for event in stream.events():
            try:
                canonical = Event.from_json_bytes(event.value)
                stored = await sql(upsert_event, canonical)
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
    from infra.kafka_admin import ensure_topics

    ensure_topics(settings)
    (settings.state_dir / "worker").mkdir(parents=True, exist_ok=True)
    if settings.worker_metrics_port:
        from prometheus_client import start_http_server

        start_http_server(settings.worker_metrics_port, addr="127.0.0.1")
    app = create_app(settings)
    worker = faust.Worker(app, loglevel=settings.log_level, quiet=True)
    # faust's terminal spinner turns the root logger to DEBUG so every record can spin it:
    # each debug line of aiokafka and faust is then built and thrown away, a tenth of
    # the worker's CPU. The level asked for is the level used.
    worker.spinner = None
    worker.execute_from_commandline()
