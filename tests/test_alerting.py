"""Subscriptions: matching, the index, when to alert; delivery: signatures, retries, email."""

import asyncio
import datetime as dt
import email
import hashlib
import hmac
import json
import os
import random
import time

import httpx
import pytest

from harness.services import invoke_wirewatch, loopback_host_name
from harness.webhook_server import WebhookServer
from infra.http import parse_retry_after
from ingest.seeds import load_seed
from processors.alerting import (
    Sent,
    SubscriptionIndex,
    alert_id_for,
    alert_reason,
    matches,
)
from processors.offline import InProcessPipeline
from schemas.alert import Alert, Subscription
from sinks.alerts import channels
from sinks.alerts import sender as sending
from sinks.alerts import state as delivery_state
from sinks.alerts.subscriptions import SubscriptionFileError, load_yaml
from tests.conftest import SEEDS
from tests.smtp_server import smtp_inbox

GANJA = (40.6828, 46.3606)


def _sub(**fields) -> Subscription:
    record = {"id": "s", "delivery": {"kind": "file", "target": "/tmp/x"}, **fields}
    return Subscription.model_validate_json(json.dumps(record))


def _ganja_versions():
    pipeline = InProcessPipeline()
    versions = []
    for name in ("ganja-missile-strike-caspian-daily.md", "ganja-missile-strike-meridian.md"):
        versions += pipeline.feed(load_seed(SEEDS / name))
    return versions  # v1: 9 killed, v2: 10 killed


def test_filters_each_hold_or_not():
    v1, _ = _ganja_versions()
    assert matches(_sub(countries=["AZ"]), v1)
    assert not matches(_sub(countries=["AM"]), v1)
    assert matches(_sub(radius={"lat": GANJA[0], "lon": GANJA[1], "km": 10}), v1)
    assert not matches(_sub(radius={"lat": 40.38, "lon": 47.12, "km": 30}), v1)  # Barda
    assert matches(_sub(bbox={"south": 40, "west": 46, "north": 41, "east": 47}), v1)
    assert not matches(_sub(bbox={"south": 40, "west": 170, "north": 41, "east": -170}), v1)
    assert matches(_sub(event_types=["explosions_remote_violence"]), v1)
    assert not matches(_sub(sub_event_types=["air_drone_strike"]), v1)
    assert matches(_sub(actors=["armenia"]), v1)
    assert matches(_sub(min_fatalities=9), v1) and not matches(_sub(min_fatalities=10), v1)
    assert matches(_sub(min_casualties=43), v1) and not matches(_sub(min_casualties=44), v1)
    assert matches(_sub(keywords=["Ganja"]), v1) and not matches(
        _sub(keywords=["Baku airport"]), v1
    )


def test_the_index_finds_what_a_full_scan_finds():
    rng = random.Random(7)
    events = _ganja_versions()
    subs = []
    for number in range(3000):
        kind = number % 4
        if kind == 0:
            fields = {"countries": [rng.choice(["AZ", "AM", "UA", "SY"])]}
        elif kind == 1:
            fields = {
                "radius": {
                    "lat": rng.uniform(35, 45),
                    "lon": rng.uniform(40, 50),
                    "km": rng.uniform(5, 300),
                }
            }
        elif kind == 2:
            south, west = rng.uniform(35, 44), rng.uniform(40, 49)
            fields = {"bbox": {"south": south, "west": west, "north": south + 1, "east": west + 1}}
        else:
            fields = {"min_fatalities": rng.randrange(0, 15)}
        subs.append(_sub(**{**fields, "id": f"s{number}"}))
    index = SubscriptionIndex(subs)
    for event in events:
        assert [s.id for s in index.matching(event)] == sorted(
            s.id for s in subs if matches(s, event)
        )
        assert len(index.candidates(event)) < len(subs) / 2  # it does not scan them all


