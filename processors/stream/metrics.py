"""The worker's Prometheus metrics, all in one registry, defined here and nowhere else:
what each stage takes in, sends on and sends to the dead letters, how long it spends
on a message, what the sinks did (event versions stored, alerts by delivery status,
article-to-alert latency), and the consumer lag of each partition the worker holds.

The lag is computed in the worker from what its consumer knows (the partition's end
offset and the offset faust last committed), a snapshot at a time
(`lag_snapshot`, pure); the gauge reports the latest snapshot whole, so a partition
that moved to another worker disappears from it rather than keep a stale value."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from infra.kafka_status import partition_lag

# (stage, topic, partition) -> messages behind
LagSnapshot = dict[tuple[str, str, int], int]

STAGE_SECONDS_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
LATENCY_BUCKETS = (0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30, 60, 300)


def lag_snapshot(
    stage_of_topic: Mapping[str, str],
    ends: Mapping[tuple[str, int], int | None],
    committed: Mapping[tuple[str, int], int | None],
) -> LagSnapshot:
    """The lag of each (topic, partition) with a known end offset whose topic a stage
    reads, by the stage's name."""
    return {
        (stage_of_topic[topic], topic, partition): partition_lag(
            end, committed.get((topic, partition))
        )
        for (topic, partition), end in ends.items()
        if topic in stage_of_topic and end is not None
    }


class _LagGauge(Collector):
    def __init__(self) -> None:
        self.snapshot: LagSnapshot = {}

    def collect(self) -> Iterable[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "wirewatch_consumer_lag",
            "Messages of a partition this worker holds that it has not committed yet",
            labels=["stage", "topic", "partition"],
        )
        for (stage, topic, partition), lag in sorted(self.snapshot.items()):
            family.add_metric([stage, topic, str(partition)], lag)
        yield family


class WorkerMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.messages_in = Counter(
            "wirewatch_stage_messages_in",
            "Messages a stage took from its input topic",
            ["stage"],
            registry=self.registry,
        )
        self.messages_out = Counter(
            "wirewatch_stage_messages_out",
            "Records a stage sent on, by the topic they went to",
            ["stage", "topic"],
            registry=self.registry,
        )
        self.seconds = Histogram(
            "wirewatch_stage_seconds",
            "Time a stage spent on a message (store: on a batch), sends excluded",
            ["stage"],
            buckets=STAGE_SECONDS_BUCKETS,
            registry=self.registry,
        )
        self.dead_letters = Counter(
            "wirewatch_stage_dead_letters",
            "Messages a stage sent to a dead-letter topic",
            ["stage", "topic"],
            registry=self.registry,
        )
        # feed: the article's feed URL (or source); language: a code the detector knows
        self.not_read = Counter(
            "wirewatch_articles_not_read",
            "Articles extraction skipped: not English (it reads English only)",
            ["feed", "language"],
            registry=self.registry,
        )
        self.events_stored = Counter(
            "wirewatch_events_stored",
            "Event versions the store wrote (a version already stored is not counted)",
            registry=self.registry,
        )
        self.alerts = Counter(
            "wirewatch_alerts",
            "Alerts by the delivery status they reached: pending, delivered, dead",
            ["status"],
            registry=self.registry,
        )
        self.alert_latency = Histogram(
            "wirewatch_alert_latency_seconds",
            "From the article entering articles.raw to its alert leaving the delivery sink",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self._lag = _LagGauge()
        self.registry.register(self._lag)

    def set_lag(self, snapshot: LagSnapshot) -> None:
        self._lag.snapshot = snapshot  # replaced whole: a scrape sees one snapshot
