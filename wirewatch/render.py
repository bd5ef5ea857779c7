"""What the command line prints for people: one table renderer, and the rows of each
list (events, feeds, subscriptions, alerts). Machines get JSON Lines instead: the
default when the output is not a terminal.

A table fits the terminal's width. Columns that identify a row or are read at a glance
(dates, ids, counts, statuses) never wrap or shrink; the free-text ones (places,
outlets, URLs, errors) share what width is left, wrapping at spaces onto more lines,
each as wide as its longest word when the width allows (a word is never broken; one
wider than its column ends in an ellipsis), none narrower than its ``min_width``.
Counts agree in number ("1 event", "2 events"). Borders are light, so that text
keeps the space.

Every cell and every printed line is text, never rich markup: titles, places, outlets,
errors and URLs come from feeds, webhooks and dead letters, and ``[/bold]`` in one must
neither break the table nor ``[link=...]`` write a hyperlink into the terminal. Their
control characters (the start of a terminal's escape sequences) are shown as codes.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from schemas.alert import Subscription
from schemas.event import Event
from sinks.alerts.channels import shown_target

if TYPE_CHECKING:
    from deadletters.reading import StoredLetter
    from deadletters.status import LetterCount
    from sinks.event_query import StoredVersion


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(value: str) -> str:
    """VALUE with each control character but newline and tab shown as its code
    (ESC as \\x1b), so that no text from outside moves the cursor, restyles the
    terminal or writes a link into it."""
    return _CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", value)


def plain(value: str, **options: Any) -> Text:
    """VALUE for rich as text, never as markup (see `printable`)."""
    return Text(printable(value), **options)


def chosen_format(asked: str | None) -> str:
    """The format asked for, else a table on a terminal and JSON Lines otherwise."""
    return asked or ("table" if sys.stdout.isatty() else "jsonl")


@dataclass(frozen=True)
class Column:
    """A column of a table. KEEP: never wraps nor shrinks (ids, dates, numbers);
    otherwise it folds to fit, down to MIN_WIDTH. DROP: 0 for a column always shown;
    on a console too narrow for every column at its least width, the highest DROP goes
    first (the caption names what was left out)."""

    header: str
    keep: bool = False
    min_width: int = 8
    drop: int = 0


GUTTER = 2  # cells between two columns (their paddings), and at each edge one


def _natural(column: Column, cells: Sequence[str]) -> int:
    lines = [column.header, *(line for cell in cells for line in cell.splitlines() or [""])]
    return max(cell_len(line) for line in lines)


def _longest_word(cells: Sequence[str]) -> int:
    return max((cell_len(word) for cell in cells for word in cell.split()), default=0)


def fit_columns(
    columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int
) -> dict[int, int]:
    """The columns to show on a console WIDTH cells wide and the width of each, by index.

    A kept column is as wide as its widest cell. When everything fits, every column has
    its natural width. Otherwise the folding ones share what is left, each at least its
    min_width, in proportion to how much more they would take; and when even the least
    widths do not fit, the droppable columns go, highest DROP first.
    """
    natural = [_natural(column, [row[i] for row in rows]) for i, column in enumerate(columns)]
    # a folding column wraps at spaces: as wide as its longest word, every word is whole
    whole_words = [
        natural[i]
        if column.keep
        else min(natural[i], max(column.min_width, _longest_word([row[i] for row in rows])))
        for i, column in enumerate(columns)
    ]
    least = [
        natural[i] if column.keep else min(column.min_width, natural[i])
        for i, column in enumerate(columns)
    ]
    shown = list(range(len(columns)))

    def room(widths: Sequence[int]) -> int:
        return width - GUTTER * len(shown) - sum(widths[i] for i in shown)

    droppable = sorted(
        (i for i, column in enumerate(columns) if column.drop),
        key=lambda i: (-columns[i].drop, -i),
    )
    for index in droppable:  # words whole, leaving out what must go for that
        if room(whole_words) >= 0:
            break
        shown.remove(index)
    if room(whole_words) >= 0:
        least = whole_words
    else:  # even so too narrow: the least widths, and long words cut with an ellipsis
        shown = list(range(len(columns)))
        for index in droppable:
            if room(least) >= 0:
                break
            shown.remove(index)
    if room(natural) >= 0:
        return {i: natural[i] for i in shown}
    widths = {i: least[i] for i in shown}
    spare = max(room(least), 0)
    folding = [i for i in shown if natural[i] > least[i]]
    wanted = sum(natural[i] - least[i] for i in folding)
    for i in folding:
        widths[i] += (natural[i] - least[i]) * spare // wanted
    leftover = spare - sum(widths[i] - least[i] for i in folding)
    for i in sorted(folding, key=lambda i: natural[i] - widths[i], reverse=True):
        if leftover <= 0:
            break
        widths[i] += 1
        leftover -= 1
    return widths


def print_table(
    title: str,
    columns: Sequence[Column | str],
    rows: Iterable[Sequence[str]],
    console: Console | None = None,
    cut: Collection[str] = (),
) -> None:
    """Rows under their column names, as wide as the console at most: the kept columns
    whole, the others folded (a plain name is a folding column), the droppable ones
    left out when even that does not fit. The CUT columns (by header) are sized like
    folding ones, and their cells stay on one line ending in an ellipsis."""
    console = console or Console()
    specs = [column if isinstance(column, Column) else Column(column) for column in columns]
    rows = [[printable(cell) for cell in row] for row in rows]
    widths = fit_columns(specs, rows, console.width)
    left_out = [spec.header for i, spec in enumerate(specs) if i not in widths]
    table = Table(
        title=plain(title),
        caption=(
            f"not shown at this width: {', '.join(left_out)} (--format jsonl has every field)"
            if left_out
            else None
        ),
        box=None,
        header_style="bold underline",
        padding=(0, GUTTER // 2),
        pad_edge=True,
    )
    for i, width in widths.items():
        # wrapped at spaces; a word wider than its column is cut with an ellipsis, never
        # broken onto the next line ("fold" would break "Mogadishu" as "Mogadish|u")
        overflow = "ignore" if specs[i].keep else "ellipsis"
        table.add_column(specs[i].header, width=width, no_wrap=specs[i].keep, overflow=overflow)
    for row in rows:
        table.add_row(
            *(
                Text(row[i], no_wrap=True, overflow="ellipsis")
                if specs[i].header in cut
                else Text(row[i])
                for i in widths
            )
        )
    console.print(table)


def _count(value: int | None) -> str:
    return "-" if value is None else str(value)


def events_table(events: list[Event], console: Console | None = None) -> None:
    columns = (
        Column("date", keep=True),
        Column("country", keep=True),
        Column("place", min_width=8),
        Column("type", min_width=10),
        Column("killed", keep=True),
        Column("injured", keep=True),
        Column("sources", min_width=8, drop=2),
        Column("id", keep=True),
        Column("v", keep=True, drop=3),
    )
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
    print_table(counted(len(events), "event"), columns, rows, console)


def event_line(item: Event) -> str:
    place = item.location.name if item.location else "?"
    return (
        f"{item.event_date} {item.country} {place}: {item.sub_event_type.value}, "
        f"killed {_count(item.fatalities)}, injured {_count(item.injured)} "
        f"[{', '.join(item.sources)}] v{item.version}"
    )


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """COUNT NOUN, the noun in the number the count asks for: "1 event", "2 events"."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def _moment_text(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _figure(name: str, value: int | None, span: Any) -> str:
    if value is None:
        return f"{name} unknown"
    if span is None or span.low.value == span.high.value:
        return f"{name} {value}"
    return f"{name} {value} (reports said {span.low.value} to {span.high.value})"


