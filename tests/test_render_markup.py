"""Text from outside is text in every table (issue 23, item 7): a place or an outlet's
name, a feed's title, a webhook's error (and a dead letter's, in tests/test_dlq_cli.py)
holding ``[/bold]`` crashed the command, rich reading it as markup, and ``[link=...]``
or an escape sequence wrote a hyperlink into the operator's terminal. Through the real
command line (run in this process) on a real SQLite store, as a terminal that shows
links (FORCE_COLOR)."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from harness.services import invoke_wirewatch
from ingest.feed_store import FeedHealth, FeedStore
from ingest.feeds_config import FeedConfig, add_feed
from processors.alerting import alert_id_for
from schemas.alert import Alert
from sinks.alerts import state as delivery_state
from sinks.storage import connect, upsert_events
from tests.test_api import SEED_VERSIONS

HOSTILE = "[/bold] [link=http://x]click[/link] \x1b]8;;http://y\x07here"
SHOWN = "[/bold] [link=http://x]click[/link] \\x1b]8;;http://y\\x07here"  # as printed
OSC_8 = "\x1b]8;"  # the start of a terminal hyperlink


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("WIREWATCH_", "KAFKA_"))},
        "WIREWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'events.db'}",
        "WIREWATCH_STATE_DIR": str(tmp_path / "state"),
        "FORCE_COLOR": "1",  # rich writes styles and links as to a terminal
        "TERM": "xterm-256color",
        "COLUMNS": "400",
    }


def _table(env: dict[str, str], *args: str) -> str:
    done = invoke_wirewatch(env, *args, "--format", "table")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert OSC_8 not in done.stdout
    return done.stdout


def _hostile_event():
    event = next(e for e in SEED_VERSIONS if e.location is not None)
    place = event.location.model_copy(update={"name": HOSTILE})
    return event.model_copy(update={"location": place, "sources": [HOSTILE]})


def test_a_place_and_an_outlet_are_shown_as_written(env):
    upsert_events(connect(env["WIREWATCH_DATABASE_URL"]), [_hostile_event()])
    assert _table(env, "events", "list").count(SHOWN) == 2


def test_a_webhook_s_error_is_shown_as_written(env):
    event = _hostile_event()
    engine = delivery_state.connect(env["WIREWATCH_DATABASE_URL"])
    now = dt.datetime.now(dt.UTC)
    alert = Alert(
        alert_id=alert_id_for("s1", event.event_id, event.version),
        subscription_id="s1",
        event_id=event.event_id,
        event_version=event.version,
        reason="new",
        event=event,
        created_at=now,
        received_at=now,
    )
    delivery_state.record_pending(engine, alert)
    delivery_state.mark(engine, alert.alert_id, "dead", 3, error=HOSTILE)
    assert SHOWN in _table(env, "alerts", "list")


def test_a_feed_s_name_and_error_are_shown_as_written(env, tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    url = "http://127.0.0.1:9/feed.xml"
    add_feed(state / "feeds.yaml", FeedConfig(url=url, name=HOSTILE))
    FeedStore(f"sqlite:///{state / 'collector.db'}").save_health(
        FeedHealth(url=url, last_error=HOSTILE, consecutive_failures=2)
    )
    assert _table(env, "feeds", "list").count(SHOWN) == 2
