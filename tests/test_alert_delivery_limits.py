"""Delivery against receivers and targets that misbehave (issue 23, items 2 and 12): a
webhook answer is read only so far and each attempt has one deadline, a file target is
opened without following links, and an event's place cannot add an e-mail header."""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import resource
import time

import httpx
import pytest

from harness.services import wait_until
from harness.webhook_server import MB, Hostile, WebhookServer
from schemas.alert import Subscription
from sinks.alerts import channels
from sinks.alerts import sender as sending
from sinks.alerts import state as delivery_state
from sinks.alerts.deliver import deliver
from tests.smtp_server import smtp_inbox
from tests.test_alerting import _alert, _ganja_versions, _sub

# a kernel's socket buffers on loopback hold a few MB: what a client that stopped
# reading after a few kB still lets a receiver send
BUFFERED = 32 * MB


@pytest.fixture
def receiver():
    server = WebhookServer()
    yield server
    server.close()


def _webhook(receiver: WebhookServer, path: str, sub_id: str = "s") -> Subscription:
    return _sub(id=sub_id, delivery={"kind": "webhook", "target": receiver.url(path)})


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _sender(client, attempts=2, deadline=5.0, **gates) -> sending.Sender:
    policy = sending.RetryPolicy(attempts=attempts, base_delay=0.01, timeout=deadline)
    return sending.Sender(client, policy, True, **gates)


def test_a_300_mb_answer_is_read_no_further_than_its_first_bytes(receiver):
    """The status is what counts: a 200 with 300 MB behind it is delivered, a 503 with
    an endless chunked body is retried with the body's first words as its error, and
    neither is read past a few kB (the receiver could send no more than the socket
    buffers hold before the client hung up), nor grows the process by 300 MB."""
    v1, _ = _ganja_versions()
    receiver.hostile["/huge"] = Hostile("huge", 200)
    receiver.hostile["/endless"] = Hostile("endless", 503, prefix=b"overloaded, come back later")
    before = _peak_rss_mb()

    async def run():
        async with httpx.AsyncClient(timeout=5) as client:
            sender = _sender(client, attempts=2, deadline=20)
            return (
                await sender.send(_alert(v1), _webhook(receiver, "/huge")),
                await sender.send(_alert(v1), _webhook(receiver, "/endless")),
            )

    huge, endless = asyncio.run(run())
    for path, requests in (("/huge", 1), ("/endless", 2)):
        # the receiver learns the client left at its next write
        answered = receiver.sent_each[path]
        wait_until(lambda n=requests, a=answered: len(a) == n, 10, 0.05, path)
        sent = receiver.sent_each[path]
        assert all(0 < n < BUFFERED for n in sent), (path, sent)
    assert _peak_rss_mb() - before < 100
    assert huge == (True, 1, None)
    ok, attempts, error = endless
    assert (ok, attempts) == (False, 2)
    assert error.startswith("HTTP 503 from") and "overloaded, come back later" in error
    assert len(error) < 400


def test_a_dripping_receiver_is_abandoned_at_the_deadline_and_others_go_on(receiver, tmp_path):
    """A receiver that answers 200 a byte every 0.25 s would keep each attempt ten
    seconds (httpx's timeout is per read): with one slot each for two of its alerts,
    nothing else would move. Each attempt ends at its 1 s deadline instead; the other
    subscription's alert is delivered meanwhile, and the dripper's are retried as the
    policy says, then recorded dead with the reason."""
    v1, _ = _ganja_versions()
    receiver.hostile["/drip"] = Hostile("drip", 200, interval=0.25)
    drip, fast = _webhook(receiver, "/drip", "drip"), _webhook(receiver, "/fast", "fast")
    engine = delivery_state.connect(f"sqlite:///{tmp_path / 'deliveries.db'}")
    dripping = [_alert(v1.model_copy(update={"version": n}), "drip") for n in (1, 2)]
    quick = _alert(v1, "fast")
    finished: list[str] = []

    async def mark(*outcome) -> None:
        delivery_state.mark(engine, *outcome)

    async def run():
        async with httpx.AsyncClient(timeout=5) as client:
            sender = _sender(client, attempts=2, deadline=1.0, concurrency=2)

            async def send(alert, sub):
                delivery_state.record_pending(engine, alert)
                outcome = await deliver(alert, sub, sender, mark)
                finished.append(sub.id)
                return outcome

            tasks = [asyncio.create_task(send(a, drip)) for a in dripping]
            await asyncio.sleep(0.2)  # both slots taken by the dripper
            tasks.append(asyncio.create_task(send(quick, fast)))
            return await asyncio.gather(*tasks)

    *dripped, done = asyncio.run(run())
    assert finished[0] == "fast" and done.delivered
    assert delivery_state.status_of(engine, quick.alert_id) == "delivered"
    head = len(b"HTTP/1.1 200 OK\r\nContent-Length: 27\r\n\r\n")
    for outcome, alert in zip(dripped, dripping, strict=True):
        assert (outcome.delivered, outcome.attempts) == (False, 2)
        assert "no answer within 1 s" in outcome.error
        assert delivery_state.status_of(engine, alert.alert_id) == "dead"
    # every attempt was cut off well before the dripper got its headers out (it learns
    # the client left at its next write)
    wait_until(lambda: len(receiver.sent_each["/drip"]) == 4, 10, 0.05, "the dripper")
    sent = receiver.sent_each["/drip"]
    assert all(n < head for n in sent), sent
    assert receiver.delivered("/drip") == []


