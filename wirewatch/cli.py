"""The ``wirewatch`` command line: the root group, gathering one module per command
group (`wirewatch.commands`); each command is thin wiring from options to the stages."""

from __future__ import annotations

import click

from wirewatch.commands import (
    alerts,
    events,
    extraction,
    feeds,
    kafka,
    pipeline,
    schema,
    serve,
    subscriptions,
)


@click.group()
@click.version_option(package_name="wirewatch")
def main() -> None:
    """wirewatch: armed-conflict events from the news, as they are published."""


for command in (
    kafka.kafka,
    schema.schemas,
    feeds.feeds,
    feeds.collect,
    feeds.replay,
    pipeline.worker,
    pipeline.up,
    extraction.extract,
    extraction.evaluate,
    events.events,
    serve.serve,
    subscriptions.subscriptions,
    alerts.alerts,
):
    main.add_command(command)
