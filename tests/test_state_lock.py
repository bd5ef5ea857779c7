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


def test_a_symbolic_link_at_the_lock_path_is_refused_and_its_target_left_whole(tmp_path):
    """Issue 23, item 12c: the lock followed a link planted at its path and emptied
    the file it pointed at."""
    state = tmp_path / "state"
    state.mkdir()
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me\n")
    (state / "up.lock").symlink_to(precious)
    refusal = ""
    try:
        with hold_state_dir(state):
            pass
    except Exception as error:
        refusal = str(error)
    assert precious.read_text() == "keep me\n"
    assert "symbolic link" in refusal and str(state / "up.lock") in refusal


def test_a_second_holder_leaves_the_first_ones_pid_in_the_file(tmp_path):
    """Opening the lock never empties it: only the holder writes it."""
    holder = _holder(tmp_path / "state")
    try:
        for _ in range(2):
            with pytest.raises(StateDirInUse), hold_state_dir(tmp_path / "state"):
                pass
        assert (tmp_path / "state" / "up.lock").read_text() == f"pid {holder.pid}\n"
    finally:
        holder.kill()
        holder.wait()
