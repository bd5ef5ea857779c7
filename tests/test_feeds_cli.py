"""The feed commands as a user runs them, on a real broker."""

from __future__ import annotations

import json
import subprocess

import pytest

from harness.feed_server import FeedServer
from tests.conftest import ON_BOTH_DATABASES, wirewatch_command

pytestmark = pytest.mark.kafka


def _run(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        wirewatch_command(*args), env=env, capture_output=True, text=True, timeout=120
    )


@ON_BOTH_DATABASES
def test_feeds_add_collect_once_and_list_health(pipeline_env, pipeline_database):
    env = {
        **pipeline_env,
        "WIREWATCH_ALLOW_PRIVATE_ADDRESSES": "true",
        "WIREWATCH_FETCH_TOTAL_TIMEOUT": "3",
    }
    if pipeline_database.startswith("postgresql"):  # the feed store on PostgreSQL too
        env["WIREWATCH_COLLECTOR_DATABASE_URL"] = pipeline_database
    with FeedServer() as server:
        good = server.fixture("/rss2.xml", "rss2.xml")
        bad = server.fixture("/page.html", "page.html")
        assert _run(env, "feeds", "add", good, "--name", "Steppe Courier").returncode == 0
        assert _run(env, "feeds", "add", bad).returncode == 0
        duplicate = _run(env, "feeds", "add", good)
        assert duplicate.returncode == 1 and "already in" in duplicate.stderr
        refused = _run(env, "feeds", "add", "ftp://x.example/feed")
        assert refused.returncode == 1 and "only http and https" in refused.stderr

        check = _run(env, "feeds", "check")
        assert check.returncode == 1
        assert f"OK   {good}: 3 articles" in check.stdout and f"FAIL {bad}" in check.stdout

        once = _run(env, "collect", "--once")
        assert once.returncode == 1  # one feed failed; the other was still collected
        listed = [
            json.loads(line)
            for line in _run(env, "feeds", "list", "--format", "jsonl").stdout.splitlines()
        ]
    health = {row["url"]: row for row in listed}
    assert health[good]["entries_seen"] == 3 and health[good]["consecutive_failures"] == 0
    assert health[good]["name"] == "Steppe Courier"
    assert health[bad]["consecutive_failures"] == 1 and health[bad]["last_error"].startswith(
        "parse:"
    )
    removed = _run(env, "feeds", "remove", bad)
    assert removed.returncode == 0
    assert [
        json.loads(x)["url"]
        for x in _run(env, "feeds", "list", "--format", "jsonl").stdout.splitlines()
    ] == [good]


def test_collect_keeps_running_through_bad_feeds_and_stops_on_ctrl_c(
    pipeline_env, pipeline_settings
):
    import signal

    from harness.kafka_helpers import read_topic_to_end
    from harness.services import wait_until
    from ingest.feed_store import FeedStore

    env = {
        **pipeline_env,
        "WIREWATCH_ALLOW_PRIVATE_ADDRESSES": "true",
        "WIREWATCH_FETCH_TOTAL_TIMEOUT": "2",
        "WIREWATCH_COLLECTOR_CONCURRENCY": "2",
    }
    with FeedServer() as server:
        slow = [server.never_answers(f"/never{i}.xml") for i in range(3)]
        good = [server.fixture("/atom.xml", "atom.xml"), server.fixture("/rss1.xml", "rss1.xml")]
        bad = [server.fixture("/bomb.xml", "billion_laughs.xml"), server.huge("/huge.xml", 50)]
        for url in [*slow, *bad, *good]:
            assert _run(env, "feeds", "add", url).returncode == 0
        process = subprocess.Popen(
            wirewatch_command("collect"),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            store = FeedStore(pipeline_settings.resolved_collector_database_url)
            wait_until(
                lambda: all(store.health(u).entries_seen == 2 for u in good),
                60,
                what="the good feeds to be collected despite the dead ones",
            )
            wait_until(
                lambda: all(store.health(u).consecutive_failures >= 1 for u in [*slow, *bad]),
                60,
                what="every bad feed to be recorded as failing",
            )
            assert process.poll() is None
            # Failed feeds are not retried at once: they back off.
            assert all(store.health(u).next_poll_at is not None for u in slow)
        finally:
            process.send_signal(signal.SIGINT)
            output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert len(read_topic_to_end(pipeline_settings, "articles.raw")) == 4


def test_feeds_poll_polls_one_feed_now_through_the_collector(pipeline_env, pipeline_settings):
    from harness.kafka_helpers import read_topic_to_end

    env = {**pipeline_env, "WIREWATCH_ALLOW_PRIVATE_ADDRESSES": "true"}
    with FeedServer() as server:
        good = server.fixture("/rss2.xml", "rss2.xml")
        other = server.fixture("/atom.xml", "atom.xml")
        broken = server.status("/gone.xml", 404)
        for url in (good, other, broken):
            assert _run(env, "feeds", "add", url).returncode == 0
        assert (
            _run(env, "feeds", "add", server.url("/named.xml"), "--name", "Named").returncode == 0
        )

        first = _run(env, "feeds", "poll", good)
        assert first.returncode == 0, first.stderr
        assert first.stdout.strip() == (
            f"{good}: fetched, 3 entries: 3 pushed, 0 already pushed before, "
            "0 unusable (sent to the dead-letter topic)"
        )
        again = _run(env, "feeds", "poll", good)  # the server answers 304 to its ETag
        assert again.returncode == 0
        assert again.stdout.strip() == (
            f"{good}: not modified since the last poll (HTTP 304); nothing pushed"
        )
        failed = _run(env, "feeds", "poll", broken)
        assert failed.returncode == 1 and f"{broken}: error (http" in failed.stdout
        by_name = _run(env, "feeds", "poll", "named")
        assert by_name.returncode == 1 and "/named.xml: error" in by_name.stdout
        unknown = _run(env, "feeds", "poll", "https://elsewhere.example/rss")
        assert unknown.returncode == 1 and "no feed has the URL or name" in unknown.stderr
    # only the polled feed was fetched, and its entries are in Kafka
    assert len(read_topic_to_end(pipeline_settings, "articles.raw")) == 3
    health = {
        row["url"]: row
        for row in map(
            json.loads, _run(env, "feeds", "list", "--format", "jsonl").stdout.splitlines()
        )
    }
    assert health[good]["entries_seen"] == 3 and health[good]["not_modified"] == 1
    assert health[other]["fetches"] == 0 and health[broken]["consecutive_failures"] == 1


def test_feeds_poll_with_no_broker_is_one_line(tmp_path):
    import os

    from harness.services import free_port

    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("WIREWATCH_", "KAFKA_"))},
        "WIREWATCH_STATE_DIR": str(tmp_path / "state"),
        "WIREWATCH_KAFKA_PORT": str(free_port()),
        "WIREWATCH_KAFKA_WAIT_SECONDS": "0.5",
    }
    assert _run(env, "feeds", "add", "https://a.example/rss").returncode == 0
    done = _run(env, "feeds", "poll", "https://a.example/rss")
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert "no Kafka broker answers" in line
