"""Request bodies are capped before anything reads them: a declared Content-Length over
the cap is answered 413 unread, and a chunked body is counted as it arrives and cut off
at the cap. The API takes no upload (its one form is the login token), so the cap is
small and a client cannot make the process hold a large body in memory."""

from __future__ import annotations

import json

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(Exception):
    """The body passed the cap while it was read."""


def declared_length(headers: list[tuple[bytes, bytes]]) -> int | None:
    """The Content-Length the client declared; None when absent or not a number (the
    server has refused a malformed one already, and a chunked body declares none)."""
    for name, value in headers:
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def too_large_body(limit: int) -> bytes:
    return json.dumps(
        {
            "error": "request body too large",
            "problem": f"more than {limit} bytes (WIREWATCH_API_MAX_BODY_BYTES)",
        }
    ).encode()


class BodyLimitMiddleware:
    """413 for a body over LIMIT bytes, declared or streamed; nothing past it is read."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = declared_length(scope["headers"])
        if length is not None and length > self.limit:
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = too_large_body(self.limit)
        headers = {"connection": "close"}
        await Response(body, 413, headers, media_type="application/json")(scope, receive, send)
