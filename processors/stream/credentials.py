"""Kafka SASL/TLS for the worker: the settings' `KafkaSection` as faust's
``broker_credentials``, which faust hands to aiokafka for every consumer, producer and
admin client of the app. (kafka-python's words are in `infra.kafka_security`.)"""

from __future__ import annotations

import ssl

import faust
from faust.types.auth import CredentialsT

from infra.settings import KafkaSection


def tls_context(kafka: KafkaSection) -> ssl.SSLContext:
    """A client TLS context that checks the broker's certificate and host name against
    the CA file (the system's authorities without one), with the client certificate
    when one is set. Reads the files, so a missing or bad one fails here, by name."""
    cafile = str(kafka.ssl_cafile) if kafka.ssl_cafile else None
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=cafile)
    if kafka.ssl_certfile is not None:
        keyfile = str(kafka.ssl_keyfile) if kafka.ssl_keyfile else None
        context.load_cert_chain(str(kafka.ssl_certfile), keyfile)
    return context


def faust_credentials(kafka: KafkaSection) -> CredentialsT | None:
    """None for PLAINTEXT (faust's default); SSLCredentials for SSL; SASLCredentials
    for SASL_PLAINTEXT, and with a TLS context for SASL_SSL. faust's repr of them
    shows the user name, never the password."""
    if kafka.security_protocol == "PLAINTEXT":
        return None
    if kafka.security_protocol == "SSL":
        return faust.SSLCredentials(tls_context(kafka))
    if kafka.sasl_username is None or kafka.sasl_password is None:
        raise ValueError(f"{kafka.security_protocol} needs a SASL username and password")
    return faust.SASLCredentials(
        username=kafka.sasl_username,
        password=kafka.sasl_password.get_secret_value(),
        mechanism=kafka.sasl_mechanism,
        ssl_context=tls_context(kafka) if kafka.uses_tls else None,
    )
