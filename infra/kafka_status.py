"""What the broker itself knows of the pipeline, so an operator can see it with no worker
running: each stage's consumer lag (the worker group's committed offsets against the
topics' end offsets) and the members of the worker group (the letters held in each
dead-letter topic: `deadletters.status`). Read with kafka-python's admin client and a
consumer that joins no group (`status_consumer`), both with the cluster's SASL/TLS
options like every other client (`infra.kafka_security`); the arithmetic is pure
(`partition_lag`) and shared with the worker's own gauge.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

from infra.kafka_security import ClientOptions, kafka_python_options
from infra.settings import KafkaSection
from schemas.topics import PIPELINE_TOPICS, STAGE_READING

REQUEST_TIMEOUT_MS = 5000  # a status page waits this long for a broker, at most


def partition_lag(end: int, committed: int | None, start: int = 0) -> int:
    """Messages of a partition its consumer has yet to commit: from the committed offset
    (the next to read) to the end offset (the next to be written). With nothing
    committed, the consumer starts at the earliest offset still held (START), so every
    message from there on is behind. Never negative: an end read a moment before a
    commit can trail it."""
    return max(end - (committed if committed is not None else start), 0)


@dataclass(frozen=True)
class PartitionLag:
    topic: str
    partition: int
    committed: int | None  # None: the group committed nothing here
    end: int
    start: int = 0

    @property
    def lag(self) -> int:
        return partition_lag(self.end, self.committed, self.start)


@dataclass(frozen=True)
class StageLag:
    stage: str
    topic: str
    partitions: tuple[PartitionLag, ...]

    @property
    def lag(self) -> int:
        return sum(p.lag for p in self.partitions)


@dataclass(frozen=True)
class Member:
    member_id: str
    client_id: str
    host: str
    partitions: int  # partitions assigned to it, over every topic


@dataclass(frozen=True)
class BrokerView:
    stages: tuple[StageLag, ...]
    group_state: str
    members: tuple[Member, ...]


def stage_lags(
    kafka: KafkaSection,
    committed: Mapping[TopicPartition, int | None],
    starts: Mapping[TopicPartition, int],
    ends: Mapping[TopicPartition, int],
) -> tuple[StageLag, ...]:
    """Each stage's lag from the offsets read (pure: the broker's answers in, the view out)."""
    stages = []
    for spec in PIPELINE_TOPICS:
        topic = kafka.topic(spec.name)
        partitions = sorted((tp for tp in ends if tp.topic == topic), key=lambda tp: tp.partition)
        stages.append(
            StageLag(
                STAGE_READING[spec.name],
                topic,
                tuple(
                    PartitionLag(
                        topic, tp.partition, committed.get(tp), ends[tp], starts.get(tp, 0)
                    )
                    for tp in partitions
                ),
            )
        )
    return tuple(stages)


def read_broker(kafka: KafkaSection) -> BrokerView:
    """The broker's view of the pipeline KAFKA names (its topic prefix and group).
    Raises kafka.errors.KafkaError when the broker does not answer."""
    admin = KafkaAdminClient(**status_options(kafka, REQUEST_TIMEOUT_MS))
    consumer = status_consumer(kafka)
    try:
        inputs = _partitions(consumer, [kafka.topic(s.name) for s in PIPELINE_TOPICS])
        ends = consumer.end_offsets(inputs)
        starts = consumer.beginning_offsets(inputs)
        offsets = admin.list_group_offsets({kafka.app_id: None}).get(kafka.app_id, {})
        committed = {
            tp: (found.offset if found is not None and found.offset >= 0 else None)
            for tp, found in offsets.items()
        }
        group = admin.describe_groups([kafka.app_id]).get(kafka.app_id, {})
        return BrokerView(
            stages=stage_lags(kafka, committed, starts, ends),
            group_state=str(group.get("group_state") or group.get("state") or "unknown"),
            members=tuple(_member(m) for m in group.get("members") or ()),
        )
    finally:
        consumer.close()
        admin.close()


def status_consumer(kafka: KafkaSection) -> KafkaConsumer:
    """A consumer of no group that waits for the broker no longer than a status page does."""
    return KafkaConsumer(**status_consumer_options(kafka))


def status_options(kafka: KafkaSection, request_timeout_ms: int) -> ClientOptions:
    """What a status client of KAFKA's pipeline is made with: the servers and the
    security options (SASL/TLS) every client has, its id, and a short request timeout."""
    options = kafka_python_options(kafka)
    options.update(client_id=f"{kafka.app_id}-status", request_timeout_ms=request_timeout_ms)
    return options


def status_consumer_options(kafka: KafkaSection) -> ClientOptions:
    """`status_consumer`'s options: those of a status client, committing nothing."""
    options = status_options(kafka, REQUEST_TIMEOUT_MS + 1000)
    options.update(enable_auto_commit=False)
    return options


def _partitions(consumer: KafkaConsumer, topics: list[str]) -> list[TopicPartition]:
    return [
        TopicPartition(topic, partition)
        for topic in topics
        for partition in sorted(consumer.partitions_for_topic(topic) or ())
    ]


def _member(member: Mapping[str, object]) -> Member:
    assignment = member.get("member_assignment")
    held = 0
    if isinstance(assignment, dict):
        held = sum(
            len(entry.get("partitions") or [])
            for entry in assignment.get("assigned_partitions") or []
            if isinstance(entry, dict)
        )
    return Member(
        member_id=str(member.get("member_id", "")),
        client_id=str(member.get("client_id", "")),
        host=str(member.get("client_host", "")).lstrip("/"),
        partitions=held,
    )
