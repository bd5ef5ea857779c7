"""Parsing fetched feed bytes with feedparser, after refusing what no news feed needs.

feedparser is always handed bytes we fetched ourselves; it never fetches. Documents
that declare XML entities (the billion-laughs bomb, external entities) are refused
before any parser sees them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import feedparser

_INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[(?P<subset>.*?)\]\s*>", re.I | re.S)
_ENTITY = re.compile(rb"<!ENTITY", re.I)
PROLOG_BYTES = 64 * 1024


class FeedParseError(ValueError):
    """The bytes are not a feed we will read."""


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    language: str | None
    ttl_minutes: float | None
    entries: list[Any]
    bozo: str | None  # why feedparser found the document ill-formed, when it did


def refuse_entity_declarations(body: bytes) -> None:
    prolog = body[:PROLOG_BYTES]
    match = _INTERNAL_SUBSET.search(prolog)
    if match and _ENTITY.search(match.group("subset")):
        raise FeedParseError("the document declares XML entities; entity expansion is refused")


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """Entries of a feed document; FeedParseError when it yields none."""
    if not body.strip():
        raise FeedParseError("empty response")
    refuse_entity_declarations(body)
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(body, response_headers=headers, resolve_relative_uris=True)
    bozo = None
    if parsed.get("bozo"):
        bozo = f"{type(parsed.get('bozo_exception')).__name__}: {parsed.get('bozo_exception')}"
    if not parsed.entries:
        if not parsed.get("version"):
            raise FeedParseError(f"not an RSS or Atom feed{f' ({bozo})' if bozo else ''}")
        raise FeedParseError(f"the feed has no entries{f' ({bozo})' if bozo else ''}")
    feed = parsed.get("feed", {})
    ttl = feed.get("ttl")
    try:
        ttl_minutes = float(ttl) if ttl else None
    except (TypeError, ValueError):
        ttl_minutes = None
    return ParsedFeed(
        title=feed.get("title") or None,
        language=(feed.get("language") or "").strip().lower() or None,
        ttl_minutes=ttl_minutes,
        entries=list(parsed.entries),
        bozo=bozo,
    )