def test_a_status_that_came_in_time_counts_though_its_body_drips(receiver):
    """The status is what counts: a 200 whose headers came at once and whose body drips
    is delivered at the deadline (the receiver said it took the alert), a 503 likewise
    is a failure to retry, with the first bytes that came as its reason."""
    v1, _ = _ganja_versions()
    receiver.hostile["/took"] = Hostile("slow_body", 200, interval=0.2)
    receiver.hostile["/busy"] = Hostile("slow_body", 503, interval=0.2, prefix=b"busy")

    async def run():
        async with httpx.AsyncClient(timeout=5) as client:
            sender = _sender(client, attempts=1, deadline=1.0)
            return (
                await sender.send(_alert(v1), _webhook(receiver, "/took")),
                await sender.send(_alert(v1), _webhook(receiver, "/busy")),
            )

    took, busy = asyncio.run(run())
    assert took == (True, 1, None)
    assert busy[:2] == (False, 1) and busy[2].startswith("HTTP 503 from") and "bu" in busy[2]


def _file_sub(target: str) -> Subscription:
    return _sub(delivery={"kind": "file", "target": target})


def test_a_link_swapped_in_after_the_check_is_not_followed(tmp_path, monkeypatch):
    """The race a symlink swap won: the target passes its check, then becomes a link
    to a file outside the alerts folder before it is opened. The alert is refused for
    good, and nothing is written outside."""
    alerts, outside = tmp_path / "alerts", tmp_path / "outside.jsonl"
    alerts.mkdir()
    outside.write_text("")
    checked = channels.file_target

    def check_then_swap(target, files_dir):
        path = checked(target, files_dir)
        (alerts / "ua.jsonl").symlink_to(outside)
        return path

    monkeypatch.setattr(channels, "file_target", check_then_swap)
    with pytest.raises(channels.PermanentFailure, match="link or not a regular file"):
        channels.append_to_file(_alert(_ganja_versions()[0]), _file_sub("ua.jsonl"), alerts)
    assert outside.read_text() == ""


def test_links_and_non_files_in_the_alerts_folder_are_refused_and_dead(tmp_path):
    """A link planted in the folder, even one pointing inside it, a link on the way (a
    folder that is a link), a FIFO and a folder where the file should be: each is
    refused once and recorded dead; a plain file, nested or not, gets its line."""
    alerts = tmp_path / "alerts"
    (alerts / "real").mkdir(parents=True)
    (alerts / "inside.jsonl").symlink_to(alerts / "real" / "target.jsonl")
    (alerts / "hop").symlink_to(tmp_path)
    os.mkfifo(alerts / "pipe.jsonl")
    (alerts / "folder.jsonl").mkdir()
    alert = _alert(_ganja_versions()[0])

    async def send(target):
        async with httpx.AsyncClient() as client:
            sender = sending.Sender(
                client, sending.RetryPolicy(attempts=3, base_delay=0.01), files_dir=alerts
            )
            return await sender.send(alert, _file_sub(target))

    for target in ("inside.jsonl", "hop/x.jsonl", "pipe.jsonl", "folder.jsonl"):
        ok, attempts, error = asyncio.run(send(target))
        assert (ok, attempts) == (False, 1), target
        assert "link or not a regular file" in error or "outside" in error, (target, error)
    assert not (alerts / "real" / "target.jsonl").exists()
    assert not (tmp_path / "x.jsonl").exists()
    for target in ("plain.jsonl", "new/deeper/nested.jsonl", str(alerts / "abs.jsonl")):
        assert asyncio.run(send(target)) == (True, 1, None), target
        path = alerts / target
        assert path.read_text().count("\n") == 1


def _placed(event, name: str):
    return event.model_copy(update={"location": event.location.model_copy(update={"name": name})})


def test_a_line_break_in_a_place_name_adds_no_mail_header():
    """A feed's place name with CR/LF in it ("Ganja\\r\\nBcc: ...") went into the
    Subject and raised out of the e-mail channel, leaving the alert pending for ever.
    It is sent, on one line, to its one recipient, with no header added."""
    v1, _ = _ganja_versions()
    event = _placed(v1, "Ganja\r\nBcc: victim@example.org\r\nX-Injected: yes")
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
                return await sender.send(_alert(event), sub)

        assert asyncio.run(run()) == (True, 1, None)
        deadline = time.time() + 5
        while not inbox.messages and time.time() < deadline:
            time.sleep(0.05)
        [envelope] = inbox.messages
    assert envelope.rcpt_tos == ["analyst@example.org"]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert message["Bcc"] is None and message["X-Injected"] is None
    assert "Ganja Bcc: victim@example.org X-Injected: yes" in message["Subject"]


def test_an_error_no_channel_expected_is_dead_not_pending(tmp_path):
    """An error that no retry will mend (here: a webhook whose port the subscription
    check let through and the socket refuses, an ``OverflowError``) is recorded dead
    with its reason after one attempt, instead of raising out of the sender and leaving
    the alert pending, to fail again at every start."""
    engine = delivery_state.connect(f"sqlite:///{tmp_path / 'deliveries.db'}")
    alert = _alert(_ganja_versions()[0])
    delivery_state.record_pending(engine, alert)
    sub = _sub(delivery={"kind": "webhook", "target": "http://127.0.0.1:99999/hook"})

    async def mark(*outcome) -> None:
        delivery_state.mark(engine, *outcome)

    async def run():
        async with httpx.AsyncClient(timeout=5) as client:
            return await deliver(alert, sub, _sender(client, attempts=3), mark)

    outcome = asyncio.run(run())
    assert (outcome.delivered, outcome.attempts) == (False, 1)
    assert outcome.error == "unexpected OverflowError: connect(): port must be 0-65535."
    [row] = delivery_state.list_deliveries(engine)
    assert (row.status, row.attempts, row.last_error) == ("dead", 1, outcome.error)
