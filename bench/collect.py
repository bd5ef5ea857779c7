"""Collector throughput: entries/s from a local server (100 feeds x 50 entries) into Kafka.

Prints, from the same run, the baseline of pushing the same number of ready-made
articles straight through the producer, so the figure shows what fetching, parsing,
normalizing and bookkeeping cost on top of Kafka itself.

    .venv/bin/python bench/collect.py            # runs its own broker
    KAFKA_BOOTSTRAP_SERVERS=host:port .venv/bin/python bench/collect.py
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness.feed_server import FeedServer, rss_with_items
from harness.services import kafka_broker
from infra.kafka_admin import ensure_topics
from infra.kafka_producer import make_producer
from infra.settings import Settings
from ingest.collector import Collector
from ingest.feed_store import FeedStore
from ingest.feeds_config import FeedConfig
from ingest.producer import send_article
from schemas.article import Article, article_id_for

FEEDS, ENTRIES = 100, 50


def baseline(settings: Settings) -> float:
    producer = make_producer(settings.kafka, client_id="bench-baseline")
    now = dt.datetime.now(dt.UTC)
    articles = [
        Article(
            id=article_id_for(f"https://b.example/{i}"),
            url=f"https://b.example/{i}",
            title=f"item {i}",
            text="Body text.",
            source="bench",
            published=now,
        )
        for i in range(FEEDS * ENTRIES)
    ]
    start = time.perf_counter()
    limit = settings.max_article_bytes
    futures = [send_article(producer, settings.kafka, a, max_bytes=limit) for a in articles]
    producer.flush()
    for future in futures:
        future.get(timeout=60)
    elapsed = time.perf_counter() - start
    producer.close()
    return len(articles) / elapsed


def collect(settings: Settings, server: FeedServer, state: Path) -> tuple[float, int]:
    store = FeedStore(f"sqlite:///{state / 'collector.db'}")
    producer = make_producer(settings.kafka, client_id="bench-collector")
    collector = Collector(settings, store, producer)
    feeds = [FeedConfig(url=server.url(f"/feed{i}.xml")) for i in range(FEEDS)]
    for i in range(FEEDS):
        server.static(f"/feed{i}.xml", rss_with_items(ENTRIES, prefix=f"f{i}"))

    async def go():
        pool = asyncio.Semaphore(settings.collector_concurrency)

        async def one(feed):
            async with pool:
                return await collector.poll(feed)

        try:
            return await asyncio.gather(*(one(feed) for feed in feeds))
        finally:
            await collector.close()

    start = time.perf_counter()
    results = asyncio.run(go())
    elapsed = time.perf_counter() - start
    producer.close()
    pushed = sum(r.pushed for r in results)
    return pushed / elapsed, pushed


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, kafka_broker(Path(tmp)) as (bootstrap, _):
        run = uuid.uuid4().hex[:6]
        settings = Settings(
            kafka_bootstrap_servers=bootstrap,
            topic_prefix=f"bench{run}.",
            allow_private_addresses=True,
            collector_concurrency=16,
        )
        ensure_topics(settings.kafka)
        with FeedServer() as server:
            collected, pushed = collect(settings, server, Path(tmp))
        baseline_settings = settings.model_copy(update={"topic_prefix": f"bench{run}b."})
        ensure_topics(baseline_settings.kafka)
        base = baseline(baseline_settings)
        print(
            f"feeds x entries            : {FEEDS} x {ENTRIES} = {FEEDS * ENTRIES} (pushed {pushed})"
        )
        print(f"collector (fetch+parse+push): {collected:8.0f} entries/s")
        print(f"baseline (producer only)    : {base:8.0f} articles/s")
        print(f"collector / baseline        : {collected / base:8.2f}")


if __name__ == "__main__":
    main()
