"""Fetching a feed politely and defensively with httpx.

Conditional GET (ETag / Last-Modified), connect and total time limits, a cap on the
body as sent and on every layer of its decoding, checked while it inflates (so a gzip
bomb, even gzipped twice, is cut off at the cap: `ingest.decoding`), a bounded number of
redirects each checked against the address guard, and 429/503 turned into a
``Retry-After`` the scheduler honours.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

import httpx

from infra.http import guarded_client, parse_retry_after
from infra.netguard import BlockedURLError, check_url
from infra.policies import FetchLimits
from ingest.decoding import BoundedDecoder, DecodingError


@dataclass
class FetchResult:
    url: str
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    not_modified: bool = False

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")

    @property
    def cache_max_age(self) -> float | None:
        """Seconds the server says the response stays fresh (Cache-Control max-age)."""
        match = re.search(r"max-age=(\d+)", self.headers.get("cache-control", ""))
        return float(match.group(1)) if match else None


REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class FetchError(Exception):
    """A fetch that failed; ``kind`` says how, ``retry_after`` when to try again (s)."""

    def __init__(self, kind: str, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.retry_after = retry_after


def make_client(limits: FetchLimits) -> httpx.AsyncClient:
    """The guarded client, with a feed reader's headers and time limits."""
    return guarded_client(
        httpx.Timeout(limits.total_timeout, connect=limits.connect_timeout),
        allow_private=limits.allow_private,
        headers={
            "User-Agent": limits.user_agent,
            "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5",
            "Accept-Encoding": "gzip, deflate",
        },
    )


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    limits: FetchLimits,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchResult:
    try:
        return await asyncio.wait_for(
            _fetch(client, url, limits, etag, last_modified), timeout=limits.total_timeout
        )
    except TimeoutError as error:
        raise FetchError(
            "timeout", f"no complete answer within {limits.total_timeout:.0f}s"
        ) from error


async def _fetch(
    client: httpx.AsyncClient,
    url: str,
    limits: FetchLimits,
    etag: str | None,
    last_modified: str | None,
) -> FetchResult:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    current = url
    for _ in range(limits.max_redirects + 1):
        try:
            await check_url(current, limits.allow_private)
        except BlockedURLError as error:
            raise FetchError("blocked", str(error)) from error
        try:
            async with client.stream("GET", current, headers=headers) as response:
                if response.status_code in REDIRECT_STATUSES:
                    location = response.headers.get("location")
                    if not location:
                        raise FetchError(
                            "http_status", f"redirect {response.status_code} without Location"
                        )
                    current = urljoin(current, location)
                    continue
                return await _read(response, current, limits)
        except BlockedURLError as error:  # the name resolved elsewhere when connecting
            raise FetchError("blocked", str(error)) from error
        except httpx.TimeoutException as error:
            raise FetchError("timeout", f"timed out: {type(error).__name__}") from error
        except httpx.HTTPError as error:
            raise FetchError("network", f"{type(error).__name__}: {error}") from error
    raise FetchError("redirects", f"more than {limits.max_redirects} redirects")


async def _read(response: httpx.Response, url: str, limits: FetchLimits) -> FetchResult:
    headers = {key.lower(): value for key, value in response.headers.items()}
    if response.status_code == 304:
        return FetchResult(url=url, status=304, headers=headers, not_modified=True)
    if response.status_code in (429, 503):
        raise FetchError(
            "http_status",
            f"HTTP {response.status_code}",
            retry_after=parse_retry_after(headers.get("retry-after")),
        )
    if response.status_code >= 400:
        raise FetchError("http_status", f"HTTP {response.status_code}")
    declared = headers.get("content-length")
    if (
        declared
        and declared.isdigit()
        and int(declared) > limits.max_bytes
        and "content-encoding" not in headers
    ):
        raise FetchError("too_large", f"Content-Length {declared} exceeds {limits.max_bytes} bytes")
    chunks = []
    size = 0
    try:
        # raw bytes, decoded here: every encoding layer is capped while it inflates
        decoder = BoundedDecoder(headers.get("content-encoding", ""), limits.max_bytes)
        async for raw in response.aiter_raw():
            size += len(raw)
            if size > limits.max_bytes:
                raise FetchError("too_large", f"response exceeds {limits.max_bytes} bytes; aborted")
            chunks.append(decoder.feed(raw))
        chunks.append(decoder.flush())
    except DecodingError as error:
        raise FetchError(error.kind, str(error)) from None
    return FetchResult(url=url, status=response.status_code, body=b"".join(chunks), headers=headers)
