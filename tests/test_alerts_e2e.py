"""Alerts end to end on a real broker: replay the seeds, deliver to a local webhook
receiver and a local SMTP server, each expected alert exactly once."""

from __future__ import annotations

import email
import json
import subprocess
from collections import Counter

import pytest

from harness.kafka_helpers import pipeline_lag
from harness.services import wait_until
from harness.webhook_server import WebhookServer
from sinks.alerts import channels
from sinks.alerts import state as delivery_state
from sinks.alerts import subscriptions as store
from tests.conftest import ON_BOTH_DATABASES, wirewatch_command
from tests.smtp_server import smtp_inbox

pytestmark = pytest.mark.kafka

GANJA = {"lat": 40.6828, "lon": 46.3606, "km": 30}


def _subscription(record: dict) -> store.Subscription:
    return store.Subscription.model_validate_json(json.dumps(record))


@ON_BOTH_DATABASES
def test_seeds_deliver_each_expected_alert_once(pipeline_env, pipeline_settings, tmp_path):
    receiver = WebhookServer()
    receiver.fail_first["/flaky"] = 3
    with smtp_inbox() as inbox:
        env = {
            **pipeline_env,
            # One partition per topic keeps the reports in publication order end to end.
            # With several, extraction runs partitions side by side and Ganja's later report
            # (10 killed) may reach merging first: then its 9 never "rises" to 10, and the
            # alerts differ, rightly, from the ones expected here.
            "WIREWATCH_TOPIC_PARTITIONS": "1",
            "WIREWATCH_ALLOW_PRIVATE_ADDRESSES": "true",
            "WIREWATCH_SMTP_PORT": str(inbox.port),
            "WIREWATCH_DELIVERY_BASE_DELAY": "0.05",
            "WIREWATCH_SUBSCRIPTIONS_REFRESH_SECONDS": "0.5",
        }
        url = pipeline_settings.resolved_database_url
        engine = store.connect(url)
        for record in (
            {
                "id": "az-flaky",
                "countries": ["AZ"],
                "delivery": {"kind": "webhook", "target": receiver.url("/flaky"), "secret": "k3y"},
            },
            {
                "id": "ganja-30km",
                "radius": GANJA,
                "delivery": {"kind": "webhook", "target": receiver.url("/ganja")},
            },
            {
                "id": "killed-10",
                "min_fatalities": 10,
                "delivery": {"kind": "email", "target": "desk@example.org"},
            },
        ):
            store.save(engine, _subscription(record))
        with (tmp_path / "worker.log").open("wb") as log:
            worker = subprocess.Popen(
                wirewatch_command("worker"), env=env, stdout=log, stderr=subprocess.STDOUT
            )
        try:
            replay = subprocess.run(
                wirewatch_command("replay"), env=env, capture_output=True, text=True, timeout=120
            )
            assert replay.returncode == 0, replay.stderr
            deliveries = delivery_state.connect(url)

            def settled() -> bool:
                assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
                rows = delivery_state.list_deliveries(deliveries, limit=1000)
                return (
                    pipeline_lag(pipeline_settings) == 0
                    and len(rows) >= 13
                    and all(row.status != "pending" for row in rows)
                )

            try:
                wait_until(settled, 240, interval=1.0, what="every alert delivered")
            except TimeoutError as error:
                rows = delivery_state.list_deliveries(deliveries, limit=1000)
                found = Counter((row.subscription_id, row.status) for row in rows)
                log_tail = (tmp_path / "worker.log").read_text(errors="replace")[-4000:]
                raise AssertionError(
                    f"{error}; deliveries {dict(found)}; worker log:\n{log_tail}"
                ) from error
            rows = delivery_state.list_deliveries(deliveries, limit=1000)
        finally:
            worker.terminate()
            worker.wait(30)
            receiver.close()

        by_sub = Counter(row.subscription_id for row in rows)
        assert by_sub == {"az-flaky": 4, "ganja-30km": 2, "killed-10": 7}
        assert all(row.status == "delivered" for row in rows)
        assert len({row.alert_id for row in rows}) == len(rows)  # each alert once
        assert all(0 <= row.latency_seconds < 60 for row in rows)

        # the radius around Ganja: the strike, then its revised toll
        ganja = sorted(
            (r.event_version, r.reason) for r in rows if r.subscription_id == "ganja-30km"
        )
        assert ganja == [(1, "new"), (2, "toll_rose")]
        # Ganja's first report (9 killed) is under 10; the revision to 10 crosses it, once
        crossed = [
            r
            for r in rows
            if r.subscription_id == "killed-10" and r.reason == "toll_crossed_threshold"
        ]
        assert len(crossed) == 1

        # the flaky receiver answered 503 three times: each alert was retried under its own
        # idempotency key until it got through, and got through once; signatures verify
        flaky = [r for r in receiver.received if r.path == "/flaky"]
        tries: dict[str, list[int]] = {}
        for request in flaky:
            tries.setdefault(request.headers["Idempotency-Key"], []).append(request.status)
        assert len(tries) == 4
        assert all(
            statuses[-1] == 200 and set(statuses[:-1]) <= {503} for statuses in tries.values()
        )
        assert sum(statuses.count(503) for statuses in tries.values()) == 3
        delivered = receiver.delivered("/flaky")
        assert len(delivered) == 4
        assert all(
            channels.verify(r.body, "k3y", r.headers[channels.SIGNATURE_HEADER]) for r in delivered
        )
        assert len(receiver.delivered("/ganja")) == 2

        # the mail
        subjects = [email.message_from_bytes(m.content)["Subject"] for m in inbox.messages]
        assert len(subjects) == 7 and all(
            m.rcpt_tos == ["desk@example.org"] for m in inbox.messages
        )

        # the list command shows them, with their latency
        listed = subprocess.run(
            wirewatch_command("alerts", "list", "--format", "jsonl"),
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert listed.returncode == 0, listed.stderr
        assert len(listed.stdout.splitlines()) == 13


def _ganja_alert(version: int = 1):
    from ingest.seeds import load_seed
    from processors.alerting import alert_id_for
    from processors.offline import InProcessPipeline
    from schemas.alert import Alert
    from tests.conftest import SEEDS

    pipeline = InProcessPipeline()
    events = []
    for name in ("ganja-missile-strike-caspian-daily.md", "ganja-missile-strike-meridian.md"):
        events += pipeline.feed(load_seed(SEEDS / name))
    event = events[version - 1]
    return Alert(
        alert_id=alert_id_for("ganja-30km", event.event_id, event.version),
        subscription_id="ganja-30km",
        event_id=event.event_id,
        event_version=event.version,
        reason="new" if version == 1 else "toll_rose",
        event=event,
        created_at=event.last_updated,
        received_at=event.last_updated,
    )


@ON_BOTH_DATABASES
def test_a_restarted_sink_sends_what_was_pending_and_nothing_delivered(
    pipeline_env, pipeline_settings, tmp_path
):
    receiver = WebhookServer()
    url = pipeline_settings.resolved_database_url
    store.save(
        store.connect(url),
        _subscription(
            {
                "id": "ganja-30km",
                "radius": GANJA,
                "delivery": {"kind": "webhook", "target": receiver.url("/ganja")},
            }
        ),
    )
    deliveries = delivery_state.connect(url)
    pending, done = _ganja_alert(1), _ganja_alert(2)
    # what a sink killed mid-delivery leaves behind: one alert recorded, one delivered
    assert delivery_state.record_pending(deliveries, pending)
    assert delivery_state.record_pending(deliveries, done)
    delivery_state.mark(deliveries, done.alert_id, "delivered", 1, latency=0.5)
    env = {**pipeline_env, "WIREWATCH_ALLOW_PRIVATE_ADDRESSES": "true"}
    with (tmp_path / "worker.log").open("wb") as log:
        worker = subprocess.Popen(
            wirewatch_command("worker"), env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        wait_until(
            lambda: delivery_state.status_of(deliveries, pending.alert_id) == "delivered",
            120,
            what="the pending alert delivered",
        )
    finally:
        worker.terminate()
        worker.wait(30)
        receiver.close()
    keys = [r.headers["Idempotency-Key"] for r in receiver.received]
    assert keys == [pending.alert_id]


@ON_BOTH_DATABASES
def test_alerts_retry_sends_dead_alerts_once_their_target_works(pipeline_env, pipeline_settings):
    receiver = WebhookServer()
    url = pipeline_settings.resolved_database_url
    store.save(
        store.connect(url),
        _subscription(
            {
                "id": "ganja-30km",
                "radius": GANJA,
                "delivery": {"kind": "webhook", "target": receiver.url("/ganja"), "secret": "k"},
            }
        ),
    )
    deliveries = delivery_state.connect(url)
    alert = _ganja_alert(1)
    delivery_state.record_pending(deliveries, alert)
    delivery_state.mark(deliveries, alert.alert_id, "dead", 5, "HTTP 503 from 127.0.0.1")
    env = {**pipeline_env, "WIREWATCH_ALLOW_PRIVATE_ADDRESSES": "true"}
    try:
        listed = subprocess.run(
            wirewatch_command("alerts", "list", "--status", "dead", "--format", "jsonl"),
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert json.loads(listed.stdout)["last_error"] == "HTTP 503 from 127.0.0.1"
        retried = subprocess.run(
            wirewatch_command("alerts", "retry", "--all"),
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert retried.returncode == 0, retried.stderr
        assert f"{alert.alert_id}: delivered" in retried.stdout
    finally:
        receiver.close()
    [request] = receiver.received
    assert request.headers["Idempotency-Key"] == alert.alert_id
    assert channels.verify(request.body, "k", request.headers[channels.SIGNATURE_HEADER])
    assert delivery_state.status_of(deliveries, alert.alert_id) == "delivered"
