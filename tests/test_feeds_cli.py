"""The feed commands as a user runs them, on a real broker."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import wirewatch_command
from tests.feed_server import FeedServer

pytestmark = pytest.mark.kafka


def _run(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        wirewatch_command(*args), env=env, capture_output=True, text=True, timeout=120
    )


def test_feeds_add_collect_once_and_list_health(pipeline_env):
    env = {
        **pipeline_env,
        "WIREWATCH_ALLOW_PRIVATE_ADDRESSES": "true",
        "WIREWATCH_FETCH_TOTAL_TIMEOUT": "3",
    }
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
