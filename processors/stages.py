"""Each stage of the stream as a handler: its state and one message in, what to send out.

    dedup    articles.raw     -> articles.unique   (Article, or ArticleCopy keyed by its original)
    extract  articles.unique  -> events.mentions   (EventMention, or ArticleCopy, keyed by country)
    merge    events.mentions  -> events            (Event, keyed by event id)
    route    events           -> alerts            (Alert, keyed by subscription id)

A handler does no I/O. Its state is held in mappings (the stream's tables in the worker,
plain dicts in a test or an offline run) and its time in a `Retention` window. It
returns a `Step`: the records to send, and the state that must wait until they are
handed to the producer (dedup's "seen", routing's "told"), so that a worker killed in
between sends them again rather than drops them. State whose early write can only make
work be done again is written at once: extraction's countries of an article, and the
merged events, whose current version merge sends again when a report changes nothing.
A handler raises on a message it cannot handle; the runtime sends that message to the
dead-letter topic, once, for every stage alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple

from processors.alerting import Sent, SubscriptionIndex, alert_reason, build_alert
from processors.dedup import ArticleIndex, IndexEntry, admit
from processors.extraction import extract_events
from processors.merge import IncidentIndex
from processors.state_records import check_version, stamped
from processors.window import Retention
from schemas.alert import Alert
from schemas.article import Article, ArticleCopy
from schemas.event import Event, EventMention
from schemas.topics import ARTICLES_RAW, ARTICLES_UNIQUE, EVENT_MENTIONS, EVENTS

Table = MutableMapping[str, Any]


class Record(NamedTuple):
    """One record to send: the key and the value, as bytes."""

    key: bytes
    value: bytes


@dataclass
class Step:
    """What a handler decided: records to send, then state to remember once they are sent."""

    records: list[Record] = field(default_factory=list)
    remember: Callable[[], None] | None = None


# --- dedup ---------------------------------------------------------------------------------


@dataclass
class DedupState:
    """Articles seen within the window: their table, and the LSH index rebuilt from it."""

    articles: Table  # article id -> IndexEntry record
    retention: Retention
    threshold: float
    _index: ArticleIndex | None = None

    def index(self) -> ArticleIndex:
        if self._index is None or len(self._index) != len(self.articles):
            index = ArticleIndex(self.threshold)
            for key, record in list(self.articles.items()):
                index.add(IndexEntry.from_record(key, record))
            self._index = index
        return self._index

    def forget(self) -> None:
        """Partitions moved: rebuild the index from the table on the next message."""
        self._index = None


def dedup(state: DedupState, value: bytes) -> Step:
    """A new article passes on; a repeat is dropped; a copy becomes a notice keyed by its
    original's id, so that it follows the original into extraction."""
    article = ARTICLES_RAW.read(value)
    assert isinstance(article, Article)
    index = state.index()
    admission = admit(index, article)
    entry, copy = admission.entry, admission.copy
    if entry is None:
        return Step()  # a repeat
    index.add(entry)
    if state.retention.advance(article.published):
        for key in index.expired(state.retention.horizon):
            index.remove(key)
            if key in state.articles:
                del state.articles[key]
    if copy is None:
        record = Record(article.id.encode(), value)
    else:
        record = Record(copy.original_id.encode(), copy.to_json_bytes())

    def remember() -> None:
        state.articles[article.id] = entry.to_record()

    return Step([record], remember)


# --- extract -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Extracted:
    """What extraction remembers of an article: the countries its events are in."""

    countries: tuple[str, ...]
    published: str  # ISO 8601, compared as text against the retention horizon

    RECORD_VERSION: ClassVar[int] = 1

    def to_record(self) -> dict[str, Any]:
        return stamped({"c": list(self.countries), "p": self.published}, self.RECORD_VERSION)

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Extracted:
        check_version("extract", record, cls.RECORD_VERSION)
        return cls(tuple(record["c"]), record["p"])


@dataclass
class ExtractState:
    """Which countries each article's events are in, to forward a later copy to them."""

    articles: Table  # article id -> Extracted record
    retention: Retention
    extract: Callable[[Article], list[EventMention]] = extract_events


def extract(state: ExtractState, value: bytes) -> Step:
    """An article's event mentions keyed by country; a copy's notice to each country its
    original's events are in."""
    item = ARTICLES_UNIQUE.read(value)
    assert isinstance(item, Article | ArticleCopy)
    if isinstance(item, ArticleCopy):
        known = state.articles.get(item.original_id)
        countries = Extracted.from_record(known).countries if known else ()
        return Step([Record(country.encode(), item.to_json_bytes()) for country in countries])
    found = state.extract(item)
    countries = tuple(sorted({mention.country for mention in found}))
    state.articles[item.id] = Extracted(countries, item.published.isoformat()).to_record()
    if state.retention.advance(item.published):
        horizon = state.retention.horizon.isoformat()
        for key, record in list(state.articles.items()):
            if record and Extracted.from_record(record).published < horizon:
                del state.articles[key]
    return Step([Record(m.country.encode(), m.to_json_bytes()) for m in found])


# --- merge ---------------------------------------------------------------------------------


@dataclass
class MergeState:
    incidents: IncidentIndex
    retention: Retention


def merge(state: MergeState, value: bytes) -> Step:
    """The canonical events a mention or a copy changed. A mention that changes nothing
    sends the current version again: after a crash between saving the state and sending,
    that version would otherwise be lost; storage ignores a version it already has."""
    item = EVENT_MENTIONS.read(value)
    assert isinstance(item, EventMention | ArticleCopy)
    incidents = state.incidents
    if isinstance(item, ArticleCopy):
        changed = incidents.add_copy(item) or incidents.events_of(item.article_id)
    else:
        version = incidents.add_mention(item)
        changed = [version] if version else incidents.events_of(item.article_id)
        if state.retention.advance(dt.datetime.combine(item.event_date, dt.time(), dt.UTC)):
            incidents.evict(state.retention.horizon.date())
    return Step([Record(event.event_id.encode(), event.to_json_bytes()) for event in changed])


# --- route ---------------------------------------------------------------------------------


@dataclass
class RouteState:
    """What each subscription was last told of each event ("subscription|event" keys)."""

    told: Table
    retention: Retention


def route(
    state: RouteState,
    subscriptions: SubscriptionIndex,
    value: bytes,
    received_at: dt.datetime,
    now: dt.datetime | None = None,
) -> Step:
    """An alert for each subscription this event version is news to. What each was told
    is remembered only once its alert is sent: a crash in between re-sends, never drops."""
    event = EVENTS.read(value)
    assert isinstance(event, Event)
    created = now or dt.datetime.now(dt.UTC)
    alerts: list[tuple[Alert, str]] = []
    for sub in subscriptions.matching(event):
        key = f"{sub.id}|{event.event_id}"
        record = state.told.get(key)
        reason = alert_reason(sub, event, Sent.from_record(record) if record else None)
        if reason is None:
            continue
        alerts.append((build_alert(sub, event, reason, created, received_at), key))

    def remember() -> None:
        for alert, key in alerts:
            state.told[key] = {
                **Sent.of(alert.event).to_record(),
                "d": event.event_date.isoformat(),
            }
        if state.retention.advance(dt.datetime.combine(event.event_date, dt.time(), dt.UTC)):
            horizon = state.retention.horizon.date().isoformat()
            for key, record in list(state.told.items()):
                if record and record.get("d", horizon) < horizon:
                    del state.told[key]

    return Step(
        [Record(a.subscription_id.encode(), a.to_json_bytes()) for a, _ in alerts], remember
    )
