"""The store stage (keyed by event): event versions upserted into SQL
(`sinks.storage`), a batch per transaction, so that a busy moment costs a few commits,
not one per version. A version the store already has, or one older than what it holds,
is skipped there: the stages upstream may send a version again after a crash."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import faust
from faust.types import EventT

from processors.stream.runner import Runtime, run_batches
from processors.stream.sql import SqlThread
from schemas.event import Event
from schemas.topics import StageSpec
from sinks.storage import upsert_events

log = logging.getLogger("wirewatch.worker")
STORE_BATCH = 500  # event versions per SQL transaction, at most
STORE_WITHIN = 0.05  # seconds a batch waits to fill: the latency it may add


def add_store(
    app: faust.App, spec: StageSpec, topic: faust.TopicT, runtime: Runtime, sql: SqlThread
) -> None:
    """The agent of the store stage SPEC, reading TOPIC, writing through SQL."""

    async def store_batch(batch: Sequence[EventT]) -> None:
        versions = [Event.from_json_bytes(event.value) for event in batch]
        for canonical, stored in zip(versions, await sql(upsert_events, versions), strict=True):
            if stored:
                if runtime.metrics is not None:
                    runtime.metrics.events_stored.inc()
                _log_stored(canonical)

    async def store(stream: faust.StreamT) -> None:
        await run_batches(
            stream,
            spec.name,
            spec.input,
            store_batch,
            runtime.dead_letters,
            runtime.fatal,
            STORE_BATCH,
            STORE_WITHIN,
            runtime.metrics,
            runtime.giving_up,
        )

    app.agent(topic, name=spec.agent)(store)


def _log_stored(event: Event) -> None:
    log.info(
        "stored event %s v%d: %s in %s, %s, %s killed, %s injured (%s)",
        event.event_id,
        event.version,
        event.sub_event_type.value,
        event.location.name if event.location else "?",
        event.event_date,
        event.fatalities,
        event.injured,
        ", ".join(event.sources),
    )
