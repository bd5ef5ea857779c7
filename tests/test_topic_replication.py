"""WIREWATCH_TOPIC_REPLICATION_FACTOR reaches every topic the pipeline creates: the
admin client's (the pipeline topics, dead letters) and faust's (table changelogs), so a
cluster of several brokers keeps copies of all of them (deploy/kubernetes)."""

from __future__ import annotations

import uuid

import pytest
from kafka.errors import InvalidReplicationFactorError

from infra.kafka_admin import ensure_topics
from infra.settings import Settings


def test_the_worker_creates_its_changelogs_with_the_replication_factor():
    from processors.stream.app import create_app

    assert create_app(Settings()).conf.topic_replication_factor == 1
    app = create_app(Settings(topic_replication_factor=3))
    assert app.conf.topic_replication_factor == 3
    # the changelogs leave it unset, so faust creates them with the app's factor
    assert {table.changelog_topic.replicas for table in app.tables.values()} == {None}


@pytest.mark.kafka
def test_the_admin_client_asks_the_broker_for_that_many_copies(kafka):
    """The suite's broker is one: two copies are refused, by the broker, which shows the
    factor was asked for."""
    settings = Settings(
        kafka_bootstrap_servers=kafka[0],
        topic_prefix=f"r{uuid.uuid4().hex[:8]}.",
        topic_replication_factor=2,
    )
    with pytest.raises(InvalidReplicationFactorError):
        ensure_topics(settings.kafka)