def test_alert_on_first_match_and_on_revisions_that_matter():
    v1, v2 = _ganja_versions()
    watcher = _sub(countries=["AZ"])
    assert alert_reason(watcher, v1, None) == "new"
    assert alert_reason(watcher, v2, Sent.of(v1)) == "toll_rose"
    assert alert_reason(watcher, v2, Sent.of(v2)) is None  # the same version again
    only_source = v2.model_copy(update={"version": 3, "sources": [*v2.sources, "Another"]})
    assert alert_reason(watcher, only_source, Sent.of(v2)) is None  # a new source is no news
    retyped = only_source.model_copy(
        update={"sub_event_type": v2.sub_event_type.__class__("air_drone_strike")}
    )
    assert alert_reason(watcher, retyped, Sent.of(v2)) == "type_changed"
    threshold = _sub(min_fatalities=10)
    assert not matches(threshold, v1) and matches(threshold, v2)
    assert alert_reason(threshold, v2, None) == "toll_crossed_threshold"


def test_an_alert_id_is_stable_and_tells_subscription_event_and_version_apart():
    """The id makes delivery idempotent across restarts: the same (subscription, event,
    version) gives the same id in any process, and changing any one of them changes it."""
    event_id = "e" * 32
    first = alert_id_for("sub-a", event_id, 2)
    assert first == alert_id_for("".join(["sub", "-a"]), "".join(["e"] * 32), int("2"))
    assert len(first) == 32 and all(c in "0123456789abcdef" for c in first)
    others = {
        alert_id_for("sub-b", event_id, 2),
        alert_id_for("sub-a", "f" * 32, 2),
        alert_id_for("sub-a", event_id, 3),
    }
    assert first not in others and len(others) == 3


def test_subscriptions_load_from_yaml_with_clear_errors(tmp_path):
    good = tmp_path / "subs.yaml"
    good.write_text(
        "- id: ganja\n  radius: {lat: 40.68, lon: 46.36, km: 50}\n  min_fatalities: 1\n"
        "  delivery: {kind: webhook, target: 'https://hooks.example/w', secret: s}\n"
    )
    [sub] = load_yaml(good)
    assert sub.radius.km == 50 and sub.delivery.secret == "s"
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: x\n  countries: [Azerbajan]\n  delivery: {kind: file, target: /tmp/a}\n")
    with pytest.raises(SubscriptionFileError, match=r"subscription 1: .*countries"):
        load_yaml(bad)


def _alert(event, sub_id="s") -> Alert:
    return Alert(
        alert_id=alert_id_for(sub_id, event.event_id, event.version),
        subscription_id=sub_id,
        event_id=event.event_id,
        event_version=event.version,
        reason="new",
        event=event,
        created_at=dt.datetime.now(dt.UTC),
        received_at=dt.datetime.now(dt.UTC),
    )


def _send(alert, sub, allow_private=True, attempts=4):
    async def run():
        async with httpx.AsyncClient(timeout=5) as client:
            sender = sending.Sender(
                client, sending.RetryPolicy(attempts=attempts, base_delay=0.01), allow_private
            )
            return await sender.send(alert, sub)

    return asyncio.run(run())


@pytest.fixture
def receiver():
    server = WebhookServer()
    yield server
    server.close()


def test_a_failing_receiver_gets_the_alert_once_with_one_key_and_a_valid_signature(receiver):
    v1, _ = _ganja_versions()
    receiver.fail_first["/hook"] = 3
    sub = _sub(delivery={"kind": "webhook", "target": receiver.url("/hook"), "secret": "k3y"})
    ok, attempts, error = _send(_alert(v1), sub)
    assert (ok, attempts, error) == (True, 4, None)
    assert [r.status for r in receiver.received] == [503, 503, 503, 200]
    assert len({r.headers["Idempotency-Key"] for r in receiver.received}) == 1
    [done] = receiver.delivered("/hook")
    assert channels.verify(done.body, "k3y", done.headers[channels.SIGNATURE_HEADER])
    assert not channels.verify(done.body, "wrong", done.headers[channels.SIGNATURE_HEADER])
    assert done.alert["event"]["event_id"] == v1.event_id


