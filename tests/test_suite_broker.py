"""Which Kafka the suite tests against (harness/services.py:kafka_broker): the one given
by KAFKA_BOOTSTRAP_SERVERS; else, where a Docker engine answers, the official image of
the pinned version (testcontainers' Kafka module would run Confluent's image, another
Kafka); else the broker wirewatch provisions, of the pinned version. No broker or
container starts here: its start is recorded instead. The Docker path is not run
against a real engine by this suite's own machines, which have none."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest

from harness import services
from infra.broker import LocalBroker
from tests.conftest import REPO


@pytest.fixture
def docker_answers(monkeypatch) -> None:
    """A Docker engine that answers its ping, as on a developer's machine with Docker."""
    engine = SimpleNamespace(ping=lambda: True)
    fake = SimpleNamespace(from_env=lambda **kwargs: engine, DockerClient=object)
    monkeypatch.setitem(sys.modules, "docker", fake)


def test_with_docker_the_suite_s_broker_is_the_pinned_kafka_s_official_image(
    tmp_path, monkeypatch, docker_answers
):
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    monkeypatch.setattr(LocalBroker, "start", lambda self, *a, **k: pytest.fail("local"))
    started = []

    @contextmanager
    def container(port: int, timeout: float = 120):
        started.append(services.kafka_image())
        yield f"127.0.0.1:{port}"

    monkeypatch.setattr(services, "kafka_container", container)
    with services.kafka_broker(tmp_path) as (bootstrap, broker):
        assert broker is None and bootstrap.startswith("127.0.0.1:")
    assert started == [f"apache/kafka:{_pom_kafka_version()}"]


def test_without_docker_the_suite_s_broker_is_the_pinned_local_one(tmp_path, monkeypatch):
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    monkeypatch.setattr(services, "docker_answers", lambda: False)
    events = []
    monkeypatch.setattr(LocalBroker, "start", lambda self, *a, **k: events.append(("start", self)))
    monkeypatch.setattr(LocalBroker, "stop", lambda self, *a, **k: events.append(("stop", self)))
    with services.kafka_broker(tmp_path) as (bootstrap, broker):
        assert isinstance(broker, LocalBroker) and events == [("start", broker)]
        assert bootstrap == broker.bootstrap_servers == f"127.0.0.1:{broker.port}"
        assert broker.home == tmp_path / "kafka"
    assert events == [("start", broker), ("stop", broker)]


def _pom_kafka_version() -> str:
    """kafka.version as deploy/kafka/pom.xml declares it, read as XML (not by the regex
    infra/broker.py uses, so that the two readings check each other)."""
    pom = ElementTree.parse(REPO / "deploy" / "kafka" / "pom.xml").getroot()
    namespace = pom.tag.partition("}")[0] + "}" if pom.tag.startswith("{") else ""
    return pom.find(f"{namespace}properties/{namespace}kafka.version").text.strip()


def test_the_docker_image_is_tagged_with_the_pom_s_kafka_version():
    assert services.kafka_image() == f"apache/kafka:{_pom_kafka_version()}"
    assert _pom_kafka_version().startswith("4.")  # the pin this suite's brokers share


def test_the_container_advertises_the_loopback_port_it_is_published_on():
    environment = services.kafka_container_environment(19092)
    assert environment["KAFKA_ADVERTISED_LISTENERS"] == "PLAINTEXT://127.0.0.1:19092"
    assert "PLAINTEXT://0.0.0.0:19092" in environment["KAFKA_LISTENERS"]
    assert environment["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"  # as the local broker


def test_a_broker_given_by_kafka_bootstrap_servers_is_used_as_it_is(tmp_path, monkeypatch):
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
    monkeypatch.setattr(LocalBroker, "start", lambda self, *a, **k: pytest.fail("started"))
    with services.kafka_broker(tmp_path) as found:
        assert found == ("127.0.0.1:19092", None)