def event_in_full(item: Event, versions: Sequence[StoredVersion]) -> list[str]:
    """`wirewatch events show`: the event, its sources with their links, its evidence,
    every version stored and the history of each field, as lines of plain text."""
    place = item.location
    where = (
        f"{place.name}{f' ({place.admin1})' if place.admin1 else ''}, {place.precision} "
        f"at {place.lat},{place.lon}"
        if place
        else "place unknown"
    )
    actors = "; ".join(actor for actor in (item.actor1, item.actor2) if actor) or "unknown"
    lines = [
        f"event {item.event_id}, version {item.version} ({counted(len(versions), 'version')}"
        " stored)",
        f"  {item.event_date.isoformat()}  {item.country}  {where}",
        f"  {item.event_type.value}: {item.sub_event_type.value}",
        f"  actors: {actors}",
        "  "
        + ", ".join(
            (
                _figure("killed", item.fatalities, item.fatalities_range),
                _figure("injured", item.injured, item.injured_range),
            )
        ),
        f"  first seen {_moment_text(item.first_seen)}, last updated "
        f"{_moment_text(item.last_updated)}; confidence {item.confidence:g}",
        "",
        f"{counted(len(item.sources), 'source')}: {', '.join(item.sources)}"
        + (f" ({len(item.independent_sources)} independent)" if item.independent_sources else ""),
    ]
    if item.reports:
        lines.append("links:")
        for report in item.reports:
            lines.append(
                f"  {_moment_text(report.published)}  {report.source}  "
                f"{report.url or '(no address)'}"
                + ("  (republished)" if report.republished else "")
            )
    lines += ["", "evidence:", *(f"  - {' '.join(text.split())}" for text in item.evidence)]
    lines += ["", "versions:"]
    for stored in versions:
        event = stored.event
        lines.append(
            f"  v{stored.version}  stored {_moment_text(stored.stored_at)}  "
            f"{event.sub_event_type.value}, killed {_count(event.fatalities)}, "
            f"injured {_count(event.injured)}  sources: {', '.join(event.sources)}"
        )
    if item.history:
        lines += ["", "history (each value a field took, and who reported it):"]
        for revision in item.history:
            value = "-" if revision.value is None else revision.value
            lines.append(
                f"  {revision.field}: {value}  "
                f"({revision.source}, {_moment_text(revision.published)})"
            )
    return lines


