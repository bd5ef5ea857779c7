"""The API's Prometheus metrics: requests by route and status, and the time to the
first byte. A plain ASGI middleware that watches the response start go by: Starlette's
``BaseHTTPMiddleware`` would run each endpoint in a task of its own and pass every
chunk of a response, live streams and exports included, through a channel between the
two."""

from __future__ import annotations

import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram

Scope = dict[str, Any]


class RequestMetrics:
    """The counters and the histogram, in a registry of their own (one per app)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "wirewatch_api_requests",
            "HTTP requests answered",
            ["route", "status"],
            registry=self.registry,
        )
        self.seconds = Histogram(
            "wirewatch_api_request_seconds",
            "time to answer (to the first byte)",
            ["route"],
            registry=self.registry,
        )


class MetricsMiddleware:
    def __init__(self, app: Any, metrics: RequestMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()

        async def counted(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                route = getattr(scope.get("route"), "path", "unmatched")
                self.metrics.requests.labels(route, str(message["status"])).inc()
                self.metrics.seconds.labels(route).observe(time.perf_counter() - began)
            await send(message)

        await self.app(scope, receive, counted)
