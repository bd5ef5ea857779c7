from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from infra.broker import port_is_open
from infra.settings import Settings
from tests.services import free_port, kafka_broker, postgres_server

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"


@pytest.fixture(scope="session")
def kafka(tmp_path_factory) -> Iterator[tuple[str, object | None]]:
    with kafka_broker(tmp_path_factory.mktemp("kafka")) as found:
        yield found


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture
def pipeline_env(kafka, tmp_path) -> dict[str, str]:
    """Environment for one isolated pipeline: own topics, consumer group, state and DB."""
    run = uuid.uuid4().hex[:8]
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka[0],
        "WIREWATCH_TOPIC_PREFIX": f"t{run}.",
        "WIREWATCH_APP_ID": f"wirewatch-test-{run}",
        "WIREWATCH_STATE_DIR": str(tmp_path / "state"),
        "WIREWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'events.db'}",
        "WIREWATCH_TOPIC_PARTITIONS": "3",
    }
    return env


@pytest.fixture
def pipeline_settings(pipeline_env, monkeypatch) -> Settings:
    for key, value in pipeline_env.items():
        if key.startswith(("WIREWATCH_", "KAFKA_")):
            monkeypatch.setenv(key, value)
    return Settings()


def wirewatch_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "wirewatch", *args]


def serve_env(database_url: str, state_dir: Path, **settings: str) -> dict[str, str]:
    """This process's environment without its wirewatch and Kafka settings, for a
    `wirewatch serve` over DATABASE_URL with SETTINGS (WIREWATCH_* names)."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("WIREWATCH_", "KAFKA_"))},
        "WIREWATCH_DATABASE_URL": database_url,
        "WIREWATCH_STATE_DIR": str(state_dir),
        **settings,
    }


@contextmanager
def api_server(database_url: str, state_dir: Path, **settings: str) -> Iterator[str]:
    """A real `wirewatch serve` on a free port, its address once it answers; stopped
    however the test ends, a failed assertion too."""
    port = free_port()
    process = subprocess.Popen(
        wirewatch_command("serve", "--port", str(port)),
        env=serve_env(database_url, state_dir, **settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not port_is_open("127.0.0.1", port):
            assert process.poll() is None and time.monotonic() < deadline, process.stdout.read()
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(30)


@pytest.fixture
def worker(pipeline_env, tmp_path) -> Iterator[subprocess.Popen]:
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            wirewatch_command("worker"), env=pipeline_env, stdout=log, stderr=subprocess.STDOUT
        )
    yield process
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    print(log_path.read_text(errors="replace")[-5000:])
