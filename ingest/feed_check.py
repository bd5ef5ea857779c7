"""``wirewatch feeds check``: what each feed answers now, fetched and parsed as the
collector would, with nothing pushed and nothing recorded.

One line per feed, for a person deciding whether a feed is worth polling: the HTTP
status and content type it answered with (and where a redirect led), how many entries
it holds and how many of them make articles, and when its newest entry was published.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import httpx

from ingest.feed_parse import FeedParseError, parse_feed
from ingest.feeds_config import FeedConfig
from ingest.fetch import FetchError, FetchLimits, fetch
from ingest.normalize import EntryError, normalize_entry


@dataclass
class CheckResult:
    url: str
    ok: bool
    error: str | None = None
    status: int | None = None
    content_type: str | None = None
    final_url: str | None = None
    articles: int = 0
    unusable: int = 0
    newest: dt.datetime | None = None  # the latest publication date an entry states
    bozo: str | None = None


def _counted(count: int, one: str, several: str) -> str:
    return f"{count} {one if count == 1 else several}"


def describe_check(result: CheckResult) -> str:
    """One line: ``OK   URL: 3 articles, 0 entries unusable; HTTP 200, ...`` or
    ``FAIL URL: why``."""
    if not result.ok:
        return f"FAIL {result.url}: {result.error}"
    newest = (
        "last entry " + result.newest.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        if result.newest
        else "no entry is dated"
    )
    line = (
        f"OK   {result.url}: {_counted(result.articles, 'article', 'articles')}, "
        f"{_counted(result.unusable, 'entry', 'entries')} unusable; "
        f"HTTP {result.status}, {result.content_type or 'no content type'}; {newest}"
    )
    if result.final_url and result.final_url != result.url:
        line += f"; redirected to {result.final_url}"
    if result.bozo:
        line += f"; ill-formed but readable ({result.bozo})"
    return line


async def check_feed(
    client: httpx.AsyncClient, feed: FeedConfig, limits: FetchLimits
) -> CheckResult:
    """Fetch and parse FEED once; never raises for the feed's own faults."""
    try:
        response = await fetch(client, feed.url, limits)
        content_type = response.headers.get("content-type")
        parsed = parse_feed(response.body, response.url, content_type)
    except FetchError as error:
        return CheckResult(feed.url, ok=False, error=f"{error.kind}: {error}")
    except FeedParseError as error:
        return CheckResult(
            feed.url, ok=False, error=f"HTTP {response.status}, {content_type}: {error}"
        )
    result = CheckResult(
        feed.url,
        ok=True,
        status=response.status,
        content_type=content_type,
        final_url=response.url,
        bozo=parsed.bozo,
    )
    fetched_at = dt.datetime.now(dt.UTC)
    for entry in parsed.entries:
        try:
            normalized = normalize_entry(
                entry,
                source=feed.name or parsed.title or "",
                feed_url=feed.url,
                feed_language=parsed.language,
                fetched_at=fetched_at,
            )
        except EntryError:
            result.unusable += 1
            continue
        result.articles += 1
        article = normalized.article
        if not article.published_estimated and (
            result.newest is None or article.published > result.newest
        ):
            result.newest = article.published
    return result
