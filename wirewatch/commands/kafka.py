"""``wirewatch kafka ...``: the local single-node broker wirewatch provisions."""

from __future__ import annotations

import sys

import click

from infra.settings import Settings, get_settings


@click.group()
def kafka() -> None:
    """Run the local single-node Kafka broker (KRaft) that wirewatch provisions."""


@kafka.command("start")
def kafka_start() -> None:
    """Fetch the broker's jars if needed, format storage once, start, wait until ready."""
    from infra.broker import BrokerError, pinned_kafka_version
    from infra.kafka_admin import ensure_topics

    settings = get_settings()
    if not settings.uses_own_broker:
        raise click.ClickException(
            f"KAFKA_BOOTSTRAP_SERVERS is set ({settings.bootstrap_servers}): that broker is used"
        )
    broker = _broker(settings)
    click.echo(
        f"starting Apache Kafka {pinned_kafka_version()} on {broker.bootstrap_servers} ...",
        err=True,
    )
    try:
        broker.start()
    except BrokerError as error:
        raise click.ClickException(str(error)) from error
    created = ensure_topics(settings.kafka)
    click.echo(broker.status())
    if created:
        click.echo(f"created topics: {', '.join(created)}")


@kafka.command("stop")
def kafka_stop() -> None:
    """Stop the local broker."""
    broker = _broker(get_settings())
    click.echo("stopped" if broker.stop() else "the broker was not running")


@kafka.command("status")
def kafka_status() -> None:
    """Say whether the local broker runs and where its state lives."""
    settings = get_settings()
    if not settings.uses_own_broker:
        click.echo(f"using the broker at {settings.bootstrap_servers} (KAFKA_BOOTSTRAP_SERVERS)")
        return
    broker = _broker(settings)
    click.echo(broker.status())
    sys.exit(0 if broker.is_running() else 3)


def _broker(settings: Settings):
    from infra.broker import LocalBroker

    return LocalBroker.from_settings(settings)
