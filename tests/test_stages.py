"""The stage handlers in-process, over plain dicts, exactly as the worker runs them over
its tables; and the faust app built without a broker."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from infra.settings import Settings
from ingest.seeds import load_seed
from processors import stages
from processors.alerting import SubscriptionIndex
from processors.merge import IncidentIndex
from processors.window import Retention
from schemas.alert import Alert, Subscription
from schemas.article import ArticleCopy
from schemas.event import Event, EventMention
from schemas.topics import ALL_TOPICS
from tests.conftest import SEEDS

WINDOW = dt.timedelta(days=30)


class Pipeline:
    """dedup -> extract -> merge -> route with dict state, records passed by hand."""

    def __init__(self, subscriptions: list[Subscription] | None = None) -> None:
        self.dedup = stages.DedupState({}, Retention(WINDOW), 0.6)
        self.extract = stages.ExtractState({}, Retention(WINDOW))
        self.merge = stages.MergeState(IncidentIndex(), Retention(WINDOW))
        self.route = stages.RouteState({}, Retention(WINDOW))
        self.subscriptions = SubscriptionIndex(subscriptions or [])

    @staticmethod
    def _run(step: stages.Step) -> list[stages.Record]:
        if step.remember is not None:
            step.remember()
        return step.records

    def feed(self, name: str) -> tuple[list[Event], list[Alert]]:
        article = load_seed(SEEDS / name)
        events, alerts = [], []
        for unique in self._run(stages.dedup(self.dedup, article.to_json_bytes())):
            for mention in self._run(stages.extract(self.extract, unique.value)):
                for event in self._run(stages.merge(self.merge, mention.value)):
                    events.append(Event.from_json_bytes(event.value))
                    received = dt.datetime.now(dt.UTC)
                    for alert in self._run(
                        stages.route(self.route, self.subscriptions, event.value, received)
                    ):
                        alerts.append(Alert.from_json_bytes(alert.value))
        return events, alerts


def _sub(**fields) -> Subscription:
    record = {"id": "s", "delivery": {"kind": "file", "target": "/tmp/x"}, **fields}
    return Subscription.model_validate_json(json.dumps(record))


def test_two_reports_of_one_incident_become_two_versions_and_two_alerts():
    pipeline = Pipeline([_sub(countries=["AZ"])])
    first, first_alerts = pipeline.feed("ganja-missile-strike-caspian-daily.md")
    second, second_alerts = pipeline.feed("ganja-missile-strike-meridian.md")
    assert [e.version for e in first + second] == [1, 2]
    assert first[0].event_id == second[0].event_id
    assert [a.reason for a in first_alerts + second_alerts] == ["new", "toll_rose"]
    assert set(pipeline.route.told) == {f"s|{first[0].event_id}"}


def test_a_repeat_sends_nothing_and_a_copy_follows_its_original():
    pipeline = Pipeline()
    [event], _ = pipeline.feed("chuhuiv-shelling-wire.md")
    assert pipeline.feed("chuhuiv-shelling-wire.md") == ([], [])  # a repeat: dropped
    wire = load_seed(SEEDS / "chuhuiv-shelling-wire.md")
    copy_records = stages.dedup(
        pipeline.dedup, load_seed(SEEDS / "chuhuiv-shelling-republished.md").to_json_bytes()
    ).records
    [record] = copy_records
    assert record.key == wire.id.encode()  # keyed by its original, so it follows it
    copy = ArticleCopy.model_validate_json(record.value)
    [notice] = stages.extract(pipeline.extract, record.value).records
    assert notice.key == event.country.encode()  # to the country the original's event is in
    [updated] = stages.merge(pipeline.merge, notice.value).records
    assert Event.from_json_bytes(updated.value).sources == [wire.source, copy.source]


def test_state_is_remembered_only_when_the_step_says_so():
    """The worker remembers an article as seen only after its record is handed to the
    producer: a handler's state write waits in `remember`."""
    state = stages.DedupState({}, Retention(WINDOW), 0.6)
    article = load_seed(SEEDS / "idlib-airstrike.md")
    step = stages.dedup(state, article.to_json_bytes())
    assert step.records and article.id not in state.articles
    step.remember()
    assert article.id in state.articles


def test_a_handler_raises_on_what_it_cannot_read():
    """What the runtime sends to the dead letters: every handler refuses bad bytes."""
    state = stages.ExtractState({}, Retention(WINDOW))
    for handler, bad in (
        (lambda v: stages.extract(state, v), b"{not json"),
        (lambda v: stages.extract(state, v), b'{"schema_version": 1}'),
    ):
        try:
            handler(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad!r} was accepted")


