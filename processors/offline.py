"""The extraction stage without Kafka: JSON Lines of articles in, events out.

Input lines carry ``id``, ``title``, ``text``, ``published`` (RFC 3339) and optionally
``url`` and ``source``; the output is ``{"id": ..., "events": [EventMention, ...]}``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote

from pydantic import ValidationError

from processors.extraction import extract_events
from schemas.article import Article, article_id_for
from schemas.dead_letter import describe_error

REQUIRED = ("id", "title", "text", "published")


def article_from_record(record: dict[str, Any]) -> Article:
    """An Article from a loose JSON record; the id is hashed when it is not one already."""
    missing = [key for key in REQUIRED if key not in record]
    if missing:
        raise ValueError(f"missing field(s): {', '.join(missing)}")
    raw_id = str(record["id"])
    url = record.get("url") or f"https://offline.invalid/{quote(raw_id, safe='')}"
    return Article(
        id=raw_id
        if len(raw_id) == 32 and all(c in "0123456789abcdef" for c in raw_id)
        else article_id_for(f"offline:{raw_id}"),
        url=url,
        title=str(record["title"]) or "(untitled)",
        text=str(record["text"]),
        source=str(record.get("source") or "unknown"),
        published=dt.datetime.fromisoformat(str(record["published"]).replace("Z", "+00:00")),
    )


def extract_lines(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line number, output record) per input line, or (line number, error message)."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("each line must be a JSON object")
            article = article_from_record(record)
        except (ValueError, ValidationError) as error:
            yield number, describe_error(error)
            continue
        mentions = extract_events(article)
        yield (
            number,
            {
                "id": record["id"],
                "events": [json.loads(mention.model_dump_json()) for mention in mentions],
            },
        )
