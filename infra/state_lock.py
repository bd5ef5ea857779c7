"""One `wirewatch up` per state directory: a second one would start a second worker and
collector on the same broker, database and feed state.

The lock is an ``fcntl.flock`` on ``<state_dir>/up.lock``, which names its holder's pid.
The kernel releases it when the holder's process ends, however it ends, so a crash
leaves no stale lock behind: the file may stay, the lock does not.

The lock file is opened as itself and never through a link (``O_NOFOLLOW``), never
truncated on opening (``O_TRUNC`` would wipe a holder's pid, or the file a planted
symbolic link points at), and emptied only by the process that holds the lock.
(``filelock`` 3 opened the file with ``O_TRUNC`` and followed links, so a waiter erased
the holder's pid. ``filelock`` 4 does neither, but a refused second process must still
open the file itself to name the holder, and a link or a file that is not regular must
still be refused in one line: the library would replace the ``flock`` call and little
else, so it is not used.)
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from infra.errors import OperatorError

LOCK_NAME = "up.lock"


class StateDirInUse(RuntimeError):
    """Another process holds the state directory."""


class LockFileRefused(OperatorError, RuntimeError):
    """The lock's path is a symbolic link or not a regular file: not opened, not written."""


def _open_lock(path: Path) -> int:
    """The lock file, opened read-write and created if missing, as itself only."""
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        descriptor = os.open(path, flags, 0o644)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise LockFileRefused(
                f"the lock file {path} is a symbolic link: wirewatch does not write through "
                "it; remove the link"
            ) from None
        raise
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise LockFileRefused(f"the lock file {path} is not a regular file: remove it")
    return descriptor


@contextmanager
def hold_state_dir(state_dir: Path, what: str = "wirewatch up") -> Iterator[Path]:
    """Hold STATE_DIR's lock for the block; StateDirInUse at once if another holds it."""
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / LOCK_NAME
    descriptor = _open_lock(path)
    with os.fdopen(descriptor, "r+", encoding="utf-8") as handle:
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
        handle.truncate()  # the file opened above, held by us now
        handle.write(f"pid {os.getpid()}\n")
        handle.flush()
        try:
            yield path
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
