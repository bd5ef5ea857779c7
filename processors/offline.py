"""The extraction stage without Kafka: JSON Lines of articles in, events out.

Input lines carry ``id``, ``title``, ``text``, ``published`` (RFC 3339) and optionally
``url`` and ``source``; the output is ``{"id": ..., "events": [EventMention, ...]}``. An
article in a language the extractor does not read gets no events and says so:
``"skipped": "not English", "language": "fr"``, as the worker skips and counts it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import quote

from pydantic import ValidationError

from processors import stages
from processors.dedup import DEFAULT_THRESHOLD, ArticleIndex
from processors.extraction import extract_events
from processors.merge import DEFAULT_WINDOW_DAYS, IncidentIndex
from processors.pipeline import PIPELINE, Config, Context
from processors.stages import not_read
from processors.window import EVICT_EVERY
from schemas.article import Article, article_id_for
from schemas.dead_letter import describe_error
from schemas.event import Event, EventMention
from schemas.topics import ARTICLES_RAW, EVENT_MENTIONS, EVENTS, TopicSpec

REQUIRED = ("id", "title", "text", "published")


def article_from_record(record: dict[str, Any]) -> Article:
    """An Article from a loose JSON record; the id is hashed when it is not one already."""
    missing = [key for key in REQUIRED if key not in record]
    if missing:
        raise ValueError(f"missing field(s): {', '.join(missing)}")
    if not isinstance(record["id"], str | int) or isinstance(record["id"], bool):
        raise ValueError("id must be a string or a number")
    raw_id = str(record["id"]).strip()
    if not raw_id:
        raise ValueError("id is empty")
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


def read_articles(
    lines: Iterable[str | bytes],
) -> Iterator[tuple[int, Article | str, dict[str, Any]]]:
    """(line number, article or error message, the raw record) per non-empty line. Lines
    given as bytes are decoded here, one at a time, so a line that is not UTF-8 is that
    line's error, not the end of the file."""
    for number, line in enumerate(lines, start=1):
        if isinstance(line, bytes):
            try:
                line = line.decode("utf-8")
            except UnicodeDecodeError as error:
                yield number, f"not UTF-8 text (byte {error.start + 1} of the line)", {}
                continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("each line must be a JSON object")
            yield number, article_from_record(record), record
        except RecursionError:
            yield number, "the JSON is nested too deeply", {}
        except (ValueError, ValidationError) as error:
            yield number, describe_error(error), {}


