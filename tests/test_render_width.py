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


def test_alerts_at_80_columns_fold_the_error_without_losing_a_character():
    lines = _render(render.alerts_table, ALERTS, 80)
    assert max(len(line) for line in lines) <= 80
    assert sum("2026-01-02 03:04:05" in line for line in lines) == 3
    assert sum("ev-000000000" in line for line in lines) == 3
    # the error column's pieces, read down the column, are the whole error
    start = lines[2].index("error")
    first = next(i for i, line in enumerate(lines) if "ev-000000000" in line)
    column = []
    for line in lines[first:]:
        if column and "ev-000000000" in line:
            break
        column.append(line[start:].strip())
    assert "".join(column).replace(" ", "") == ALERTS[0].last_error.replace(" ", "")


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
