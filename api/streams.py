"""Live streams are counted when admitted, not when they start sending: each reader
polls the store, so their number is capped, and a count taken only once a stream's
first piece went out let every request that arrived meanwhile pass the cap. A slot
is taken synchronously (no await between the check and the count) and given back
once, when its response ends however it ends, or when the request fails before it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from sse_starlette import EventSourceResponse
from starlette.types import Receive, Scope, Send


class StreamSlots:
    """At most CAP streams open at once."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.open = 0

    def take(self) -> Slot | None:
        """A slot, or None when every one is taken."""
        if self.open >= self.cap:
            return None
        self.open += 1
        return Slot(self)


class Slot:
    """One admitted stream; `release` gives it back, once."""

    def __init__(self, slots: StreamSlots) -> None:
        self._slots: StreamSlots | None = slots

    def release(self) -> None:
        if self._slots is not None:
            self._slots.open -= 1
            self._slots = None

    def response(self, content: AsyncIterator[Any], **options: Any) -> EventSourceResponse:
        """An event stream (sse-starlette's response, OPTIONS its arguments) that gives
        the slot back when it ends."""
        return _SlotResponse(self, content, **options)


class _SlotResponse(EventSourceResponse):
    def __init__(self, slot: Slot, content: AsyncIterator[Any], **options: Any) -> None:
        super().__init__(content, **options)
        self._slot = slot

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._slot.release()
