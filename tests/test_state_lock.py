"""One `wirewatch up` per state directory: a second holder is refused with the first
one's pid, and a holder that dies (even by SIGKILL) leaves no lock behind."""

import os
import signal
import subprocess
import sys

import pytest

from infra.state_lock import StateDirInUse, hold_state_dir

HOLDER = """
import sys, time
from pathlib import Path
from infra.state_lock import hold_state_dir
with hold_state_dir(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(600)
"""


def _holder(state_dir) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(state_dir)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_second_holder_is_refused_naming_the_first(tmp_path):
    holder = _holder(tmp_path / "state")
    try:
        with pytest.raises(StateDirInUse) as refused, hold_state_dir(tmp_path / "state"):
            pass
        message = str(refused.value)
        assert f"pid {holder.pid}" in message
        assert str(tmp_path / "state") in message and "WIREWATCH_STATE_DIR" in message
    finally:
        holder.kill()
        holder.wait()


def test_a_killed_holder_leaves_no_lock(tmp_path):
    holder = _holder(tmp_path / "state")
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert (tmp_path / "state" / "up.lock").exists()  # the file stays; the lock does not
    with hold_state_dir(tmp_path / "state") as path:
        assert path.read_text() == f"pid {os.getpid()}\n"
    # and, released at the end of the block, it can be held again at once
    with hold_state_dir(tmp_path / "state"):
        pass
