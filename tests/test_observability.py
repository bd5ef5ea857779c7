"""The pure parts of observability: lag arithmetic, the probes' answers (over real HTTP,
from the probe server on a free port), the counting loop's metrics, JSON log records
(and `wirewatch serve`'s JSON lines), what the status reads from the databases, and the
status screen's rendering."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import logging.config

import httpx
from kafka import TopicPartition
from prometheus_client import CollectorRegistry, Counter
from rich.console import Console

from deadletters.status import dead_letters_held
from infra.kafka_status import partition_lag, stage_lags
from infra.logs import logging_config
from infra.probes import ProbeServer, ProbeServerError, probe_answer
from infra.settings import Settings
from processors.stages import Record, Step
from processors.stream.metrics import WorkerMetrics, lag_snapshot
from processors.stream.probes import STALLED_SECONDS, WorkerProbes, stalled_for
from schemas.topics import ARTICLES_RAW, EVENTS
from tests.stage_doubles import StreamEvent, Topic
from wirewatch.render import status_table


def test_lag_counts_from_the_committed_offset_or_else_the_earliest_held():
    assert partition_lag(end=19, committed=19) == 0
    assert partition_lag(end=19, committed=12) == 7
    assert partition_lag(end=19, committed=None) == 19  # nothing committed: all of it
    assert partition_lag(end=19, committed=None, start=15) == 4  # retention took the rest
    assert partition_lag(end=0, committed=None) == 0
    assert partition_lag(end=10, committed=12) == 0  # an end read before a commit
    assert dead_letters_held(start=0, end=3) == 3
    assert dead_letters_held(start=3, end=3) == 0


def test_stage_lags_name_each_stage_by_the_topic_it_reads():
    settings = Settings(topic_prefix="p.")
    raw, events = TopicPartition("p.articles.raw", 0), TopicPartition("p.events", 1)
    other = TopicPartition("p.events", 0)
    lags = stage_lags(
        settings.kafka,
        committed={raw: 5, events: None},
        starts={events: 2},
        ends={raw: 9, events: 6, other: 0},
    )
    by_stage = {stage.stage: stage for stage in lags}
    assert by_stage["dedup+extract"].lag == 4
    assert by_stage["store"].lag == 4  # from the earliest held, 2
    assert [p.partition for p in by_stage["store"].partitions] == [0, 1]
    assert by_stage["merge+route"].partitions == () and by_stage["merge+route"].lag == 0


def test_the_lag_snapshot_keeps_the_topics_a_stage_reads_with_a_known_end():
    stage_of = {"p.articles.raw": "dedup+extract", "p.events": "store"}
    snapshot = lag_snapshot(
        stage_of,
        ends={("p.articles.raw", 0): 10, ("p.events", 2): None, ("p.changelog", 0): 5},
        committed={("p.articles.raw", 0): 7},
    )
    assert snapshot == {("dedup+extract", "p.articles.raw", 0): 3}


def test_the_lag_gauge_reports_the_latest_snapshot_whole():
    metrics = WorkerMetrics()
    metrics.set_lag({("store", "events", 0): 4, ("store", "events", 1): 0})
    value = metrics.registry.get_sample_value
    labels = {"stage": "store", "topic": "events"}
    assert value("wirewatch_consumer_lag", {**labels, "partition": "0"}) == 4
    metrics.set_lag({("store", "events", 1): 2})  # partition 0 moved to another worker
    assert value("wirewatch_consumer_lag", {**labels, "partition": "0"}) is None
    assert value("wirewatch_consumer_lag", {**labels, "partition": "1"}) == 2


def test_a_probe_is_ready_only_when_every_check_is_ok():
    assert probe_answer({"broker": "ok", "place_index": "ok"}, "ready") == (
        "200 OK",
        b'{"status": "ready", "broker": "ok", "place_index": "ok"}',
    )
    status, body = probe_answer({"broker": "ok", "place_index": "loading"}, "ready")
    assert status.startswith("503")
    assert json.loads(body) == {"status": "not ready", "broker": "ok", "place_index": "loading"}


def test_the_probe_server_answers_over_http():
    registry = CollectorRegistry()
    Counter("probe_test_things", "things", registry=registry).inc(3)
    checks = {"broker": "unreachable at 127.0.0.1:1"}
    server = ProbeServer("127.0.0.1", 0, registry, lambda: {"loop": "ok"}, lambda: checks)
    try:
        base = f"http://127.0.0.1:{server.port}"
        assert httpx.get(f"{base}/healthz").json() == {"status": "ok", "loop": "ok"}
        refused = httpx.get(f"{base}/readyz")
        assert refused.status_code == 503
        assert refused.json()["broker"] == "unreachable at 127.0.0.1:1"
        checks["broker"] = "ok"
        assert httpx.get(f"{base}/readyz").status_code == 200
        assert "probe_test_things_total 3.0" in httpx.get(f"{base}/metrics").text
        try:
            ProbeServer("127.0.0.1", server.port, registry, dict, dict)
        except ProbeServerError as error:
            assert f"127.0.0.1:{server.port}" in str(error)
        else:
            raise AssertionError("a port taken must be refused")
    finally:
        server.close()


def test_the_worker_is_ready_with_partitions_recovered_and_the_place_index_loaded():
    loaded = {"yes": False}
    probes = WorkerProbes(Settings(topic_prefix="p.", kafka_port=1).kafka, lambda: loaded["yes"])
    ready = probes.ready()
    assert ready["broker"] == "unreachable at 127.0.0.1:1"
    assert ready["partitions"] == "none assigned yet" and ready["place_index"] == "loading"
    probes.assigned([TopicPartition("p.dedup.articles-changelog", 0)])  # a table's: not read
    assert probes.ready()["partitions"] == "none assigned yet"
    probes.assigned([TopicPartition("p.articles.raw", 0)])
    assert probes.ready()["partitions"] == "recovering the tables"
    probes.recovered = True
    loaded["yes"] = True
    assert probes.ready()["partitions"] == probes.ready()["place_index"] == "ok"
    assert probes.alive() == {"event_loop": "ok"}
    probes.last_tick -= STALLED_SECONDS + 5
    assert probes.alive()["event_loop"].startswith("stalled for 6")
    assert stalled_for(100.0, 100.0 + STALLED_SECONDS) is None


def test_the_stage_loop_counts_in_out_dead_letters_and_time():
    from processors.stream.dead_letters import DeadLetters
    from processors.stream.runner import run_batches, run_stage

    settings = Settings(topic_prefix="p.")
    out, letters = Topic("p.events.mentions"), Topic("p.articles.raw.dlq")
    topics = {ARTICLES_RAW.name: letters, EVENTS.name: letters}
    dead_letters = DeadLetters(settings.kafka, settings.dead_letter_dir, topics)
    metrics = WorkerMetrics()
    events = [
        StreamEvent(b"two", "p.articles.raw"),
        StreamEvent(b"bad", "p.articles.raw"),
        StreamEvent(b"one", "p.articles.raw"),
    ]

    class Stream:
        async def events(self):
            for event in events:
                yield event

        async def take_events(self, size, within):
            yield events

    async def handle(event):
        if event.value == b"bad":
            raise ValueError("not an article")
        count = 2 if event.value == b"two" else 1
        return Step(records=[Record(b"k", b"v", None) for _ in range(count)])

    async def store(batch):
        if any(event.value == b"bad" for event in batch):
            raise ValueError("not an event")

    async def fatal(error: BaseException) -> None:
        raise AssertionError("no state error here")

    async def run() -> None:
        await run_stage(Stream(), "s1", ARTICLES_RAW, handle, out, dead_letters, fatal, metrics)
        await run_batches(Stream(), "s2", EVENTS, store, dead_letters, fatal, 10, 0.1, metrics)

    asyncio.run(run())
    value = metrics.registry.get_sample_value
    assert value("wirewatch_stage_messages_in_total", {"stage": "s1"}) == 3
    assert value("wirewatch_stage_seconds_count", {"stage": "s1"}) == 3
    assert value("wirewatch_stage_messages_out_total", {"stage": "s1", "topic": out.name}) == 3
    assert len(out.sent) == 3
    dead = "wirewatch_stage_dead_letters_total"
    assert value(dead, {"stage": "s1", "topic": "p.articles.raw.dlq"}) == 1
    # the batch of three fails, then each is tried alone: four timed calls, one letter
    assert value("wirewatch_stage_messages_in_total", {"stage": "s2"}) == 3
    assert value("wirewatch_stage_seconds_count", {"stage": "s2"}) == 4
    assert value(dead, {"stage": "s2", "topic": "p.events.dlq"}) == 1
    assert len(letters.sent) == 2


def test_json_log_lines_carry_time_level_logger_message_and_the_traceback():
    config = logging_config("info", "json")
    formatter = logging.config.DictConfigurator(config).configure_formatter(
        config["formatters"]["wirewatch"]
    )
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "wirewatch.worker", logging.WARNING, __file__, 1, "stored %s", ("e1",), exc_info
    )
    line = json.loads(formatter.format(record))
    assert line["level"] == "WARNING" and line["logger"] == "wirewatch.worker"
    assert line["message"] == "stored e1" and line["time"]
    assert "RuntimeError: boom" in line["exc_info"]
    text = logging_config("info", "text")["formatters"]["wirewatch"]
    assert text == {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}


def _document(reachable: bool) -> dict:
    broker = {"servers": "127.0.0.1:9092", "group": "wirewatch"}
    if reachable:
        broker |= {
            "reachable": True,
            "group_state": "Stable",
            "stages": [
                {
                    "stage": "merge+route",
                    "topic": "events.mentions",
                    "lag": 5,
                    "partitions": [
                        {"partition": 0, "committed": 10, "end": 15, "lag": 5},
                        {"partition": 1, "committed": None, "end": 0, "lag": 0},
                    ],
                }
            ],
            "dead_letters": {"articles.raw.dlq": 2},
            "workers": [
                {"member_id": "m1", "client_id": "faust-0.11", "host": "10.0.0.2", "partitions": 7}
            ],
        }
    else:
        broker |= {"reachable": False, "error": "no broker answers"}
    now = dt.datetime.now(dt.UTC)
    return {
        "broker": broker,
        "collector": {"feeds_polled": 3, "last_poll": (now - dt.timedelta(minutes=4)).isoformat()},
        "events": {
            "stored": 10,
            "last_stored_at": (now - dt.timedelta(seconds=30)).isoformat(),
            "last_event_id": "0123456789abcdef",
        },
    }


def test_the_status_reads_the_last_poll_and_the_last_stored_version(database_url, tmp_path):
    from ingest.feed_store import FeedHealth, FeedStore
    from sinks.storage import connect, last_stored, upsert_events
    from tests.test_stages import Pipeline

    feeds = FeedStore(f"sqlite:///{tmp_path / 'collector.db'}")
    assert feeds.last_poll() == (0, None)
    moment = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    feeds.save_health(FeedHealth("https://a.example/rss", last_success=moment))
    later = moment + dt.timedelta(minutes=9)
    feeds.save_health(FeedHealth("https://b.example/rss", last_error_at=later))
    assert feeds.last_poll() == (2, later)

    engine = connect(database_url)
    assert last_stored(engine) == (0, None, None)
    [event], _ = Pipeline().feed("idlib-airstrike.md")
    before = dt.datetime.now(dt.UTC)
    upsert_events(engine, [event, event.model_copy(update={"version": 2})])
    count, when, event_id = last_stored(engine)
    assert (count, event_id) == (1, event.event_id)
    assert when is not None and when.tzinfo is not None
    assert before - dt.timedelta(seconds=1) <= when <= dt.datetime.now(dt.UTC)


def test_the_status_screen_shows_every_part():
    console = Console(record=True, width=100)
    status_table(_document(reachable=True), console)
    shown = console.export_text()
    assert "up at 127.0.0.1:9092; group wirewatch (Stable), 1 worker" in shown
    rows = [line.split() for line in shown.splitlines()]
    assert ["merge+route", "events.mentions", "5", "0:10/15", "1:-/0"] in rows
    assert ["articles.raw.dlq", "2"] in rows
    assert ["faust-0.11", "10.0.0.2", "7"] in rows
    assert "collector  last poll 4m ago (3 feeds polled)" in shown
    assert "events     10 stored; last 30s ago (event 0123456789ab)" in shown


def test_the_status_screen_without_a_broker_is_one_line_then_the_databases():
    console = Console(record=True, width=100)
    document = _document(reachable=False)
    document["events"] = {"error": "the database cannot be used: connection refused"}
    status_table(document, console)
    assert console.export_text().splitlines() == [
        "broker     not reachable at 127.0.0.1:9092: no broker answers",
        "collector  last poll 4m ago (3 feeds polled)",
        "events     the database cannot be used: connection refused",
    ]


def test_wirewatch_serve_logs_json_lines_when_asked(tmp_path):
    """A real `wirewatch serve` with WIREWATCH_LOG_FORMAT=json: a request uvicorn cannot
    parse is logged as one JSON object."""
    import socket
    import subprocess
    import time

    from harness.services import free_port, serve_env, wirewatch_command
    from infra.broker import port_is_open

    port = free_port()
    env = serve_env(
        f"sqlite:///{tmp_path / 'events.db'}", tmp_path / "state", WIREWATCH_LOG_FORMAT="json"
    )
    with (tmp_path / "serve.log").open("wb") as log:
        server = subprocess.Popen(
            wirewatch_command("serve", "--port", str(port)), env=env, stdout=log, stderr=log
        )
    try:
        deadline = time.monotonic() + 30
        while not port_is_open("127.0.0.1", port):
            assert server.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
        with socket.create_connection(("127.0.0.1", port)) as connection:
            connection.sendall(b"NOT HTTP \x00\x01\r\n\r\n")
            assert connection.recv(100).startswith(b"HTTP/1.1 400")
    finally:
        server.terminate()
        server.wait(30)
    lines = (tmp_path / "serve.log").read_text().splitlines()
    logged = [json.loads(line) for line in lines if line.startswith("{")]
    assert {"level": "WARNING", "logger": "uvicorn.error"}.items() <= logged[0].items()
    assert logged[0]["message"] == "Invalid HTTP request received."
    assert all(not line.startswith(("WARNING", "INFO")) for line in lines)
