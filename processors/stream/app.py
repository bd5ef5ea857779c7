r"""The faust app: an agent for each stage of the pipeline, built from its table.

    articles.raw --dedup+extract--> events.mentions --merge+route--> events --store--> SQL
                                                                \--> alerts --deliver--> webhook / email / file

- The stages that write (dedup+extract on articles.raw's partitions, merge+route on
  the country partitions of events.mentions) are the rows of
  `processors.pipeline.PIPELINE`: each gets its topic, its state over the app's tables,
  and an agent that runs its handler through the stage runner
  (`processors.stream.runner`), which sends the records, remembers the state and sends
  what fails to the dead letters. The offline pipeline runs the same rows.
- The sinks bind the stages that write nothing: **store** (by event) upserts event
  versions into SQL (`processors.stream.store`); **deliver** (by subscription) sends
  alerts (`processors.stream.delivery`).

Kafka record timestamps carry the moment an article entered ``articles.raw`` through
every stage, so the delivery sink can measure article-to-alert latency.

Every table has a changelog topic, so a restarted worker, or a second worker taking
over partitions, recovers the state from Kafka. Entries older than the window (event
time) are evicted as the stream moves on (`processors.window.Retention`), so state
stays bounded on an endless stream. Running the app in this process:
`processors.stream.worker`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import faust
from faust.types import EventT
from mode.utils.objects import cached_property
from mode.utils.queues import FlowControlEvent

from infra.settings import Settings
from processors.budgeted_extraction import budgeted_extractor
from processors.extraction.gazetteer import get_gazetteer
from processors.pipeline import PIPELINE, SINKS, Config, Context, Stage, StageState
from processors.stages import Step
from processors.stream.credentials import faust_credentials
from processors.stream.dead_letters import DeadLetters
from processors.stream.delivery import Delivery, add_delivery
from processors.stream.metrics import WorkerMetrics
from processors.stream.pacing import StreamPacer
from processors.stream.probes import WorkerProbes, watch
from processors.stream.recovery import FlowKeptWhenRunning
from processors.stream.runner import Runtime
from processors.stream.sql import SqlThread, Subscriptions
from processors.stream.store import add_store
from processors.stream.transport import IdempotentTransport
from schemas.topics import DELIVER, PIPELINE_TOPICS, STORE, TopicSpec, dead_letter_topic


class WirewatchApp(faust.App):
    stream_pacer: StreamPacer | None = None  # when fetches and sends batch (pacing.py)
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
    app = _new_app(settings)
    metrics = app.metrics = metrics or WorkerMetrics()
    sql = SqlThread(settings.resolved_database_url)
    place_index_loaded = lambda: get_gazetteer.cache_info().currsize > 0  # noqa: E731
    app.probes = watch(app, settings.kafka, metrics, place_index_loaded, lambda: sql.problem)

    def topic(spec: TopicSpec) -> faust.TopicT:
        return app.topic(
            settings.topic(spec.name),
            key_type=bytes,
            value_type=bytes,
            key_serializer="raw",
            value_serializer="raw",
            partitions=spec.partition_count(settings.topic_partitions),
        )

    def table(name: str, beside: TopicSpec) -> faust.Table:
        partitions = beside.partition_count(settings.topic_partitions)
        return app.Table(settings.topic(name), default=None, partitions=partitions, key_type=str)

    topics = {spec.name: topic(spec) for spec in PIPELINE_TOPICS}
    letter_topics = {s.name: topic(dead_letter_topic(s)) for s in PIPELINE_TOPICS}
    letters = DeadLetters(settings.kafka, settings.dead_letter_dir, letter_topics)
    stopping = lambda: bool(app.should_stop or app.rebalancing)  # noqa: E731
    pacer = app.stream_pacer
    took = pacer.took if pacer is not None and pacer.adapts else None  # nothing to count
    runtime = Runtime(letters, app.crash, metrics, stopping, took)
    subscriptions = Subscriptions(sql, settings.delivery.subscriptions_refresh_seconds)
    config = Config(
        settings.state.dedup_threshold,
        dt.timedelta(days=settings.state.window_days),
        # past its time budget, an article is dead-lettered
        budgeted_extractor(settings.extractor, settings.extract_budget_seconds),
        on_skip=lambda feed, language: metrics.not_read.labels(feed, language).inc(),
    )
    states = [
        _add_stage(app, stage, stage.state(table, config), topics, runtime, subscriptions)
        for stage in PIPELINE
    ]
    _forget_on_rebalance(app, states)
    delivery = Delivery(settings.delivery, sql, subscriptions, runtime)
    sinks = {
        STORE.name: lambda spec, read: add_store(app, spec, read, runtime, sql),
        DELIVER.name: lambda spec, read: add_delivery(app, spec, read, runtime, delivery),
    }
    for spec in SINKS:
        sinks[spec.name](spec, topics[spec.input.name])
    return app


def _new_app(settings: Settings) -> WirewatchApp:
    app = WirewatchApp(
        settings.app_id,
        broker=f"kafka://{settings.bootstrap_servers}",
        broker_credentials=faust_credentials(settings.kafka),
        store="memory://",
        datadir=str(settings.state_dir / "worker"),
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=settings.topic_replication_factor,
        producer_acks=-1,
        # none at first: while the worker is busy its pacer sets the batch window, so
        # that the records of a busy moment (and their changelog writes) share requests
        producer_linger=0.0,
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
    pacer = app.stream_pacer = StreamPacer(settings.stream)

    async def pace() -> None:
        pacer.tick()

    app.timer(1.0)(pace)
    return app


def _add_stage(
    app: faust.App,
    stage: Stage,
    state: Any,
    topics: dict[str, faust.TopicT],
    runtime: Runtime,
    subscriptions: Subscriptions,
) -> StageState:
    """The agent of one row of the pipeline: STAGE's handler over STATE, reading its
    topic, sending to its one output topic or to the one each record names."""
    outputs = stage.spec.outputs
    out = (
        topics[outputs[0].name] if len(outputs) == 1 else {s.name: topics[s.name] for s in outputs}
    )

    async def handle(event: EventT) -> Step:
        received = dt.datetime.fromtimestamp(event.message.timestamp, dt.UTC)
        current = await subscriptions.current() if stage.routes else None
        return stage.handle(state, event.value, Context(received, current))

    async def run(stream: faust.StreamT) -> None:
        await runtime.run(stream, stage.spec, handle, out)

    app.agent(topics[stage.spec.input.name], name=stage.spec.agent)(run)
    return state


def _forget_on_rebalance(app: faust.App, states: list[StageState]) -> None:
    async def forget_indexes(sender: Any, partitions: Any, **kwargs: Any) -> None:
        """Partitions move: rebuild the in-memory indexes from the tables that now hold them."""
        for state in states:
            state.forget()

    app.on_partitions_revoked.connect(forget_indexes)
    app.on_partitions_assigned.connect(forget_indexes)
