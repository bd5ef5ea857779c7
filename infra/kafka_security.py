"""Kafka SASL/TLS for kafka-python: the settings' `KafkaSection` in kafka-python's
words, in one pure function, so that the collector's producer, the admin client and
every other kafka-python client reach a secured broker alike. (faust's words are in
`processors.stream.credentials`.)"""

from __future__ import annotations

from typing import Any

from infra.settings import KafkaSection

SECRET_OPTIONS = frozenset({"sasl_plain_password", "ssl_password"})


class ClientOptions(dict[str, Any]):
    """Keyword arguments for a kafka-python client. Its repr hides the password, so
    logging the options (or an assertion showing them) does not print it."""

    def __repr__(self) -> str:
        shown = {
            key: "**********" if key in SECRET_OPTIONS and value is not None else value
            for key, value in self.items()
        }
        return f"ClientOptions({shown!r})"

    __str__ = __repr__


def kafka_python_options(kafka: KafkaSection) -> ClientOptions:
    """bootstrap_servers and security_protocol always; the SASL mechanism and
    credentials under SASL_*; the certificate files under SSL and SASL_SSL (the broker's
    host name is checked against its certificate, kafka-python's default)."""
    options = ClientOptions(
        bootstrap_servers=kafka.bootstrap_servers, security_protocol=kafka.security_protocol
    )
    if kafka.uses_sasl:
        if kafka.sasl_username is None or kafka.sasl_password is None:
            raise ValueError(f"{kafka.security_protocol} needs a SASL username and password")
        options.update(
            sasl_mechanism=kafka.sasl_mechanism,
            sasl_plain_username=kafka.sasl_username,
            sasl_plain_password=kafka.sasl_password.get_secret_value(),
        )
    if kafka.uses_tls:
        files = {
            "ssl_cafile": kafka.ssl_cafile,
            "ssl_certfile": kafka.ssl_certfile,
            "ssl_keyfile": kafka.ssl_keyfile,
        }
        options.update({name: str(path) for name, path in files.items() if path is not None})
    return options
