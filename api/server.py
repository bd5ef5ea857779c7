"""How `wirewatch serve` runs the API under uvicorn, with its connections bounded.

A connection costs an open file whether or not it ever sends a request, so a client
that opens sockets and stays silent could use up the process's files until nothing,
``/healthz`` included, is accepted. Here each connection must send its request's head
within ``header_timeout`` (a byte at a time does not reset it), an idle keep-alive
connection is closed after ``keep_alive_timeout``, and past ``max_connections`` (kept
under the open-file limit) the oldest connection waiting for a request is closed to
make room: a busy one, a live stream say, is never the one dropped.

uvicorn's own ``limit_concurrency`` is not used: it counts idle connections too and
answers every new request 503 while they are held, which is the failure this avoids.
"""

from __future__ import annotations

import asyncio
import resource
from collections import OrderedDict
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from infra.settings import ApiSection

FILES_KEPT_FREE = 64  # for the database, the log, the files the API serves


def connection_cap(wanted: int, open_file_limit: int) -> int:
    """The connections to keep at most: WANTED, but leaving files for the rest."""
    if open_file_limit <= 0 or open_file_limit == resource.RLIM_INFINITY:
        return wanted
    return max(8, min(wanted, open_file_limit - FILES_KEPT_FREE))


def bounded_protocol(max_connections: int, header_timeout: float) -> type[H11Protocol]:
    """An h11 protocol class whose connections share one cap and one head timeout."""
    opened: OrderedDict[BoundedH11Protocol, None] = OrderedDict()  # oldest first

    class BoundedH11Protocol(H11Protocol):
        _head_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            opened[self] = None
            self._arm_head_timer()
            if len(opened) > max_connections:
                idle = next((c for c in opened if c is not self and c._waiting()), self)
                idle._close()

        def connection_lost(self, exc: Exception | None) -> None:
            opened.pop(self, None)
            self._disarm_head_timer()
            super().connection_lost(exc)

        def handle_events(self) -> None:
            super().handle_events()
            if self.conn.their_state is not h11.IDLE:  # the head has come
                self._disarm_head_timer()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
                self._arm_head_timer()  # the next request's head, on a kept connection

        def _waiting(self) -> bool:
            """Between requests: nothing of a request in, no response under way."""
            return self.conn.their_state is h11.IDLE and (
                self.cycle is None or self.cycle.response_complete
            )

        def _arm_head_timer(self) -> None:
            self._disarm_head_timer()
            self._head_timer = self.loop.call_later(header_timeout, self._head_too_slow)

        def _disarm_head_timer(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_too_slow(self) -> None:
            self._head_timer = None
            if self._waiting():
                self._close()

        def _close(self) -> None:
            opened.pop(self, None)
            if not self.transport.is_closing():
                self.transport.close()

    return BoundedH11Protocol


SHUTDOWN_GRACE_SECONDS = 5.0


def uvicorn_options(api: ApiSection) -> dict[str, Any]:
    """The keyword arguments of `uvicorn.run` that bound what a client may hold."""
    soft_limit, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return {
        "http": bounded_protocol(
            connection_cap(api.max_connections, soft_limit), api.header_timeout
        ),
        "timeout_keep_alive": api.keep_alive_timeout,
        "proxy_headers": True,
        "forwarded_allow_ips": api.forwarded_allow_ips,
        "h11_max_incomplete_event_size": 16 * 1024,  # a request head's size at most
        # a stop waits this long for open requests (a live stream, a browser's page),
        # then closes them: no client can hold a stop
        "timeout_graceful_shutdown": SHUTDOWN_GRACE_SECONDS,
    }
