r"""The faust app: the pipeline's stages as four agents, each running pure handlers.

    articles.raw --dedup+extract--> events.mentions --merge+route--> events --store--> SQL
                                                                \--> alerts --deliver--> webhook / email / file

- **dedup+extract** (one partition: dedup compares each article with every recent one)
  and **merge+route** (by country) run the handlers of `processors.stages`, two to an
  agent, through one loop (`dead_letters.run_stage`) that sends their records,
  remembers their state and sends what fails to the dead letters. An article crosses
  two topics, not four: each hop costs a produce, a consume and a commit.
- **store** (by event) upserts event versions into SQL (`sinks.storage`), a batch per
  transaction.
- **deliver** (by subscription) sends alerts (`sinks.alerts`), with their state in SQL.

Kafka record timestamps carry the moment an article entered ``articles.raw`` through
every stage, so the delivery sink can measure article-to-alert latency.

Every table has a changelog topic, so a restarted worker, or a second worker taking
over partitions, recovers the state from Kafka. Entries older than the window (event
time) are evicted as the stream moves on (`processors.window.Retention`), so state
stays bounded on an endless stream.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

import faust
from faust.types import EventT
from mode.utils.objects import cached_property
from mode.utils.queues import FlowControlEvent

from infra.db import check_file, store_name
from infra.language import load_model as load_language_model
from infra.logs import hold_back_repeats, logging_config
from infra.settings import Settings, StreamSection
from processors import stages
from processors.budgeted_extraction import budgeted_extractor
from processors.extraction.gazetteer import get_gazetteer
from processors.merge import IncidentIndex
from processors.stream.credentials import faust_credentials
from processors.stream.dead_letters import DeadLetters, run_batches, run_stage
from processors.stream.metrics import WorkerMetrics
from processors.stream.probes import WorkerProbes, watch
from processors.stream.recovery import FlowKeptWhenRunning
from processors.stream.sql import SqlThread, Subscriptions
from processors.stream.transport import IdempotentTransport
from processors.window import Retention
from schemas.alert import Alert
from schemas.event import Event
from schemas.topics import (
    ALERTS,
    ARTICLES_RAW,
    EVENT_MENTIONS,
    EVENTS,
    TopicSpec,
    dead_letter_topic,
)
from sinks.alerts import state as delivery_state
from sinks.alerts import subscriptions as subscription_store
from sinks.alerts.channels import webhook_client
from sinks.alerts.deliver import deliver as deliver_and_record
from sinks.alerts.sender import Sender
from sinks.storage import connect, holds_versions, upsert_events

log = logging.getLogger("wirewatch.worker")
STORE_BATCH = 500  # event versions per SQL transaction, at most
STORE_WITHIN = 0.05  # seconds a batch waits to fill: the latency it may add


class WirewatchApp(faust.App):
    stream_section: StreamSection | None = None  # how fetches batch (transport.py)
    metrics: WorkerMetrics | None = None  # what the stages count (metrics.py)
    probes: WorkerProbes | None = None  # alive and ready (probes.py)

    def _new_producer_transport(self):
        return IdempotentTransport(self.conf.broker_producer, self)

    def _new_transport(self):
        return IdempotentTransport(self.conf.broker_consumer, self)

    @cached_property
    def flow_control(self) -> FlowControlEvent:
        # a recovery's last resume keeps the input messages already queued (recovery.py)
        return FlowKeptWhenRunning(loop=self.loop)


def create_app(settings: Settings, metrics: WorkerMetrics | None = None) -> faust.App:
    app = WirewatchApp(
        settings.app_id,
        broker=f"kafka://{settings.bootstrap_servers}",
        broker_credentials=faust_credentials(settings.kafka),
        store="memory://",
        datadir=str(settings.state_dir / "worker"),
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=settings.topic_replication_factor,
        producer_acks=-1,
        # a produce request per batch window, not per record: the records of a busy
        # moment (and their changelog writes) share requests, as fetches do
        producer_linger=settings.stream.batch_seconds,
        # a killed worker's partitions go to the others after this (faust's default: 60 s)
        broker_session_timeout=settings.session_timeout_seconds,
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
    app.stream_section = settings.stream
    metrics = app.metrics = metrics or WorkerMetrics()
    sql = SqlThread(settings)
    app.probes = watch(
        app,
        settings,
        metrics,
        lambda: get_gazetteer.cache_info().currsize > 0,
        lambda: sql.problem,
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

    def retention() -> Retention:
        return Retention(dt.timedelta(days=settings.state.window_days))

    specs = (ARTICLES_RAW, EVENT_MENTIONS, EVENTS, ALERTS)
    raw, mentions, events, alerts = (topic(spec) for spec in specs)
    dead_letters = DeadLetters(settings, {s.name: topic(dead_letter_topic(s)) for s in specs})

    deduplicated = stages.DedupState(
        table("dedup.articles", ARTICLES_RAW), retention(), settings.state.dedup_threshold
    )
    # held beside dedup's table on articles.raw's partition (named apart from the
    # three-partition table of the layout before, whose changelog it cannot read)
    # each article within the time budget: past it, stopped and dead-lettered
    extracted = stages.ExtractState(
        table("extract.countries", ARTICLES_RAW), retention(), budgeted_extractor(settings)
    )
    extracted.on_skip = lambda feed, language: metrics.not_read.labels(feed, language).inc()
    merged = stages.MergeState(
        IncidentIndex(
            table("merge.events", EVENT_MENTIONS), table("merge.articles", EVENT_MENTIONS)
        ),
        retention(),
    )
    # beside merge's tables, on the country partitions
    routed = stages.RouteState(table("route.told", EVENT_MENTIONS), retention())
    subscriptions = Subscriptions(sql, settings.delivery.subscriptions_refresh_seconds)

    async def forget_indexes(sender: Any, partitions: Any, **kwargs: Any) -> None:
        """Partitions move: rebuild the in-memory indexes from the tables that now hold them."""
        deduplicated.forget()
        merged.incidents.forget_day_index()

    app.on_partitions_revoked.connect(forget_indexes)
    app.on_partitions_assigned.connect(forget_indexes)

    def giving_up() -> bool:
        """A stage waiting for the store lets go when the worker stops or rebalances."""
        return bool(app.should_stop or app.rebalancing)

    @app.task
    async def load_gazetteer() -> None:
        # Load the place index before the first article needs it, off the event loop;
        # then the language model, for articles that come without a detected language.
        await asyncio.get_running_loop().run_in_executor(None, get_gazetteer)
        await asyncio.get_running_loop().run_in_executor(None, load_language_model)

    async def dedup_and_extract_one(event: EventT) -> stages.Step:
        return stages.dedup_and_extract(deduplicated, extracted, event.value)

    async def merge_and_route_one(event: EventT) -> stages.Step:
        received = dt.datetime.fromtimestamp(event.message.timestamp, dt.UTC)
        current = await subscriptions.current()
        return stages.merge_and_route(merged, routed, current, event.value, received)

    @app.agent(raw)
    async def dedup_and_extract(stream: faust.StreamT) -> None:
        await run_stage(
            stream,
            "dedup+extract",
            ARTICLES_RAW,
            dedup_and_extract_one,
            mentions,
            dead_letters,
            app.crash,
            metrics,
            giving_up,
        )

    @app.agent(mentions)
    async def merge_and_route(stream: faust.StreamT) -> None:
        outputs = {EVENTS.name: events, ALERTS.name: alerts}
        await run_stage(
            stream,
            "merge+route",
            EVENT_MENTIONS,
            merge_and_route_one,
            outputs,
            dead_letters,
            app.crash,
            metrics,
            giving_up,
        )

    async def store_batch(batch: Sequence[EventT]) -> None:
        versions = [Event.from_json_bytes(event.value) for event in batch]
        for canonical, stored in zip(versions, await sql(upsert_events, versions), strict=True):
            if stored:
                metrics.events_stored.inc()
                log.info(
                    "stored event %s v%d: %s in %s, %s, %s killed, %s injured (%s)",
                    canonical.event_id,
                    canonical.version,
                    canonical.sub_event_type.value,
                    canonical.location.name if canonical.location else "?",
                    canonical.event_date,
                    canonical.fatalities,
                    canonical.injured,
                    ", ".join(canonical.sources),
                )

    @app.agent(events)
    async def store(stream: faust.StreamT) -> None:
        await run_batches(
            stream,
            "store",
            EVENTS,
            store_batch,
            dead_letters,
            app.crash,
            STORE_BATCH,
            STORE_WITHIN,
            metrics,
            giving_up,
        )

    sending: set[asyncio.Task[None]] = set()
    senders: dict[str, Sender] = {}

    def sender() -> Sender:
        if "sender" not in senders:
            client = webhook_client(
                settings.delivery.timeout, settings.delivery.allow_private_addresses
            )
            senders["sender"] = Sender.from_section(settings.delivery, client)
        return senders["sender"]

    async def mark(*outcome: Any) -> None:
        await sql(delivery_state.mark, *outcome)
        metrics.alerts.labels(outcome[1]).inc()  # (alert id, status, ...)

    async def deliver_one(alert: Alert) -> None:
        sub = (await subscriptions.current()).subscriptions.get(alert.subscription_id)
        if sub is None:
            sub = await sql(subscription_store.get, alert.subscription_id)
        if sub is None:
            await mark(alert.alert_id, "dead", 0, "subscription removed", None)
            return
        outcome = await deliver_and_record(alert, sub, sender(), mark)
        if outcome.latency is not None:
            metrics.alert_latency.observe(outcome.latency)

    def spawn(alert: Alert) -> None:
        async def run() -> None:  # the sender bounds how many run at once, and per subscription
            try:
                await deliver_one(alert)
            except Exception:  # the alert stays pending; the next start sends it again
                log.exception("delivering alert %s", alert.alert_id)

        task = asyncio.create_task(run())
        sending.add(task)
        task.add_done_callback(sending.discard)

    @app.task
    async def resume_pending() -> None:
        """Alerts recorded but not delivered when a previous sink stopped: send them now."""
        pending = await sql(
            lambda engine: list(delivery_state.alerts_with_status(engine, "pending"))
        )
        for alert in pending:
            spawn(alert)

    async def record_one(event: EventT) -> stages.Step:
        alert = Alert.from_json_bytes(event.value)
        fresh = await sql(delivery_state.record_pending, alert)
        if fresh:
            metrics.alerts.labels("pending").inc()
        # recorded already: delivered, dead, or resumed at start
        return stages.Step(remember=(lambda: spawn(alert)) if fresh else None)

    @app.agent(alerts)
    async def deliver(stream: faust.StreamT) -> None:
        await run_stage(
            stream,
            "deliver",
            ALERTS,
            record_one,
            None,
            dead_letters,
            app.crash,
            metrics,
            giving_up,
        )

    return app


class _Worker(faust.Worker):
    """faust's worker, its log handlers holding back repeated warnings (`infra.logs`)
    in text as in JSON: a broker away is a line per interval, not thousands."""

    def __init__(self, *args: Any, repeat_seconds: float, **kwargs: Any) -> None:
        self.repeat_seconds = repeat_seconds
        super().__init__(*args, **kwargs)

    def on_setup_root_logger(self, logger: logging.Logger, level: int) -> None:
        super().on_setup_root_logger(logger, level)
        hold_back_repeats(logger, self.repeat_seconds)


def check_store(settings: Settings) -> None:
    """Open the store (and migrate it) before starting: a damaged or unreachable one is
    one line (StoreDamaged, OperationalError) instead of a worker that cannot store.

    A store that holds no event while the group has already stored some (a damaged
    store moved away, a new database) is refilled: the store stage reads the events
    topic again from the start of what the broker keeps (`rewind_group`)."""
    from kafka.errors import KafkaError

    from infra.kafka_admin import rewind_group

    engine = connect(settings.resolved_database_url)
    try:
        check_file(engine)
        if holds_versions(engine):
            return
    finally:
        engine.dispose()
    where = store_name(settings.resolved_database_url)
    try:
        again = rewind_group(settings, settings.topic(EVENTS.name))
    except KafkaError as error:  # the worker starts all the same, with the store as it is
        log.warning("the store at %s holds no event; not refilled: %r", where, error)
        return
    if again is None:
        log.warning(
            "the store at %s holds no event, and other workers of %s are running: stop "
            "them all and start one to refill it from %s",
            where,
            settings.app_id,
            settings.topic(EVENTS.name),
        )
    elif again:
        log.warning(
            "the store at %s holds no event: reading %d event versions of %s again to refill it",
            where,
            again,
            settings.topic(EVENTS.name),
        )


def run_worker(settings: Settings) -> None:
    """Run the faust worker in this process until it is stopped."""
    import importlib.util

    import mode.loop

    from infra.kafka_admin import ensure_topics

    # libuv's event loop where it is installed (not on Windows): the worker's many small
    # reads, writes and wake-ups between its agents and its consumer thread cost less
    # there than in asyncio's own loop (bench/pipeline.py: about a tenth of its CPU)
    if importlib.util.find_spec("uvloop") is not None:
        mode.loop.use("uvloop")

    ensure_topics(settings)
    check_store(settings)
    (settings.state_dir / "worker").mkdir(parents=True, exist_ok=True)
    app = create_app(settings)
    if settings.worker_metrics_port and app.metrics and app.probes:
        from infra.probes import ProbeServer

        ProbeServer(
            settings.worker_metrics_host,
            settings.worker_metrics_port,
            app.metrics.registry,
            app.probes.alive,
            app.probes.ready,
        )
    logs = None
    if settings.log_format == "json":
        logs = logging_config(settings.log_level, settings.log_format, settings.log_repeat_seconds)
    worker = _Worker(
        app,
        loglevel=settings.log_level,
        quiet=True,
        logging_config=logs,
        repeat_seconds=settings.log_repeat_seconds,
    )
    # faust's terminal spinner turns the root logger to DEBUG so every record can spin it:
    # each debug line of aiokafka and faust is then built and thrown away, a tenth of
    # the worker's CPU. The level asked for is the level used.
    worker.spinner = None
    worker.execute_from_commandline()
