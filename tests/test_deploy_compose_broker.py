"""deploy/compose.yaml's broker login, on a real broker (issue 23, deployment).

The apache/kafka image turns each KAFKA_ variable into a broker property (``_`` a dot,
``__`` an underscore, ``___`` a dash). The suite's own broker (infra/broker.py) starts
with compose's SASL properties so turned, on a listener of its own, with the password
an operator would give compose; the wirewatch settings compose gives the worker then
create the topics through it, and a wrong password is refused."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator

import pytest
import yaml

from harness.services import broker_ports
from infra.broker import LocalBroker
from infra.kafka_admin import BrokerRefused, ensure_topics
from infra.settings import Settings
from tests.conftest import REPO

pytestmark = pytest.mark.kafka

PASSWORD = secrets.token_hex(16)  # what the operator sets WIREWATCH_KAFKA_SASL_PASSWORD to


def image_property(variable: str) -> str:
    """The broker property the apache/kafka image makes of a KAFKA_ variable."""
    name = variable.removeprefix("KAFKA_").lower()
    return name.replace("___", "-").replace("__", "\0").replace("_", ".").replace("\0", "_")


def interpolated(value: str) -> str:
    """Compose's ${WIREWATCH_KAFKA_SASL_PASSWORD:?...}, with the operator's password."""
    return re.sub(r"\$\{WIREWATCH_KAFKA_SASL_PASSWORD:\?[^}]*\}", PASSWORD, value)


def test_image_property_names():
    assert (
        image_property("KAFKA_LISTENER_NAME_SASL__PLAINTEXT_PLAIN_SASL_JAAS_CONFIG")
        == "listener.name.sasl_plaintext.plain.sasl.jaas.config"
    )
    assert image_property("KAFKA_SASL_ENABLED_MECHANISMS") == "sasl.enabled.mechanisms"


def compose() -> dict:
    return yaml.safe_load((REPO / "deploy" / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def compose_login_broker(tmp_path_factory) -> Iterator[str]:
    """The address of a listener configured as compose's (SASL_PLAINTEXT, its login
    line); the broker keeps its own plain listener to probe itself through."""
    kafka = compose()["services"]["kafka"]["environment"]
    wanted = ("KAFKA_SASL_ENABLED_MECHANISMS", "KAFKA_LISTENER_NAME_SASL__PLAINTEXT_")
    login = {
        image_property(name): interpolated(str(value))
        for name, value in kafka.items()
        if name.startswith(wanted)
    }
    assert "listener.name.sasl_plaintext.plain.sasl.jaas.config" in login
    home = tmp_path_factory.mktemp("compose-kafka")
    port, sasl_port = broker_ports(extra=1)
    properties = {
        "listeners": (
            f"PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{port + 1},"
            f"SASL_PLAINTEXT://127.0.0.1:{sasl_port}"
        ),
        "advertised.listeners": (
            f"PLAINTEXT://127.0.0.1:{port},SASL_PLAINTEXT://127.0.0.1:{sasl_port}"
        ),
        "listener.security.protocol.map": (
            "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT"
        ),
        **login,
    }
    broker = LocalBroker(
        home=home / "kafka",
        cache_dir=Settings().cache_dir,
        port=port,
        heap="384m",
        extra_properties=properties,
    )
    try:
        broker.start()
        yield f"127.0.0.1:{sasl_port}"
    finally:
        broker.stop()


def _worker_settings(address: str, password: str, tmp_path, monkeypatch) -> Settings:
    """The worker's compose settings, its broker at ADDRESS, logging in with PASSWORD."""
    for name in list(os.environ):
        if name.startswith(("WIREWATCH_", "KAFKA_")):
            monkeypatch.delenv(name)
    environment = compose()["services"]["worker"]["environment"]
    for name, value in environment.items():
        if name.startswith(("WIREWATCH_KAFKA_", "KAFKA_")):
            monkeypatch.setenv(name, interpolated(str(value)))
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", address)
    monkeypatch.setenv("WIREWATCH_KAFKA_SASL_PASSWORD", password)
    monkeypatch.setenv("WIREWATCH_TOPIC_PREFIX", f"c{secrets.token_hex(4)}.")
    monkeypatch.setenv("WIREWATCH_STATE_DIR", str(tmp_path / "state"))
    return Settings()


def test_the_workers_log_in_with_composes_password(compose_login_broker, tmp_path, monkeypatch):
    settings = _worker_settings(compose_login_broker, PASSWORD, tmp_path, monkeypatch)
    assert settings.kafka.security_protocol == "SASL_PLAINTEXT"
    created = {name.removeprefix(settings.topic_prefix) for name in ensure_topics(settings.kafka)}
    assert "articles.raw" in created


def test_another_password_is_refused(compose_login_broker, tmp_path, monkeypatch):
    wrong = secrets.token_hex(16)
    settings = _worker_settings(compose_login_broker, wrong, tmp_path, monkeypatch)
    with pytest.raises(BrokerRefused):
        ensure_topics(settings.kafka)
