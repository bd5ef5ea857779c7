"""Which Kafka the suite tests against (harness/services.py:kafka_broker): the one given
by KAFKA_BOOTSTRAP_SERVERS, or else the broker wirewatch provisions, of the pinned
version, even on a machine whose Docker engine answers (testcontainers' Kafka module
would run Confluent's image, another Kafka). No broker starts here: its start is
recorded instead."""

from __future__ import annotations

import sys
from types import SimpleNamespace

import pytest

from harness.services import kafka_broker
from infra.broker import LocalBroker


@pytest.fixture
def docker_answers(monkeypatch) -> None:
    """A Docker engine that answers its ping, as on a developer's machine with Docker."""
    engine = SimpleNamespace(ping=lambda: True)
    fake = SimpleNamespace(from_env=lambda **kwargs: engine, DockerClient=object)
    monkeypatch.setitem(sys.modules, "docker", fake)


def test_the_suite_s_broker_is_the_pinned_local_one_even_with_docker(
    tmp_path, monkeypatch, docker_answers
):
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    events = []
    monkeypatch.setattr(LocalBroker, "start", lambda self, *a, **k: events.append(("start", self)))
    monkeypatch.setattr(LocalBroker, "stop", lambda self, *a, **k: events.append(("stop", self)))
    with kafka_broker(tmp_path) as (bootstrap, broker):
        assert isinstance(broker, LocalBroker) and events == [("start", broker)]
        assert bootstrap == broker.bootstrap_servers == f"127.0.0.1:{broker.port}"
        assert broker.home == tmp_path / "kafka"
    assert events == [("start", broker), ("stop", broker)]


def test_a_broker_given_by_kafka_bootstrap_servers_is_used_as_it_is(tmp_path, monkeypatch):
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
    monkeypatch.setattr(LocalBroker, "start", lambda self, *a, **k: pytest.fail("started"))
    with kafka_broker(tmp_path) as found:
        assert found == ("127.0.0.1:19092", None)
