"""A feed entry as an Article: canonical URL, plain text, a published time with its zone."""

from __future__ import annotations

import calendar
import datetime as dt
import email.utils
import hashlib
import re
import warnings
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning
from pydantic import ValidationError

from infra.language import detect_language
from ingest.urls import InvalidURLError, canonical_url
from schemas.article import PUBLISHED_YEARS, Article, article_id_for

_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class EntryError(ValueError):
    """An entry that cannot become an Article (no link, no title, ...)."""


@dataclass(frozen=True)
class NormalizedEntry:
    key: str  # what identifies the entry within its feed: GUID, else canonical URL
    version: str  # changes when the entry's content or updated time changes
    article: Article


def html_to_text(fragment: str) -> str:
    """Visible text of an HTML fragment, entities decoded, whitespace collapsed per paragraph."""
    if not fragment:
        return ""
    if "<" not in fragment and "&" not in fragment:
        return " ".join(fragment.split())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(fragment, "html.parser")
    for tag in soup(["script", "style", "iframe", "object", "noscript"]):
        tag.decompose()
    for tag in soup.find_all(["p", "br", "div", "li", "h1", "h2", "h3", "h4", "blockquote"]):
        tag.insert_before("\n")
    lines = (" ".join(line.split()) for line in soup.get_text().splitlines())
    return "\n".join(line for line in lines if line)


def parse_published(raw: str | None, parsed: Any) -> dt.datetime | None:
    """The entry's time with the zone the source wrote, or UTC from feedparser's parse;
    None for none, or for a year no news carries (the fetch time stands in, flagged)."""
    found = _published_as_written(raw, parsed)
    if found is None or not PUBLISHED_YEARS[0] <= found.year <= PUBLISHED_YEARS[1]:
        return None
    return found


def _published_as_written(raw: str | None, parsed: Any) -> dt.datetime | None:
    if raw:
        text = raw.strip()
        try:
            value = email.utils.parsedate_to_datetime(text)
            return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        except (TypeError, ValueError, IndexError):
            pass
        try:
            value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        except ValueError:
            pass
    if parsed:
        return dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC)
    return None


def _own(entry: Any, key: str) -> Any:
    # feedparser maps a missing "updated" to "published" (with a deprecation warning);
    # wirewatch wants what the entry itself says.
    return dict.get(entry, key) if isinstance(entry, dict) else None


def _entry_text(entry: Any) -> str:
    candidates = [c.get("value", "") for c in entry.get("content", []) or []]
    candidates.append(entry.get("summary", "") or "")
    return max((html_to_text(c) for c in candidates), key=len, default="")


def normalize_entry(
    entry: Any,
    *,
    source: str,
    feed_url: str,
    feed_language: str | None,
    fetched_at: dt.datetime,
) -> NormalizedEntry:
    link = entry.get("link") or ""
    if not link:
        link = next((ln.get("href") for ln in entry.get("links", []) if ln.get("href")), "")
    try:
        url = canonical_url(link)
    except InvalidURLError as error:
        raise EntryError(f"entry has no usable link: {error}") from error
    title = html_to_text(entry.get("title", "") or "")[:1000]
    text = _entry_text(entry)[:200_000]
    if not title:
        title = (text[:120] + "...") if len(text) > 120 else text
    if not title:
        raise EntryError(f"entry {url} has neither title nor text")
    published = parse_published(entry.get("published"), entry.get("published_parsed"))
    if published is None:
        published = parse_published(_own(entry, "updated"), _own(entry, "updated_parsed"))
    estimated = published is None
    language = (entry.get("language") or feed_language or "").strip().lower() or None
    if language and not _LANGUAGE.match(language):
        language = (
            language.split("_")[0][:3] if _LANGUAGE.match(language.split("_")[0][:3]) else None
        )
    guid = entry.get("id") or None
    try:
        article = Article(
            id=article_id_for(url),
            url=url,
            title=title,
            text=text,
            source=source or urlsplit(feed_url).hostname or "unknown",
            published=published or fetched_at,
            published_estimated=estimated,
            language=language,
            detected_language=detect_language(title, text),
            guid=str(guid)[:2000] if guid else None,
            feed_url=feed_url,
            ingested_at=fetched_at,
        )
    except ValidationError as error:
        raise EntryError(
            f"entry {url} is not a valid article: {error.errors()[0]['msg']}"
        ) from error
    updated = str(_own(entry, "updated") or "")
    version = hashlib.sha256(f"{article.content_hash}|{updated}".encode()).hexdigest()[:32]
    return NormalizedEntry(key=str(guid) if guid else url, version=version, article=article)
