"""Ids people can type (issue 25, item 7): any prefix of 8 or more characters that
starts one event's id alone stands for it in the API and in `wirewatch events show`;
one that starts several is refused listing them (409 in the API). `events show`
prints the event in full: every version, the evidence, the sources and their links.

On a real store (SQLite, and the suite's PostgreSQL) holding the events the pipeline
makes of seeds/, and two more whose ids share their first 16 characters."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from harness.services import api_test_client, invoke_wirewatch, serve_env
from sinks.storage import connect, upsert_events
from tests.test_api import LATEST, SEED_VERSIONS

REVISED = next(e for e in LATEST.values() if e.version > 1 and e.reports)
TWINS = ("abcdef0123456789aaaaaaaa", "abcdef0123456789bbbbbbbb")


@pytest.fixture
def env(database_url, tmp_path) -> dict[str, str]:
    engine = connect(database_url)
    upsert_events(
        engine,
        [*SEED_VERSIONS, *(REVISED.model_copy(update={"event_id": twin}) for twin in TWINS)],
    )
    engine.dispose()
    return serve_env(database_url, tmp_path / "state")


@pytest.fixture
def client(env) -> TestClient:
    return api_test_client(env["WIREWATCH_DATABASE_URL"])


def test_the_api_takes_a_unique_prefix_of_eight_or_more_characters(client):
    for prefix in (REVISED.event_id[:8], REVISED.event_id[:12], REVISED.event_id):
        answer = client.get(f"/api/events/{prefix}")
        assert answer.status_code == 200, (prefix, answer.text)
        assert answer.json()["event"]["event_id"] == REVISED.event_id
        assert [v["version"] for v in answer.json()["versions"]] == list(
            range(1, REVISED.version + 1)
        )
    assert client.get(f"/api/events/{REVISED.event_id[:7]}").status_code == 404
    assert client.get("/api/events/00000000").status_code == 404


def test_the_api_answers_an_ambiguous_prefix_with_409_and_the_candidates(client):
    answer = client.get("/api/events/abcdef0123")
    assert answer.status_code == 409
    body = answer.json()
    assert body["candidates"] == list(TWINS)
    assert all(twin in body["problem"] for twin in TWINS)
    assert client.get(f"/api/events/{TWINS[1][:17]}").json()["event"]["event_id"] == TWINS[1]


def test_events_show_prints_every_version_the_evidence_sources_and_links(env):
    shown = invoke_wirewatch(env, "events", "show", REVISED.event_id[:12])
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    assert REVISED.event_id in out
    for version in range(1, REVISED.version + 1):
        assert f"  v{version}  stored " in out
    for text in REVISED.evidence:
        assert " ".join(text.split()) in out
    for report in REVISED.reports:
        assert report.source in out and report.url in out
    as_json = invoke_wirewatch(env, "events", "show", REVISED.event_id[:8], "--format", "json")
    body = json.loads(as_json.stdout)
    assert body["event"]["event_id"] == REVISED.event_id
    assert len(body["versions"]) == REVISED.version


def test_events_show_refuses_an_ambiguous_or_unknown_id_in_one_line(env):
    ambiguous = invoke_wirewatch(env, "events", "show", "abcdef0123")
    assert ambiguous.returncode == 1
    [line] = ambiguous.stderr.strip().splitlines()
    assert all(twin in line for twin in TWINS) and "give more of the id" in line
    unknown = invoke_wirewatch(env, "events", "show", REVISED.event_id[:7])
    assert unknown.returncode == 1
    [line] = unknown.stderr.strip().splitlines()
    assert "8 or more" in line
