"""The base every wire message shares: strict, immutable, versioned."""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict


class WireModel(BaseModel):
    """A message that crosses a topic boundary.

    Strict so that a producer in another language cannot smuggle in "9" for 9 or an
    unknown field; frozen so that a stage cannot change a message it was handed.
    """

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    def to_json_bytes(self) -> bytes:
        return self.model_dump_json(exclude_none=False).encode("utf-8")

    @classmethod
    def from_json_bytes(cls, data: bytes | str) -> Self:
        return cls.model_validate_json(data)