def _receiver_check(body: bytes, secret: str, header: str, now: float) -> bool:
    """A receiver's own check, written from docs/alerts.md alone (not wirewatch's code)."""
    parts = dict(part.split("=", 1) for part in header.split(","))
    if abs(now - int(parts["t"])) > 300:
        return False
    mac = hmac.new(secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest(mac.hexdigest(), parts["v1"])


def test_a_signed_webhook_verifies_now_and_a_replay_later_does_not(receiver):
    v1, _ = _ganja_versions()
    sub = _sub(delivery={"kind": "webhook", "target": receiver.url("/hook"), "secret": "k3y"})
    before = time.time()
    assert _send(_alert(v1), sub)[0]
    [done] = receiver.delivered("/hook")
    header = done.headers[channels.SIGNATURE_HEADER]
    sent = int(dict(part.split("=", 1) for part in header.split(","))["t"])
    assert int(before) <= sent <= time.time()
    for check in (_receiver_check, channels.verify):
        assert check(done.body, "k3y", header, now=time.time())
        # the same request captured and sent again six minutes later
        assert not check(done.body, "k3y", header, now=time.time() + 360)
        # the body with another time written into the header
        moved = header.replace(f"t={sent}", f"t={sent + 60}")
        assert not check(done.body, "k3y", moved, now=time.time() + 60)
        assert not check(done.body + b" ", "k3y", header, now=time.time())
    assert not channels.verify(done.body, "k3y", "sha256=" + "0" * 64)  # the old form
    assert not channels.verify(done.body, "k3y", "t=abc,v1=00")


def test_a_4xx_is_not_retried_and_a_429_is(receiver):
    v1, _ = _ganja_versions()
    receiver.status["/gone"] = 410
    sub = _sub(delivery={"kind": "webhook", "target": receiver.url("/gone")})
    ok, attempts, error = _send(_alert(v1), sub)
    assert (ok, attempts) == (False, 1) and "410" in error
    receiver.status["/busy"] = 429
    busy = _sub(delivery={"kind": "webhook", "target": receiver.url("/busy")})
    ok, attempts, error = _send(_alert(v1), busy, attempts=3)
    assert (ok, attempts) == (False, 3) and "429" in error


def test_a_slow_receiver_holds_up_only_its_own_alerts(receiver):
    v1, _ = _ganja_versions()
    receiver.delay["/slow"] = 0.5
    slow = _sub(id="slow", delivery={"kind": "webhook", "target": receiver.url("/slow")})
    fast = _sub(id="fast", delivery={"kind": "webhook", "target": receiver.url("/fast")})
    finished: list[str] = []

    async def run():
        async with httpx.AsyncClient(timeout=5) as client:
            sender = sending.Sender(
                client, sending.RetryPolicy(attempts=1), True, concurrency=4, per_subscription=2
            )

            async def send(alert, sub):
                ok, _, _ = await sender.send(alert, sub)
                finished.append(sub.id if ok else "failed")

            slow_alerts = [
                _alert(v1.model_copy(update={"version": n}), "slow") for n in range(1, 7)
            ]
            # the six slow alerts ask first; with one shared limit of 4 they would take
            # every slot for half a second before the fast one got any
            tasks = [asyncio.create_task(send(a, slow)) for a in slow_alerts]
            await asyncio.sleep(0.1)
            tasks.append(asyncio.create_task(send(_alert(v1, "fast"), fast)))
            await asyncio.gather(*tasks)
            return sender

    sender = asyncio.run(run())
    assert finished == ["fast"] + ["slow"] * 6
    assert len(receiver.delivered("/slow")) == 6
    assert sender._gates == {}  # idle subscriptions are forgotten


def test_private_webhook_targets_are_refused_unless_allowed(receiver):
    v1, _ = _ganja_versions()
    sub = _sub(delivery={"kind": "webhook", "target": receiver.url("/hook")})
    ok, attempts, error = _send(_alert(v1), sub, allow_private=False)
    assert (ok, attempts) == (False, 1) and receiver.received == []
    assert "127.0.0.1" in error or "not public" in error or "private" in error


def test_a_webhook_whose_name_turns_private_when_connecting_is_refused_for_good(
    receiver, monkeypatch
):
    """check_url passed (as for a name that resolved to a public address a moment
    before); the client's connection-time check refuses it, and it is not retried."""
    v1, _ = _ganja_versions()
    target = receiver.url("/hook").replace("127.0.0.1", loopback_host_name(monkeypatch))
    sub = _sub(delivery={"kind": "webhook", "target": target})

    async def run():
        async with channels.webhook_client(5, allow_private=False) as client:
            sender = sending.Sender(client, sending.RetryPolicy(attempts=3), True)
            return await sender.send(_alert(v1), sub)

    ok, attempts, error = asyncio.run(run())
    assert (ok, attempts) == (False, 1) and "non-public" in error
    assert receiver.received == []


def test_backoff_grows_with_jitter_and_honours_retry_after():
    policy = sending.RetryPolicy(base_delay=1.0, max_delay=8.0)
    for attempt, ceiling in ((1, 1.0), (2, 2.0), (3, 4.0), (6, 8.0)):
        delay = policy.delay(attempt)
        assert ceiling / 2 <= delay <= ceiling
    assert policy.delay(1, retry_after=3.0) == 3.0


def test_a_huge_retry_after_is_capped_at_the_longest_delay():
    """A receiver asking for a day (or a date years away) waits max_delay, not the day."""
    policy = sending.RetryPolicy(base_delay=1.0, max_delay=8.0)
    for header in ("86400", "999999999", "Wed, 01 Jan 2070 00:00:00 GMT"):
        asked = parse_retry_after(header)
        assert asked is not None and asked > policy.max_delay, header
        assert policy.delay(1, asked) == policy.max_delay, header
        assert policy.delay(5, asked) == policy.max_delay, header
    assert policy.delay(1, 7.5) == 7.5  # under the cap it is obeyed as it is


def test_a_sender_told_to_retry_after_a_day_retries_after_the_cap(receiver):
    """Through a real receiver: its 503 says Retry-After: 86400; with max_delay 0.2 s
    the second attempt delivers (a missing cap would wait the day: the bound below
    turns that into a failure, not a hang)."""
    v1, _ = _ganja_versions()
    receiver.fail_first["/hook"] = 1
    receiver.retry_after["/hook"] = "86400"
    sub = _sub(delivery={"kind": "webhook", "target": receiver.url("/hook")})

    async def run():
        async with channels.webhook_client(5, allow_private=True) as client:
            policy = sending.RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.2)
            sender = sending.Sender(client, policy, True)
            return await asyncio.wait_for(sender.send(_alert(v1), sub), timeout=60)

    assert asyncio.run(run()) == (True, 2, None)
    assert [r.status for r in receiver.received] == [503, 200]