def _ago(value) -> str:
    if value is None:
        return "never"
    seconds = (dt.datetime.now(dt.UTC) - value).total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if abs(seconds) >= size:
            return (
                f"{seconds / size:.0f}{unit} ago"
                if seconds > 0
                else f"in {-seconds / size:.0f}{unit}"
            )
    return f"{seconds:.0f}s ago" if seconds >= 0 else f"in {-seconds:.0f}s"


def languages_line(languages: dict[str, int]) -> str:
    """ "fr 12, es 3": counts by language, most first."""
    ordered = sorted(languages.items(), key=lambda pair: (-pair[1], pair[0]))
    return ", ".join(f"{language} {count}" for language, count in ordered)


def feeds_table(
    rows, console: Console | None = None, not_read: dict[str, dict[str, int]] | None = None
) -> None:
    """NOT_READ: feed URL -> language -> articles skipped as not English."""
    not_read = not_read or {}
    columns = (
        Column("url", min_width=16),
        Column("name", min_width=8),
        Column("last success", keep=True),
        Column("failures", keep=True),
        Column("last error", min_width=10),
        Column("entries", keep=True, drop=1),
        Column("304s", keep=True, drop=2),
        Column("next poll", keep=True),
        Column("not English", min_width=6, drop=3),
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
            languages_line(not_read.get(feed.url, {})),
        )
        for feed, health in rows
    )
    print_table(counted(len(rows), "feed"), columns, cells, console)


def catalogue_table(feeds, read_languages: Collection[str], console: Console | None = None) -> None:
    """The catalogue's feeds (ingest.feed_catalogue.CatalogueFeed); a language the
    extractor does not read (not in READ_LANGUAGES) is marked so."""
    columns = (
        Column("name", keep=True),
        Column("region", keep=True),
        Column("lang", keep=True),
        Column("publisher", min_width=10),
        Column("url", min_width=20),
        Column("terms", min_width=16, drop=1),
    )
    cells = (
        (
            feed.name,
            feed.region,
            feed.language if feed.language in read_languages else f"{feed.language} (not read)",
            feed.publisher,
            feed.url,
            feed.terms,
        )
        for feed in feeds
    )
    print_table(f"{counted(len(feeds), 'feed')} in the catalogue", columns, cells, console)