def extract_lines(
    lines: Iterable[str | bytes],
    extract: Callable[[Article], list[EventMention]] = extract_events,
) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line number, output record) per input line, or (line number, error message)."""
    for number, article, record in read_articles(lines):
        if isinstance(article, str):
            yield number, article
            continue
        language = not_read(article)
        if language is not None:
            yield (
                number,
                {"id": record["id"], "events": [], "skipped": SKIP_REASON, "language": language},
            )
            continue
        try:
            mentions = extract(article)
        except Exception as error:
            yield number, f"extraction failed: {describe_error(error)}"
            continue
        yield (
            number,
            {
                "id": record["id"],
                "events": [json.loads(mention.model_dump_json()) for mention in mentions],
            },
        )


SKIP_REASON = "not English"  # the extractor reads English only


def skip_summary(languages: dict[str, int]) -> str | None:
    """One line for stderr: how many articles were skipped, by language, most first."""
    total = sum(languages.values())
    if not total:
        return None
    counts = sorted(languages.items(), key=lambda pair: (-pair[1], pair[0]))
    by_language = ", ".join(f"{language} {count}" for language, count in counts)
    return f"{total} article{'s' if total != 1 else ''} skipped: not English ({by_language})"


class InProcessPipeline:
    """The worker's stages in one process: the rows of `processors.pipeline.PIPELINE`,
    each record handed to the stage that reads its topic, over plain dicts, with the
    same retention.

    ``wirewatch extract --merge``, ``wirewatch evaluate --merge`` and the benchmarks use
    it. The faust worker runs the same rows over Kafka (`processors.stream.app`), with
    the extractor the settings name within their time budget
    (`processors.budgeted_extraction`); here the extractor is the one given (the
    project's own, unbudgeted, by default), no subscription is routed to, and the event
    versions are kept here instead of stored. As in the worker, each stage scans its
    state for evictions every ``evict_every`` messages (500), so a file of fewer
    articles keeps all of them whatever their dates: an article republished after the
    window is then still a copy.
    """

    def __init__(
        self,
        threshold: float = DEFAULT_THRESHOLD,
        window: dt.timedelta = dt.timedelta(days=DEFAULT_WINDOW_DAYS),
        extract: Callable[[Article], list[EventMention]] = extract_events,
        keep_events: bool = True,
        evict_every: int = EVICT_EVERY,
    ) -> None:
        config = Config(threshold, window, extract, evict_every)
        self.states = {stage.spec.input.name: stage.state(_dict, config) for stage in PIPELINE}
        self.keep_events = keep_events  # off for endless streams (benchmarks)
        self.events: dict[str, Event] = {}  # latest version of each event, when kept
        self._versions: dict[str, int] = {}  # latest version number of each event

    @property
    def deduplicated(self) -> stages.DedupState:
        return self.states[ARTICLES_RAW.name].dedup

    @property
    def extracted(self) -> stages.ExtractState:
        return self.states[ARTICLES_RAW.name].extract

    @property
    def merged(self) -> stages.MergeState:
        return self.states[EVENT_MENTIONS.name].merge

    @property
    def copies(self) -> int:
        """Articles found to repeat an earlier one in other words."""
        return self.deduplicated.copies

    @property
    def articles(self) -> ArticleIndex:
        return self.deduplicated.index()

    @property
    def incidents(self) -> IncidentIndex:
        return self.merged.incidents

    def feed(self, article: Article) -> list[Event]:
        """New event versions the article causes (none for a repeat)."""
        changed: list[Event] = []
        context = Context(received_at=article.published)
        for topic, value in _through(self.states, ARTICLES_RAW, article.to_json_bytes(), context):
            if topic is not EVENTS:
                continue
            event = Event.from_json_bytes(value)
            if event.version > self._versions.get(event.event_id, 0):
                self._versions[event.event_id] = event.version
                changed.append(event)
        if self.keep_events:
            for event in changed:
                self.events[event.event_id] = event
        elif len(self._versions) > 2 * len(self.incidents.events) + 1000:
            # on an endless stream, forget the versions of events merging has evicted
            kept = self.incidents.events
            self._versions = {e: v for e, v in self._versions.items() if e in kept}
        return changed


_STAGE_READING = {stage.spec.input.name: stage for stage in PIPELINE}


def _dict(name: str, beside: TopicSpec) -> dict[str, Any]:
    return {}


def _through(
    states: dict[str, Any], topic: TopicSpec, value: bytes, context: Context
) -> Iterator[tuple[TopicSpec, bytes]]:
    """(topic, value) of each record that VALUE, put on TOPIC, makes the stages send to a
    sink's topic (events, alerts), in the order the worker sends them."""
    stage = _STAGE_READING.get(topic.name)
    if stage is None:
        yield topic, value
        return
    try:
        records = _sent(stage.handle(states[topic.name], value, context))
    except stages.StageFailed as failed:  # the handler's own error, as when run alone
        raise failed.error from None
    for record in records:
        yield from _through(states, record.to or stage.spec.outputs[0], record.value, context)


def _sent(step: stages.Step) -> list[stages.Record]:
    """The records of a step, its state remembered as the worker does once they are sent."""
    if step.remember is not None:
        step.remember()
    return step.records


def merge_lines(
    lines: Iterable[str | bytes], pipeline: InProcessPipeline | None = None
) -> tuple[list[Event], list[tuple[int, str]]]:
    """The canonical events of a JSON Lines file of articles, in the order first seen,
    and the lines that could not be read.

    Articles are fed in publication order, as a stream would see them, whatever the
    order of the file: the state window follows event time.
    """
    pipeline = pipeline or InProcessPipeline()
    errors: list[tuple[int, str]] = []
    articles: list[tuple[int, Article]] = []
    for number, article, _ in read_articles(lines):
        if isinstance(article, str):
            errors.append((number, article))
        else:
            articles.append((number, article))
    for number, article in sorted(articles, key=lambda pair: pair[1].published):
        try:
            pipeline.feed(article)
        except Exception as error:
            errors.append((number, f"extraction failed: {describe_error(error)}"))
    errors.sort()
    events = sorted(pipeline.events.values(), key=lambda e: (e.first_seen, e.event_id))
    return events, errors
