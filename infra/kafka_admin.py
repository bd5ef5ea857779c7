"""Creating the pipeline's topics on whatever broker is configured, and moving the
pipeline's group back to the start of a topic (`rewind_group`)."""

from __future__ import annotations

import time

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import (
    CoordinatorNotAvailableError,
    KafkaError,
    NoError,
    TopicAlreadyExistsError,
)

from infra.broker import port_is_open
from infra.errors import OperatorError
from infra.kafka_security import kafka_python_options
from infra.settings import KafkaSection
from schemas.topics import ALL_TOPICS, TopicSpec

# once a broker accepts the TCP connection, how long the admin client may take to be
# let in (kafka-python's default, 30 s, was spent waiting on a refused password)
ADMIT_SECONDS = 8.0


class BrokerUnavailable(OperatorError, RuntimeError):
    """No configured Kafka broker accepts a connection: one line that says what to do."""


class BrokerRefused(OperatorError, RuntimeError):
    """A broker accepts the connection but not the client (credentials, TLS, protocol)."""


def require_broker(kafka: KafkaSection, wait: float | None = None) -> None:
    """Return once a bootstrap server accepts a TCP connection (a broker still starting
    gets WAIT seconds, by default the kafka_wait_seconds setting); BrokerUnavailable
    otherwise, instead of the client library's 30-second wait and page-long
    KafkaTimeoutError."""
    if wait is None:
        wait = kafka.wait_seconds
    deadline = time.monotonic() + wait
    while True:
        if broker_answers(kafka):
            return
        if time.monotonic() >= deadline:
            raise BrokerUnavailable(
                f"no Kafka broker answers at {kafka.bootstrap_servers} (waited "
                f"{wait:g} s): start one with `make up` or `wirewatch kafka start`, or "
                "point KAFKA_BOOTSTRAP_SERVERS at one"
            )
        time.sleep(0.5)


def broker_answers(kafka: KafkaSection) -> bool:
    """Whether a bootstrap server accepts a TCP connection now (no wait)."""
    for server in kafka.bootstrap_servers.split(","):
        host, _, port = server.strip().rpartition(":")
        if port.isdigit() and port_is_open(host.strip("[]") or "127.0.0.1", int(port)):
            return True
    return False


def ensure_topics(kafka: KafkaSection, specs: tuple[TopicSpec, ...] = ALL_TOPICS) -> list[str]:
    """Create the missing topics (idempotent); return the names created. BrokerUnavailable
    when no broker answers."""
    require_broker(kafka)
    try:
        admin = KafkaAdminClient(
            **kafka_python_options(kafka),
            client_id=f"{kafka.app_id}-admin",
            bootstrap_timeout_ms=int(ADMIT_SECONDS * 1000),
        )
    except KafkaError as error:
        raise BrokerRefused(
            f"the broker at {kafka.bootstrap_servers} answers but did not let wirewatch "
            f"in within {ADMIT_SECONDS:g} s ({type(error).__name__}): check "
            "WIREWATCH_KAFKA_SECURITY_PROTOCOL and the SASL/TLS settings against the "
            "broker's listener (its log says why it refused)"
        ) from None
    try:
        existing = set(admin.list_topics())
        wanted = [
            NewTopic(
                name=kafka.topic(spec.name),
                num_partitions=spec.partition_count(kafka.topic_partitions),
                replication_factor=kafka.topic_replication_factor,
                topic_configs=spec.kafka_config(),
            )
            for spec in specs
            if kafka.topic(spec.name) not in existing
        ]
        created = []
        for topic in wanted:
            try:
                admin.create_topics([topic])
                created.append(topic.name)
            except TopicAlreadyExistsError:
                pass
        return created
    finally:
        admin.close()


def rewind_group(kafka: KafkaSection, topic: str) -> int | None:
    """Set the committed offsets of the pipeline's group (its app id) on TOPIC back to
    the start of each partition (what the broker still holds), where they are past it,
    so the group reads TOPIC again: the number of messages to be read again. None when
    the group has members (the broker refuses to move a live group's offsets)."""
    from kafka import KafkaConsumer
    from kafka.structs import OffsetAndMetadata, TopicPartition

    options = kafka_python_options(kafka)
    admin = KafkaAdminClient(**options, client_id=f"{kafka.app_id}-admin")
    consumer = KafkaConsumer(**options, client_id=f"{kafka.app_id}-admin")
    try:
        partitions = [
            TopicPartition(topic, number)
            for number in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        starts = consumer.beginning_offsets(partitions)
        try:
            committed = admin.list_group_offsets({kafka.app_id: None})
        except CoordinatorNotAvailableError:  # a new broker: no group has committed yet
            return 0
        committed = committed.get(kafka.app_id, {})
        moves = {
            tp: OffsetAndMetadata(starts[tp], "", -1)
            for tp in partitions
            if committed.get(tp) is not None and committed[tp].offset > starts[tp]
        }
        if not moves:
            return 0
        errors = admin.alter_group_offsets(kafka.app_id, moves)
        if any(error is not NoError for error in errors.values()):
            return None
        return sum(committed[tp].offset - starts[tp] for tp in moves)
    finally:
        consumer.close()
        admin.close()
