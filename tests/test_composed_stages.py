"""The worker's two composed steps (dedup+extract, merge+route), its batch loop for the
store, and the merge state's cache of parsed reports: each does what the single steps
do, one message at a time."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import pytest

from infra.settings import Settings
from ingest.seeds import load_seed
from processors import stages
from processors.merge import IncidentIndex
from processors.window import Retention
from schemas.alert import Alert
from schemas.dead_letter import DeadLetter
from schemas.event import Event, EventMention
from schemas.topics import ALERTS, ARTICLES_RAW, EVENTS
from sinks.storage import connect, count_versions, list_events, upsert_events
from tests.conftest import SEEDS
from tests.stage_doubles import StreamEvent, Topic
from tests.test_stages import WINDOW, Pipeline, _sub

REPORTS = (
    "ganja-missile-strike-caspian-daily.md",
    "ganja-missile-strike-meridian.md",
    "chuhuiv-shelling-wire.md",
    "chuhuiv-shelling-republished.md",
    "chuhuiv-shelling-wire.md",  # a repeat
    "saada-airstrike-meridian.md",
    "saada-airstrike-red-sea-monitor.md",
    "markets-oil-rally.md",
)
NOW = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)


def _run(step: stages.Step) -> list[stages.Record]:
    if step.remember is not None:
        step.remember()
    return step.records


def test_the_composed_steps_send_what_the_single_steps_send():
    subscriptions = [_sub(countries=["AZ", "UA", "YE"])]
    single = Pipeline(subscriptions)
    composed = Pipeline(subscriptions)
    expected_events, expected_alerts, events, alerts = [], [], [], []
    for name in REPORTS:
        found, told = single.feed(name)
        expected_events += [(e.event_id, e.version, e.sources) for e in found]
        expected_alerts += [(a.alert_id, a.reason) for a in told]
        raw = load_seed(SEEDS / name).to_json_bytes()
        for mention in _run(stages.dedup_and_extract(composed.dedup, composed.extract, raw)):
            assert mention.to is None  # one output: events.mentions
            for record in _run(
                stages.merge_and_route(
                    composed.merge, composed.route, composed.subscriptions, mention.value, NOW
                )
            ):
                if record.to is EVENTS:
                    event = Event.from_json_bytes(record.value)
                    assert record.key == event.event_id.encode()
                    events.append((event.event_id, event.version, event.sources))
                else:
                    assert record.to is ALERTS
                    alert = Alert.from_json_bytes(record.value)
                    assert record.key == alert.subscription_id.encode()
                    alerts.append((alert.alert_id, alert.reason))
    assert len(expected_events) >= 5 and len(expected_alerts) >= 3
    assert events == expected_events
    assert alerts == expected_alerts
    assert composed.route.told == single.route.told


def test_what_routing_told_is_remembered_only_after_the_send():
    pipeline = Pipeline([_sub(countries=["AZ"])])
    raw = load_seed(SEEDS / "ganja-missile-strike-caspian-daily.md").to_json_bytes()
    [mention] = _run(stages.dedup_and_extract(pipeline.dedup, pipeline.extract, raw))
    step = stages.merge_and_route(
        pipeline.merge, pipeline.route, pipeline.subscriptions, mention.value, NOW
    )
    assert [r.to for r in step.records] == [EVENTS, ALERTS]
    assert pipeline.route.told == {}
    assert step.remember is not None
    step.remember()
    assert len(pipeline.route.told) == 1


def test_dedup_remembers_an_article_only_after_its_mentions_are_sent():
    pipeline = Pipeline()
    raw = load_seed(SEEDS / "idlib-airstrike.md").to_json_bytes()
    step = stages.dedup_and_extract(pipeline.dedup, pipeline.extract, raw)
    assert step.records and pipeline.dedup.articles == {}
    _run(step)
    assert len(pipeline.dedup.articles) == 1
    assert stages.dedup_and_extract(pipeline.dedup, pipeline.extract, raw).records == []


def _letters(topic: Topic) -> list[DeadLetter]:
    return [DeadLetter.from_json_bytes(value) for value in topic.sent]


@pytest.mark.parametrize(
    ("value", "extract_fails", "stage"),
    [(b"{not json", False, "dedup"), (None, True, "extract")],
)
def test_a_dead_letter_names_the_handler_at_fault_within_a_composed_step(
    value, extract_fails, stage
):
    from processors.stream.dead_letters import DeadLetters
    from processors.stream.runner import run_stage

    def broken_extractor(article):
        raise RuntimeError("the extractor broke on this article")

    dedup = stages.DedupState({}, Retention(WINDOW), 0.6)
    extract = stages.ExtractState({}, Retention(WINDOW))
    if extract_fails:
        extract = stages.ExtractState({}, Retention(WINDOW), broken_extractor)
    value = value or load_seed(SEEDS / "idlib-airstrike.md").to_json_bytes()
    topic = Topic()
    settings = Settings()
    letters = DeadLetters(settings.kafka, settings.dead_letter_dir, {ARTICLES_RAW.name: topic})

    class Stream:
        async def events(self):
            yield StreamEvent(value)

    async def handle(event):
        return stages.dedup_and_extract(dedup, extract, event.value)

    async def fatal(error: BaseException) -> None:
        raise AssertionError("no state error here")

    asyncio.run(run_stage(Stream(), "dedup+extract", ARTICLES_RAW, handle, None, letters, fatal))
    [letter] = _letters(topic)
    assert letter.stage == stage
    assert letter.value == value
    if extract_fails:
        assert "the extractor broke" in letter.error
        assert dedup.articles == {}  # not remembered: a restart reads it again
        # and taken back from the index, which need not be rebuilt from the table
        assert dedup._index is not None and len(dedup._index) == 0


def test_a_failed_batch_is_retried_one_by_one_and_only_the_culprit_is_a_dead_letter():
    from processors.stream.dead_letters import DeadLetters
    from processors.stream.runner import run_batches

    batch = [StreamEvent(b"good 1"), StreamEvent(b"bad"), StreamEvent(b"good 2")]
    stored: list[bytes] = []
    calls: list[int] = []

    class Stream:
        async def take_events(self, size, within):
            assert size == 500 and within == 0.05
            yield batch

    async def handle(events):
        calls.append(len(events))
        if any(event.value == b"bad" for event in events):
            raise ValueError("not an event")
        stored.extend(event.value for event in events)

    async def fatal(error: BaseException) -> None:
        raise AssertionError("no state error here")

    topic = Topic()
    settings = Settings()
    letters = DeadLetters(settings.kafka, settings.dead_letter_dir, {EVENTS.name: topic})
    asyncio.run(run_batches(Stream(), "store", EVENTS, handle, letters, fatal, 500, 0.05))
    assert calls == [3, 1, 1, 1]
    assert stored == [b"good 1", b"good 2"]
    [letter] = _letters(topic)
    assert letter.value == b"bad" and "not an event" in letter.error


def _event(event_id: str, version: int) -> Event:
    pipeline = Pipeline()
    [event], _ = pipeline.feed("idlib-airstrike.md")
    return event.model_copy(update={"event_id": event_id, "version": version})


def test_a_batch_stores_each_version_once_and_keeps_the_newest(tmp_path):
    engine = connect(f"sqlite:///{tmp_path / 'events.db'}")
    first, second = _event("e1", 1), _event("e1", 2)
    other = _event("e2", 1)
    assert upsert_events(engine, [first, second, first, other]) == [True, True, False, True]
    assert upsert_events(engine, [first]) == [False]  # older than what is stored
    assert upsert_events(engine, []) == []
    assert count_versions(engine) == 3
    assert sorted((e.event_id, e.version) for e in list_events(engine)) == [("e1", 2), ("e2", 1)]


def _mentions() -> list[EventMention]:
    pipeline = Pipeline()
    found = []
    for name in ("ganja-missile-strike-caspian-daily.md", "ganja-missile-strike-meridian.md"):
        raw = load_seed(SEEDS / name).to_json_bytes()
        for record in _run(stages.dedup_and_extract(pipeline.dedup, pipeline.extract, raw)):
            found.append(EventMention.model_validate_json(record.value))
    return found


def test_merge_reads_a_record_again_when_it_was_replaced_under_it():
    """After a restart the table holds records read back from the changelog: equal, not
    the same objects. The cache of parsed reports must not be trusted then."""
    first, second = _mentions()
    fresh = IncidentIndex()
    fresh.add_mention(first)
    expected = fresh.add_mention(second)

    recovered = IncidentIndex()
    recovered.add_mention(first)
    for key, record in list(recovered.events.items()):
        recovered.events[key] = json.loads(json.dumps(record))  # as read from a changelog
    stale = next(iter(recovered._parsed.values()))
    stale.mentions.clear()  # what the cache held is no longer what the record says
    assert recovered.add_mention(second) == expected


def test_merge_keeps_the_stored_text_of_reports_it_did_not_change():
    first, second = _mentions()
    index = IncidentIndex()
    event = index.add_mention(first)
    before = index.events[event.event_id]["mentions"][first.mention_id]
    index.add_mention(second)
    record = index.events[event.event_id]
    assert record["mentions"][first.mention_id] is before  # not serialized again
    assert EventMention.model_validate_json(record["mentions"][second.mention_id]) == second
