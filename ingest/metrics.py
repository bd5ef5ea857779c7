"""Prometheus counters of the collector, one set per feed."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter

from infra.probes import Checks, ProbeServer


class CollectorMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.fetches = Counter(
            "wirewatch_feed_fetches", "Feed fetches attempted", ["feed"], registry=self.registry
        )
        self.not_modified = Counter(
            "wirewatch_feed_not_modified",
            "Fetches answered 304 Not Modified",
            ["feed"],
            registry=self.registry,
        )
        self.entries = Counter(
            "wirewatch_feed_entries_pushed",
            "Entries pushed to articles.raw",
            ["feed"],
            registry=self.registry,
        )
        # label values: the configured feeds, and language codes (a bounded set: the
        # detector's model knows under 150)
        self.not_read = Counter(
            "wirewatch_feed_articles_not_read",
            "Articles pushed that the extractor skips: not English, by detected language",
            ["feed", "language"],
            registry=self.registry,
        )
        self.errors = Counter(
            "wirewatch_feed_errors",
            "Failed polls by kind",
            ["feed", "kind"],
            registry=self.registry,
        )

    def serve(self, host: str, port: int, ready: Checks) -> ProbeServer:
        """/metrics, /healthz (the process answers) and /readyz (READY's checks)."""
        return ProbeServer(host, port, self.registry, lambda: {"process": "ok"}, ready)
