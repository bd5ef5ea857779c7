"""Parsing fetched feed bytes with feedparser, after refusing what no news feed needs.

feedparser is always handed bytes we fetched ourselves; it never fetches. Documents
that declare XML entities (the billion-laughs bomb, external entities) are refused
before feedparser sees them: the whole document is first read by defusedxml's expat
reader, which stops at any entity declaration or external reference wherever it is
(after a long comment, in UTF-16, behind a `>` in the DOCTYPE), where a scan of the
first bytes could be fooled.
"""

from __future__ import annotations

import io
import xml.sax
import xml.sax.handler
import xml.sax.xmlreader
from dataclasses import dataclass
from typing import Any

import defusedxml
import defusedxml.expatreader
import feedparser
from feedparser.encodings import convert_to_utf8


class FeedParseError(ValueError):
    """The bytes are not a feed we will read."""


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    language: str | None
    ttl_minutes: float | None
    entries: list[Any]
    bozo: str | None  # why feedparser found the document ill-formed, when it did


def refuse_entity_declarations(body: bytes, content_type: str | None = None) -> None:
    """FeedParseError when the document declares an entity or refers to an external
    one. It is read as feedparser will read it: first turned into UTF-8 by feedparser's
    own converter (expat alone reads no Big5 or EUC-KR), then by expat to the end. A
    document expat cannot read to the end is left to feedparser, whose own strict reader
    stops at the same place and whose loose one expands no declared entity."""
    headers = {"content-type": content_type} if content_type else {}
    utf8 = convert_to_utf8(headers, body, {})
    # every entity declaration refused, internal or external; nothing outside the
    # document read (an old feed's DOCTYPE naming a DTD by URL is allowed, not fetched)
    reader = defusedxml.expatreader.create_parser(forbid_entities=True, forbid_external=False)
    reader.setFeature(xml.sax.handler.feature_external_ges, False)
    reader.setFeature(xml.sax.handler.feature_external_pes, False)
    reader.setContentHandler(xml.sax.handler.ContentHandler())
    source = xml.sax.xmlreader.InputSource()
    source.setByteStream(io.BytesIO(utf8))
    try:
        reader.parse(source)
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden) as error:
        raise FeedParseError(
            f"the document declares XML entities; entity expansion is refused ({error})"
        ) from None
    except (xml.sax.SAXException, ValueError, LookupError):
        pass  # ill-formed, or in an encoding no reader knows: feedparser says how (bozo)


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """Entries of a feed document; FeedParseError when it yields none."""
    if not body.strip():
        raise FeedParseError("empty response")
    refuse_entity_declarations(body, content_type)
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
