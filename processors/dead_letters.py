"""Turning a message a stage could not handle into a dead letter."""

from __future__ import annotations

import datetime as dt

from pydantic import ValidationError

from schemas.dead_letter import DeadLetter, b64


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
