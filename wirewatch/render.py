"""What the command line prints for people: one table renderer, and the rows of each
list (events, feeds, subscriptions, alerts). Machines get JSON Lines instead: the
default when the output is not a terminal."""

from __future__ import annotations

import sys
from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from schemas.alert import Subscription
from schemas.event import Event
from sinks.alerts.channels import shown_target

if TYPE_CHECKING:
    from ingest.dead_letters import LetterCount, StoredLetter


def chosen_format(asked: str | None) -> str:
    """The format asked for, else a table on a terminal and JSON Lines otherwise."""
    return asked or ("table" if sys.stdout.isatty() else "jsonl")


def print_table(
    title: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[str]],
    console: Console | None = None,
    cut: Collection[str] = (),
) -> None:
    """Rows under their column names; long cells fold rather than widen the table, or,
    in the CUT columns, stay on one line ending in an ellipsis."""
    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    # A cut column folds like the others when the table is sized (so it gives way
    # first), and its cells then stay on one line.
    cuts = [column in cut for column in columns]
    for row in rows:
        table.add_row(
            *(
                Text(cell, no_wrap=True, overflow="ellipsis") if is_cut else cell
                for cell, is_cut in zip(row, cuts, strict=True)
            )
        )
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


def dead_letter_counts_table(counts: list[LetterCount], console: Console | None = None) -> None:
    rows = (
        (
            count.topic,
            str(count.letters) if count.exists else "- (not created)",
            f"{count.first} to {count.end - 1}" if count.letters else "",
        )
        for count in counts
    )
    total = sum(count.letters for count in counts)
    print_table(f"{total} dead letters", ("topic", "letters", "offsets"), rows, console)


def dead_letter_row(stored: StoredLetter) -> dict[str, Any]:
    """A letter's line of `dlq list TOPIC --format jsonl`: where it is and why, without
    the original bytes (`dlq show` has them)."""
    letter = stored.letter
    if letter is None:
        return {"offset": stored.offset, "at": stored.at.isoformat(), "error": stored.problem}
    return {
        "offset": stored.offset,
        "at": stored.at.isoformat(),
        "failed_at": letter.failed_at.isoformat(),
        "source_topic": letter.source_topic,
        "partition": letter.partition,
        "source_offset": letter.offset,
        "stage": letter.stage,
        "error_type": letter.error_type,
        "error": letter.error,
        "value_bytes": letter.value_bytes,
        "value_sha256": letter.value_sha256,
        "stored_apart": letter.stored_apart,
        "truncated": letter.truncated,
    }


def _kept(stored: StoredLetter) -> str:
    letter = stored.letter
    if letter is None:
        return "-"
    return "truncated" if letter.truncated else "apart" if letter.stored_apart else "inline"


def dead_letters_table(letters: list[StoredLetter], console: Console | None = None) -> None:
    rows = (
        (
            str(stored.offset),
            (stored.letter.failed_at if stored.letter else stored.at).strftime("%Y-%m-%d %H:%M:%S"),
            stored.letter.stage if stored.letter else "?",
            " ".join((stored.letter.error if stored.letter else stored.problem or "").split()),
            f"{stored.letter.value_bytes:,}"
            if stored.letter and stored.letter.value_bytes
            else "-",
            _kept(stored),
        )
        for stored in letters
    )
    title = f"{len(letters)} dead letters" + (f" in {letters[0].topic}" if letters else "")
    columns = ("offset", "time", "stage", "reason", "bytes", "original")
    print_table(title, columns, rows, console, cut={"reason"})


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
