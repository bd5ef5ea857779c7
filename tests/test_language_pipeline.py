"""Language honesty through the real pipeline (issue 25, item 10): a worker on the real
broker skips the articles it cannot read (stamped by a collector, or detected by the
worker when a message carries no stamp), counts them by feed and language on its
/metrics, and sends none of them to the dead letters."""

from __future__ import annotations

import datetime as dt
import json
import subprocess

import httpx
import pytest
from kafka import KafkaProducer

from harness.kafka_helpers import pipeline_lag, read_topic
from harness.services import free_port, wait_until
from schemas.article import Article
from tests.conftest import wirewatch_command
from tests.test_observability_e2e import _one, _samples

pytestmark = pytest.mark.kafka
FEED = "https://feeds.example/world.xml"


@pytest.fixture
def metrics_port() -> int:
    return free_port()


@pytest.fixture
def pipeline_env(pipeline_env, metrics_port):
    return {**pipeline_env, "WIREWATCH_WORKER_METRICS_PORT": str(metrics_port)}


def _article(number: int, title: str, text: str, **fields) -> Article:
    return Article(
        id=f"{number:032x}",
        url=f"https://feeds.example/{number}",
        title=title,
        text=text,
        source="Example",
        published=dt.datetime(2024, 5, 6, 10, tzinfo=dt.UTC),
        feed_url=FEED,
        **fields,
    )


ARTICLES = [
    _article(1, "Shelling kills three civilians in Donetsk", "Officials said so on Monday."),
    _article(  # no stamp: a message from before detection, detected by the worker
        2,
        "Des obus ont tué trois civils à Donetsk",
        "Les bombardements ont tué trois civils lundi à Donetsk, selon les autorités.",
    ),
    _article(  # stamped by the collector
        3,
        "Un bombardeo mató a tres civiles en Donetsk",
        "Las autoridades informaron el lunes de tres civiles muertos en Donetsk.",
        detected_language="es",
    ),
]


def test_the_worker_skips_and_counts_what_it_cannot_read(
    pipeline_env, pipeline_settings, metrics_port, tmp_path
):
    base = f"http://127.0.0.1:{metrics_port}"
    with (tmp_path / "worker.log").open("wb") as log:
        worker = subprocess.Popen(
            wirewatch_command("worker"), env=pipeline_env, stdout=log, stderr=subprocess.STDOUT
        )
    try:

        def ready():
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
            try:
                return httpx.get(f"{base}/readyz", timeout=2).status_code == 200
            except httpx.TransportError:
                return False

        wait_until(ready, 240, what="the worker to be ready")
        producer = KafkaProducer(bootstrap_servers=pipeline_settings.bootstrap_servers)
        for article in ARTICLES:
            producer.send(
                pipeline_settings.topic("articles.raw"),
                key=article.id.encode(),
                value=article.to_json_bytes(),
            )
        producer.flush()
        producer.close()

        def caught_up():
            assert worker.poll() is None, "the worker died"
            if pipeline_lag(pipeline_settings) != 0:
                return None
            samples = _samples(httpx.get(f"{base}/metrics", timeout=5).text)
            seen = _one(samples, "wirewatch_stage_messages_in_total", stage="dedup+extract")
            return seen == len(ARTICLES) and samples

        samples = wait_until(caught_up, 240, interval=1.0, what="the three articles handled")
    finally:
        worker.terminate()
        worker.wait(30)
    skipped = "wirewatch_articles_not_read_total"
    assert _one(samples, skipped, feed=FEED, language="fr") == 1
    assert _one(samples, skipped, feed=FEED, language="es") == 1
    assert sum(samples[skipped].values()) == 2
    letters = _one(
        samples,
        "wirewatch_stage_dead_letters_total",
        stage="dedup+extract",
        topic=pipeline_settings.topic("articles.raw.dlq"),
    )
    assert letters == 0
    mentions = [json.loads(m) for m in read_topic(pipeline_settings, "events.mentions")]
    assert mentions and {m["article_id"] for m in mentions} == {ARTICLES[0].id}
