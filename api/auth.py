"""The token: which tokens the API starts with, and how fast a client may guess it.

Off loopback the token is all that keeps the events private, so it must be long, and
never the placeholder the deployment manifests ship with. A client that gives wrong
tokens gets a few free tries, then must wait before each further one, twice as long
each time up to a ceiling (429 with Retry-After); a right token clears its record.
The records live in memory, at most ``MAX_CLIENTS`` of them, the oldest dropped first.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request

from infra.settings import ApiSection

MIN_TOKEN_LENGTH = 16  # off loopback
# the text deploy/kubernetes/secret.yaml ships in place of a token
PLACEHOLDER_PREFIX = "change-me"
MAX_CLIENTS = 10_000
FORGET_AFTER_SECONDS = 3600.0  # a client quiet this long starts afresh
TOKEN_COOKIE = "wirewatch_token"  # the dashboard's copy of the token (api.ui)


class ApiRefused(RuntimeError):
    """A setting the API will not start with."""


def on_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


def check_binding(api: ApiSection) -> None:
    """Refuse to listen beyond this machine without a token hard to guess: the events
    are readable by anyone who can reach the port; refuse the manifests' placeholder
    anywhere, as it is public."""
    token = api.token
    if token is not None and token.strip().lower().startswith(PLACEHOLDER_PREFIX):
        raise ApiRefused(
            "WIREWATCH_API_TOKEN is still the placeholder of the deployment manifests: "
            "set it to a long random string (e.g. openssl rand -hex 32)"
        )
    if on_loopback(api.host):
        return
    if not token:
        raise ApiRefused(
            f"listening on {api.host} needs WIREWATCH_API_TOKEN: anyone who can reach "
            "the port could read the events (or listen on 127.0.0.1)"
        )
    if len(token) < MIN_TOKEN_LENGTH:
        raise ApiRefused(
            f"listening on {api.host} needs a WIREWATCH_API_TOKEN of at least "
            f"{MIN_TOKEN_LENGTH} characters (it has {len(token)}): "
            "e.g. openssl rand -hex 32"
        )


def client_of(request: Request) -> str:
    """Who is guessing: the peer's address (a trusted proxy's X-Forwarded-For, when
    WIREWATCH_API_FORWARDED_ALLOW_IPS names the proxy)."""
    return request.client.host if request.client else "unknown"


def throttled(wait: int) -> str:
    return f"too many wrong tokens from this address: wait {wait} s before the next try"


@dataclass
class _Record:
    failures: int = 0
    blocked_until: float = 0.0
    last_seen: float = 0.0


def delay_after(failures: int, free: int, ceiling: float) -> float:
    """Seconds a client waits after its FAILURES-th wrong token: none for the first
    FREE, then 1, 2, 4, ... up to CEILING."""
    if failures < free:
        return 0.0
    return min(ceiling, 2.0 ** min(failures - free, 30))


class GuessThrottle:
    """Wrong tokens per client, in memory and bounded."""

    def __init__(
        self,
        free: int,
        ceiling: float,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = MAX_CLIENTS,
    ) -> None:
        self.free = free
        self.ceiling = ceiling
        self.clock = clock
        self.max_clients = max_clients
        self._records: OrderedDict[str, _Record] = OrderedDict()

    def wait(self, client: str) -> int:
        """Whole seconds CLIENT must still wait before it may try a token (0: now)."""
        record = self._records.get(client)
        if record is None:
            return 0
        now = self.clock()
        if now - record.last_seen > FORGET_AFTER_SECONDS:
            del self._records[client]
            return 0
        return math.ceil(max(0.0, record.blocked_until - now))

    def failed(self, client: str) -> None:
        now = self.clock()
        record = self._records.pop(client, None) or _Record()
        record.failures += 1
        record.last_seen = now
        record.blocked_until = now + delay_after(record.failures, self.free, self.ceiling)
        self._records[client] = record  # the newest last: the oldest is dropped first
        while len(self._records) > self.max_clients:
            self._records.popitem(last=False)

    def succeeded(self, client: str) -> None:
        self._records.pop(client, None)
