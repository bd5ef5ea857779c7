"""What an operator meets on day one is one line (issue 14): with no broker, `replay`,
`collect --once` and `worker` used to wait 30 s and print a 50-line KafkaTimeoutError;
a bad setting printed a pydantic traceback. The traceback comes only with --debug.
The commands run in this process (click's runner: a command's own time, not an
interpreter's start on a loaded machine), the --debug one through the real entry point."""

from __future__ import annotations

import os
import subprocess
import time

import pytest

from harness.services import free_port, invoke_wirewatch, wirewatch_command


def _env(tmp_path, **settings: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("WIREWATCH_", "KAFKA_"))},
        "WIREWATCH_STATE_DIR": str(tmp_path / "state"),
        **settings,
    }


def _run(tmp_path, *args: str, **settings: str) -> tuple[subprocess.CompletedProcess, float]:
    began = time.monotonic()
    done = invoke_wirewatch(_env(tmp_path, **settings), *args)
    return done, time.monotonic() - began


@pytest.mark.parametrize("command", [("replay",), ("collect", "--once"), ("worker",)])
def test_no_broker_is_one_line_within_ten_seconds(tmp_path, command):
    nothing_there = str(free_port())  # a port no broker listens on
    done, seconds = _run(
        tmp_path, *command, WIREWATCH_KAFKA_PORT=nothing_there, WIREWATCH_KAFKA_WAIT_SECONDS="0.5"
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "no Kafka broker answers" in lines[0], done.stderr
    assert "make up" in lines[0] and "waited 0.5 s" in lines[0] and seconds < 10, seconds


def test_a_bad_setting_is_one_line_naming_it_and_debug_shows_the_traceback(tmp_path):
    done, _ = _run(tmp_path, "replay", WIREWATCH_KAFKA_PORT="abc")
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert "WIREWATCH_KAFKA_PORT" in line and "'abc'" in line
    debug = subprocess.run(
        wirewatch_command("--debug", "replay"),
        env=_env(tmp_path, WIREWATCH_KAFKA_PORT="abc"),
        capture_output=True,
        text=True,
    )
    assert debug.returncode == 1 and "Traceback" in debug.stderr


def test_an_unreachable_database_is_one_line(tmp_path):
    url = f"postgresql+psycopg://wirewatch@127.0.0.1:{free_port()}/events"
    done, _ = _run(tmp_path, "events", "list", WIREWATCH_DATABASE_URL=url)
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("Error: the database cannot be used:") and "refused" in line
