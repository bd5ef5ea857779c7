"""The operator's view of a real running pipeline: a worker (and a collector) started as
processes on the real broker, their /metrics, /healthz and /readyz scraped over HTTP,
and `wirewatch status` read from the broker, after the seeds and two bad messages were
replayed; the counts must be those of what was sent."""

from __future__ import annotations

import json
import subprocess
from collections import defaultdict

import httpx
import pytest
from kafka import KafkaProducer
from prometheus_client.parser import text_string_to_metric_families

from harness.kafka_helpers import pipeline_lag, read_topic
from harness.services import free_port, wait_until
from sinks.alerts import subscriptions as subscription_store
from sinks.storage import connect, count_versions
from tests.conftest import SEEDS, wirewatch_command

pytestmark = pytest.mark.kafka


@pytest.fixture
def metrics_port() -> int:
    return free_port()


@pytest.fixture
def pipeline_env(pipeline_env, metrics_port):
    """The suite's isolated pipeline, its worker serving its endpoints and logging JSON."""
    return {
        **pipeline_env,
        "WIREWATCH_WORKER_METRICS_PORT": str(metrics_port),
        "WIREWATCH_LOG_FORMAT": "json",
    }


def _samples(text: str) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    """Each sample's value by its name and labels."""
    found: dict[str, dict[tuple[tuple[str, str], ...], float]] = defaultdict(dict)
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[sample.name][tuple(sorted(sample.labels.items()))] = sample.value
    return found


def _one(samples, name: str, **labels: str) -> float:
    return samples[name].get(tuple(sorted(labels.items())), 0.0)


def _subscribe(settings) -> None:
    """Two subscriptions to Azerbaijan: one writes a file (delivered), one a webhook on
    loopback, which the worker refuses (dead)."""
    engine = subscription_store.connect(settings.resolved_database_url)
    for record in (
        {"id": "az-file", "countries": ["AZ"], "delivery": {"kind": "file", "target": "az.jsonl"}},
        {
            "id": "az-refused",
            "countries": ["AZ"],
            "delivery": {"kind": "webhook", "target": "http://127.0.0.1:9/hook"},
        },
    ):
        subscription_store.save(
            engine, subscription_store.Subscription.model_validate_json(json.dumps(record))
        )


