"""The operator's HTTP endpoints of a long-running process (the worker, the collector):
``/metrics`` (its Prometheus registry), ``/healthz`` (alive) and ``/readyz`` (able to do
its work). Each probe is a set of named checks, ``"ok"`` or what is wrong; any other
answer than ``"ok"`` makes the status 503, and the body names the check.

The endpoints are served from a thread of their own (the standard library's WSGI
server, as prometheus_client's own), not from the process's event loop: a scrape must
answer while the loop it measures is busy, and a liveness check can then say the loop
has stalled rather than hang with it."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Mapping
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CollectorRegistry, make_wsgi_app

from infra.errors import OperatorError

Checks = Callable[[], Mapping[str, str]]  # check name -> "ok", or what is wrong
StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def probe_answer(checks: Mapping[str, str], good: str) -> tuple[str, bytes]:
    """The HTTP status and JSON body of a probe whose checks came out as CHECKS."""
    ok = all(value == "ok" for value in checks.values())
    body = {"status": good if ok else f"not {good}", **checks}
    return ("200 OK" if ok else "503 Service Unavailable"), json.dumps(body).encode()


def probe_app(registry: CollectorRegistry, alive: Checks, ready: Checks) -> Callable[..., Any]:
    """The WSGI application: /healthz, /readyz, and the metrics on every other path
    (as prometheus_client serves them)."""
    metrics = make_wsgi_app(registry)

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path in ("/healthz", "/readyz"):
            checks = alive() if path == "/healthz" else ready()
            status, body = probe_answer(checks, "ok" if path == "/healthz" else "ready")
            start_response(status, [("Content-Type", "application/json")])
            return [body]
        return metrics(environ, start_response)

    return app


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No line per scrape on stderr."""


class ProbeServerError(OperatorError, RuntimeError):
    """The endpoints cannot listen where they were asked to (a port taken, a bad host)."""


class ProbeServer:
    """The endpoints, served on HOST:PORT until `close` (or the process ends)."""

    def __init__(
        self, host: str, port: int, registry: CollectorRegistry, alive: Checks, ready: Checks
    ) -> None:
        try:
            self.server = make_server(
                host,
                port,
                probe_app(registry, alive, ready),
                server_class=_Server,
                handler_class=_QuietHandler,
            )
        except OSError as error:
            raise ProbeServerError(
                f"cannot serve /metrics, /healthz and /readyz on {host}:{port}: "
                f"{error.strerror or error}"
            ) from error
        self.thread = threading.Thread(target=self.server.serve_forever, name="probes", daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
