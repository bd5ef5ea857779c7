"""What people type, read one way everywhere (issue 25): a box is west,south,east,north
in `events list`, the API, `subscriptions add` and subscription files, and a file in
the old order is refused with the fix.

Through the command line in process, the API's app over a real SQLite store holding
the events the pipeline makes of seeds/."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from fastapi.testclient import TestClient

from harness.services import api_test_client, invoke_wirewatch, serve_env
from sinks.storage import connect, upsert_events
from tests.test_api import LATEST, SEED_VERSIONS

GANJA = next(e for e in LATEST.values() if e.location and e.location.name == "Ganja")
AROUND_GANJA = (
    f"{GANJA.location.lon - 0.3},{GANJA.location.lat - 0.3},"
    f"{GANJA.location.lon + 0.3},{GANJA.location.lat + 0.3}"
)


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    database = f"sqlite:///{tmp_path / 'events.db'}"
    upsert_events(connect(database), SEED_VERSIONS)
    return serve_env(database, tmp_path / "state")


@pytest.fixture
def client(env) -> TestClient:
    return api_test_client(env["WIREWATCH_DATABASE_URL"])


def run(env, *args: str) -> subprocess.CompletedProcess:
    return invoke_wirewatch(env, *args)


def _matched(env, subscription: str) -> str:
    tested = run(env, "subscriptions", "test", subscription)
    assert tested.returncode == 0, tested.stderr
    return tested.stdout


def test_the_same_four_numbers_are_the_same_box_in_the_cli_the_api_and_subscriptions(env, client):
    listed = run(env, "events", "list", "--format", "jsonl", "--bbox", AROUND_GANJA)
    assert listed.returncode == 0, listed.stderr
    assert GANJA.event_id in listed.stdout
    found = client.get("/api/events", params={"bbox": AROUND_GANJA}).json()["events"]
    assert [e["event_id"] for e in found] == [GANJA.event_id]
    added = run(env, "subscriptions", "add", "g", "--bbox", AROUND_GANJA, "--file", "g.jsonl")
    assert added.returncode == 0, added.stderr
    assert re.match(r"1 stored events? match", _matched(env, "g"))


def test_a_box_in_the_old_order_is_refused_with_the_numbers_in_the_new_one(env, client):
    # Myanmar, south,west,north,east: read as west,south,east,north, south is 95
    old = "20,95,22,97"
    for args in (
        ("events", "list", "--bbox", old),
        ("subscriptions", "add", "m", "--bbox", old, "--file", "m.jsonl"),
    ):
        refused = run(env, *args)
        assert refused.returncode == 2, refused.stdout
        assert "give west,south,east,north: 95,20,97,22" in refused.stderr
        assert "Traceback" not in refused.stderr
    answer = client.get("/api/events", params={"bbox": old})
    assert answer.status_code == 400
    assert answer.json()["parameter"] == "bbox"
    assert "give west,south,east,north: 95,20,97,22" in answer.json()["problem"]


def test_a_subscription_file_reads_a_box_as_a_list_or_by_its_sides_names(env, tmp_path):
    lon, lat = GANJA.location.lon, GANJA.location.lat
    path = tmp_path / "subs.yaml"
    path.write_text(
        f"- {{id: listed, bbox: [{lon - 0.3}, {lat - 0.3}, {lon + 0.3}, {lat + 0.3}],"
        " delivery: {kind: file, target: a.jsonl}}\n"
        f"- {{id: written, bbox: '{AROUND_GANJA}', delivery: {{kind: file, target: b.jsonl}}}}\n"
        # a file of the old order names its sides: read as the names say
        f"- {{id: named, bbox: {{south: {lat - 0.3}, west: {lon - 0.3}, north: {lat + 0.3},"
        f" east: {lon + 0.3}}}, delivery: {{kind: file, target: c.jsonl}}}}\n"
    )
    loaded = run(env, "subscriptions", "load", str(path))
    assert loaded.returncode == 0, loaded.stderr
    for name in ("listed", "written", "named"):
        assert re.match(r"1 stored events? match", _matched(env, name))


def test_a_subscription_file_with_a_list_in_the_old_order_is_refused_in_one_line(env, tmp_path):
    path = tmp_path / "subs.yaml"
    path.write_text("- {id: m, bbox: [20, 95, 22, 97], delivery: {kind: file, target: m.jsonl}}\n")
    refused = run(env, "subscriptions", "load", str(path))
    assert refused.returncode == 1
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and "subscription 1" in lines[0]
    assert "give west,south,east,north: 95,20,97,22" in lines[0]
    assert run(env, "subscriptions", "list", "--format", "jsonl").stdout.strip() == ""


def _error_line(result: subprocess.CompletedProcess) -> str:
    """The one line of a refusal (click prints the usage above it)."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    [line] = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    return line


