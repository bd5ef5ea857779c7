"""``wirewatch worker`` and ``wirewatch up``: running the pipeline."""

from __future__ import annotations

import sys

import click

from infra.settings import get_settings


@click.command()
def worker() -> None:
    """Run the stream processors (dedup+extract, merge+route, store, deliver) until stopped."""
    from infra.kafka_admin import require_broker

    settings = get_settings()
    require_broker(settings.kafka)  # before the seconds of loading faust and the stages
    from processors.stream.worker import run_worker

    run_worker(settings)


@click.command()
def up() -> None:
    """Start Kafka and the worker, replay seeds/, show events as they are stored.

    Ctrl-C stops everything this command started.
    """
    from wirewatch.up import run_up

    sys.exit(run_up(get_settings()))
