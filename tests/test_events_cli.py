"""``wirewatch events list`` and ``events export`` on a real SQLite store holding the
events the pipeline makes of seeds/: the API's filters as options, the formats, and a
bad value named by its option."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess

import pytest

from harness.services import invoke_wirewatch
from sinks.event_formats import CSV_COLUMNS
from sinks.storage import connect, upsert_events
from tests.test_api import LATEST, SEED_VERSIONS


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    database = f"sqlite:///{tmp_path / 'events.db'}"
    upsert_events(connect(database), SEED_VERSIONS)
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("WIREWATCH_", "KAFKA_"))},
        "WIREWATCH_DATABASE_URL": database,
        "WIREWATCH_STATE_DIR": str(tmp_path / "state"),
    }


def run(env, *args: str) -> subprocess.CompletedProcess:
    return invoke_wirewatch(env, *args)


def test_events_list_takes_the_api_filters(env):
    country = next(iter(LATEST.values())).country
    listed = run(env, "events", "list", "--format", "jsonl", "--country", country.lower())
    assert listed.returncode == 0, listed.stderr
    found = [json.loads(line) for line in listed.stdout.splitlines()]
    assert found and {e["country"] for e in found} == {country}
    assert len(found) == sum(e.country == country for e in LATEST.values())
    killed = run(
        env, "events", "list", "--format", "jsonl", "--min-killed", "10", "--sort", "-killed"
    )
    tolls = [json.loads(line)["fatalities"] for line in killed.stdout.splitlines()]
    assert tolls and tolls == sorted(tolls, reverse=True) and min(tolls) >= 10
    limited = run(env, "events", "list", "--format", "jsonl", "--limit", "2")
    assert len(limited.stdout.splitlines()) == 2
    assert "more than 2" in limited.stderr


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--country", "Narnia"], "--country"),
        (["--bbox", "1,2"], "--bbox"),
        (["--date-from", "2026-05-02", "--date-to", "2026-05-01"], "--date-from"),
        (["--near", "40,47"], "--km"),
        (["--type", "war"], "--type"),
    ],
)
def test_a_bad_filter_is_refused_naming_its_option(env, args, option):
    result = run(env, "events", "list", *args)
    assert result.returncode == 2
    assert option in result.stderr and "Traceback" not in result.stderr


def test_events_export_writes_acled_csv_geojson_and_json_lines(env, tmp_path):
    out = tmp_path / "events.csv"
    result = run(env, "events", "export", "--out", str(out))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert sorted(r["wirewatch_event_id"] for r in rows) == sorted(LATEST)
    geojson = run(env, "events", "export", "--format", "geojson", "--country", "AZ")
    features = json.loads(geojson.stdout)["features"]
    assert features and {f["properties"]["country"] for f in features} == {"AZ"}
    lines = run(env, "events", "export", "--format", "jsonl").stdout.splitlines()
    assert len(lines) == len(LATEST)


def test_the_table_keeps_words_whole_and_counts_agree_in_number(env):
    """At 120 columns the place column once broke "Mogadish|u"; "1 events"."""
    wide = {**env, "COLUMNS": "120"}
    table = run(wide, "events", "list", "--format", "table")
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].strip() == f"{len(LATEST)} events"
    places = {e.location.name for e in LATEST.values() if e.location}
    for place in places:
        assert sum(place in line for line in lines) == 1, place
    one = run(wide, "events", "list", "--format", "table", "--country", "SO")
    assert one.stdout.splitlines()[0].strip() == "1 event"
    assert "Mogadishu" in one.stdout
