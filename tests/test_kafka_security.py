"""Kafka SASL/TLS settings reach both client libraries (issue 14, deployment): each
protocol maps to the right keyword arguments for kafka-python and to the right faust
credentials, a half-configured link is refused by name, and the password shows in no
repr, no log line and no error message."""

from __future__ import annotations

import asyncio
import logging
import os
import ssl

import faust
import pytest
import trustme
from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth
from kafka import KafkaAdminClient, KafkaConsumer
from pydantic import SecretStr, ValidationError

from deadletters.reading import letters_consumer_options
from harness.services import invoke_wirewatch
from infra.kafka_security import kafka_python_options
from infra.kafka_status import REQUEST_TIMEOUT_MS, status_consumer_options, status_options
from infra.settings import KafkaSection, Settings
from processors.stream.credentials import faust_credentials, tls_context

PASSWORD = "pa55-w0rd-never-shown"
BROKER = "kafka.example:9093"


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A directory with a throw-away CA (ca.pem) and a client certificate and key it signed."""
    where = tmp_path_factory.mktemp("pki")
    ca = trustme.CA()
    client = ca.issue_cert("wirewatch-client")
    ca.cert_pem.write_to_path(str(where / "ca.pem"))
    client.cert_chain_pems[0].write_to_path(str(where / "client.pem"))
    client.private_key_pem.write_to_path(str(where / "client.key"))
    return where


def _section(protocol: str, pki_dir=None, **overrides) -> KafkaSection:
    fields: dict = {"bootstrap_servers": BROKER, "security_protocol": protocol}
    if protocol.startswith("SASL_"):
        fields.update(sasl_username="wirewatch", sasl_password=SecretStr(PASSWORD))
    if protocol.endswith("SSL") and pki_dir is not None:
        fields.update(
            ssl_cafile=pki_dir / "ca.pem",
            ssl_certfile=pki_dir / "client.pem",
            ssl_keyfile=pki_dir / "client.key",
        )
    return KafkaSection(**{**fields, **overrides})


def _settings(**fields) -> Settings:
    return Settings(kafka_bootstrap_servers=BROKER, **fields)


# kafka-python: one function, each protocol


def test_plaintext_gives_kafka_python_the_servers_and_nothing_else():
    assert kafka_python_options(_section("PLAINTEXT")) == {
        "bootstrap_servers": BROKER,
        "security_protocol": "PLAINTEXT",
    }


def test_ssl_gives_kafka_python_the_certificate_files(pki):
    where = pki
    assert kafka_python_options(_section("SSL", where)) == {
        "bootstrap_servers": BROKER,
        "security_protocol": "SSL",
        "ssl_cafile": str(where / "ca.pem"),
        "ssl_certfile": str(where / "client.pem"),
        "ssl_keyfile": str(where / "client.key"),
    }


def test_ssl_without_files_leaves_kafka_python_the_system_authorities():
    assert kafka_python_options(_section("SSL")) == {
        "bootstrap_servers": BROKER,
        "security_protocol": "SSL",
    }


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"])
def test_sasl_plaintext_gives_kafka_python_the_mechanism_and_credentials(mechanism):
    options = kafka_python_options(_section("SASL_PLAINTEXT", sasl_mechanism=mechanism))
    assert options == {
        "bootstrap_servers": BROKER,
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": mechanism,
        "sasl_plain_username": "wirewatch",
        "sasl_plain_password": PASSWORD,
    }


def test_sasl_ssl_gives_kafka_python_both(pki):
    where = pki
    options = kafka_python_options(_section("SASL_SSL", where, sasl_mechanism="SCRAM-SHA-512"))
    assert options == {
        "bootstrap_servers": BROKER,
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "wirewatch",
        "sasl_plain_password": PASSWORD,
        "ssl_cafile": str(where / "ca.pem"),
        "ssl_certfile": str(where / "client.pem"),
        "ssl_keyfile": str(where / "client.key"),
    }


def test_kafka_python_options_hide_the_password_when_printed(caplog):
    options = kafka_python_options(_section("SASL_PLAINTEXT"))
    assert PASSWORD not in repr(options) and PASSWORD not in str(options)
    assert "sasl_plain_username" in repr(options) and "**********" in repr(options)
    with caplog.at_level(logging.INFO):
        logging.getLogger("wirewatch.test").info("connecting with %s", options)
        logging.getLogger("wirewatch.test").info(f"connecting with {options}")
    assert "wirewatch" in caplog.text and PASSWORD not in caplog.text


# faust: one function, each protocol; and what faust then hands aiokafka


@pytest.mark.parametrize("protocol", ["SSL", "SASL_PLAINTEXT", "SASL_SSL"])
def test_the_dead_letter_reader_and_the_status_clients_carry_the_security_options(protocol, pki):
    """`dlq list/show/replay` and `wirewatch status` reach a secured broker like every
    other client: each consumer's (and the status admin client's) options hold the
    protocol, credentials and certificate files, and only keywords its class takes."""
    kafka = _section(protocol, pki, app_id="pipeline-7")
    secured = kafka_python_options(kafka)
    built = {
        "dead-letter reader": (letters_consumer_options(kafka), KafkaConsumer),
        "dead-letter reader, few": (letters_consumer_options(kafka, few=True), KafkaConsumer),
        "status consumer": (status_consumer_options(kafka), KafkaConsumer),
        "status admin": (status_options(kafka, REQUEST_TIMEOUT_MS), KafkaAdminClient),
    }
    for what, (options, client) in built.items():
        assert {key: options.get(key) for key in secured} == secured, what
        assert options["security_protocol"] == protocol, what
        assert set(options) <= set(client.DEFAULT_CONFIG), what
        assert PASSWORD not in repr(options), what
    assert built["dead-letter reader"][0]["client_id"] == "pipeline-7-dlq"
    assert built["status consumer"][0]["client_id"] == "pipeline-7-status"
    assert built["status consumer"][0]["enable_auto_commit"] is False


def test_plaintext_leaves_faust_without_credentials():
    assert faust_credentials(_section("PLAINTEXT")) is None


def test_ssl_gives_faust_a_context_that_checks_the_broker_against_the_ca(pki):
    where = pki
    credentials = faust_credentials(_section("SSL", where))
    assert isinstance(credentials, faust.SSLCredentials)
    context = credentials.context
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] == 1  # our CA, not the system's
    auth = credentials_to_aiokafka_auth(credentials)
    assert auth == {"security_protocol": "SSL", "ssl_context": context}


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"])
def test_sasl_plaintext_gives_faust_sasl_credentials_without_tls(mechanism):
    credentials = faust_credentials(_section("SASL_PLAINTEXT", sasl_mechanism=mechanism))
    assert isinstance(credentials, faust.SASLCredentials)
    assert credentials_to_aiokafka_auth(credentials) == {
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": mechanism,
        "sasl_plain_username": "wirewatch",
        "sasl_plain_password": PASSWORD,
        "ssl_context": None,
    }


def test_sasl_ssl_gives_faust_sasl_credentials_over_tls(pki):
    where = pki
    credentials = faust_credentials(_section("SASL_SSL", where, sasl_mechanism="SCRAM-SHA-256"))
    auth = credentials_to_aiokafka_auth(credentials)
    assert auth["security_protocol"] == "SASL_SSL"
    assert auth["sasl_mechanism"] == "SCRAM-SHA-256"
    assert (auth["sasl_plain_username"], auth["sasl_plain_password"]) == ("wirewatch", PASSWORD)
    assert isinstance(auth["ssl_context"], ssl.SSLContext)
    assert PASSWORD not in repr(credentials)


def test_a_client_key_that_does_not_fit_its_certificate_fails_when_the_context_is_built(pki):
    where = pki
    other = trustme.CA().issue_cert("someone-else")
    other.private_key_pem.write_to_path(str(where / "other.key"))
    with pytest.raises(ssl.SSLError):
        tls_context(_section("SSL", where, ssl_keyfile=where / "other.key"))


def test_the_worker_app_hands_the_credentials_to_its_aiokafka_clients(pki):
    """Not only faust's conf: the consumer and producer faust builds carry them."""
    from processors.stream.app import create_app

    where = pki
    settings = _settings(
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_sasl_username="wirewatch",
        kafka_sasl_password=PASSWORD,
        kafka_ssl_cafile=where / "ca.pem",
    )
    app = create_app(settings)
    assert isinstance(app.conf.broker_credentials, faust.SASLCredentials)

    async def built():
        consumer = app.consumer._thread._create_worker_consumer(app.transport)
        producer = app.producer._new_producer()
        return consumer, producer.client

    consumer, producer_client = asyncio.run(built())
    for client in (consumer._client, producer_client):
        assert client._security_protocol == "SASL_SSL"
        assert client._sasl_mechanism == "SCRAM-SHA-512"
        assert client._sasl_plain_username == "wirewatch"
        assert isinstance(client._ssl_context, ssl.SSLContext)