def subscriptions_table(found: list[Subscription], console: Console | None = None) -> None:
    rows = (
        (sub.id, describe_subscription(sub), f"{sub.delivery.kind}: {shown_target(sub)}")
        for sub in found
    )
    columns = (Column("id", keep=True), Column("watches", min_width=16), Column("delivery"))
    print_table(counted(len(found), "subscription"), columns, rows, console)


def alerts_table(rows, console: Console | None = None) -> None:
    columns = (
        Column("created", keep=True),
        Column("subscription", min_width=8),
        Column("event", keep=True),
        Column("v", keep=True, drop=2),
        Column("reason", min_width=6),
        Column("status", keep=True),
        Column("tries", keep=True, drop=1),
        Column("latency s", keep=True, drop=3),
        Column("error", min_width=10),
    )
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
    print_table(counted(len(rows), "alert"), columns, cells, console)


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
    print_table(counted(total, "dead letter"), ("topic", "letters", "offsets"), rows, console)


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
    title = counted(len(letters), "dead letter") + (f" in {letters[0].topic}" if letters else "")
    columns = ("offset", "time", "stage", "reason", "bytes", "original")
    print_table(title, columns, rows, console, cut={"reason"})


def status_table(document: dict[str, Any], console: Console | None = None) -> None:
    """`wirewatch status` for a person: the broker's line, then each stage's lag, the
    dead letters and the workers as tables, then the collector and the store in a line
    each. A part that could not be read is its one line of why."""
    console = console or Console()
    broker = document["broker"]
    if not broker["reachable"]:
        console.print(plain(f"broker     not reachable at {broker['servers']}: {broker['error']}"))
    else:
        workers = broker["workers"]
        console.print(
            plain(
                f"broker     up at {broker['servers']}; group {broker['group']} "
                f"({broker['group_state']}), {counted(len(workers), 'worker')}"
            )
        )
        print_table(
            "lag per stage",
            ("stage", "topic", "lag", "partitions (committed/end)"),
            (
                (
                    stage["stage"],
                    stage["topic"],
                    str(stage["lag"]),
                    " ".join(
                        f"{p['partition']}:{_count(p['committed'])}/{p['end']}"
                        for p in stage["partitions"]
                    ),
                )
                for stage in broker["stages"]
            ),
            console,
        )
        print_table(
            "dead letters",
            ("topic", "letters"),
            ((topic, str(count)) for topic, count in broker["dead_letters"].items()),
            console,
        )
        if workers:
            print_table(
                "workers",
                ("client", "host", "partitions"),
                ((w["client_id"], w["host"], str(w["partitions"])) for w in workers),
                console,
            )
    collector = document["collector"]
    if "error" in collector:
        console.print(plain(f"collector  {collector['error']}"))
    else:
        console.print(
            plain(
                f"collector  last poll {_ago(_moment(collector['last_poll']))} "
                f"({counted(collector['feeds_polled'], 'feed')} polled)"
            )
        )
        for feed, languages in collector.get("not_english", {}).items():
            console.print(
                f"           {counted(sum(languages.values()), 'article')} skipped, not English "
                f"({languages_line(languages)}): {feed}"
            )
    events = document["events"]
    if "error" in events:
        console.print(plain(f"events     {events['error']}"))
    elif events["last_stored_at"] is None:
        console.print(plain("events     none stored"))
    else:
        console.print(
            plain(
                f"events     {events['stored']} stored; last "
                f"{_ago(_moment(events['last_stored_at']))} (event {events['last_event_id'][:12]})"
            )
        )


def _moment(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def describe_subscription(sub: Subscription) -> str:
    """What a subscription watches, in one line."""
    parts = []
    if sub.countries:
        parts.append("countries " + ", ".join(sub.countries))
    if sub.radius:
        parts.append(f"{sub.radius.km:g} km around {sub.radius.lat:g},{sub.radius.lon:g}")
    if sub.bbox:
        parts.append(f"box {sub.bbox} (west,south,east,north)")
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
