"""``wirewatch events ...``: the stored canonical events."""

from __future__ import annotations

import click

from infra.settings import get_settings
from wirewatch import render


@click.group()
def events() -> None:
    """Stored canonical events."""


@events.command("list")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "jsonl"]),
    default=None,
    help="table on a terminal, jsonl otherwise",
)
@click.option("--limit", type=int, default=None, help="at most this many events, newest first")
def events_list(output_format: str | None, limit: int | None) -> None:
    """Print stored events."""
    from sinks.storage import connect, list_events

    settings = get_settings()
    stored = list(list_events(connect(settings.resolved_database_url), limit))
    output_format = render.chosen_format(output_format)
    if output_format == "jsonl":
        for item in stored:
            click.echo(item.model_dump_json())
        return
    render.events_table(stored)
