"""The list tables fit the terminal (issue 14, day one): at 80 columns ids, dates and
counts stay whole on one line and the free text folds; at 200 nothing wraps. Rendered
into rich Consoles of those widths, no terminal needed."""

from __future__ import annotations

import datetime as dt

from rich.console import Console

from ingest.seeds import load_seed, seed_files
from processors.offline import InProcessPipeline
from sinks.alerts.state import Delivery
from tests.conftest import SEEDS
from wirewatch import render
from wirewatch.render import Column, fit_columns


def _events():
    pipeline, latest = InProcessPipeline(), {}
    for path in seed_files(SEEDS):
        for event in pipeline.feed(load_seed(path)):
            latest[event.event_id] = event
    return list(latest.values())


EVENTS = _events()
NOW = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
ALERTS = [
    Delivery(
        f"a{n}", "ukraine-webhook-casualties", f"ev-{n:012d}abcdef", 3, "toll rose", "dead", 5,
        "POST https://hooks.example/incoming/alerts returned 500 Internal Server Error",
        NOW, NOW, None, 12.5,
    )
    for n in range(3)
]  # fmt: skip


def _render(draw, rows, width: int) -> list[str]:
    console = Console(width=width, record=True, color_system=None)
    draw(rows, console)
    return console.export_text().splitlines()


def test_events_at_80_columns_fit_and_keep_dates_and_ids_whole():
    lines = _render(render.events_table, EVENTS, 80)
    assert max(len(line) for line in lines) <= 80
    for event in EVENTS:
        [row] = [line for line in lines if event.event_id[:12] in line]
        assert event.event_date.isoformat() in row and f" {event.country} " in row
    assert "not shown at this width: sources, v" in lines[-1]


def test_events_at_200_columns_show_every_column_one_line_each():
    lines = _render(render.events_table, EVENTS, 200)
    assert max(len(line) for line in lines) <= 200
    assert "sources" in lines[1] and lines[1].rstrip().endswith("v")
    rows = lines[2:]
    assert len(rows) == len(EVENTS)  # no row wrapped
    assert any("shelling_artillery_missile_attack" in row for row in rows)
    assert not any("not shown" in line for line in lines)


def test_alerts_at_80_columns_wrap_the_error_at_spaces_never_inside_a_word():
    lines = _render(render.alerts_table, ALERTS, 80)
    assert max(len(line) for line in lines) <= 80
    assert sum("2026-01-02 03:04:05" in line for line in lines) == 3
    assert sum("ev-000000000" in line for line in lines) == 3
    # the error column's pieces, read down the column, are the error's words, in order,
    # each whole or cut short with an ellipsis
    start = next(line for line in lines if "created" in line).index("error")
    first = next(i for i, line in enumerate(lines) if "ev-000000000" in line)
    column = []
    for line in lines[first:]:
        if column and "ev-000000000" in line:
            break
        column += line[start:].split()
    words = ALERTS[0].last_error.split()
    assert len(column) == len(words)
    for shown, word in zip(column, words, strict=True):
        assert shown == word or (shown.endswith("…") and word.startswith(shown[:-1]))


def test_alerts_at_200_columns_are_one_line_each():
    lines = _render(render.alerts_table, ALERTS, 200)
    assert len([line for line in lines if "2026-01-02" in line]) == 3
    assert all(ALERTS[0].last_error in line for line in lines if "2026-01-02" in line)


def test_fit_columns_shares_the_spare_width_and_drops_the_least_needed_first():
    columns = [Column("id", keep=True), Column("text", min_width=5), Column("n", keep=True, drop=1)]
    rows = [["abcdef", "word " * 20, "7"]]
    assert fit_columns(columns, rows, 200) == {0: 6, 1: 100, 2: 1}  # natural widths
    assert fit_columns(columns, rows, 30) == {0: 6, 1: 30 - 6 - 1 - 6, 2: 1}
    assert fit_columns(columns, rows, 15) == {0: 6, 1: 5}  # n dropped, text at its least


def test_a_word_that_fits_the_width_gets_its_column_and_droppable_columns_go_first():
    columns = [
        Column("id", keep=True),
        Column("place", min_width=5),
        Column("n", keep=True, drop=1),
    ]
    rows = [["abcdef", "Mogadishu town", "7"]]
    assert fit_columns(columns, rows, 19) == {0: 6, 1: 9}  # n left out; Mogadishu whole
    assert fit_columns(columns, rows, 12) == {0: 6, 1: 5}  # too narrow even so: its least


def _words(rows) -> set[str]:
    return {word for row in rows for cell in row for word in cell.split()}


def _broken_words(lines: list[str], words: set[str]) -> list[str]:
    """Pieces of the table that are neither a whole word of its cells nor one cut short
    with an ellipsis: a word broken across lines."""
    return [
        piece
        for line in lines
        for piece in line.split()
        if piece not in words
        and not (piece.endswith("…") and any(w.startswith(piece[:-1]) for w in words))
    ]


def _event_cells(events) -> list[tuple[str, ...]]:
    return [
        (
            e.location.name if e.location else "",
            e.sub_event_type.value,
            ", ".join(e.sources),
            e.event_id[:12],
            e.event_date.isoformat(),
            e.country,
            str(e.fatalities),
            str(e.injured),
            str(e.version),
            "-",
        )
        for e in events
    ]


def test_no_table_breaks_a_word_at_any_width():
    """Rich's overflow="fold" broke a word longer than its column onto the next line
    ("Mogadish|u" at 120 columns); now a column is as wide as its longest word when the
    width allows, and a word wider than it ends in an ellipsis."""
    headers = {"date", "country", "place", "type", "killed", "injured", "sources", "id", "v"}
    alert_headers = {"created", "subscription", "event", "reason", "status", "tries", "latency"}
    for width in range(80, 201, 4):
        lines = _render(render.events_table, EVENTS, width)
        body = [line for line in lines[2:] if "not shown at this width" not in line]
        assert _broken_words(body, _words(_event_cells(EVENTS)) | headers) == [], width
        alert_lines = _render(render.alerts_table, ALERTS, width)
        cells = [
            (a.subscription_id, a.event_id[:12], a.reason, a.last_error, a.status, "2026-01-02")
            for a in ALERTS
        ]
        known = _words(cells) | alert_headers | {"s", "03:04:05", "3", "5", "12.500", "error"}
        body = [line for line in alert_lines[2:] if "not shown at this width" not in line]
        assert _broken_words(body, known) == [], width


def test_counts_agree_in_number():
    one = [e for e in EVENTS if e.country == "SO"]
    assert _render(render.events_table, one, 120)[0].strip() == "1 event"
    assert _render(render.events_table, EVENTS, 120)[0].strip() == f"{len(EVENTS)} events"
    assert _render(render.alerts_table, ALERTS[:1], 120)[0].strip() == "1 alert"
    assert render.counted(0, "event") == "0 events"
    assert render.counted(1, "dead letter") == "1 dead letter"
