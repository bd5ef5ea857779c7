"""The pipeline written once: each stage that writes (the registry's `STAGES`: name,
input topic, output topics) with its state and its handler.

The faust worker builds an agent from each row over its tables
(`processors.stream.app`), and the offline pipeline runs the same rows over plain
dicts (`processors.offline`), so the two cannot compose the handlers differently. The
stages that write nothing (store, deliver) are sinks: the stream runtime binds them to
storage and delivery (`processors.stream.store`, `processors.stream.delivery`).

A row's state is built from a factory of tables (a name and the topic whose partitions
the table sits beside) and a `Config`; its handler takes that state, one message's bytes
and a `Context` (when the message arrived, the subscriptions to route to) and returns a
`processors.stages.Step`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from processors import stages
from processors.alerting import SubscriptionIndex
from processors.dedup import DEFAULT_THRESHOLD
from processors.extraction import extract_events
from processors.merge import DEFAULT_WINDOW_DAYS, IncidentIndex
from processors.window import EVICT_EVERY, Retention
from schemas.article import Article
from schemas.event import EventMention
from schemas.topics import (
    ARTICLES_RAW,
    DEDUP_AND_EXTRACT,
    EVENT_MENTIONS,
    MERGE_AND_ROUTE,
    STAGES,
    StageSpec,
    TopicSpec,
)

TableOf = Callable[[str, TopicSpec], stages.Table]  # (table name, beside which topic) -> table


@dataclass(frozen=True)
class Config:
    """What the stages' state is built with: the worker's settings, or an offline run's."""

    threshold: float = DEFAULT_THRESHOLD  # dedup's near-copy similarity
    window: dt.timedelta = dt.timedelta(days=DEFAULT_WINDOW_DAYS)
    extract: Callable[[Article], list[EventMention]] = extract_events
    evict_every: int = EVICT_EVERY  # messages between scans of a state for evictions
    on_skip: Callable[[str, str], None] | None = None  # an article not read: (feed, language)

    def retention(self) -> Retention:
        return Retention(self.window, self.evict_every)


@dataclass(frozen=True)
class Context:
    """What a handler knows of a message besides its bytes."""

    received_at: dt.datetime  # when the article entered articles.raw
    subscriptions: SubscriptionIndex | None = None  # to route to (None: none)
    now: dt.datetime | None = None  # when alerts are made (None: the clock)


class StageState(Protocol):
    def forget(self) -> None:
        """Partitions moved: indexes held beside the tables are rebuilt from them."""


@dataclass
class ArticleState:
    """dedup+extract's state, on the partitions of articles.raw."""

    dedup: stages.DedupState
    extract: stages.ExtractState

    @classmethod
    def build(cls, table: TableOf, config: Config) -> ArticleState:
        dedup = stages.DedupState(
            table("dedup.articles", ARTICLES_RAW), config.retention(), config.threshold
        )
        # beside dedup's table, on articles.raw's partitions; each article within the
        # time budget of the extractor the config gives (`processors.budgeted_extraction`)
        extract = stages.ExtractState(
            table("extract.countries", ARTICLES_RAW), config.retention(), config.extract
        )
        extract.on_skip = config.on_skip
        return cls(dedup, extract)

    def forget(self) -> None:
        self.dedup.forget()


@dataclass
class EventState:
    """merge+route's state, on the country partitions of events.mentions."""

    merge: stages.MergeState
    route: stages.RouteState

    @classmethod
    def build(cls, table: TableOf, config: Config) -> EventState:
        incidents = IncidentIndex(
            table("merge.events", EVENT_MENTIONS), table("merge.articles", EVENT_MENTIONS)
        )
        route = stages.RouteState(table("route.told", EVENT_MENTIONS), config.retention())
        return cls(stages.MergeState(incidents, config.retention()), route)

    def forget(self) -> None:
        self.merge.incidents.forget_day_index()


def handle_article(state: ArticleState, value: bytes, context: Context) -> stages.Step:
    return stages.dedup_and_extract(state.dedup, state.extract, value)


def handle_mention(state: EventState, value: bytes, context: Context) -> stages.Step:
    subscriptions = context.subscriptions
    if subscriptions is None:
        subscriptions = SubscriptionIndex()
    return stages.merge_and_route(
        state.merge, state.route, subscriptions, value, context.received_at, context.now
    )


@dataclass(frozen=True)
class Stage:
    """A row of the pipeline: the registry's stage, how its state is built, its handler."""

    spec: StageSpec
    state: Callable[[TableOf, Config], Any]
    handle: Callable[[Any, bytes, Context], stages.Step]
    routes: bool = False  # reads the current subscriptions (the worker fetches them)


PIPELINE: tuple[Stage, ...] = (
    Stage(DEDUP_AND_EXTRACT, ArticleState.build, handle_article),
    Stage(MERGE_AND_ROUTE, EventState.build, handle_mention, routes=True),
)

# every stage of the registry that writes is a row here; the rest are the sinks
if [stage.spec for stage in PIPELINE] != [spec for spec in STAGES if spec.outputs]:
    raise RuntimeError("processors.pipeline.PIPELINE and schemas.topics.STAGES disagree")

SINKS: tuple[StageSpec, ...] = tuple(spec for spec in STAGES if not spec.outputs)
