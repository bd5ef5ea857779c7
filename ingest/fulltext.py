"""Optional full text of an article's page (setting ``fulltext``), with trafilatura.

Feeds often carry a teaser only. The page is fetched under the same limits and
address guard as feeds; when anything fails the feed's own text is kept.
"""

from __future__ import annotations

import asyncio
import logging

import httpx

from ingest.fetch import FetchError, FetchLimits, fetch

log = logging.getLogger("wirewatch.collector")


async def page_text(client: httpx.AsyncClient, url: str, limits: FetchLimits) -> str | None:
    """The main text of the page at ``url``, or None when it cannot be had."""
    try:
        import trafilatura
    except ImportError:  # the optional extra is not installed
        log.warning(
            "WIREWATCH_FULLTEXT is set but trafilatura is not installed: pip install 'wirewatch[fulltext]'"
        )
        return None
    try:
        response = await fetch(client, url, limits)
    except FetchError as error:
        log.info("full text of %s not fetched: %s", url, error)
        return None
    html = response.body.decode("utf-8", errors="replace")
    text = await asyncio.to_thread(
        trafilatura.extract, html, url=url, include_comments=False, include_tables=False
    )
    return text.strip() if text else None
