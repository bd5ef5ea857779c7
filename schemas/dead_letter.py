"""What a dead-letter topic holds: the original bytes untouched, and why they failed.

A letter is untrusted input like any message: anyone who can produce to a `.dlq` topic
can write one. So the file a letter names is never opened here: the reader that knows
the one folder such files may be in is handed in, and what it reads is given back only
when it matches the letter's SHA-256."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Literal

from pydantic import AwareDatetime, ValidationError

from schemas.base import WireModel

# A letter must fit in one Kafka message (the broker's limit is 1 MB, and base64 adds a
# third): original bytes beyond this travel apart, in a file named in the letter.
MAX_INLINE_BYTES = 512 * 1024
MAX_KEY_BYTES = 16 * 1024
MAX_ERROR_CHARS = 4000


class DeadLetter(WireModel):
    schema_version: Literal[1] = 1
    source_topic: str
    partition: int | None = None
    offset: int | None = None
    key_base64: str | None = None
    value_base64: str  # the original bytes; empty when they are stored apart
    stage: str
    error_type: str
    error: str
    failed_at: AwareDatetime
    value_bytes: int | None = None  # the original's size
    value_sha256: str | None = None
    stored_apart: str | None = None  # the file holding the original, when too large
    # (under <state_dir>/dead-letters; only read there, and only when it matches)
    truncated: bool = False  # the original could be neither sent nor stored: cut

    @property
    def value(self) -> bytes:
        """The original bytes as the letter carries them (empty when stored apart);
        OriginalUnavailable when value_base64 is not base64."""
        return _decoded(self.value_base64, "value_base64")

    @property
    def key(self) -> bytes | None:
        """The original key; OriginalUnavailable when key_base64 is not base64."""
        return None if self.key_base64 is None else _decoded(self.key_base64, "key_base64")

    def checked_original(self, read_apart: Callable[[str, int], bytes]) -> bytes:
        """The original bytes exactly as they failed, for a replay: OriginalUnavailable,
        saying why, when the letter carries only their start (truncated), is not base64,
        or does not match its SHA-256. A letter that names a file holding them must carry
        their size and SHA-256 (a file is only ever given back when it matches):
        READ_APART(name, size) reads it, no more than SIZE bytes, and knows where such
        files may be; it raises OriginalUnavailable or OSError saying why not."""
        if self.truncated:
            raise OriginalUnavailable(
                f"truncated: the letter holds only the first {len(self.value):,} of "
                f"{self.value_bytes or 0:,} bytes, the original could not be kept"
            )
        if self.stored_apart is None:
            data = self.value
        elif self.value_sha256 is None or self.value_bytes is None:
            raise OriginalUnavailable(
                f"the letter names the file {self.stored_apart} but not its "
                f"{'SHA-256' if self.value_sha256 is None else 'size'}: refused"
            )
        else:
            try:
                data = read_apart(self.stored_apart, self.value_bytes)
            except OSError as error:
                raise OriginalUnavailable(
                    f"the original's file {self.stored_apart} cannot be read: "
                    f"{error.strerror or error}"
                ) from None
        if self.value_sha256 is not None and hashlib.sha256(data).hexdigest() != self.value_sha256:
            where = self.stored_apart or "the letter's value"
            raise OriginalUnavailable(
                f"{where} does not match the letter's SHA-256 ({len(data):,} bytes, "
                f"{self.value_bytes or 0:,} expected): altered since it was kept"
            )
        return data


def _decoded(text: str, field: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error as error:
        raise OriginalUnavailable(f"{field} is not base64 ({error}): refused") from None


class OriginalUnavailable(ValueError):
    """A letter's original bytes cannot be given back exactly: the reason, in one line."""


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
    stored_apart: str | None = None,
) -> DeadLetter:
    """The letter for VALUE: its bytes inline when they fit, else only the name of the
    file STORED_APART holding them (written by the caller), else the first
    MAX_INLINE_BYTES, marked truncated. Always small enough to send."""
    reason = describe_error(error)
    if len(reason) > MAX_ERROR_CHARS:
        reason = reason[:MAX_ERROR_CHARS] + f"… ({len(reason) - MAX_ERROR_CHARS} characters cut)"
    inline = len(value) <= MAX_INLINE_BYTES
    return DeadLetter(
        source_topic=topic,
        partition=partition,
        offset=offset,
        key_base64=b64(key[:MAX_KEY_BYTES] if key is not None else None),
        value_base64=b64(value if inline else b"" if stored_apart else value[:MAX_INLINE_BYTES])
        or "",
        stage=stage,
        error_type=type(error).__name__,
        error=reason,
        failed_at=dt.datetime.now(dt.UTC),
        value_bytes=len(value),
        value_sha256=hashlib.sha256(value).hexdigest(),
        stored_apart=None if inline else stored_apart,
        truncated=not inline and stored_apart is None,
    )
