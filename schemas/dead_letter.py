"""What a dead-letter topic holds: the original bytes untouched, and why they failed."""

from __future__ import annotations

import base64
from typing import Literal

from pydantic import AwareDatetime

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
