"""Creating the pipeline's topics on whatever broker is configured."""

from __future__ import annotations

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from infra.settings import Settings
from schemas.topics import ALL_TOPICS, TopicSpec


def ensure_topics(settings: Settings, specs: tuple[TopicSpec, ...] = ALL_TOPICS) -> list[str]:
    """Create the missing topics (idempotent); return the names created."""
    admin = KafkaAdminClient(
        bootstrap_servers=settings.bootstrap_servers, client_id=f"{settings.app_id}-admin"
    )
    try:
        existing = set(admin.list_topics())
        wanted = [
            NewTopic(
                name=settings.topic(spec.name),
                num_partitions=spec.partition_count(settings.topic_partitions),
                replication_factor=1,
                topic_configs=spec.kafka_config(),
            )
            for spec in specs
            if settings.topic(spec.name) not in existing
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
