"""Running the collector as a process: settings, producer, signals, progress."""

from __future__ import annotations

import asyncio
import logging
import signal

from infra.kafka_admin import broker_answers, ensure_topics
from infra.kafka_producer import make_producer
from infra.logs import configure as configure_logging
from infra.settings import CollectSection, Settings
from ingest.collector import Collector, PollResult
from ingest.feed_check import check_feed, describe_check
from ingest.feed_store import FeedStore
from ingest.feeds_config import FeedConfig, FeedsFileError, load_feeds
from ingest.fetch import make_client
from ingest.metrics import CollectorMetrics

log = logging.getLogger("wirewatch.collector")


def _report(result: PollResult) -> None:
    if not result.ok:
        log.warning("%s: %s: %s", result.url, result.error_kind, result.error)
    elif result.not_modified:
        log.info("%s: not modified", result.url)
    else:
        log.info("%s: %d new entries pushed", result.url, result.pushed)


def run_collector(settings: Settings, once: bool = False) -> int:
    configure_logging(settings.log_level, settings.log_format, settings.log_repeat_seconds)
    if settings.collect.notice is not None:
        log.warning("%s", settings.collect.notice)
    try:
        load_feeds(settings.resolved_feeds_file)
    except FeedsFileError as error:
        log.error("%s", error)
        return 2
    ensure_topics(settings.kafka)
    return asyncio.run(_run(settings, once))


async def _run(settings: Settings, once: bool) -> int:
    store = FeedStore(settings.resolved_collector_database_url)
    producer = make_producer(settings.kafka, client_id=f"{settings.kafka.app_id}-collector")
    metrics = CollectorMetrics()
    if settings.metrics_port:

        def ready() -> dict[str, str]:
            up = broker_answers(settings.kafka)
            return {"broker": "ok" if up else f"unreachable at {settings.kafka.bootstrap_servers}"}

        probes = metrics.serve(settings.metrics_host, settings.metrics_port, ready)
    collector = Collector(settings, store, producer, metrics)
    path = settings.resolved_feeds_file
    last_good: list = []

    def current_feeds():
        nonlocal last_good
        try:
            last_good = load_feeds(path)
        except FeedsFileError as error:
            log.error("keeping the previous feed list: %s", error)
        return last_good

    try:
        feeds = current_feeds()
        log.info("collecting %d feeds from %s", len(feeds), path)
        if once:
            results = await asyncio.gather(*(collector.poll(feed) for feed in feeds))
            for result in results:
                _report(result)
            return 0 if all(r.ok for r in results) else 1
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await collector.run(current_feeds, stop, on_result=_report)
        return 0
    finally:
        await collector.close()
        await asyncio.to_thread(producer.close, 10)
        if settings.metrics_port:
            probes.close()


def poll_once(settings: Settings, feed: FeedConfig) -> PollResult:
    """Poll FEED now, once, as the collector polls it (the same Collector.poll: pushed
    entries, health and schedule recorded). BrokerUnavailable, in one line, with no
    broker to push to."""
    ensure_topics(settings.kafka)
    return asyncio.run(_poll_once(settings, feed))


async def _poll_once(settings: Settings, feed: FeedConfig) -> PollResult:
    store = FeedStore(settings.resolved_collector_database_url)
    producer = make_producer(settings.kafka, client_id=f"{settings.kafka.app_id}-poll")
    collector = Collector(settings, store, producer)
    try:
        return await collector.poll(feed)
    finally:
        await collector.close()
        await asyncio.to_thread(producer.close, 10)


def check_feeds(
    collect: CollectSection, concurrency: int, feeds: list[FeedConfig], say=print
) -> int:
    """Fetch and parse FEEDS now, CONCURRENCY at once (as many as the collector polls),
    with the collector's fetch limits, and SAY a line on each in the order given (what
    it answered, how many articles, its newest entry); pushes and records nothing. 1
    when any failed."""
    return asyncio.run(_check(collect, concurrency, feeds, say))


async def _check(collect: CollectSection, concurrency: int, feeds: list[FeedConfig], say) -> int:
    from infra.language import load_model

    # loaded before any fetch starts, as the collector does: loaded by the first entry
    # normalized, it would stall the loop for seconds and time the other fetches out
    await asyncio.to_thread(load_model)
    limits = collect.fetch
    client = make_client(limits)
    pool = asyncio.Semaphore(concurrency)

    async def one(feed: FeedConfig):
        async with pool:
            return await check_feed(client, feed, limits)

    tasks: list[asyncio.Task] = []
    failures = 0
    try:
        tasks = [asyncio.create_task(one(feed)) for feed in feeds]
        for task in tasks:  # said in order, each as soon as it and those before are done
            result = await task
            failures += not result.ok
            say(describe_check(result))
    finally:
        for task in tasks:
            task.cancel()
        await client.aclose()
    return 1 if failures else 0
