"""A warning that repeats is written once per interval (issue 23, item 12d): a broker
outage wrote 4,270 lines in 31 s, the Kafka clients logging every retry."""

from __future__ import annotations

import logging
import os
import subprocess
import time

import httpx
import pytest

from harness.services import free_port, wait_until, wirewatch_command
from infra.logs import Repeats


def _record(name: str, message: str, *args: object, level: int = logging.WARNING):
    return logging.LogRecord(name, level, __file__, 1, message, args, None)


def test_the_first_of_a_kind_passes_then_one_summary_per_interval():
    now = [0.0]
    repeats = Repeats(seconds=30, clock=lambda: now[0])
    connect = "Unable to connect to node %s at %s:%d: %s"
    passed = []
    for second in range(0, 65):
        now[0] = float(second)
        for node in range(10):  # ten lines a second, numbers and hosts varying
            record = _record("kafka.conn", connect, node, "127.0.0.1", 9000 + node, "refused")
            if repeats.filter(record):
                passed.append(record.getMessage())
    assert len(passed) == 3  # at 0 s, 30 s and 60 s
    assert passed[0] == "Unable to connect to node 0 at 127.0.0.1:9000: refused"
    assert passed[1].endswith("(repeated 299 times in the last 30 s)")
    assert passed[2].endswith("(repeated 299 times in the last 30 s)")


def test_other_kinds_levels_and_libraries_pass():
    repeats = Repeats(seconds=30, clock=lambda: 0.0)
    assert repeats.filter(_record("aiokafka", "Unable to bootstrap from %s", "x"))
    assert repeats.filter(_record("aiokafka", "Heartbeat failed: %s", "x"))  # another kind
    assert repeats.filter(_record("wirewatch.worker", "Unable to bootstrap from %s", "x"))
    for _ in range(3):  # below WARNING, and loggers not in the list: every line
        assert repeats.filter(_record("aiokafka", "fetch %s", 1, level=logging.INFO))
        assert repeats.filter(_record("uvicorn.error", "bind failed %s", 1))
    assert not repeats.filter(_record("aiokafka", "Unable to bootstrap from %s", "y"))


OUTAGE_SECONDS = 16  # three intervals of 5 s and more: summaries, not only first lines


@pytest.mark.kafka
def test_a_broker_outage_writes_a_few_lines_not_thousands(own_broker, tmp_path):
    """A worker on a broker of its own, ready; the broker stopped for 16 s: the worker
    writes a few dozen lines at most (it wrote over a hundred a second before repeats
    were held back), among them the summaries of what it held back."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("WIREWATCH_", "KAFKA_"))},
        "WIREWATCH_STATE_DIR": str(tmp_path / "state"),
        "WIREWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'events.db'}",
        "WIREWATCH_TOPIC_PARTITIONS": "3",
        "KAFKA_BOOTSTRAP_SERVERS": own_broker.bootstrap_servers,
        "WIREWATCH_WORKER_METRICS_PORT": str(port),
        "WIREWATCH_LOG_REPEAT_SECONDS": "5",
    }
    log = tmp_path / "outage.log"
    with log.open("wb") as out:
        worker = subprocess.Popen(
            wirewatch_command("worker"), env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:

        def ready() -> bool:
            assert worker.poll() is None, log.read_text(errors="replace")[-3000:]
            try:
                return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200
            except httpx.TransportError:
                return False

        wait_until(ready, 180, interval=1.0, what="the worker to be ready")
        time.sleep(3)
        before = len(log.read_text(errors="replace").splitlines())
        own_broker.kill()
        time.sleep(OUTAGE_SECONDS)
        during = log.read_text(errors="replace").splitlines()[before:]
    finally:
        worker.terminate()
        try:
            worker.wait(60)
        except subprocess.TimeoutExpired:
            worker.kill()
    print(f"{len(during)} lines in {OUTAGE_SECONDS} s of outage")
    print("\n".join(during[:60]))
    assert len(during) <= 40, len(during)  # 18 here; about 100 a second held back
    assert any("repeated" in line for line in during)
