"""Both Kafka clients through a real broker that demands SASL, in plain text and over
TLS (issue 14, deployment): the suite's own broker (infra/broker.py) with two more
listeners, SASL_PLAINTEXT and SASL_SSL, PLAIN and SCRAM users, and a certificate from a
throw-away CA. kafka-python (the admin client, the collector's producer, a consumer)
and the faust worker (aiokafka) each make a round trip, `wirewatch status` and the
dead-letter reader read the broker; a wrong password is refused."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator

import pytest
import trustme
from cryptography.hazmat.primitives import serialization
from kafka.errors import CoordinatorNotAvailableError

from deadletters.status import count_letters, letters_held
from harness.kafka_helpers import pipeline_lag, read_topic
from harness.services import broker_ports, wait_until, wirewatch_command
from infra.broker import LocalBroker
from infra.kafka_admin import BrokerRefused, ensure_topics
from infra.kafka_producer import make_producer
from infra.kafka_status import BrokerView, read_broker
from infra.settings import Settings
from ingest.producer import push_articles
from ingest.seeds import load_seed
from schemas.article import Article
from sinks.storage import connect, list_events
from tests.conftest import SEEDS

pytestmark = pytest.mark.kafka

USER, PASSWORD = "wirewatch", "s3cret-of-the-test"
MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")


def _jaas(mechanism: str) -> str:
    if mechanism == "PLAIN":
        return (
            "org.apache.kafka.common.security.plain.PlainLoginModule required "
            f'user_{USER}="{PASSWORD}";'
        )
    return "org.apache.kafka.common.security.scram.ScramLoginModule required;"


@pytest.fixture(scope="module")
def secured_broker(tmp_path_factory) -> Iterator[dict[str, object]]:
    """A broker with SASL_PLAINTEXT and SASL_SSL listeners besides its own PLAINTEXT one
    (which it probes itself through); the listeners' addresses and the CA's file."""
    home = tmp_path_factory.mktemp("secured-kafka")
    ca = trustme.CA()
    server = ca.issue_cert("127.0.0.1")
    keystore = home / "server.pem"  # the broker's key and certificate chain, PEM
    key = serialization.load_pem_private_key(server.private_key_pem.bytes(), password=None)
    pkcs8 = key.private_bytes(  # the one form of PEM key Kafka reads
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    keystore.write_bytes(pkcs8 + b"".join(pem.bytes() for pem in server.cert_chain_pems))
    ca.cert_pem.write_to_path(str(home / "ca.pem"))
    port, sasl_port, tls_port = broker_ports(extra=2)
    properties = {
        "listeners": (
            f"PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{port + 1},"
            f"SASL_PLAINTEXT://127.0.0.1:{sasl_port},SASL_SSL://127.0.0.1:{tls_port}"
        ),
        "advertised.listeners": (
            f"PLAINTEXT://127.0.0.1:{port},SASL_PLAINTEXT://127.0.0.1:{sasl_port},"
            f"SASL_SSL://127.0.0.1:{tls_port}"
        ),
        "listener.security.protocol.map": (
            "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,"
            "SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL"
        ),
        "sasl.enabled.mechanisms": ",".join(MECHANISMS),
        "ssl.keystore.type": "PEM",
        "ssl.keystore.location": str(keystore),
        **{
            f"listener.name.{listener}.{mechanism.lower()}.sasl.jaas.config": _jaas(mechanism)
            for listener in ("sasl_plaintext", "sasl_ssl")
            for mechanism in MECHANISMS
        },
    }
    scram_users = [
        argument
        for mechanism in MECHANISMS[1:]
        for argument in ("--add-scram", f"{mechanism}=[name={USER},password={PASSWORD}]")
    ]
    broker = LocalBroker(
        home=home / "kafka",
        cache_dir=Settings().cache_dir,
        port=port,
        heap="384m",
        extra_properties=properties,
        extra_format_args=tuple(scram_users),
    )
    try:
        broker.start()  # inside: a broker that started but never answered is stopped too
        yield {
            "SASL_PLAINTEXT": f"127.0.0.1:{sasl_port}",
            "SASL_SSL": f"127.0.0.1:{tls_port}",
            "ca": home / "ca.pem",
            "log": broker.log_dir / "server.log",
        }
    finally:
        broker.stop()


def _environment(secured_broker, protocol: str, mechanism: str, tmp_path, password=PASSWORD):
    run = uuid.uuid4().hex[:8]
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": str(secured_broker[protocol]),
        "WIREWATCH_KAFKA_SECURITY_PROTOCOL": protocol,
        "WIREWATCH_KAFKA_SASL_MECHANISM": mechanism,
        "WIREWATCH_KAFKA_SASL_USERNAME": USER,
        "WIREWATCH_KAFKA_SASL_PASSWORD": password,
        "WIREWATCH_TOPIC_PREFIX": f"s{run}.",
        "WIREWATCH_APP_ID": f"wirewatch-sasl-{run}",
        "WIREWATCH_STATE_DIR": str(tmp_path / "state"),
        "WIREWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'events.db'}",
    }
    if protocol == "SASL_SSL":
        env["WIREWATCH_KAFKA_SSL_CAFILE"] = str(secured_broker["ca"])
    return env


def _settings(env: dict[str, str], monkeypatch) -> Settings:
    for name in list(os.environ):
        if name.startswith(("WIREWATCH_", "KAFKA_")):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings()


@pytest.mark.parametrize(
    ("protocol", "mechanism"),
    [
        ("SASL_PLAINTEXT", "PLAIN"),
        ("SASL_PLAINTEXT", "SCRAM-SHA-256"),
        ("SASL_SSL", "SCRAM-SHA-512"),
    ],
)
def test_kafka_python_clients_round_trip_an_article(
    secured_broker, protocol, mechanism, tmp_path, monkeypatch
):
    settings = _settings(_environment(secured_broker, protocol, mechanism, tmp_path), monkeypatch)
    assert "articles.raw" in {
        name.removeprefix(settings.topic_prefix) for name in ensure_topics(settings.kafka)
    }
    article = load_seed(SEEDS / "ganja-missile-strike-caspian-daily.md")
    producer = make_producer(settings.kafka, delivery_timeout_ms=30_000)
    try:
        assert push_articles(
            producer, settings.kafka, [article], timeout=30, max_bytes=settings.max_article_bytes
        ) == [None]
    finally:
        producer.close()
    [value] = read_topic(settings, "articles.raw", timeout_ms=10_000, stop_at=1)
    assert Article.from_json_bytes(value).id == article.id
    # what `wirewatch status` and `dlq list` read, through the same secured listener
    view = wait_until(lambda: _broker_view(settings), 30, what="the group coordinator")
    stages = {stage.topic: stage for stage in view.stages}
    assert stages[settings.topic("articles.raw")].lag == 1  # no worker has read it
    assert letters_held(settings.kafka)[settings.topic("articles.raw.dlq")] == 0
    assert all(count.exists and count.letters == 0 for count in count_letters(settings.kafka))


def _broker_view(settings: Settings) -> BrokerView | None:
    """`wirewatch status`'s view of the broker; None while a new broker has no group
    coordinator yet (it answers CoordinatorNotAvailable until its offsets topic exists)."""
    try:
        return read_broker(settings.kafka)
    except CoordinatorNotAvailableError:
        return None


def test_a_wrong_password_is_refused(secured_broker, tmp_path, monkeypatch, caplog):
    """The broker refuses it, and says why in its log; kafka-python only logs the
    authentication error and waits, so wirewatch gives it a few seconds once the broker
    has answered and then says, in one line, which settings to check."""
    wrong = "not-the-password-1234"
    env = _environment(secured_broker, "SASL_SSL", "SCRAM-SHA-256", tmp_path, password=wrong)
    settings = _settings(env, monkeypatch)
    with pytest.raises(BrokerRefused, match="WIREWATCH_KAFKA_SECURITY_PROTOCOL") as refused:
        ensure_topics(settings.kafka)
    assert wrong not in str(refused.value)
    refusal = "invalid credentials with SASL mechanism SCRAM-SHA-256"
    assert refusal in secured_broker["log"].read_text(errors="replace")
    assert wrong not in caplog.text


def test_the_worker_stores_events_through_sasl_over_tls(secured_broker, tmp_path, monkeypatch):
    """replay (kafka-python) and the faust worker (aiokafka), SCRAM-SHA-512 over TLS."""
    env = _environment(secured_broker, "SASL_SSL", "SCRAM-SHA-512", tmp_path)
    settings = _settings(env, monkeypatch)
    process_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("WIREWATCH_", "KAFKA_"))},
        **env,
    }
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name in ("ganja-missile-strike-caspian-daily.md", "idlib-airstrike.md"):
        (seeds / name).write_text((SEEDS / name).read_text())
    replayed = subprocess.run(
        wirewatch_command("replay", str(seeds)),
        env=process_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert replayed.returncode == 0, replayed.stderr
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            wirewatch_command("worker"), env=process_env, stdout=log, stderr=subprocess.STDOUT
        )
    try:

        def drained() -> bool:
            assert worker.poll() is None, log_path.read_text(errors="replace")[-3000:]
            return pipeline_lag(settings) == 0

        wait_until(drained, 180, interval=1.0, what="the worker to consume every topic")
        engine = connect(settings.resolved_database_url)
        places = wait_until(
            lambda: (
                {e.location.name for e in list_events(engine) if e.location} >= {"Ganja"}
                and {e.location.name for e in list_events(engine) if e.location}
            ),
            60,
            what="the events stored",
        )
        assert {"Ganja"} < places
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
    assert PASSWORD not in log_path.read_text(errors="replace")