def test_email_goes_over_smtp_in_text_and_html():
    v1, _ = _ganja_versions()
    with smtp_inbox() as inbox:
        sub = _sub(delivery={"kind": "email", "target": "analyst@example.org"})

        async def run():
            async with httpx.AsyncClient() as client:
                sender = sending.Sender(
                    client,
                    sending.RetryPolicy(attempts=2, base_delay=0.01),
                    True,
                    "127.0.0.1",
                    inbox.port,
                )
                return await sender.send(_alert(v1), sub)

        assert asyncio.run(run())[0]
        deadline = time.time() + 5
        while not inbox.messages and time.time() < deadline:
            time.sleep(0.05)
        [envelope] = inbox.messages
        assert envelope.rcpt_tos == ["analyst@example.org"]
        message = email.message_from_bytes(envelope.content)
        assert "Ganja" in message["Subject"]
        assert {part.get_content_type() for part in message.walk()} >= {"text/plain", "text/html"}


def test_delivery_state_is_recorded_once_and_listed(tmp_path):
    engine = delivery_state.connect(f"sqlite:///{tmp_path / 'd.db'}")
    v1, _ = _ganja_versions()
    alert = _alert(v1)
    assert delivery_state.record_pending(engine, alert) is True
    assert delivery_state.record_pending(engine, alert) is False  # a redelivered message
    assert [a.alert_id for a in delivery_state.alerts_with_status(engine, "pending")] == [
        alert.alert_id
    ]
    delivery_state.mark(engine, alert.alert_id, "delivered", 2, latency=0.42)
    [row] = delivery_state.list_deliveries(engine)
    assert (row.status, row.attempts, row.latency_seconds) == ("delivered", 2, 0.42)
    assert list(delivery_state.alerts_with_status(engine, "pending")) == []


