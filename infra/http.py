"""The one HTTP client every outbound request goes through: feeds, full-text pages and
webhooks alike. It connects only where the network guard allows, follows no redirect on
its own (a caller that follows one checks the new address first), and ignores proxy and
netrc settings from the environment, which would route around the guard. httpx's own
log line of each request shows the URL as `infra.redact.shown_url` does (a webhook's
path or query may be its password).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging

import httpx

from infra.netguard import guarded_transport
from infra.redact import shown_url


class _ShownURLs(logging.Filter):
    """Rewrites the URL in httpx's request log lines to its shown form."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                shown_url(str(arg)) if isinstance(arg, httpx.URL) else arg for arg in record.args
            )
        return True


logging.getLogger("httpx").addFilter(_ShownURLs())


def guarded_client(
    timeout: httpx.Timeout | float,
    allow_private: bool = False,
    headers: dict[str, str] | None = None,
) -> httpx.AsyncClient:
    """An AsyncClient whose every connection the network guard checks."""
    return httpx.AsyncClient(
        transport=guarded_transport(allow_private),
        follow_redirects=False,
        timeout=timeout,
        headers=headers,
        trust_env=False,
    )


def parse_retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = now or dt.datetime.now(dt.UTC)
    return max((when - now).total_seconds(), 0.0)