# settings: read from the environment, refused when half-configured


def test_the_settings_read_the_security_variables(pki, monkeypatch):
    where = pki
    for name, value in {
        "KAFKA_BOOTSTRAP_SERVERS": BROKER,
        "WIREWATCH_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
        "WIREWATCH_KAFKA_SASL_MECHANISM": "SCRAM-SHA-256",
        "WIREWATCH_KAFKA_SASL_USERNAME": "wirewatch",
        "WIREWATCH_KAFKA_SASL_PASSWORD": PASSWORD,
        "WIREWATCH_KAFKA_SSL_CAFILE": str(where / "ca.pem"),
    }.items():
        monkeypatch.setenv(name, value)
    kafka = Settings().kafka
    assert kafka.security_protocol == "SASL_SSL" and kafka.sasl_mechanism == "SCRAM-SHA-256"
    assert kafka.sasl_password.get_secret_value() == PASSWORD
    assert kafka.ssl_cafile == where / "ca.pem"
    assert PASSWORD not in repr(Settings()) and PASSWORD not in repr(kafka)


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"kafka_security_protocol": "SASL_SSL"}, "WIREWATCH_KAFKA_SASL_USERNAME"),
        (
            {"kafka_security_protocol": "SASL_PLAINTEXT", "kafka_sasl_username": "wirewatch"},
            "WIREWATCH_KAFKA_SASL_PASSWORD",
        ),
        ({"kafka_sasl_username": "wirewatch", "kafka_sasl_password": PASSWORD}, "SASL_SSL"),
        ({"kafka_security_protocol": "SASL_PLAINTEXT", "kafka_sasl_mechanism": "GSSAPI"}, "PLAIN"),
        ({"kafka_security_protocol": "TLS"}, "SASL_SSL"),
    ],
)
def test_a_half_configured_link_is_refused_by_name(fields, named):
    with pytest.raises(ValidationError, match=named) as refused:
        _settings(**fields)
    assert PASSWORD not in str(refused.value)


