"""Reading topics and consumer lag on the real broker, for assertions."""

from __future__ import annotations

import time

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from infra.kafka_security import kafka_python_options
from infra.settings import Settings
from schemas.topics import ARTICLES_RAW, EVENT_MENTIONS, EVENTS


def pipeline_lag(settings: Settings) -> int | None:
    """Messages the worker has not committed yet on its input topics; None before it
    joined, or while a partition holding messages has no committed offset."""
    lags = lag_by_partition(settings)
    if lags is None or any(done is None and end > 0 for done, end in lags.values()):
        return None
    return sum(max(end - (done or 0), 0) for done, end in lags.values())


def lag_by_partition(settings: Settings) -> dict[str, tuple[int | None, int]] | None:
    """Each input partition ("topic[p]") with the group's committed offset (None when
    nothing was committed) and its end offset; None while the coordinator is elected."""
    admin = KafkaAdminClient(**kafka_python_options(settings.kafka))
    consumer = KafkaConsumer(**kafka_python_options(settings.kafka))
    try:
        return _lags(settings, admin, consumer)
    except KafkaError:
        return None
    finally:
        consumer.close()
        admin.close()


def _lags(
    settings: Settings, admin: KafkaAdminClient, consumer: KafkaConsumer
) -> dict[str, tuple[int | None, int]]:
    committed = admin.list_group_offsets({settings.app_id: None}).get(settings.app_id, {})
    partitions = [
        TopicPartition(settings.topic(spec.name), p)
        for spec in (ARTICLES_RAW, EVENT_MENTIONS, EVENTS)
        for p in consumer.partitions_for_topic(settings.topic(spec.name)) or ()
    ]
    lags: dict[str, tuple[int | None, int]] = {}
    for partition, end in consumer.end_offsets(partitions).items():
        offset = committed.get(partition)
        done = offset.offset if offset is not None and offset.offset >= 0 else None
        lags[f"{partition.topic}[{partition.partition}]"] = (done, end)
    return lags


def read_topic(
    settings: Settings, name: str, timeout_ms: int = 3000, stop_at: int | None = None
) -> list[bytes]:
    """The values on topic NAME, read until none comes for TIMEOUT_MS (or as soon as
    STOP_AT of them have: a test that knows how many to expect need not wait idle)."""
    consumer = KafkaConsumer(
        settings.topic(name),
        **kafka_python_options(settings.kafka),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=timeout_ms,
    )
    values: list[bytes] = []
    try:
        for message in consumer:
            values.append(message.value)
            if stop_at is not None and len(values) >= stop_at:
                break
        return values
    finally:
        consumer.close()


def read_topic_to_end(settings: Settings, name: str, timeout: float = 60.0) -> list[bytes]:
    """Every value on topic NAME up to its end offsets when called: for a test whose
    producers are done (a command that exited, a producer flushed), what `read_topic`
    reads without idling at the end ([] when the topic does not exist)."""
    topic = settings.topic(name)
    consumer = KafkaConsumer(**kafka_python_options(settings.kafka), enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        if not partitions:
            return []
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        values: list[bytes] = []
        deadline = time.monotonic() + timeout
        while any(consumer.position(p) < ends[p] for p in partitions):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{topic} not read to its end {ends} in {timeout:.0f}s")
            for records in consumer.poll(timeout_ms=500).values():
                values.extend(record.value for record in records)
        return values
    finally:
        consumer.close()


def group_members(settings: Settings) -> list[str]:
    """Ids of the worker group's members that hold at least one partition."""
    admin = KafkaAdminClient(**kafka_python_options(settings.kafka))
    try:
        group = admin.describe_groups([settings.app_id]).get(settings.app_id, {})
    except KafkaError:
        return []
    finally:
        admin.close()
    members = []
    for member in group.get("members", []):
        if _partitions_held(member.get("member_assignment")):
            members.append(str(member.get("member_id")))
    return members


def _partitions_held(assignment: object) -> int:
    """How many partitions a decoded member assignment gives its member (0 when it is
    empty or undecodable: a member that joined but holds nothing does not count)."""
    if not isinstance(assignment, dict):
        return 0
    return sum(
        len(entry.get("partitions") or [])
        for entry in assignment.get("assigned_partitions") or []
        if isinstance(entry, dict)
    )
