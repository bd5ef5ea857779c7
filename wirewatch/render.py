"""Terminal rendering of events for people (machines get JSON Lines)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from schemas.event import Event


def _count(value: int | None) -> str:
    return "-" if value is None else str(value)


def events_table(events: list[Event], console: Console | None = None) -> None:
    table = Table(title=f"{len(events)} events", show_lines=False)
    for column in ("date", "country", "place", "type", "killed", "injured", "sources", "id", "v"):
        table.add_column(column, overflow="fold")
    for item in events:
        table.add_row(
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
    (console or Console()).print(table)


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
    table = Table(title=f"{len(rows)} feeds")
    for column in (
        "url",
        "name",
        "last success",
        "failures",
        "last error",
        "entries",
        "304s",
        "next poll",
    ):
        table.add_column(column, overflow="fold")
    for feed, health in rows:
        table.add_row(
            feed.url,
            feed.name or "",
            _ago(health.last_success),
            str(health.consecutive_failures),
            health.last_error or "" if health.consecutive_failures else "",
            str(health.entries_seen),
            str(health.not_modified),
            _ago(health.next_poll_at) if health.next_poll_at else "now",
        )
    (console or Console()).print(table)
