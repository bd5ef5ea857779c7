"""Each stage of the stream as a handler: its state and one message in, what to send out.

    dedup    articles.raw     -> articles.unique   (Article, or ArticleCopy keyed by its original)
    extract  articles.unique  -> events.mentions   (EventMention, or ArticleCopy, keyed by country)
    merge    events.mentions  -> events            (Event, keyed by event id)
    route    events           -> alerts            (Alert, keyed by subscription id)

The worker runs them as two composed steps, so that an article crosses two topics
instead of four: `dedup_and_extract` (articles.raw -> events.mentions; articles.unique is
then the hand-off inside one step, not a topic) and `merge_and_route` (events.mentions
-> events and alerts).

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
from collections import Counter
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple

from infra.language import is_read, language_of
from processors.alerting import Sent, SubscriptionIndex, alert_reason, build_alert
from processors.dedup import ArticleIndex, IndexEntry, admit
from processors.extraction import extract_events
from processors.merge import IncidentIndex
from processors.state_records import StateRecordError, check_version, stamped
from processors.window import Retention
from schemas.alert import Alert
from schemas.article import Article, ArticleCopy
from schemas.event import Event, EventMention
from schemas.topics import ALERTS, ARTICLES_RAW, ARTICLES_UNIQUE, EVENT_MENTIONS, EVENTS, TopicSpec

Table = MutableMapping[str, Any]


class Record(NamedTuple):
    """One record to send: the key and the value, as bytes, and the topic it goes to when
    a step sends to more than one (None: the step's only output)."""

    key: bytes
    value: bytes
    to: TopicSpec | None = None


class StageFailed(Exception):
    """A message one handler of a composed step could not handle: which one, and why, so
    that its dead letter names the stage at fault."""

    def __init__(self, stage: str, error: Exception) -> None:
        super().__init__(str(error))
        self.stage = stage
        self.error = error


def _in_stage(stage: str, handle: Callable[..., Any], *args: Any) -> Any:
    """HANDLE(*ARGS), its failure named as STAGE's (a state error stays what it is)."""
    try:
        return handle(*args)
    except StateRecordError:
        raise
    except Exception as error:
        raise StageFailed(stage, error) from error


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
    copies: int = 0  # articles remembered as copies of another: a count, not state

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

    def unadmit(self, article_id: str) -> None:
        """Take back an article admitted to the index but never remembered (its message
        failed after dedup), so that the index stays in step with the table rather than
        be rebuilt from it on the next message."""
        if self._index is not None:
            self._index.remove(article_id)


def dedup(state: DedupState, value: bytes) -> Step:
    """A new article passes on; a repeat is dropped; a copy becomes a notice keyed by its
    original's id, so that it follows the original into extraction."""
    article = ARTICLES_RAW.read(value)
    assert isinstance(article, Article)
    item, remember = _dedup(state, article)
    if item is None:
        return Step()  # a repeat
    if isinstance(item, Article):
        return Step([Record(item.id.encode(), value)], remember)
    return Step([Record(item.original_id.encode(), item.to_json_bytes())], remember)


def _dedup(
    state: DedupState, article: Article
) -> tuple[Article | ArticleCopy | None, Callable[[], None] | None]:
    """The article itself when new, its copy's notice when it repeats another in other
    words, None when it was seen already; and what to remember once that is sent."""
    index = state.index()
    admission = admit(index, article)
    entry, copy = admission.entry, admission.copy
    if entry is None:
        return None, None
    index.add(entry)
    if state.retention.advance(article.published):
        for key in index.expired(state.retention.horizon):
            index.remove(key)
            if key in state.articles:
                del state.articles[key]

    def remember() -> None:
        state.articles[article.id] = entry.to_record()
        state.copies += copy is not None

    return (article if copy is None else copy), remember


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
    # articles in a language the extractor does not read: (feed, language) -> how many
    skipped: Counter[tuple[str, str]] = field(default_factory=Counter)
    on_skip: Callable[[str, str], None] | None = None  # (feed, language), e.g. a metric


def not_read(article: Article) -> str | None:
    """The language of an article the extractor does not read (English only), None when
    it reads it. Detected here when the collector did not stamp it (older messages)."""
    language = language_of(article.title, article.text, article.detected_language)
    return None if is_read(language) else language


def feed_of(article: Article) -> str:
    """The feed an article came from, as the collector names it (its URL), or its source."""
    return article.feed_url or article.source


def extract(state: ExtractState, value: bytes) -> Step:
    """An article's event mentions keyed by country; a copy's notice to each country its
    original's events are in."""
    item = ARTICLES_UNIQUE.read(value)
    assert isinstance(item, Article | ArticleCopy)
    return Step(_extract(state, item))


def _extract(state: ExtractState, item: Article | ArticleCopy) -> list[Record]:
    if isinstance(item, ArticleCopy):
        known = state.articles.get(item.original_id)
        countries = Extracted.from_record(known).countries if known else ()
        return [Record(country.encode(), item.to_json_bytes()) for country in countries]
    language = not_read(item)
    if language is not None:  # a counted skip, not an error: nothing to extract from
        state.skipped[feed_of(item), language] += 1
        if state.on_skip is not None:
            state.on_skip(feed_of(item), language)
        found: list[EventMention] = []
    else:
        found = state.extract(item)
    countries = tuple(sorted({mention.country for mention in found}))
    state.articles[item.id] = Extracted(countries, item.published.isoformat()).to_record()
    if state.retention.advance(item.published):
        horizon = state.retention.horizon.isoformat()
        for key, record in list(state.articles.items()):
            if record and Extracted.from_record(record).published < horizon:
                del state.articles[key]
    return [Record(m.country.encode(), m.to_json_bytes()) for m in found]


def dedup_and_extract(dedup_state: DedupState, extract_state: ExtractState, value: bytes) -> Step:
    """dedup, then extract what it lets through, in one step: an article's mentions (or a
    copy's notices) keyed by country, and dedup's memory of the article to keep once
    they are sent. Extraction's own state is written at once, as alone."""
    article = _in_stage("dedup", ARTICLES_RAW.read, value)
    assert isinstance(article, Article)
    item, remember = _in_stage("dedup", _dedup, dedup_state, article)
    if item is None:
        return Step()  # a repeat
    try:
        return Step(_in_stage("extract", _extract, extract_state, item), remember)
    except StageFailed:
        dedup_state.unadmit(article.id)
        raise


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
    return Step([_event_record(event) for event in _merge(state, item)])


def _event_record(event: Event, to: TopicSpec | None = None) -> Record:
    """An event version, keyed by its event id."""
    return Record(event.event_id.encode(), event.to_json_bytes(), to)


def _merge(state: MergeState, item: EventMention | ArticleCopy) -> list[Event]:
    incidents = state.incidents
    if isinstance(item, ArticleCopy):
        changed = incidents.add_copy(item) or incidents.events_of(item.article_id)
    else:
        version = incidents.add_mention(item)
        changed = [version] if version else incidents.events_of(item.article_id)
        if state.retention.advance(dt.datetime.combine(item.event_date, dt.time(), dt.UTC)):
            incidents.evict(state.retention.horizon.date())
    return changed


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
    alerts, remember = _route(state, subscriptions, event, received_at, now)
    return Step([_alert_record(alert) for alert in alerts], remember)


def _alert_record(alert: Alert, to: TopicSpec | None = None) -> Record:
    """An alert, keyed by its subscription id."""
    return Record(alert.subscription_id.encode(), alert.to_json_bytes(), to)


def _route(
    state: RouteState,
    subscriptions: SubscriptionIndex,
    event: Event,
    received_at: dt.datetime,
    now: dt.datetime | None,
) -> tuple[list[Alert], Callable[[], None]]:
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

    return [alert for alert, _ in alerts], remember


def merge_and_route(
    merge_state: MergeState,
    route_state: RouteState,
    subscriptions: SubscriptionIndex,
    value: bytes,
    received_at: dt.datetime,
    now: dt.datetime | None = None,
) -> Step:
    """merge, then route each event version it sends, in one step: the versions to
    ``events``, their alerts to ``alerts``. What each subscription was told is
    remembered once both are sent, as routing alone does."""
    item = _in_stage("merge", EVENT_MENTIONS.read, value)
    assert isinstance(item, EventMention | ArticleCopy)
    records: list[Record] = []
    remembers: list[Callable[[], None]] = []
    for event in _in_stage("merge", _merge, merge_state, item):
        records.append(_event_record(event, EVENTS))
        alerts, remember = _in_stage(
            "route", _route, route_state, subscriptions, event, received_at, now
        )
        records += [_alert_record(alert, ALERTS) for alert in alerts]
        remembers.append(remember)

    def remember_all() -> None:
        for remember in remembers:
            remember()

    return Step(records, remember_all if remembers else None)
