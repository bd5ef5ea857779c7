"""Reading topics and consumer lag on the real broker, for assertions."""

from __future__ import annotations

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from infra.settings import Settings
from schemas.topics import ARTICLES_RAW, EVENT_MENTIONS, EVENTS


def pipeline_lag(settings: Settings) -> int | None:
    """Messages the worker has not committed yet on its input topics; None before it joined."""
    admin = KafkaAdminClient(bootstrap_servers=settings.bootstrap_servers)
    consumer = KafkaConsumer(bootstrap_servers=settings.bootstrap_servers)
    try:
        return _lag(settings, admin, consumer)
    except KafkaError:  # the group coordinator is still being elected
        return None
    finally:
        consumer.close()
        admin.close()


def _lag(settings: Settings, admin: KafkaAdminClient, consumer: KafkaConsumer) -> int | None:
    committed = admin.list_group_offsets({settings.app_id: None}).get(settings.app_id, {})
    partitions = [
        TopicPartition(settings.topic(spec.name), p)
        for spec in (ARTICLES_RAW, EVENT_MENTIONS, EVENTS)
        for p in consumer.partitions_for_topic(settings.topic(spec.name)) or ()
    ]
    ends = consumer.end_offsets(partitions)
    lag = 0
    for partition, end in ends.items():
        offset = committed.get(partition)
        done = offset.offset if offset is not None and offset.offset >= 0 else 0
        if end > 0 and offset is None:
            return None
        lag += max(end - done, 0)
    return lag


def read_topic(settings: Settings, name: str, timeout_ms: int = 3000) -> list[bytes]:
    consumer = KafkaConsumer(
        settings.topic(name),
        bootstrap_servers=settings.bootstrap_servers,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=timeout_ms,
    )
    try:
        return [message.value for message in consumer]
    finally:
        consumer.close()


def group_members(settings: Settings) -> list[str]:
    """Ids of the worker group's members that hold at least one partition."""
    admin = KafkaAdminClient(bootstrap_servers=settings.bootstrap_servers)
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
