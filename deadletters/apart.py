"""The one folder an original too large for its letter is kept in, <state_dir>/dead-letters:
the worker writes it there (`store_apart`), and a file a letter names is read back only
from there (`read_apart`). A letter is untrusted input (anyone who can produce to a
`.dlq` topic can write one), so the name it carries is never simply opened."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from schemas.dead_letter import OriginalUnavailable


def apart_path(folder: Path, topic: str, partition: int, offset: int) -> Path:
    """Where the original at OFFSET of TOPIC's PARTITION is kept under FOLDER: one
    folder per topic (its name made safe for a file system), one file per message."""
    return folder / re.sub(r"[^A-Za-z0-9._-]", "_", topic) / f"p{partition}-o{offset}.bin"


def store_apart(folder: Path, topic: str, partition: int, offset: int, value: bytes) -> str:
    """Write VALUE, an original too large for a letter, under FOLDER (through a temporary
    file, so a reader never sees half of it) and return its absolute path for the
    letter; OSError when it cannot be written."""
    path = apart_path(folder, topic, partition, offset)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(value)
    temporary.replace(path)
    return str(path.absolute())


def read_apart(folder: Path, name: str, size: int) -> bytes:
    """The bytes of the file NAME (a letter's stored_apart; a relative one from the
    current directory, as it was written) when it is a regular file inside FOLDER once
    every symlink is resolved, of at most SIZE bytes (the letter's value_bytes), no more
    than SIZE read; OriginalUnavailable saying why not. It is opened without following a
    symlink and without blocking, so a FIFO or a device is refused, never waited on or
    read from."""
    if "\x00" in name:
        raise OriginalUnavailable("the original's file name holds a NUL byte: refused")
    root = os.path.realpath(folder)
    path = os.path.realpath(name)
    if os.path.commonpath([root, path]) != root or path == root:
        raise OriginalUnavailable(f"the original's file {name} is not inside {root}: refused")
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    descriptor = os.open(path, flags)  # OSError: the caller names the file
    with open(descriptor, "rb", buffering=0, closefd=True) as handle:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise OriginalUnavailable(f"the original's file {name} is not a regular file: refused")
        if info.st_size > size:
            raise OriginalUnavailable(
                f"the original's file {name} holds {info.st_size:,} bytes, the letter says "
                f"{size:,}: refused"
            )
        chunks, left = [], size + 1  # one more: a file grown since the stat shows it
        while left > 0 and (chunk := handle.read(min(left, 1 << 20))):
            chunks.append(chunk)
            left -= len(chunk)
    data = b"".join(chunks)
    if len(data) > size:
        raise OriginalUnavailable(f"the original's file {name} is over {size:,} bytes: refused")
    return data