def test_the_worker_app_is_built_without_a_broker():
    from processors.stream.app import create_app

    settings = Settings()
    app = create_app(settings)
    names = {agent.rsplit(".", 1)[-1] for agent in app.agents}
    assert names == {"dedup_and_extract", "merge_and_route", "store", "deliver"}
    assert {str(t) for t in app.tables} == {
        settings.topic(name)
        for name in (
            "dedup.articles",
            "extract.countries",
            "merge.events",
            "merge.articles",
            "route.told",
        )
    }
    assert {spec.name for spec in ALL_TOPICS} >= {"articles.raw", "events", "alerts"}


def test_mentions_are_keyed_by_country_and_events_by_id():
    pipeline = Pipeline()
    article = load_seed(SEEDS / "zamfara-village-attack.md")
    [unique] = stages.dedup(pipeline.dedup, article.to_json_bytes()).records
    records = stages.extract(pipeline.extract, unique.value).records
    assert records and all(
        r.key == EventMention.model_validate_json(r.value).country.encode() for r in records
    )
    [event] = stages.merge(pipeline.merge, records[0].value).records
    assert event.key == Event.from_json_bytes(event.value).event_id.encode()


def test_unreadable_state_stops_the_worker_instead_of_dropping_messages():
    """The runtime's loop: a StateRecordError is nobody's message; it asks the app to stop
    (fatal) and ends the stage, where any other error would go to the dead letters."""
    import asyncio

    import pytest

    from processors.state_records import StateRecordError
    from processors.stream.runner import run_stage
    from schemas.topics import ARTICLES_UNIQUE
    from tests.stage_doubles import StreamEvent

    class Event(StreamEvent):
        def __init__(self) -> None:
            super().__init__(b"v", "t")

    handled: list[bytes] = []

    class Stream:
        async def events(self):
            for _ in range(3):
                yield Event()

    async def handle(event):
        handled.append(event.value)
        raise StateRecordError("the extract state holds a record of format version 99")

    stopped: list[BaseException] = []

    async def fatal(error: BaseException) -> None:
        stopped.append(error)

    with pytest.raises(StateRecordError):
        asyncio.run(run_stage(Stream(), "extract", ARTICLES_UNIQUE, handle, None, None, fatal))
    assert len(handled) == 1 and len(stopped) == 1  # stopped at the first, no more consumed


@pytest.mark.parametrize("batch_ms", [50, 0])
def test_the_worker_batches_its_fetches_and_sends_only_while_it_backs_up(batch_ms):
    """The worker starts with faust's own fetches (one byte, 1.5 s long poll) and no
    linger; once its pacer sees it back up, the batch window reaches the consumer
    aiokafka will start (faust has no setting for it) and the producer's linger; once
    it is neither busy nor taking many messages, they are back. A window of 0 never
    batches."""
    import asyncio

    from aiokafka import AIOKafkaProducer

    from processors.stream.app import create_app

    app = create_app(Settings(stream_batch_ms=batch_ms))
    assert app.conf.producer_linger == 0.0
    pacer = app.stream_pacer

    async def run() -> list[tuple[int, int, float]]:
        consumer = app.consumer._thread._create_worker_consumer(app.transport)
        producer = AIOKafkaProducer(bootstrap_servers="127.0.0.1:9")  # never started
        pacer.watch_producer(producer)
        accumulator = producer._message_accumulator

        def seen() -> tuple[int, int, float]:
            return consumer._fetch_min_bytes, consumer._fetch_max_wait_ms, accumulator._linger_time

        modes = [seen()]
        pacer.tick(wall=0.0, cpu=0.0)
        pacer.tick(wall=1.0, cpu=0.9)  # 90 % of a core: busy
        modes.append(seen())
        pacer.tick(wall=2.0, cpu=1.1)  # 20 %, few messages: caught up
        modes.append(seen())
        for _ in range(200):  # 200 messages in the second, 10 % of a core: many
            pacer.took()
        pacer.tick(wall=3.0, cpu=1.2)
        modes.append(seen())
        await producer.stop()
        return modes

    quiet, batched = (1, 1500, 0.0), (32768, 50, 0.05)
    expected = [quiet, batched, quiet, batched] if batch_ms else [quiet] * 4
    assert asyncio.run(run()) == expected


@pytest.mark.parametrize(
    ("batching", "busy", "rate", "expected"),
    [
        (False, 0.1, 50, False),  # idle, few messages
        (False, 0.7, 50, True),  # a core's 70 %: busy
        (False, 0.1, 150, True),  # 150 messages a second: many
        (True, 0.6, 50, True),  # between the lines: as it was
        (False, 0.6, 50, False),
        (True, 0.1, 120, True),
        (False, 0.1, 120, False),
        (True, 0.49, 99, False),  # under both lines: caught up
    ],
)
def test_pacing_batches_while_busy_or_taking_many_and_keeps_its_mode_between(
    batching, busy, rate, expected
):
    from processors.stream.pacing import Load, next_batching

    assert next_batching(batching, Load(busy, rate)) is expected
