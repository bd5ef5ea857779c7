"""One `wirewatch up` per state directory: a second one would start a second worker and
collector on the same broker, database and feed state.

The lock is an ``fcntl.flock`` on ``<state_dir>/up.lock``, which names its holder's pid.
The kernel releases it when the holder's process ends, however it ends, so a crash
leaves no stale lock behind: the file may stay, the lock does not.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = "up.lock"


class StateDirInUse(RuntimeError):
    """Another process holds the state directory."""


@contextmanager
def hold_state_dir(state_dir: Path, what: str = "wirewatch up") -> Iterator[Path]:
    """Hold STATE_DIR's lock for the block; StateDirInUse at once if another holds it."""
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / LOCK_NAME
    # "a+": the holder's pid must not be wiped out before we know we are the holder
    with path.open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "a process"
            raise StateDirInUse(
                f"another `{what}` ({holder}) is running on the state directory {state_dir} "
                f"(it holds {path}): stop it first, or give this one its own "
                "WIREWATCH_STATE_DIR"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}\n")
        handle.flush()
        try:
            yield path
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
