"""What a dead-letter topic holds: the original bytes untouched, and why they failed."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Literal

from pydantic import AwareDatetime, ValidationError

from schemas.base import WireModel


class DeadLetter(WireModel):
    schema_version: Literal[1] = 1
    source_topic: str
    partition: int | None = None
    offset: int | None = None
    key_base64: str | None = None
    value_base64: str
    stage: str
    error_type: str
    error: str
    failed_at: AwareDatetime

    @property
    def value(self) -> bytes:
        return base64.b64decode(self.value_base64)


def b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode("ascii")


def describe_error(error: Exception) -> str:
    """A one-paragraph reason that names the offending fields of a validation error."""
    if isinstance(error, ValidationError):
        problems = "; ".join(
            f"{'.'.join(str(part) for part in issue['loc']) or '<message>'}: {issue['msg']}"
            for issue in error.errors()[:10]
        )
        return f"{error.title} failed validation: {problems}"
    return f"{type(error).__name__}: {error}"


def dead_letter(
    *,
    topic: str,
    stage: str,
    error: Exception,
    key: bytes | None,
    value: bytes,
    partition: int | None = None,
    offset: int | None = None,
) -> DeadLetter:
    return DeadLetter(
        source_topic=topic,
        partition=partition,
        offset=offset,
        key_base64=b64(key),
        value_base64=b64(value) or "",
        stage=stage,
        error_type=type(error).__name__,
        error=describe_error(error),
        failed_at=dt.datetime.now(dt.UTC),
    )
