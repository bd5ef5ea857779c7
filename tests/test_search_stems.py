"""Search that finds words by their stems (issue 25, item 6): "shelling" finds
"shelled", "missile" finds "Missiles", on SQLite (FTS5, Porter) and PostgreSQL
(the English configuration), through the API and `events list --q`; and a store
written by the code before the stems, opened by this code, is searched the same way
(the migration fills its index from the events already stored)."""

from __future__ import annotations

import os

import pytest
from fastapi.testclient import TestClient

from harness.services import api_test_client, invoke_wirewatch
from infra.db import make_engine, migrate
from sinks import storage
from sinks.storage import connect, upsert_events
from tests.test_api import LATEST, SEED_VERSIONS

SHELLED = {e.event_id for e in LATEST.values() if "shelled" in " ".join(e.evidence)}
MISSILES = {e.event_id for e in LATEST.values() if "Missiles" in " ".join(e.evidence)}
MISSILE = {e.event_id for e in LATEST.values() if " missile " in " ".join(e.evidence)}
BEFORE_STEMS = 8  # the last migration of the code before (the index of whole words)


def _found(client: TestClient, q: str) -> set[str]:
    answer = client.get("/api/events", params={"q": q, "limit": 1000})
    assert answer.status_code == 200, answer.text
    return {e["event_id"] for e in answer.json()["events"]}


def _client(database_url: str) -> TestClient:
    return api_test_client(database_url)


def _searched_by_stems(database_url: str, tmp_path) -> None:
    client = _client(database_url)
    assert SHELLED and MISSILES and MISSILE  # the seeds hold the words the issue names
    assert _found(client, "shelling") >= SHELLED
    assert _found(client, "missile") >= (MISSILES | MISSILE)
    assert _found(client, "MISSILES") >= (MISSILES | MISSILE)
    ganja = {e.event_id for e in LATEST.values() if e.location and e.location.name == "Ganja"}
    assert _found(client, "missiles Ganja") == ganja  # every word must hold
    assert _found(client, "zzyzx") == set()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("WIREWATCH_", "KAFKA_"))},
        "WIREWATCH_DATABASE_URL": database_url,
        "WIREWATCH_STATE_DIR": str(tmp_path / "state"),
    }
    listed = invoke_wirewatch(env, "events", "list", "--format", "jsonl", "--q", "shelling")
    assert listed.returncode == 0, listed.stderr
    assert all(event_id in listed.stdout for event_id in SHELLED)


def test_a_new_store_finds_words_by_their_stems(database_url, tmp_path):
    upsert_events(connect(database_url), SEED_VERSIONS)
    _searched_by_stems(database_url, tmp_path)


def test_a_store_of_the_code_before_is_upgraded_and_found_by_stems(database_url, tmp_path):
    before = make_engine(database_url)
    migrate(before, "events", storage.MIGRATIONS[:BEFORE_STEMS])
    upsert_events(before, SEED_VERSIONS)  # its index holds whole words
    before.dispose()
    upgraded = connect(database_url)
    _searched_by_stems(database_url, tmp_path)
    # and a version stored after the upgrade is found by a stem of its new words
    some = next(iter(SHELLED))
    changed = LATEST[some].model_copy(
        update={"version": LATEST[some].version + 1, "evidence": ["Drones bombarded it."]}
    )
    upsert_events(upgraded, [changed])
    assert _found(_client(database_url), "bombarding drone") == {some}


@pytest.mark.parametrize("q", ["the", "a of"])
def test_a_search_of_common_words_alone_is_answered_not_refused(database_url, q):
    upsert_events(connect(database_url), SEED_VERSIONS)
    answer = _client(database_url).get("/api/events", params={"q": q})
    assert answer.status_code == 200
