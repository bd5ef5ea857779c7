"""The extractor's first event of a text written for a test: the place and type rules'
tests read it, not the whole list."""

from __future__ import annotations

from processors.extraction import extract_events
from processors.offline import article_from_record
from schemas.event import EventMention


def first_event(
    title: str,
    text: str = "",
    published: str = "2019-05-04T12:00:00Z",
    source: str = "Test Wire",
) -> EventMention:
    """The first event extracted from an article of TITLE and TEXT; fails when none is."""
    article = article_from_record(
        {"id": title, "title": title, "text": text, "published": published, "source": source}
    )
    events = extract_events(article)
    assert events, title
    return events[0]
