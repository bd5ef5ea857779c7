"""Replay of archived articles (``seeds/``) into ``articles.raw``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kafka.errors import KafkaError

from ingest.producer import make_producer, send_article
from ingest.seeds import SeedError, read_seeds
from wirewatch.settings import Settings


@dataclass
class ReplayReport:
    sent: list[Path] = field(default_factory=list)
    failed: list[SeedError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def replay(
    paths: list[Path],
    settings: Settings,
    on_progress: Callable[[Path, SeedError | None], None] | None = None,
    timeout: float = 60.0,
) -> ReplayReport:
    """Send every valid seed to ``articles.raw``; a bad file is reported and skipped.

    Returns only once Kafka acknowledged every sent article, so the caller may treat
    ``report.sent`` as durable.
    """
    report = ReplayReport()
    producer = make_producer(settings, client_id=f"{settings.app_id}-replay")
    try:
        pending = []
        for result in read_seeds(paths):
            if result.error is not None:
                report.failed.append(result.error)
            else:
                assert result.article is not None
                pending.append((result.path, send_article(producer, settings, result.article)))
            if on_progress is not None:
                on_progress(result.path, result.error)
        producer.flush(timeout=timeout)
        for path, future in pending:
            try:
                future.get(timeout=timeout)
            except KafkaError as error:
                report.failed.append(SeedError(path, f"Kafka did not accept it: {error}"))
            else:
                report.sent.append(path)
    finally:
        producer.close(timeout=10)
    return report
