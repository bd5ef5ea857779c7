"""A worker asked to stop stops within seconds, even when its broker is gone (issue 14,
item 11: it took about 60 s, waiting for its consumer to commit to a dead broker)."""

from __future__ import annotations

import signal
import subprocess
import time

import pytest

from harness.kafka_helpers import group_members
from harness.services import wait_until, wirewatch_command

pytestmark = pytest.mark.kafka


def test_a_worker_whose_broker_died_stops_on_sigterm_within_seconds(
    own_broker, pipeline_env, monkeypatch, tmp_path
):
    env = {**pipeline_env, "KAFKA_BOOTSTRAP_SERVERS": own_broker.bootstrap_servers}
    for key, value in env.items():
        if key.startswith(("WIREWATCH_", "KAFKA_")):
            monkeypatch.setenv(key, value)
    from infra.settings import Settings

    settings = Settings()
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            wirewatch_command("worker"), env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        wait_until(lambda: group_members(settings), timeout=120)
        own_broker.kill()
        time.sleep(2)  # the worker has noticed: its fetches and heartbeats fail
        asked = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=45)
        assert time.monotonic() - asked < 25, log_path.read_text(errors="replace")[-3000:]
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
