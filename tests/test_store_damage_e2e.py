"""A SQLite store damaged under a running worker, on the real broker (issue 23, item 4):
the worker logs nothing as stored that is not, dead-letters nothing, and says on
/readyz that the store is at fault; once the file is restored from a backup (or moved
away: the restarted worker refills a new store from the events topic) and the worker
restarted, every event arrives, nothing lost."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from harness.kafka_helpers import lag_by_partition, pipeline_lag, read_topic
from harness.services import free_port, wait_until
from sinks.storage import connect, count_versions, list_events
from tests.conftest import SEEDS, wirewatch_command

pytestmark = pytest.mark.kafka

STORED = re.compile(r"stored event (\S+) v(\d+)")


@pytest.fixture
def metrics_port() -> int:
    return free_port()


@pytest.fixture
def pipeline_env(pipeline_env, metrics_port):
    return {**pipeline_env, "WIREWATCH_WORKER_METRICS_PORT": str(metrics_port)}


def _start(env, log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(
            wirewatch_command("worker"), env=env, stdout=out, stderr=subprocess.STDOUT
        )


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def _replay(env, directory) -> None:
    result = subprocess.run(
        wirewatch_command("replay", str(directory)),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def _readyz(port: int) -> httpx.Response | None:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
    except httpx.TransportError:
        return None


def _settled(settings, worker, log: Path) -> None:
    def drained() -> bool:
        assert worker.poll() is None, log.read_text(errors="replace")[-3000:]
        return pipeline_lag(settings) == 0

    try:
        wait_until(drained, 180, interval=1.0, what="the worker to consume every topic")
    except TimeoutError as error:
        behind = {
            name: offsets
            for name, offsets in (lag_by_partition(settings) or {}).items()
            if (offsets[0] or 0) < offsets[1]
        }
        raise TimeoutError(f"{error}; (committed, end) where behind: {behind}") from None


@pytest.mark.parametrize(
    ("damage", "recovery"), [("truncated", "restored"), ("overwritten", "moved")]
)
def test_a_store_damaged_under_the_worker_stores_nothing_falsely_and_loses_nothing(
    damage, recovery, pipeline_env, pipeline_settings, metrics_port, tmp_path
):
    database = Path(pipeline_settings.resolved_database_url.removeprefix("sqlite:///"))
    log = tmp_path / "worker.log"
    one = tmp_path / "one"
    one.mkdir()
    (one / "ganja.md").write_text((SEEDS / "ganja-missile-strike-caspian-daily.md").read_text())
    worker = _start(pipeline_env, log)
    try:
        _replay(pipeline_env, one)
        _settled(pipeline_settings, worker, log)
        wait_until(lambda: len(STORED.findall(log.read_text())) == 1, 30, what="the first event")
        backup = tmp_path / "backup.db"
        with closing(sqlite3.connect(database)) as source, closing(sqlite3.connect(backup)) as copy:
            source.backup(copy)  # closed after: a connection left open keeps the old -shm

        if damage == "truncated":
            os.truncate(database, 0)
        else:
            database.write_bytes(os.urandom(database.stat().st_size))
        before = len(log.read_text())
        _replay(pipeline_env, SEEDS)  # sixteen more articles for a store that cannot take them

        def told() -> bool:  # the store's failure, or (before the fix) a false success
            assert worker.poll() is None, log.read_text(errors="replace")[-3000:]
            said = log.read_text()[before:]
            return "nothing acknowledged" in said or bool(STORED.search(said))

        wait_until(told, 120, what="the store agent to meet the damaged store")
        assert STORED.findall(log.read_text()[before:]) == []  # nothing said stored
        red = _readyz(metrics_port)
        assert red is not None and red.status_code == 503
        assert red.json()["status"] == "not ready"
        assert str(database) in red.json()["store"], red.json()
        assert read_topic(pipeline_settings, "events.dlq", timeout_ms=2000) == []
        worker.terminate()  # the stage waiting for the store lets go: a stop of seconds
        worker.wait(45)
    finally:
        _stop(worker)

    # the operator restores the store, or moves it away, and starts the worker again
    for suffix in ("", "-wal", "-shm"):
        damaged = Path(f"{database}{suffix}")
        if damaged.exists():
            damaged.rename(tmp_path / f"damaged.db{suffix}")
    if recovery == "restored":
        database.write_bytes(backup.read_bytes())
    second = _start(pipeline_env, tmp_path / "second.log")
    try:
        _settled(pipeline_settings, second, tmp_path / "second.log")
        wait_until(lambda: (_readyz(metrics_port) or httpx.Response(503)).status_code == 200, 60)
        engine = connect(pipeline_settings.resolved_database_url)
        stored = list(list_events(engine))
        # what an undisturbed run of the seeds stores (test_pipeline_e2e): ten events,
        # four of them reported by two outlets, so fourteen versions
        assert len(stored) == 10
        assert count_versions(engine) == 14
        ganja = next(e for e in stored if e.location and e.location.name == "Ganja")
        assert (ganja.fatalities, ganja.injured, ganja.version) == (10, 40, 2)
        assert read_topic(pipeline_settings, "events.dlq", timeout_ms=2000) == []
    finally:
        _stop(second)