def test_certificate_files_must_exist_and_fit_the_protocol(pki, tmp_path):
    where = pki
    with pytest.raises(ValidationError, match="kafka_ssl_cafile"):
        _settings(kafka_security_protocol="SSL", kafka_ssl_cafile=tmp_path / "missing.pem")
    with pytest.raises(ValidationError, match="does not use TLS"):
        _settings(
            kafka_security_protocol="SASL_PLAINTEXT",
            kafka_sasl_username="wirewatch",
            kafka_sasl_password=PASSWORD,
            kafka_ssl_cafile=where / "ca.pem",
        )
    with pytest.raises(ValidationError, match="WIREWATCH_KAFKA_SSL_CERTFILE"):
        _settings(kafka_security_protocol="SSL", kafka_ssl_keyfile=where / "client.key")


def test_a_secured_link_needs_a_broker_given_not_the_local_one():
    with pytest.raises(ValidationError, match="KAFKA_BOOTSTRAP_SERVERS"):
        Settings(kafka_security_protocol="SSL")


def test_the_command_line_names_a_half_configured_link_in_one_line_without_the_password(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("WIREWATCH_", "KAFKA_"))},
        "WIREWATCH_STATE_DIR": str(tmp_path / "state"),
        "KAFKA_BOOTSTRAP_SERVERS": BROKER,
        "WIREWATCH_KAFKA_SASL_USERNAME": "wirewatch",
        "WIREWATCH_KAFKA_SASL_PASSWORD": PASSWORD,
    }
    done = invoke_wirewatch(env, "replay")
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert "WIREWATCH_KAFKA_SECURITY_PROTOCOL=PLAINTEXT" in line and "SASL_SSL" in line
    assert PASSWORD not in done.stderr + done.stdout
