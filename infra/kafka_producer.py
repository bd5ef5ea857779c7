"""The one Kafka producer of the command line and the collector: idempotent, waiting for
every in-sync replica, with the cluster's security options, so that whatever sends a
message (articles, or dead letters' originals sent back) may retry freely."""

from __future__ import annotations

from kafka import KafkaProducer

from infra.kafka_security import kafka_python_options
from infra.settings import KafkaSection


def make_producer(
    kafka: KafkaSection, client_id: str = "wirewatch-ingest", delivery_timeout_ms: int = 120_000
) -> KafkaProducer:
    """An idempotent producer that waits for all in-sync replicas.

    With ``acks=all`` and idempotence a retried send after a lost acknowledgement is
    written once, so collectors may retry freely.
    """
    return KafkaProducer(
        **kafka_python_options(kafka),
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        retries=2**31 - 1,
        delivery_timeout_ms=delivery_timeout_ms,
        request_timeout_ms=min(30_000, delivery_timeout_ms // 2),
        max_block_ms=delivery_timeout_ms,
        linger_ms=5,
        compression_type="gzip",
        max_in_flight_requests_per_connection=5,
    )
