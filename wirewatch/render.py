"""What the command line prints for people: one table renderer, and the rows of each
list (events, feeds, subscriptions, alerts). Machines get JSON Lines instead: the
default when the output is not a terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.table import Table

from schemas.alert import Subscription
from schemas.event import Event
from sinks.alerts.channels import shown_target


def chosen_format(asked: str | None) -> str:
    """The format asked for, else a table on a terminal and JSON Lines otherwise."""
    return asked or ("table" if sys.stdout.isatty() else "jsonl")


def print_table(
    title: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[str]],
    console: Console | None = None,
) -> None:
    """Rows under their column names; long cells fold rather than widen the table."""
    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    (console or Console()).print(table)


def _count(value: int | None) -> str:
    return "-" if value is None else str(value)


def events_table(events: list[Event], console: Console | None = None) -> None:
    columns = ("date", "country", "place", "type", "killed", "injured", "sources", "id", "v")
    rows = (
        (
            item.event_date.isoformat(),
            item.country,
            item.location.name if item.location else "",
            item.sub_event_type.value,
            _count(item.fatalities),
            _count(item.injured),
            ", ".join(item.sources),
            item.event_id[:12],
            str(item.version),
        )
        for item in events
    )
    print_table(f"{len(events)} events", columns, rows, console)


def event_line(item: Event) -> str:
    place = item.location.name if item.location else "?"
    return (
        f"{item.event_date} {item.country} {place}: {item.sub_event_type.value}, "
        f"killed {_count(item.fatalities)}, injured {_count(item.injured)} "
        f"[{', '.join(item.sources)}] v{item.version}"
    )


def _ago(value) -> str:
    if value is None:
        return "never"
    import datetime as dt

    seconds = (dt.datetime.now(dt.UTC) - value).total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if abs(seconds) >= size:
            return (
                f"{seconds / size:.0f}{unit} ago"
                if seconds > 0
                else f"in {-seconds / size:.0f}{unit}"
            )
    return f"{seconds:.0f}s ago" if seconds >= 0 else f"in {-seconds:.0f}s"


def feeds_table(rows, console: Console | None = None) -> None:
    columns = (
        "url",
        "name",
        "last success",
        "failures",
        "last error",
        "entries",
        "304s",
        "next poll",
    )
    cells = (
        (
            feed.url,
            feed.name or "",
            _ago(health.last_success),
            str(health.consecutive_failures),
            health.last_error or "" if health.consecutive_failures else "",
            str(health.entries_seen),
            str(health.not_modified),
            _ago(health.next_poll_at) if health.next_poll_at else "now",
        )
        for feed, health in rows
    )
    print_table(f"{len(rows)} feeds", columns, cells, console)


def subscriptions_table(found: list[Subscription], console: Console | None = None) -> None:
    rows = (
        (sub.id, describe_subscription(sub), f"{sub.delivery.kind}: {shown_target(sub)}")
        for sub in found
    )
    print_table(f"{len(found)} subscriptions", ("id", "watches", "delivery"), rows, console)


def alerts_table(rows, console: Console | None = None) -> None:
    columns = ("created", "subscription", "event", "v", "reason", "status", "tries")
    cells = (
        (
            row.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            row.subscription_id,
            row.event_id[:12],
            str(row.event_version),
            row.reason,
            row.status,
            str(row.attempts),
            f"{row.latency_seconds:.3f}" if row.latency_seconds is not None else "-",
            row.last_error or "",
        )
        for row in rows
    )
    print_table(f"{len(rows)} alerts", (*columns, "latency s", "error"), cells, console)


def describe_subscription(sub: Subscription) -> str:
    """What a subscription watches, in one line."""
    parts = []
    if sub.countries:
        parts.append("countries " + ", ".join(sub.countries))
    if sub.radius:
        parts.append(f"{sub.radius.km:g} km around {sub.radius.lat:g},{sub.radius.lon:g}")
    if sub.bbox:
        box = sub.bbox
        parts.append(f"box {box.south:g},{box.west:g},{box.north:g},{box.east:g}")
    if sub.event_types or sub.sub_event_types:
        parts.append(
            "types "
            + ", ".join(
                [*(t.value for t in sub.event_types), *(t.value for t in sub.sub_event_types)]
            )
        )
    if sub.actors:
        parts.append("actors " + ", ".join(sub.actors))
    if sub.min_fatalities is not None:
        parts.append(f"killed >= {sub.min_fatalities}")
    if sub.min_casualties is not None:
        parts.append(f"killed + injured >= {sub.min_casualties}")
    if sub.keywords:
        parts.append("keywords " + ", ".join(sub.keywords))
    return "; ".join(parts) or "everything"
