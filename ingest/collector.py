"""The feed collector: polls every configured feed forever and pushes new entries to Kafka.

One poll of one feed: conditional GET -> parse -> normalize -> push new or changed
entries and wait for Kafka's acknowledgement -> only then remember them (and the
feed's ETag / Last-Modified). Feeds are polled concurrently within a bounded pool,
each on its own schedule, so a slow or dead feed never delays the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from kafka import KafkaProducer
from kafka.errors import KafkaError

from infra.http import parse_retry_after
from infra.language import is_read
from infra.language import load_model as load_language_model
from infra.settings import Settings
from ingest.feed_parse import FeedParseError, parse_feed
from ingest.feed_store import FeedStore
from ingest.feeds_config import FeedConfig
from ingest.fetch import FetchError, fetch, make_client
from ingest.fulltext import page_text
from ingest.metrics import CollectorMetrics
from ingest.normalize import EntryError, NormalizedEntry, normalize_entry
from ingest.producer import ArticleTooLarge, push_articles
from ingest.schedule import (
    failure_interval,
    jittered,
    publishing_interval,
    success_interval,
)
from schemas.dead_letter import dead_letter
from schemas.topics import ARTICLES_RAW

log = logging.getLogger("wirewatch.collector")


@dataclass
class PollResult:
    url: str
    ok: bool
    not_modified: bool = False
    entries: int = 0  # in the feed as fetched
    pushed: int = 0
    skipped_entries: list[str] = field(default_factory=list)
    error: str | None = None
    error_kind: str | None = None
    bozo: str | None = None


def describe_poll(result: PollResult) -> str:
    """What one poll did, in one line for a person (``wirewatch feeds poll``)."""
    if not result.ok:
        return f"{result.url}: error ({result.error_kind}): {result.error}"
    if result.not_modified:
        return f"{result.url}: not modified since the last poll (HTTP 304); nothing pushed"
    skipped = len(result.skipped_entries)
    known = max(result.entries - result.pushed - skipped, 0)
    line = (
        f"{result.url}: fetched, {result.entries} entries: {result.pushed} pushed, "
        f"{known} already pushed before, {skipped} unusable (sent to the dead-letter topic)"
    )
    if skipped:
        line += f", e.g. {result.skipped_entries[0]}"
    if result.bozo:
        line += f"; ill-formed but readable ({result.bozo})"
    return line


class PushError(Exception):
    pass


class Collector:
    def __init__(
        self,
        settings: Settings,
        store: FeedStore,
        producer: KafkaProducer,
        metrics: CollectorMetrics | None = None,
        ack_timeout: float = 150.0,
    ) -> None:
        self.settings = settings
        self.store = store
        self.producer = producer
        self.metrics = metrics or CollectorMetrics()
        self.limits = settings.collect.fetch
        self.policy = settings.collect.schedule
        self.ack_timeout = ack_timeout
        # the language model (about 3 s) loaded now, before any poll: loaded by the first
        # entry normalized, it would stall the event loop and time the other polls out
        load_language_model()
        self._client = make_client(self.limits)

    async def close(self) -> None:
        await self._client.aclose()

    async def poll(self, feed: FeedConfig) -> PollResult:
        """Poll one feed once; never raises for the feed's own faults."""
        health = self.store.health(feed.url)
        now = dt.datetime.now(dt.UTC)
        health.fetches += 1
        self.metrics.fetches.labels(feed.url).inc()
        retry_after = None
        try:
            response = await fetch(
                self._client, feed.url, self.limits, health.etag, health.last_modified
            )
            if response.not_modified:
                health.not_modified += 1
                self.metrics.not_modified.labels(feed.url).inc()
                result = PollResult(feed.url, ok=True, not_modified=True)
            else:
                parsed = parse_feed(
                    response.body, response.url, response.headers.get("content-type")
                )
                if parsed.bozo:
                    log.info("%s is ill-formed but readable: %s", feed.url, parsed.bozo)
                entries, skipped = self._normalize(feed, parsed, now)
                if self.settings.fulltext:
                    entries = await self._with_full_text(feed, entries)
                pushed = await self._push_new(feed, entries)
                # Only now is every entry of this response safely in Kafka.
                health.etag, health.last_modified = response.etag, response.last_modified
                result = PollResult(
                    feed.url,
                    ok=True,
                    entries=len(parsed.entries),
                    pushed=pushed,
                    skipped_entries=skipped,
                    bozo=parsed.bozo,
                )
                health.entries_seen += pushed
                self.metrics.entries.labels(feed.url).inc(pushed)
            # a server may ask for a pause even when it answers: it only lengthens the wait
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            ttl = None if result.not_modified else parsed.ttl_minutes
            max_age = response.cache_max_age
        except (FetchError, FeedParseError, PushError) as error:
            kind = getattr(error, "kind", None) or (
                "parse" if isinstance(error, FeedParseError) else "kafka"
            )
            retry_after = getattr(error, "retry_after", None)
            result = PollResult(feed.url, ok=False, error=str(error), error_kind=kind)
            self.metrics.errors.labels(feed.url, kind).inc()
            log.warning("poll of %s failed (%s): %s", feed.url, kind, error)

        if result.ok:
            health.last_success = now
            health.consecutive_failures = 0
            base = feed.interval_minutes or publishing_interval(
                self.store.recent_entry_times(feed.url), self.policy
            )
            minutes = success_interval(base, self.policy, ttl, max_age, retry_after)
        else:
            health.last_error = f"{result.error_kind}: {result.error}"
            health.last_error_at = now
            health.consecutive_failures += 1
            minutes = failure_interval(health.consecutive_failures, self.policy, retry_after)
        health.interval_minutes = minutes
        health.next_poll_at = now + dt.timedelta(minutes=jittered(minutes, self.policy))
        self.store.save_health(health)
        return result

    def _normalize(self, feed: FeedConfig, parsed, fetched_at: dt.datetime):
        entries: list[NormalizedEntry] = []
        skipped: list[str] = []
        for entry in parsed.entries:
            try:
                entries.append(
                    normalize_entry(
                        entry,
                        source=feed.name or parsed.title or "",
                        feed_url=feed.url,
                        feed_language=parsed.language,
                        fetched_at=fetched_at,
                    )
                )
            except EntryError as error:
                skipped.append(str(error))
                self._dead_letter(feed, entry, error)
        if skipped:
            log.info(
                "%s: %d entries sent to the dead-letter topic, e.g. %s",
                feed.url,
                len(skipped),
                skipped[0],
            )
        return entries, skipped

    def _dead_letter(self, feed: FeedConfig, entry, error: Exception) -> None:
        """An entry that cannot be an Article goes to articles.raw.dlq, not nowhere."""
        value = json.dumps(dict(entry), default=str, ensure_ascii=False).encode()
        self._send_dead_letter(feed.url, value, error)

    def _send_dead_letter(self, source: str, value: bytes, error: Exception) -> None:
        topic = self.settings.topic(ARTICLES_RAW.name)
        key = source.encode()
        letter = dead_letter(topic=topic, stage="collect", error=error, key=key, value=value)
        try:
            self.producer.send(f"{topic}.dlq", key=key, value=letter.to_json_bytes())
        except KafkaError as send_error:
            log.warning("could not dead-letter an entry of %s: %s", source, send_error)

    async def _with_full_text(
        self, feed: FeedConfig, entries: list[NormalizedEntry]
    ) -> list[NormalizedEntry]:
        """Replace each new entry's text by its page's main text when that is longer."""
        seen = self.store.seen_versions(feed.url, [entry.key for entry in entries])
        enriched = []
        for entry in entries:
            if seen.get(entry.key) == entry.version:  # pushed already, unchanged
                enriched.append(entry)
                continue
            text = await page_text(self._client, entry.article.url, self.limits)
            if text and len(text) > len(entry.article.text):
                entry = replace(
                    entry, article=entry.article.model_copy(update={"text": text[:200_000]})
                )
            enriched.append(entry)
        return enriched

    async def _push_new(self, feed: FeedConfig, entries: list[NormalizedEntry]) -> int:
        unique = {entry.key: entry for entry in entries}
        seen = self.store.seen_versions(feed.url, list(unique))
        fresh = [entry for key, entry in unique.items() if seen.get(key) != entry.version]
        if not fresh:
            return 0
        acknowledged = await asyncio.to_thread(self._send_and_wait, fresh)
        self.store.mark_seen(
            feed.url,
            [
                (
                    e.key,
                    e.version,
                    e.article.id,
                    None if e.article.published_estimated else e.article.published,
                )
                for e in acknowledged
            ],
        )
        self._count_not_read(feed, acknowledged)
        if len(acknowledged) < len(fresh):
            raise PushError(
                f"Kafka acknowledged {len(acknowledged)} of {len(fresh)} entries; "
                "the rest are pushed again on the next poll"
            )
        return len(acknowledged)

    def _count_not_read(self, feed: FeedConfig, pushed: list[NormalizedEntry]) -> None:
        """Articles pushed in a language the extractor does not read: pushed all the
        same (articles.raw keeps what was collected; the worker skips them), and counted
        here per feed and language, for `feeds list`, `status` and the metrics."""
        languages: dict[str, int] = {}
        for entry in pushed:
            language = entry.article.detected_language
            if not is_read(language):
                languages[str(language)] = languages.get(str(language), 0) + 1
        if languages:
            self.store.count_not_read(feed.url, languages)
            for language, count in languages.items():
                self.metrics.not_read.labels(feed.url, language).inc(count)

    def _send_and_wait(self, entries: list[NormalizedEntry]) -> list[NormalizedEntry]:
        outcomes = push_articles(
            self.producer,
            self.settings.kafka,
            [entry.article for entry in entries],
            self.ack_timeout,
            max_bytes=self.settings.max_article_bytes,
        )
        done = []
        for entry, error in zip(entries, outcomes, strict=True):
            if isinstance(error, ArticleTooLarge):
                # over the maximum (its page's text included): dead-lettered, not retried
                self._send_dead_letter(
                    entry.article.feed_url or "", entry.article.to_json_bytes(), error
                )
                done.append(entry)
            elif error is not None:
                log.warning("Kafka did not acknowledge %s: %s", entry.article.url, error)
            else:
                done.append(entry)
        return done

    async def run(
        self,
        feeds: Callable[[], list[FeedConfig]],
        stop: asyncio.Event,
        on_result: Callable[[PollResult], None] | None = None,
        tick: float = 1.0,
    ) -> None:
        """Poll each feed when it is due until ``stop`` is set; ``feeds`` is re-read each tick."""
        pool = asyncio.Semaphore(self.settings.collector_concurrency)
        running: dict[str, asyncio.Task] = {}

        async def guarded(feed: FeedConfig) -> None:
            async with pool:
                try:
                    result = await self.poll(feed)
                except Exception as error:  # a bug must not stop the other feeds
                    log.exception("unexpected failure polling %s", feed.url)
                    result = PollResult(feed.url, ok=False, error=str(error), error_kind="internal")
                    health = self.store.health(feed.url)
                    health.consecutive_failures += 1
                    health.last_error = f"internal: {error}"
                    minutes = failure_interval(health.consecutive_failures, self.policy)
                    health.next_poll_at = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes)
                    self.store.save_health(health)
            if on_result is not None:
                on_result(result)

        while not stop.is_set():
            now = dt.datetime.now(dt.UTC)
            for feed in feeds():
                task = running.get(feed.url)
                if task is not None and not task.done():
                    continue
                due = self.store.health(feed.url).next_poll_at
                if due is None or due <= now:
                    running[feed.url] = asyncio.create_task(guarded(feed))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=tick)
        for task in running.values():
            task.cancel()
        await asyncio.gather(*running.values(), return_exceptions=True)
