"""What the stages keep in their tables is versioned, so that a changelog written by
another version of wirewatch is read or refused with a clear message, never misread.

Every record a stage writes carries its format's version under `VERSION_KEY`. A record
without one was written before versions were stamped, in the format that is version 1.
A record of a version this code does not know (a newer worker wrote it) stops the stage
with `StateRecordError`, which the stream runtime does not treat as a bad message: a
worker cannot go on without its state.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

VERSION_KEY = "_v"


class StateRecordError(RuntimeError):
    """A table holds a record this version of wirewatch cannot read."""


def stamped(record: dict[str, Any], version: int) -> dict[str, Any]:
    """The record with its format's version."""
    return {**record, VERSION_KEY: version}


def check_version(table: str, record: Mapping[str, Any], supported: int) -> int:
    """The record's format version, or StateRecordError when this code cannot read it."""
    version = record.get(VERSION_KEY, 1)
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= supported:
        raise StateRecordError(
            f"the {table} state holds a record of format version {version!r}; this wirewatch "
            f"reads versions 1 to {supported}. A newer worker wrote it: run that version, or "
            "start from empty state (a new WIREWATCH_APP_ID, or delete that table's "
            "changelog topic)."
        )
    return version
