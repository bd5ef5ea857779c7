"""`wirewatch up` as an operator meets it, through the real command: Ctrl-C while Kafka
is starting stops the broker it was starting, SIGTERM once the pipeline runs stops every
process it started, and a second `up` on the same state directory refuses while the
first runs. Each starts a real broker (own port, own state directory)."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
from pathlib import Path

import psutil
import pytest

from harness.services import free_port, free_port_pair, serve_env, wait_until, wirewatch_command
from infra.settings import Settings

pytestmark = pytest.mark.kafka

# the first `up` on a machine builds the place index (about a minute) before Kafka starts
FIRST_STEPS = 300


# an address as `up` may print one: a URL, or a host and port (the broker's)
ADDRESS = re.compile(r"https?://\S+|\b(?:\d{1,3}\.){3}\d{1,3}:\d+\b|\blocalhost:\d+\b")


def _up(tmp_path: Path, api_port: int | None = None) -> subprocess.Popen:
    env = serve_env(
        f"sqlite:///{tmp_path / 'events.db'}",
        tmp_path / "state",
        WIREWATCH_CACHE_DIR=str(Settings().cache_dir),  # the suite's jars and place index
        WIREWATCH_KAFKA_PORT=str(free_port_pair()),
        WIREWATCH_API_PORT=str(api_port or free_port()),
    )
    return subprocess.Popen(
        wirewatch_command("up"),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # a group of its own, as a shell's job is
    )


def _descendants(process: subprocess.Popen) -> list[psutil.Process]:
    return psutil.Process(process.pid).children(recursive=True)


def _still_running(processes: list[psutil.Process]) -> list[str]:
    left = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                left.append(f"{process.pid} {' '.join(process.cmdline())[:120]}")
        except psutil.NoSuchProcess:
            continue
    return left


def _commands(processes: list[psutil.Process]) -> set[str]:
    """The wirewatch commands among PROCESSES ("worker" for `python -m wirewatch worker`)."""
    found = set()
    for process in processes:
        try:
            command = process.cmdline()
        except psutil.NoSuchProcess:
            continue
        if command[-2:-1] == ["wirewatch"]:
            found.add(command[-1])
    return found


def _finish(process: subprocess.Popen, timeout: float = 120) -> str:
    try:
        output, _ = process.communicate(timeout=timeout)
    finally:
        if process.poll() is None:  # the test failed: leave nothing behind
            for child in _descendants(process):
                child.kill()
            process.kill()
            process.communicate()
    return output


def _read_pid(path: Path) -> int | None:
    try:
        text = path.read_text().strip()
    except FileNotFoundError:
        return None
    return int(text) if text else None


def test_ctrl_c_while_kafka_starts_stops_the_broker(tmp_path):
    up = _up(tmp_path)
    pid_file = tmp_path / "state" / "kafka" / "broker.pid"
    try:
        broker_pid = wait_until(
            lambda: _read_pid(pid_file), FIRST_STEPS, 0.05, "the broker's pid file"
        )
        started = [*_descendants(up), psutil.Process(broker_pid)]
        os.killpg(up.pid, signal.SIGINT)  # what the terminal does on Ctrl-C
    finally:
        output = _finish(up)
    assert up.returncode == 0, output
    assert "kafka ready" not in output, "the broker was ready before the Ctrl-C: " + output
    assert "kafka stopped" in output
    assert broker_pid in {process.pid for process in started}
    assert _still_running(started) == []
    assert not pid_file.exists()


def test_a_second_up_refuses_and_sigterm_stops_every_process_of_the_first(tmp_path):
    api_port = free_port()
    up = _up(tmp_path, api_port)
    state = tmp_path / "state"
    try:
        wait_until(
            lambda: (
                f"pid {up.pid}" in (state / "up.lock").read_text(errors="replace")
                if (state / "up.lock").exists()
                else False
            ),
            60,
            0.1,
            "the first up's lock",
        )
        second = _up(tmp_path)
        second_output = _finish(second, timeout=60)
        assert second.returncode == 1, second_output
        assert f"another `wirewatch up` (pid {up.pid}) is running on the state directory" in (
            second_output
        )
        assert len(second_output.strip().splitlines()) == 1  # that, and nothing done
        # once the pipeline runs: the worker, the collector and the API each in a group
        # of its own
        wait_until(
            lambda: {"worker", "collect", "serve"} <= _commands(_descendants(up)),
            FIRST_STEPS + 120,
            0.2,
            "the worker, the collector and the API",
        )

        # the terminal's Ctrl-C reaches `up` alone. A child caught between its fork and
        # its setpgid (replay starts last) is briefly in up's group: give it a moment.
        def own_groups() -> bool:
            groups = set()
            for process in _descendants(up):
                with contextlib.suppress(ProcessLookupError):
                    groups.add(os.getpgid(process.pid))
            return os.getpgid(up.pid) not in groups

        wait_until(own_groups, 10, 0.1, "every child of up in a process group of its own")
        started = _descendants(up)
        os.kill(up.pid, signal.SIGTERM)
    finally:
        output = _finish(up)
    assert up.returncode == 0, output
    # the dashboard is the first address an analyst sees, on the first line, and the
    # api's line names it again once it is served
    dashboard = f"http://127.0.0.1:{api_port}/"
    assert ADDRESS.findall(output)[0] == dashboard, output
    assert dashboard in output.splitlines()[0], output
    assert f"api the dashboard at {dashboard}" in output, output
    assert "stopping" in output and "kafka stopped" in output
    assert _still_running(started) == []
    assert not (state / "kafka" / "broker.pid").exists()