AZERBAIJAN = {e.event_id for e in LATEST.values() if e.country == "AZ"}


def test_a_country_is_its_iso_code_or_its_english_name_everywhere(env, client, tmp_path):
    for given in ("Azerbaijan", "azerbaijan", "AZ", "aze"):
        listed = run(env, "events", "list", "--format", "jsonl", "--country", given)
        assert listed.returncode == 0, listed.stderr
        assert {json.loads(line)["event_id"] for line in listed.stdout.splitlines()} == AZERBAIJAN
    found = client.get("/api/events", params={"country": ["Azerbaijan", "Ukraine"]}).json()
    assert {e["country"] for e in found["events"]} == {"AZ", "UA"}
    added = run(env, "subscriptions", "add", "az", "--country", "Azerbaijan", "--file", "a.jsonl")
    assert added.returncode == 0, added.stderr
    assert _matched(env, "az").startswith(f"{len(AZERBAIJAN)} stored events match")
    path = tmp_path / "subs.yaml"
    path.write_text("- {id: ua, countries: [Ukraine], delivery: {kind: file, target: u.jsonl}}\n")
    assert run(env, "subscriptions", "load", str(path)).returncode == 0
    listed = run(env, "subscriptions", "list", "--format", "jsonl").stdout
    assert {json.loads(line)["id"]: json.loads(line)["countries"] for line in listed.splitlines()}[
        "ua"
    ] == ["UA"]


@pytest.mark.parametrize(
    ("given", "named"),
    [("Azerbajan", "Azerbaijan (AZ)"), ("XX", "give an ISO 3166 code"), ("Congo", "(CD)")],
)
def test_an_unknown_country_is_refused_alike_in_every_command_naming_the_closest(
    env, client, tmp_path, given, named
):
    lines = {
        _error_line(run(env, "events", "list", "--country", given)),
        _error_line(run(env, "events", "export", "--country", given)),
        _error_line(run(env, "subscriptions", "add", "x", "--country", given, "--file", "x.jsonl")),
    }
    assert len(lines) == 1, lines  # the same words
    [line] = lines
    assert f"unknown country {given!r}" in line and named in line and "--country" in line
    answer = client.get("/api/events", params={"country": given})
    assert answer.status_code == 400 and answer.json()["parameter"] == "country"
    assert named in answer.json()["problem"] and "regular expression" not in answer.text
    path = tmp_path / "subs.yaml"
    path.write_text(
        f"- {{id: x, countries: [{given}], delivery: {{kind: file, target: x.jsonl}}}}\n"
    )
    loaded = run(env, "subscriptions", "load", str(path))
    assert loaded.returncode == 1 and named in loaded.stderr
    assert len(loaded.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("option", "given", "expected"),
    [
        ("date_from", "01/05/2026", "expected a date as YYYY-MM-DD"),
        ("date_to", "2026-5-1", "expected a date as YYYY-MM-DD"),
        ("updated_since", "yesterday", "expected a time as ISO 8601"),
    ],
)
def test_a_bad_date_is_refused_giving_the_format(env, client, option, given, expected):
    line = _error_line(run(env, "events", "list", "--" + option.replace("_", "-"), given))
    assert expected in line and given in line
    answer = client.get("/api/events", params={option: given})
    assert answer.status_code == 400 and answer.json()["parameter"] == option
    assert expected in answer.json()["problem"]


def test_dates_and_times_in_their_formats_are_read(env, client):
    day = GANJA.event_date.isoformat()
    for params in ({"date_from": day, "date_to": day}, {"updated_since": "2000-01-01"}):
        assert client.get("/api/events", params=params).status_code == 200
    listed = run(env, "events", "list", "--format", "jsonl", "--updated-since", "2000-01-01T00:00Z")
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == len(LATEST)
