"""The topic registry: every topic the pipeline uses, what it carries, how it is kept.

A prefix (setting ``topic_prefix``) lets several pipelines, or several test runs,
share one broker without seeing each other's messages.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Union

from pydantic import TypeAdapter

from schemas.alert import Alert
from schemas.article import Article, ArticleCopy
from schemas.base import WireModel
from schemas.dead_letter import DeadLetter
from schemas.event import Event, EventMention


@dataclass(frozen=True)
class TopicSpec:
    """A topic: its name, the message types it carries, what its key is, how it is kept.
    The stages read their input with `read`, so what a topic says it carries is what
    the code accepts from it."""

    name: str
    values: tuple[type[WireModel], ...]
    key: str
    partitions: int
    compacted: bool = False

    def read(self, value: bytes) -> WireModel:
        """The message in VALUE, as one of the types the topic carries (ValueError if none)."""
        if len(self.values) == 1:
            return self.values[0].from_json_bytes(value)
        return _adapter(self.values).validate_json(value)

    def qualified(self, prefix: str = "") -> str:
        return f"{prefix}{self.name}"

    def partition_count(self, configured: int) -> int:
        """Single-partition topics (dead letters, articles.raw) stay so; the others take the setting."""
        return 1 if self.partitions == 1 else configured

    def kafka_config(self) -> dict[str, str]:
        if self.compacted:
            return {"cleanup.policy": "compact", "min.compaction.lag.ms": "60000"}
        return {}


@functools.cache
def _adapter(values: tuple[type[WireModel], ...]) -> TypeAdapter[Any]:
    return TypeAdapter(Union[values])  # noqa: UP007 - a Union built from a tuple


# One partition: near-duplicates are found in one index of every recent article.
ARTICLES_RAW = TopicSpec("articles.raw", (Article,), "article id", partitions=1)
# What dedup hands to extraction: an article, or a copy's notice (ArticleCopy) keyed by
# its original's id. The worker runs both in one step, so this is a hand-off inside it,
# read with the same rules as a topic, and not created on the broker.
ARTICLES_UNIQUE = TopicSpec(
    "articles.unique",
    (Article, ArticleCopy),
    "article id (a copy: its original's id)",
    partitions=3,
)
# Keyed by country: every report of an incident meets the open events it may join; a
# copy's notice goes to each country its original's events are in.
EVENT_MENTIONS = TopicSpec(
    "events.mentions", (EventMention, ArticleCopy), "country code", partitions=3
)
EVENTS = TopicSpec("events", (Event,), "event id", partitions=3, compacted=True)
ALERTS = TopicSpec("alerts", (Alert,), "subscription id", partitions=3)


@dataclass(frozen=True)
class StageSpec:
    """A stage of the worker as the registry knows it: its name (in metrics, dead letters
    and `wirewatch status`), the topic it reads, the topics it writes (none: a sink).
    `processors.pipeline` gives each stage that writes its handler; the stream runtime
    binds the sinks."""

    name: str
    input: TopicSpec
    outputs: tuple[TopicSpec, ...] = ()

    @property
    def agent(self) -> str:
        """The faust agent's name: "dedup+extract" runs as dedup_and_extract."""
        return self.name.replace("+", "_and_")


# The stages, in the order the data flows: an article crosses two topics, not four (each
# hop costs a produce, a consume and a commit), so dedup and extraction share a step, as
# merging and routing do.
DEDUP_AND_EXTRACT = StageSpec("dedup+extract", ARTICLES_RAW, (EVENT_MENTIONS,))
MERGE_AND_ROUTE = StageSpec("merge+route", EVENT_MENTIONS, (EVENTS, ALERTS))
STORE = StageSpec("store", EVENTS)
DELIVER = StageSpec("deliver", ALERTS)
STAGES: tuple[StageSpec, ...] = (DEDUP_AND_EXTRACT, MERGE_AND_ROUTE, STORE, DELIVER)

# The topics on the broker, in the order the data flows: what the stages read.
PIPELINE_TOPICS: tuple[TopicSpec, ...] = tuple(stage.input for stage in STAGES)

# The stage that consumes each topic: how metrics and `wirewatch status` name the
# consumer lag of a topic.
STAGE_READING: dict[str, str] = {stage.input.name: stage.name for stage in STAGES}


def dead_letter_topic(spec: TopicSpec) -> TopicSpec:
    return TopicSpec(f"{spec.name}.dlq", (DeadLetter,), f"as {spec.name}", partitions=1)


ALL_TOPICS: tuple[TopicSpec, ...] = PIPELINE_TOPICS + tuple(
    dead_letter_topic(spec) for spec in PIPELINE_TOPICS
)
