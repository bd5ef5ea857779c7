"""Replay of archived articles (``seeds/``) into ``articles.raw``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from infra.kafka_producer import make_producer
from infra.settings import KafkaSection
from ingest.producer import push_articles
from ingest.seeds import SeedError, read_seeds


@dataclass
class ReplayReport:
    sent: list[Path] = field(default_factory=list)
    failed: list[SeedError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def replay(
    paths: list[Path],
    kafka: KafkaSection,
    max_article_bytes: int,
    on_progress: Callable[[Path, SeedError | None], None] | None = None,
    timeout: float = 60.0,
) -> ReplayReport:
    """Send every valid seed to ``articles.raw``, in publication order; a bad file is
    reported and skipped, and so is an article over MAX_ARTICLE_BYTES as a message.

    Publication order, because the stream's state window follows event time: an archive
    sent in file order could let a 2024 article push a 2020 incident out of the window
    before its other reports arrive. Returns only once Kafka acknowledged every sent
    article, so the caller may treat ``report.sent`` as durable.
    """
    report = ReplayReport()
    readable = []
    for result in read_seeds(paths):
        if result.error is not None:
            report.failed.append(result.error)
        else:
            readable.append(result)
        if on_progress is not None:
            on_progress(result.path, result.error)
    readable.sort(key=lambda r: r.article.published)
    producer = make_producer(kafka, client_id=f"{kafka.app_id}-replay")
    articles = [r.article for r in readable]
    try:
        outcomes = push_articles(producer, kafka, articles, timeout, max_bytes=max_article_bytes)
    finally:
        producer.close(timeout=10)
    for result, error in zip(readable, outcomes, strict=True):
        if error is None:
            report.sent.append(result.path)
        else:
            report.failed.append(SeedError(result.path, f"not sent: {error}"))
    return report