def test_a_running_worker_reports_per_stage_counts_lag_and_readiness_and_status_agrees(
    pipeline_env, pipeline_settings, metrics_port, tmp_path
):
    _subscribe(pipeline_settings)
    base = f"http://127.0.0.1:{metrics_port}"
    with (tmp_path / "worker.log").open("wb") as log:
        worker = subprocess.Popen(
            wirewatch_command("worker"), env=pipeline_env, stdout=log, stderr=subprocess.STDOUT
        )
    try:

        def answers():
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
            try:
                return httpx.get(f"{base}/readyz", timeout=2)
            except httpx.TransportError:
                return None

        first = wait_until(answers, 120, what="the worker's /readyz to answer")
        if first.status_code == 503:  # not ready yet: each unmet check is named
            assert first.json()["status"] == "not ready"
            assert {"broker", "partitions", "place_index"} <= set(first.json())
        ready = wait_until(
            lambda: (answer := answers()) is not None and answer.status_code == 200 and answer,
            180,
            what="the worker to be ready",
        )
        assert ready.json() == {
            "status": "ready",
            "broker": "ok",
            "partitions": "ok",
            "place_index": "ok",
            "store": "ok",
        }
        alive = httpx.get(f"{base}/healthz", timeout=5)
        assert alive.status_code == 200 and alive.json()["event_loop"] == "ok"

        # two messages no stage can read, then the seventeen seeds
        producer = KafkaProducer(bootstrap_servers=pipeline_settings.bootstrap_servers)
        for key in (b"bad-1", b"bad-2"):
            producer.send(pipeline_settings.topic("articles.raw"), key=key, value=b"\x00 not json")
        producer.flush()
        producer.close()
        replay = subprocess.run(
            wirewatch_command("replay", str(SEEDS)),
            env=pipeline_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert replay.returncode == 0, replay.stderr
        assert "replayed 17 articles" in replay.stdout

        def caught_up():
            assert worker.poll() is None, "the worker died"
            if pipeline_lag(pipeline_settings) != 0:
                return None
            samples = _samples(httpx.get(f"{base}/metrics", timeout=5).text)
            lags = samples.get("wirewatch_consumer_lag", {})
            delivered = _one(samples, "wirewatch_alerts_total", status="delivered")
            dead = _one(samples, "wirewatch_alerts_total", status="dead")
            pending = _one(samples, "wirewatch_alerts_total", status="pending")
            settled = pending > 0 and delivered + dead == pending
            return lags and all(v == 0 for v in lags.values()) and settled and samples

        samples = wait_until(caught_up, 240, interval=1.0, what="the worker's lag gauge at 0")
    finally:
        worker.terminate()
        worker.wait(30)
    prefix = pipeline_settings.topic
    mentions = read_topic(pipeline_settings, "events.mentions")
    events = read_topic(pipeline_settings, "events")
    alerts = read_topic(pipeline_settings, "alerts")
    assert mentions and events and alerts

    # what came in at each stage is what was sent to its topic
    assert _one(samples, "wirewatch_stage_messages_in_total", stage="dedup+extract") == 19
    assert _one(samples, "wirewatch_stage_seconds_count", stage="dedup+extract") == 19
    assert _one(samples, "wirewatch_stage_messages_in_total", stage="merge+route") == len(mentions)
    assert _one(samples, "wirewatch_stage_messages_in_total", stage="store") == len(events)
    assert _one(samples, "wirewatch_stage_messages_in_total", stage="deliver") == len(alerts)
    out = "wirewatch_stage_messages_out_total"
    assert _one(samples, out, stage="dedup+extract", topic=prefix("events.mentions")) == len(
        mentions
    )
    assert _one(samples, out, stage="merge+route", topic=prefix("events")) == len(events)
    assert _one(samples, out, stage="merge+route", topic=prefix("alerts")) == len(alerts)
    # the two bad messages, and no other dead letter
    letters = samples["wirewatch_stage_dead_letters_total"]
    assert letters == {
        (("stage", "dedup+extract"), ("topic", prefix("articles.raw.dlq"))): 2.0,
        (("stage", "merge+route"), ("topic", prefix("events.mentions.dlq"))): 0.0,
        (("stage", "store"), ("topic", prefix("events.dlq"))): 0.0,
        (("stage", "deliver"), ("topic", prefix("alerts.dlq"))): 0.0,
    }
    engine = connect(pipeline_settings.resolved_database_url)
    assert _one(samples, "wirewatch_events_stored_total") == count_versions(engine) == 14
    # each alert recorded once, then delivered (the file) or dead (loopback refused)
    assert _one(samples, "wirewatch_alerts_total", status="pending") == len(alerts)
    assert _one(samples, "wirewatch_alerts_total", status="delivered") == len(alerts) / 2
    assert _one(samples, "wirewatch_alerts_total", status="dead") == len(alerts) / 2
    assert _one(samples, "wirewatch_alert_latency_seconds_count") == len(alerts) / 2
    # the lag of every partition the worker reads, each at zero
    lags = samples["wirewatch_consumer_lag"]
    assert (
        ("partition", "0"),
        ("stage", "dedup+extract"),
        ("topic", prefix("articles.raw")),
    ) in lags
    assert {dict(labels)["stage"] for labels in lags} == {
        "dedup+extract",
        "merge+route",
        "store",
        "deliver",
    }

    # the worker's log lines are JSON objects
    stored_lines = [
        json.loads(line)
        for line in (tmp_path / "worker.log").read_text().splitlines()
        if "stored event" in line
    ]
    assert len(stored_lines) == 14
    assert all(
        line["level"] == "INFO" and line["logger"] == "wirewatch.worker" for line in stored_lines
    )

    # `wirewatch status`, from the broker alone (the worker is stopped)
    result = subprocess.run(
        wirewatch_command("status", "--format", "json"),
        env=pipeline_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    broker = status["broker"]
    assert broker["reachable"] is True
    assert {stage["stage"]: stage["lag"] for stage in broker["stages"]} == {
        "dedup+extract": 0,
        "merge+route": 0,
        "store": 0,
        "deliver": 0,
    }
    raw = next(stage for stage in broker["stages"] if stage["stage"] == "dedup+extract")
    assert raw["partitions"] == [{"partition": 0, "committed": 19, "end": 19, "lag": 0}]
    assert broker["dead_letters"] == {
        prefix("articles.raw.dlq"): 2,
        prefix("events.mentions.dlq"): 0,
        prefix("events.dlq"): 0,
        prefix("alerts.dlq"): 0,
    }
    assert status["events"]["stored"] == 10 and status["events"]["last_event_id"]
    assert status["collector"] == {"feeds_polled": 0, "last_poll": None, "not_english": {}}

    table = subprocess.run(
        wirewatch_command("status", "--format", "table"),
        env={**pipeline_env, "COLUMNS": "120"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert table.returncode == 0, table.stderr
    rows = [line.split() for line in table.stdout.splitlines()]
    assert [prefix("articles.raw.dlq"), "2"] in rows, table.stdout
    assert "10 stored" in table.stdout


def test_status_shows_the_workers_of_the_group_while_they_run(
    pipeline_env, pipeline_settings, worker
):
    def members():
        assert worker.poll() is None, "the worker died"
        result = subprocess.run(
            wirewatch_command("status", "--format", "json"),
            env=pipeline_env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        workers = json.loads(result.stdout)["broker"]["workers"]
        return workers if any(w["partitions"] for w in workers) else None

    [member] = wait_until(members, 120, interval=1.0, what="the worker in the group")
    assert member["partitions"] > 0 and member["client_id"]


def test_status_without_a_broker_says_so_in_one_line_and_shows_the_database(tmp_path):
    from harness.services import free_port as unused_port

    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{unused_port()}",
        "WIREWATCH_STATE_DIR": str(tmp_path / "state"),
    }
    result = subprocess.run(
        wirewatch_command("status", "--format", "table"),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("broker     not reachable at 127.0.0.1:")
    assert lines[1:] == ["collector  last poll never (0 feeds polled)", "events     none stored"]


def test_the_collector_serves_its_metrics_and_probes_and_logs_json(kafka, tmp_path):
    port = free_port()
    (tmp_path / "feeds.yaml").write_text("feeds: []\n")
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "KAFKA_BOOTSTRAP_SERVERS": kafka[0],
        "WIREWATCH_STATE_DIR": str(tmp_path / "state"),
        "WIREWATCH_FEEDS_FILE": str(tmp_path / "feeds.yaml"),
        "WIREWATCH_METRICS_PORT": str(port),
        "WIREWATCH_LOG_FORMAT": "json",
        "WIREWATCH_TOPIC_PREFIX": "collector-probes.",
    }
    with (tmp_path / "collector.log").open("wb") as log:
        collector = subprocess.Popen(
            wirewatch_command("collect"), env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:

        def ready():
            assert collector.poll() is None, (tmp_path / "collector.log").read_text()
            try:
                return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
            except httpx.TransportError:
                return None

        answer = wait_until(ready, 60, what="the collector's /readyz")
        assert answer.status_code == 200
        assert answer.json() == {"status": "ready", "broker": "ok"}
        assert httpx.get(f"http://127.0.0.1:{port}/healthz").json()["status"] == "ok"
        metrics = httpx.get(f"http://127.0.0.1:{port}/metrics").text
        assert "# TYPE wirewatch_feed_fetches_total counter" in metrics
        wait_until(
            lambda: "collecting 0 feeds" in (tmp_path / "collector.log").read_text(),
            30,
            what="the collector's first log line",
        )
    finally:
        collector.terminate()
        collector.wait(30)
    [line] = [
        json.loads(text)
        for text in (tmp_path / "collector.log").read_text().splitlines()
        if "collecting 0 feeds" in text
    ]
    assert line["level"] == "INFO" and line["logger"] == "wirewatch.collector"
    assert set(line) >= {"time", "level", "logger", "message"}
