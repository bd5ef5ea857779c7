"""Only requests naming an allowed host are answered: a page on a name its owner points
at 127.0.0.1 (DNS rebinding) is the same origin as that name in the browser, so
without this check it could read a tokenless API on loopback. A refused Host is a 400
that names the setting; the response never repeats the Host it was given."""

from __future__ import annotations

import json

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send


def host_name(header: str) -> str:
    """The name in a Host header, without its port, lower case: ``[::1]:80`` -> ``::1``."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else ""
    name, _, _port = header.partition(":")
    return name.rstrip(".")


def host_allowed(header: str | None, allowed: tuple[str, ...]) -> bool:
    """Whether HEADER names one of ALLOWED (``*``: any; ``*.example.org``: its subdomains)."""
    if "*" in allowed:
        return True
    if not header:
        return False
    name = host_name(header)
    for pattern in allowed:
        pattern = pattern.strip("[]")
        if name == pattern or (pattern.startswith("*.") and name.endswith(pattern[1:])):
            return True
    return False


REFUSED = json.dumps(
    {
        "error": "bad request",
        "parameter": "Host",
        "problem": "this server does not answer that host name (WIREWATCH_API_ALLOWED_HOSTS)",
    }
).encode()


class AllowedHostMiddleware:
    """400 for a request whose Host is not one of ALLOWED."""

    def __init__(self, app: ASGIApp, allowed: tuple[str, ...]) -> None:
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or "*" in self.allowed:
            await self.app(scope, receive, send)
            return
        given = next((v for k, v in scope["headers"] if k == b"host"), b"")
        if host_allowed(given.decode("latin-1"), self.allowed):
            await self.app(scope, receive, send)
            return
        await Response(REFUSED, 400, media_type="application/json")(scope, receive, send)
