"""What the worker says of itself over HTTP, beside its metrics (`infra.probes`):

- alive (``/healthz``): its event loop still turns. A timer ticks every
  `TICK_SECONDS`; a loop stuck in one message for `STALLED_SECONDS` stops the ticks,
  and the probe says so while the thread serving it still answers.
- ready (``/readyz``): a broker answers, the worker holds partitions of the topics its
  stages read (and has recovered its tables after the last rebalance), the place
  index extraction needs is loaded, and the store took its last write (a store that
  cannot be written names itself here until a write goes through).

The same tick measures the consumer lag of every partition held, from the consumer's
end offsets and the offsets faust last committed, for `WorkerMetrics`."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import faust

from infra.kafka_admin import broker_answers
from infra.settings import KafkaSection
from processors.stream.metrics import WorkerMetrics, lag_snapshot
from schemas.topics import STAGE_READING

log = logging.getLogger("wirewatch.worker")
TICK_SECONDS = 2.0
STALLED_SECONDS = 60.0


def stalled_for(last_tick: float, now: float) -> float | None:
    """Seconds the loop has not ticked, when that is past STALLED_SECONDS; else None."""
    quiet = now - last_tick
    return quiet if quiet > STALLED_SECONDS else None


class WorkerProbes:
    """The facts the probes read, updated on the event loop, read from the HTTP thread
    (each a single assignment, so a reader sees the old value or the new one)."""

    def __init__(
        self,
        kafka: KafkaSection,
        place_index_loaded: Callable[[], bool],
        store_problem: Callable[[], str | None] = lambda: None,
    ) -> None:
        self.kafka = kafka
        self.place_index_loaded = place_index_loaded
        self.store_problem = store_problem
        self.stage_of_topic = {kafka.topic(name): stage for name, stage in STAGE_READING.items()}
        self.held: frozenset[tuple[str, int]] = frozenset()
        self.recovered = False
        self.last_tick = time.monotonic()

    def alive(self) -> dict[str, str]:
        quiet = stalled_for(self.last_tick, time.monotonic())
        return {"event_loop": "ok" if quiet is None else f"stalled for {quiet:.0f} s"}

    def ready(self) -> dict[str, str]:
        broker = self.kafka.bootstrap_servers
        partitions = "ok"
        if not self.held:
            partitions = "none assigned yet"
        elif not self.recovered:
            partitions = "recovering the tables"
        return {
            "broker": "ok" if broker_answers(self.kafka) else f"unreachable at {broker}",
            "partitions": partitions,
            "place_index": "ok" if self.place_index_loaded() else "loading",
            "store": self.store_problem() or "ok",
        }

    def assigned(self, partitions: Any) -> None:
        self.held = frozenset(
            (tp.topic, tp.partition) for tp in partitions if tp.topic in self.stage_of_topic
        )


def watch(
    app: faust.App,
    kafka: KafkaSection,
    metrics: WorkerMetrics,
    place_index_loaded: Callable[[], bool],
    store_problem: Callable[[], str | None] = lambda: None,
) -> WorkerProbes:
    """Keep PROBES and the lag gauge of METRICS current as APP runs."""
    probes = WorkerProbes(kafka, place_index_loaded, store_problem)

    async def revoked(sender: Any, revoked: Any, **kwargs: Any) -> None:
        probes.recovered = False

    async def assigned(sender: Any, assigned: Any, **kwargs: Any) -> None:
        probes.assigned(assigned)

    async def recovered(sender: Any, **kwargs: Any) -> None:
        probes.assigned(app.consumer.assignment())
        probes.recovered = True

    app.on_partitions_revoked.connect(revoked)
    app.on_partitions_assigned.connect(assigned)
    app.on_rebalance_complete.connect(recovered)

    @app.timer(TICK_SECONDS)
    async def tick() -> None:
        probes.last_tick = time.monotonic()
        try:
            held = [tp for tp in app.consumer.assignment() if tp.topic in probes.stage_of_topic]
            ends = await app.consumer.highwaters(*held) if held else {}
        except Exception as error:  # a consumer not started, a broker away: lag unknown
            log.debug("consumer lag not measured: %s", error)
            metrics.set_lag({})
            return
        # the offset faust last committed for each partition (the next one to read),
        # which it loads from the broker when the partition is assigned
        committed = getattr(app.consumer, "_committed_offset", {})
        metrics.set_lag(
            lag_snapshot(
                probes.stage_of_topic,
                {(tp.topic, tp.partition): end for tp, end in ends.items()},
                {(tp.topic, tp.partition): committed.get(tp) for tp in held},
            )
        )

    return probes
