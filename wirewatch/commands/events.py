"""``wirewatch events ...``: the stored canonical events, found with the API's filters."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from infra.settings import get_settings
from sinks.query_vocabulary import Filter, filters
from wirewatch import render


def _option(each: Filter) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A filter as an option: a number typed and bounded as the model bounds it, text
    given several times when the model takes several; the model reads the rest."""
    extra: dict[str, Any] = {"multiple": True} if each.many else {"default": each.default}
    bounds = each.bounds
    if each.typed is int:
        extra["type"] = click.IntRange(bounds.get("ge"), bounds.get("le"))
    elif each.typed is float:
        extra["type"] = click.FloatRange(
            bounds.get("gt", bounds.get("ge")), bounds.get("le"), min_open="gt" in bounds
        )
    return click.option(each.option, each.name, help=each.help, **extra)


def event_filters(command: Callable[..., Any]) -> Callable[..., Any]:
    """The API's filters as options, the same names with dashes, the same help."""
    for each in reversed(filters()):
        command = _option(each)(command)
    return command


def _query(options: dict[str, Any]) -> Any:
    """The options as an EventQuery; a bad value exits with its option named."""
    from sinks.event_query import QueryError, query_of

    fields = {name: value for name, value in options.items() if value not in (None, ())}
    try:
        return query_of(**fields)
    except QueryError as error:
        raise click.BadParameter(
            error.problem, param_hint="--" + error.parameter.replace("_", "-")
        ) from None


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
@click.option("--limit", type=click.IntRange(1, 1000), default=100, show_default=True)
@event_filters
def events_list(output_format: str | None, limit: int, **filters: Any) -> None:
    """Print stored events, newest event date first (use `events export` for all)."""
    from sinks.event_query import find_events
    from sinks.storage import connect

    query = _query(filters)
    page = find_events(connect(get_settings().resolved_database_url), query, limit)
    if render.chosen_format(output_format) == "jsonl":
        for item in page.events:
            click.echo(item.model_dump_json())
    else:
        render.events_table(page.events)
    if page.next_cursor:
        click.echo(f"more than {limit}: raise --limit, narrow the filters, or export", err=True)


@events.command("export")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["csv", "geojson", "jsonl"]),
    default="csv",
    show_default=True,
    help="csv has ACLED's columns and labels",
)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="file (default: stdout)"
)
@event_filters
def events_export(output_format: str, out: Path | None, **filters: Any) -> None:
    """Write every event the filters find, streamed (memory stays flat at any size),
    with a progress bar on a terminal."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from sinks import event_formats
    from sinks.event_query import count_events, iter_events
    from sinks.storage import connect

    query = _query(filters)
    engine = connect(get_settings().resolved_database_url)
    handle = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
    show = sys.stderr.isatty()
    try:
        with Progress(
            "exporting", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), disable=not show
        ) as progress:
            task = progress.add_task("events", total=count_events(engine, query) if show else None)

            def counted():
                for event in iter_events(engine, query):
                    yield event
                    progress.advance(task)

            for piece in event_formats.WRITERS[output_format](counted()):
                handle.write(piece)
    finally:
        if out:
            handle.close()
    if out:
        click.echo(f"wrote {out}", err=True)


@events.command("show")
@click.argument("event_id")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json is the API's /api/events/ID",
)
def events_show(event_id: str, output_format: str) -> None:
    """One event in full: every version, the evidence, the sources and their links.
    EVENT_ID is the whole id or 8 or more of its first characters (the tables' 12 do)."""
    import json

    from sinks.event_query import (
        AmbiguousId,
        event_in_full,
        get_event,
        get_versions,
        resolve_event_id,
    )
    from sinks.storage import connect

    engine = connect(get_settings().resolved_database_url)
    try:
        found = resolve_event_id(engine, event_id)
    except AmbiguousId as error:
        raise click.ClickException(str(error)) from None
    event = get_event(engine, found) if found else None
    if found is None or event is None:
        raise click.ClickException(
            f"no event {event_id!r} (give its id, or 8 or more of its first characters)"
        )
    versions = get_versions(engine, found)
    if output_format == "json":
        click.echo(json.dumps(event_in_full(event, versions), ensure_ascii=False))
        return
    for line in render.event_in_full(event, versions):
        click.echo(render.printable(line))