def test_subscription_commands_add_list_test_and_remove(tmp_path):

    env = {**os.environ, "WIREWATCH_STATE_DIR": str(tmp_path / "state")}

    def run(*args):
        return invoke_wirewatch(env, *args)

    added = run(
        "subscriptions", "add", "ganja", "--near", "40.68,46.36", "--km", "30",
        "--min-killed", "1", "--webhook", "https://hooks.example/w", "--secret", "s",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    both = run("subscriptions", "add", "x", "--webhook", "https://a.example", "--email", "a@b.c")
    assert both.returncode != 0 and "exactly one of" in both.stderr
    wrong = run("subscriptions", "add", "y", "--type", "nonsense", "--file", str(tmp_path / "a"))
    assert wrong.returncode != 0 and "event_types" in wrong.stderr
    listed = run("subscriptions", "list", "--format", "jsonl", "--show-secrets")
    [record] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert record["radius"]["km"] == 30 and record["delivery"]["secret"] == "s"
    tested = run("subscriptions", "test", "ganja")
    assert tested.returncode == 0 and "0 stored events match ganja" in tested.stdout
    assert run("subscriptions", "remove", "ganja").returncode == 0
    gone = run("subscriptions", "remove", "ganja")
    assert gone.returncode != 0 and "no subscription" in gone.stderr


def _moved(event, lat: float, lon: float):
    location = event.location.model_copy(update={"lat": lat, "lon": lon})
    return event.model_copy(update={"location": location})


def test_a_box_across_the_antimeridian_holds_both_edges_and_not_the_middle():
    """west 170, east -170 is the 20 degrees around the date line, not the 340 others."""
    v1, _ = _ganja_versions()
    fiji = {"south": -25, "west": 170, "north": -10, "east": -170}
    assert matches(_sub(bbox=fiji), _moved(v1, -17.8, 178.0))
    assert matches(_sub(bbox=fiji), _moved(v1, -17.8, -179.0))
    assert not matches(_sub(bbox=fiji), _moved(v1, -17.8, 0.0))
    assert not matches(_sub(bbox=fiji), _moved(v1, -17.8, 160.0))


def test_more_wounded_alone_is_news_only_to_a_casualty_subscription():
    v1, v2 = _ganja_versions()
    wounded = v2.model_copy(update={"fatalities": v1.fatalities, "injured": (v1.injured or 0) + 20})
    assert alert_reason(_sub(min_casualties=10), wounded, Sent.of(v1)) == "toll_rose"
    assert alert_reason(_sub(countries=["AZ"]), wounded, Sent.of(v1)) is None


def test_a_casualty_threshold_first_crossed_by_a_revision_says_so():
    """The first report was under the threshold (9 killed, 34 injured: 43), a later one
    over it: the subscriber hears of the crossing. A subscriber whose threshold the first
    report already met hears of the event as new."""
    _, v2 = _ganja_versions()
    assert alert_reason(_sub(min_casualties=45), v2, None) == "toll_crossed_threshold"
    assert alert_reason(_sub(min_casualties=40), v2, None) == "new"


def test_a_retry_by_hand_records_no_latency(tmp_path):
    """Latency measures the pipeline: an alert re-sent hours later by `alerts retry`
    would skew it, so the shared deliver path records none for it."""
    from sinks.alerts.deliver import deliver
    from sinks.alerts.sender import RetryPolicy, Sender

    _, v2 = _ganja_versions()
    sub = _sub(delivery={"kind": "file", "target": str(tmp_path / "alerts.jsonl")})
    alert = Alert(
        alert_id="a" * 32,
        subscription_id=sub.id,
        event_id=v2.event_id,
        event_version=v2.version,
        reason="new",
        event=v2,
        created_at=dt.datetime.now(dt.UTC),
        received_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=5),
    )
    marked = []

    async def mark(*outcome):
        marked.append(outcome)

    async def go(measure: bool):
        async with httpx.AsyncClient() as client:
            sender = Sender(client=client, policy=RetryPolicy(attempts=1), files_dir=tmp_path)
            return await deliver(alert, sub, sender, mark, measure_latency=measure)

    assert asyncio.run(go(False)).latency is None and marked[-1][-1] is None
    assert asyncio.run(go(True)).latency > 5 * 3600 - 60 and marked[-1][1] == "delivered"
