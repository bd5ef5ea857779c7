"""The built gazetteer kept on disk as data that cannot run code: MessagePack, behind a
header that names the format, the data version and a SHA-256 of the rest.

This module knows the file, not the gazetteer: it saves and loads the plain state that
`Gazetteer.state` gives and `Gazetteer.from_state` reads (strings, numbers, lists and
maps), so it imports nothing of the gazetteer and the gazetteer imports it.

A pickle in the cache directory was code: a file planted there ran when `wirewatch
extract` started (issue 14). MessagePack holds only strings, numbers, lists and maps.
A file with another format or data version, a wrong checksum (a torn write, a changed
byte) or any other shape is not used: the gazetteer is rebuilt and the file written
again.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import msgpack

MAGIC = b"wirewatch-gazetteer-cache"
CACHE_FORMAT = 3  # bump when the header or the layout of `Gazetteer.state` changes


def save(state: dict[str, Any], path: Path, data_version: str) -> None:
    """Write a gazetteer's STATE to PATH (atomically: a temporary file, then a rename)."""
    body = msgpack.packb(state, use_bin_type=True)
    header = f"{CACHE_FORMAT} {data_version} {hashlib.sha256(body).hexdigest()}\n".encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".tmp{os.getpid()}")
    with temporary.open("wb") as handle:
        handle.write(MAGIC + b"\n" + header + body)
    temporary.replace(path)


def is_sound(path: Path, data_version: str) -> bool:
    """Whether PATH holds what `save` wrote for DATA_VERSION (format, version and
    checksum), without reading the gazetteer back."""
    return _checked_body(path, data_version) is not None


def load(path: Path, data_version: str) -> dict[str, Any] | None:
    """The state saved at PATH for DATA_VERSION (lists read back as tuples), or None
    when there is none or the file is not exactly what `save` wrote."""
    body = _checked_body(path, data_version)
    if body is None:
        return None
    try:
        state = msgpack.unpackb(body, use_list=False, raw=False, strict_map_key=False)
    except (ValueError, TypeError, msgpack.UnpackException):
        return None
    return state if isinstance(state, dict) else None


def _checked_body(path: Path, data_version: str) -> bytes | None:
    """The body saved at PATH if its header names this format and DATA_VERSION and its
    checksum matches; None otherwise."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    magic, _, rest = raw.partition(b"\n")
    header, _, body = rest.partition(b"\n")
    expected = f"{CACHE_FORMAT} {data_version} {hashlib.sha256(body).hexdigest()}".encode()
    if magic != MAGIC or header != expected:
        return None
    return body
