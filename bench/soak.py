"""A long run of the whole pipeline with faults injected on a schedule, checked against
an undisturbed run of the same feeds: nothing lost, nothing doubled.

    .venv/bin/python bench/soak.py [--minutes 60] [--rate 2] [--feeds 10]

Two pipelines run side by side, each with its own broker, worker, collector, topics and
SQLite store: the *undisturbed* one and the *disturbed* one. A local feed server gives
both the same FEEDS feeds, into which new wire reports (`synthetic.py`) are published at
RATE per second for MINUTES; the collectors poll them every 3 s. The disturbed pipeline
meets, at 20 %, 40 %, 60 %, 70 % and 80 % of the run:

1. its worker killed with SIGKILL, restarted 2 s later;
2. its broker killed with SIGKILL, restarted 5 s later;
3. a feed that turns hostile (a double-gzip bomb, then an XML entity bomb, alternately);
4. its SQLite store overwritten with junk under the running worker; once the worker
   says it cannot write it (or after 60 s), the worker is stopped, the damaged file
   moved away, and the worker started again: it finds its store empty and refills it
   from the events topic (`processors.stream.worker.check_store`);
5. a 900 kB message of junk sent straight to its articles.raw;

and from 50 % on, three of its webhook receivers turn hostile: one answers 200 with a
300 MB body, one 503 with an endless chunked body, one drips its answer a byte a second.

Each pipeline has four alert subscriptions, each to its own path of a local webhook
receiver: *calm*, with no filter (every event), and *huge*, *endless* and *drip*, on
the events with 20 killed or more, whose receivers the disturbed pipeline's turn
hostile (the undisturbed one's stay calm). Deliveries have a 3 s deadline, 3 attempts
and 8 slots at once: fewer than the hostile subscriptions' 4 each could hold.

When the feeds stop growing, both pipelines are given time to drain (every published
article read from articles.raw by the worker, lag zero, no alert pending, the store
still), and the bench prints, side by side: articles published, articles collected
(distinct ids on articles.raw) and the messages that carried them, events stored, the
articles those events hold, dead letters per topic, alerts per subscription and how
they ended, the most a hostile receiver's answer got out, the worker's peak memory;
then the checks. *Nothing lost*: every published article was collected, and the
disturbed store holds every article the undisturbed one does. *Nothing doubled*: no
article is in two events, and both stores group the articles into the same events.
The disturbed run must also have dead-lettered the junk, and its worker must have
logged no event as stored while its store was damaged. *Alerts go on*: every stored
event was alerted to the calm subscription and delivered, and no alert is left
pending. *Nothing reported delivered that was not*: each alert marked delivered was
answered 2xx, status line and headers whole, by its receiver; and no hostile answer
got more than the socket buffers hold out to the worker.
Exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import contextlib
import email.utils
import functools
import gzip
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zlib
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kafka import KafkaProducer
from synthetic import report, report_towns

from harness.feed_server import FeedServer
from harness.kafka_helpers import pipeline_lag, read_topic
from harness.services import free_port_pair, wirewatch_command
from harness.webhook_server import MB, Hostile, WebhookServer
from infra.broker import LocalBroker
from infra.settings import Settings
from schemas.alert import Subscription
from schemas.article import article_id_for
from schemas.topics import ARTICLES_RAW
from sinks.alerts import state as delivery_state
from sinks.alerts import subscriptions as subscription_store
from sinks.storage import connect, list_events

POLL_SECONDS = 3.0
ITEMS_PER_FEED = 200  # the newest items each feed lists: far more than a poll misses
DRAIN_MINUTES = 15.0
DELIVERY_TIMEOUT = 3.0  # seconds, each attempt
DELIVERY_ATTEMPTS = 3
DELIVERY_SLOTS = 8  # attempts at once, every subscription's together
# the alert subscriptions: the calm one takes every event; the others (fewer) are the
# ones whose receivers turn hostile in the disturbed run
CALM = "calm"
HOSTILE = {
    "huge": Hostile("huge", 200, size=300 * MB),
    "endless": Hostile("endless", 503, prefix=b"overloaded "),
    "drip": Hostile("drip", 200, interval=1.0),
}
HOSTILE_FILTER = {"min_fatalities": 20}
# what a receiver can get out to a client that stopped reading after a few kB: the
# kernel's socket buffers on loopback
BUFFERED = 32 * MB


@dataclass(frozen=True)
class Item:
    number: int
    offset: float  # seconds after the start at which it is published
    url: str
    title: str
    text: str


def make_items(count: int, rate: float, seed: int = 7) -> list[Item]:
    """COUNT wire reports, one every 1/RATE s; reports of one town, kind and day merge."""
    rng = random.Random(seed)
    towns = report_towns(100)
    items = []
    for number in range(count):
        article = report(number, rng.choice(towns), rng, label="soak")
        items.append(Item(number, number / rate, article.url, article.title, article.text))
    return items


class SoakFeeds:
    """The feeds both pipelines poll: feed k lists the items numbered k mod FEEDS that are
    published by now (the newest ITEMS_PER_FEED of them), and a feed per pipeline that
    turns hostile when told to."""

    def __init__(self, server: FeedServer, items: list[Item], feeds: int, began: float) -> None:
        self.server, self.items, self.feeds, self.began = server, items, feeds, began
        self.hostile: set[str] = set()
        self._served: Counter[str] = Counter()
        for k in range(feeds):
            server.routes[f"/wire{k}.xml"] = self._feed(k)
        for run in ("undisturbed", "disturbed"):
            server.routes[f"/{run}/odd.xml"] = self._odd(run)

    def urls(self, run: str) -> list[str]:
        return [self.server.url(f"/wire{k}.xml") for k in range(self.feeds)] + [
            self.server.url(f"/{run}/odd.xml")
        ]

    def _feed(self, k: int):
        def handle(request: BaseHTTPRequestHandler) -> None:
            now = time.time() - self.began
            mine = [i for i in self.items[k :: self.feeds] if i.offset <= now]
            _send(request, _rss(f"Wire {k}", mine[-ITEMS_PER_FEED:], self.began))

        return handle

    def _odd(self, run: str):
        def handle(request: BaseHTTPRequestHandler) -> None:
            if run not in self.hostile:
                _send(request, _rss("Odd", [_CALM_ITEM], self.began))
                return
            self._served[run] += 1
            if self._served[run] % 2:
                _send(request, _gzip_bomb(), ("Content-Encoding", "gzip, gzip"))
            else:
                _send(request, _ENTITY_BOMB)

        return handle


# what the odd feed lists until it turns hostile (a feed with no entries is an error)
_CALM_ITEM = Item(
    -1, 0.0, "https://soak.example/odd", "Markets calm", "Share prices held steady on Monday."
)


@functools.cache
def _gzip_bomb() -> bytes:
    """1 GiB of zeros gzipped twice: a few kB on the wire."""
    packer = zlib.compressobj(9, wbits=16 + zlib.MAX_WBITS)
    chunk = bytes(1 << 20)
    inner = b"".join(packer.compress(chunk) for _ in range(1024)) + packer.flush()
    return gzip.compress(inner, 9)


_ENTITY_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(
        f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">'.encode() for n in range(8)
    )
    + b']><rss version="2.0"><channel><title>&i;</title></channel></rss>'
)


def _rss(title: str, items: list[Item], began: float) -> bytes:
    entries = "".join(
        f"<item><title>{escape(i.title)}</title><link>{escape(i.url)}</link>"
        f"<guid>{escape(i.url)}</guid>"
        f"<pubDate>{email.utils.formatdate(began + i.offset, usegmt=True)}</pubDate>"
        f"<description>{escape(i.text)}</description></item>"
        for i in reversed(items)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://soak.example/</link>"
        f"<description>soak</description>{entries}</channel></rss>"
    ).encode()


def _send(request: BaseHTTPRequestHandler, body: bytes, *headers: tuple[str, str]) -> None:
    request.send_response(200)
    request.send_header("Content-Type", "application/rss+xml")
    for name, value in headers:
        request.send_header(name, value)
    request.send_header("Content-Length", str(len(body)))
    request.end_headers()
    request.wfile.write(body)


def alert_path(run: str, sub_id: str) -> str:
    return f"/{run}/{sub_id}"


@dataclass
class Pipeline:
    """One broker, worker and collector, with their own topics, state and store, and
    alert subscriptions to RECEIVER."""

    name: str
    work: Path
    urls: list[str]
    receiver: WebhookServer
    broker: LocalBroker = field(init=False)
    env: dict[str, str] = field(init=False)
    worker: subprocess.Popen | None = None
    collector: subprocess.Popen | None = None
    restarts: int = 0
    peak_rss_mb: float = 0.0  # the worker's, across restarts
    stored_while_damaged: int = 0  # "stored event" lines the worker logged meanwhile

    def __post_init__(self) -> None:
        self.broker = LocalBroker(
            home=self.work / "kafka", cache_dir=Settings().cache_dir, port=free_port_pair()
        )
        run = uuid.uuid4().hex[:6]
        self.work.mkdir(parents=True)
        feeds = self.work / "feeds.yaml"
        feeds.write_text(
            "feeds:\n"
            + "".join(
                f"  - url: {url}\n    interval_minutes: {POLL_SECONDS / 60}\n" for url in self.urls
            )
        )
        self.env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": self.broker.bootstrap_servers,
            "WIREWATCH_TOPIC_PREFIX": f"soak{run}.",
            "WIREWATCH_APP_ID": f"wirewatch-soak-{run}",
            "WIREWATCH_STATE_DIR": str(self.work / "state"),
            "WIREWATCH_DATABASE_URL": f"sqlite:///{self.work / 'events.db'}",
            "WIREWATCH_FEEDS_FILE": str(feeds),
            "WIREWATCH_ALLOW_PRIVATE_ADDRESSES": "true",
            "WIREWATCH_POLL_MIN_INTERVAL_MINUTES": str(POLL_SECONDS / 60),
            "WIREWATCH_POLL_MAX_INTERVAL_MINUTES": "1",
            "WIREWATCH_TOPIC_PARTITIONS": "3",
            "WIREWATCH_DELIVERY_TIMEOUT": str(DELIVERY_TIMEOUT),
            "WIREWATCH_DELIVERY_ATTEMPTS": str(DELIVERY_ATTEMPTS),
            "WIREWATCH_DELIVERY_CONCURRENCY": str(DELIVERY_SLOTS),
        }

    @property
    def settings(self) -> Settings:
        return Settings(
            _env_file=None,
            kafka_bootstrap_servers=self.broker.bootstrap_servers,
            topic_prefix=self.env["WIREWATCH_TOPIC_PREFIX"],
            app_id=self.env["WIREWATCH_APP_ID"],
            state_dir=Path(self.env["WIREWATCH_STATE_DIR"]),
            database_url=self.env["WIREWATCH_DATABASE_URL"],
        )

    def start(self) -> None:
        self.broker.start()
        self.subscribe()
        self.start_worker()
        self.collector = self._spawn("collect", "collector")

    def subscribe(self) -> None:
        engine = subscription_store.connect(self.env["WIREWATCH_DATABASE_URL"])
        for sub_id in (CALM, *HOSTILE):
            record = {
                "id": sub_id,
                **({} if sub_id == CALM else HOSTILE_FILTER),
                "delivery": {
                    "kind": "webhook",
                    "target": self.receiver.url(self.alert_path(sub_id)),
                },
            }
            subscription_store.save(engine, Subscription.model_validate_json(json.dumps(record)))

    def alert_path(self, sub_id: str) -> str:
        return alert_path(self.name, sub_id)

    def start_worker(self) -> None:
        self.worker = self._spawn("worker", f"worker{self.restarts}")

    def sample_memory(self) -> None:
        """The worker's resident memory now and at its peak, as far as /proc tells."""
        if self.worker is None or self.worker.poll() is not None:
            return
        with contextlib.suppress(OSError):
            status = Path(f"/proc/{self.worker.pid}/status").read_text()
            for line in status.splitlines():
                if line.startswith(("VmRSS:", "VmHWM:")):
                    self.peak_rss_mb = max(self.peak_rss_mb, int(line.split()[1]) / 1024)

    def _spawn(self, command: str, log: str) -> subprocess.Popen:
        with (self.work / f"{log}.log").open("ab") as out:
            return subprocess.Popen(
                wirewatch_command(command), env=self.env, stdout=out, stderr=subprocess.STDOUT
            )

    def kill_worker(self) -> None:
        assert self.worker is not None
        self.sample_memory()
        self.worker.send_signal(signal.SIGKILL)
        self.worker.wait()
        self.restarts += 1

    def worker_log(self) -> Path:
        return self.work / f"worker{self.restarts}.log"

    def damage_store(self) -> None:
        """Overwrite the store under the running worker, wait for the worker to say it
        cannot write it, stop the worker, move the file away and start the worker
        again. Counts the events the worker said it stored in between."""
        database = Path(self.env["WIREWATCH_DATABASE_URL"].removeprefix("sqlite:///"))
        if self.worker is None or self.worker.poll() is not None:  # gone since: start it
            print("    (the worker had exited: started again first)", flush=True)
            self.restarts += 1
            self.start_worker()
        deadline = time.time() + 120
        while not database.exists() and time.time() < deadline:
            time.sleep(1)
        assert self.worker is not None
        log = self.worker_log()
        before = log.stat().st_size
        database.write_bytes(os.urandom(database.stat().st_size))
        deadline = time.time() + 60
        while time.time() < deadline:
            said = log.read_bytes()[before:].decode(errors="replace")
            if "nothing acknowledged" in said:
                break
            time.sleep(1)
        self.worker.terminate()
        try:
            self.worker.wait(60)
        except subprocess.TimeoutExpired:
            self.worker.kill()
            self.worker.wait()
        said = log.read_bytes()[before:].decode(errors="replace")
        self.stored_while_damaged = said.count("stored event ")
        print(
            f"    worker: {'cannot write' if 'nothing acknowledged' in said else 'SAID NOTHING'};"
            f" {self.stored_while_damaged} events said stored meanwhile",
            flush=True,
        )
        for suffix in ("", "-wal", "-shm"):
            damaged = Path(f"{database}{suffix}")
            if damaged.exists():
                damaged.rename(self.work / f"damaged.db{suffix}")
        self.restarts += 1
        self.start_worker()

    def exited(self) -> list[str]:
        return [
            name
            for name, process in (("worker", self.worker), ("collector", self.collector))
            if process is None or process.poll() is not None
        ]

    def stop(self) -> None:
        for process in (self.collector, self.worker):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(60)
                except subprocess.TimeoutExpired:
                    process.kill()
        self.broker.stop()


@dataclass
class Alerts:
    """One subscription's alerts: how each ended, and what its receiver said."""

    status: dict[str, str]  # alert id -> pending, delivered or dead
    events: set[str]  # the events they were about
    acknowledged: set[str]  # alert ids its receiver answered 2xx, whole
    largest_answer: int  # bytes, the most one of its answers got out

    @property
    def outcomes(self) -> str:
        found = Counter(self.status.values())
        return " ".join(f"{found[s]}{s[0]}" for s in ("delivered", "dead", "pending") if found[s])


@dataclass
class Tally:
    collected: set[str]
    messages: int
    groups: list[frozenset[str]]
    event_ids: set[str]
    dead_letters: dict[str, int]
    refused: int  # polls of the hostile feed the collector logged as failed
    alerts: dict[str, Alerts]
    peak_rss_mb: float
    stored_while_damaged: int = 0

    @property
    def in_events(self) -> Counter[str]:
        return Counter(article for group in self.groups for article in group)


def tally(pipeline: Pipeline) -> Tally:
    settings = pipeline.settings
    raw = read_topic(settings, ARTICLES_RAW.name, timeout_ms=5000)
    collected = _article_ids(raw)
    events = list(list_events(connect(settings.resolved_database_url)))
    groups = [frozenset(event.article_ids) for event in events]
    alerts = alert_tally(pipeline)
    letters = {}
    for spec_name in ("articles.raw", "events.mentions", "events", "alerts"):
        name = f"{spec_name}.dlq"
        count = len(read_topic(settings, name, timeout_ms=2000))
        if count:
            letters[name] = count
    log = (pipeline.work / "collector.log").read_text(errors="replace")
    refused = sum(1 for line in log.splitlines() if "/odd.xml:" in line and "WARNING" in line)
    event_ids = {event.event_id for event in events}
    return Tally(
        collected,
        len(raw),
        groups,
        event_ids,
        letters,
        refused,
        alerts,
        pipeline.peak_rss_mb,
        pipeline.stored_while_damaged,
    )


def alert_tally(pipeline: Pipeline) -> dict[str, Alerts]:
    engine = delivery_state.connect(pipeline.settings.resolved_database_url)
    rows = delivery_state.list_deliveries(engine, limit=1_000_000)
    result = {}
    for sub_id in (CALM, *HOSTILE):
        mine = [row for row in rows if row.subscription_id == sub_id]
        path = pipeline.alert_path(sub_id)
        answers = pipeline.receiver.sent_each.get(path, [])
        result[sub_id] = Alerts(
            status={row.alert_id: row.status for row in mine},
            events={row.event_id for row in mine},
            acknowledged={
                r.headers.get("Idempotency-Key", "") for r in pipeline.receiver.delivered(path)
            },
            largest_answer=max(answers, default=0),
        )
    return result


def pending_alerts(pipeline: Pipeline) -> int:
    engine = delivery_state.connect(pipeline.settings.resolved_database_url)
    return len(delivery_state.list_deliveries(engine, status="pending", limit=1_000_000))


def _article_ids(values: list[bytes]) -> set[str]:
    """The ids of the articles among VALUES (the junk sent on purpose has none)."""
    ids = set()
    for value in values:
        with contextlib.suppress(ValueError, KeyError, TypeError):
            ids.add(json.loads(value)["id"])
    return ids


def drained(pipeline: Pipeline, expected: set[str]) -> bool:
    settings = pipeline.settings
    raw = read_topic(settings, ARTICLES_RAW.name, timeout_ms=2000)

    return (
        expected <= _article_ids(raw)
        and pipeline_lag(settings) == 0
        and pending_alerts(pipeline) == 0
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--rate", type=float, default=2.0, help="articles published per second")
    parser.add_argument("--feeds", type=int, default=10)
    args = parser.parse_args()
    seconds = args.minutes * 60
    count = int(seconds * args.rate)
    print(
        f"soak: {args.minutes:g} min, {args.rate:g} articles/s over {args.feeds} feeds: {count} articles"
    )
    items = make_items(count, args.rate)
    expected = {article_id_for(item.url) for item in items}
    tmp = tempfile.mkdtemp(prefix="wirewatch-soak-")
    receiver = WebhookServer()
    with FeedServer() as server:
        began = time.time() + 5  # published from 5 s after the pipelines start
        feeds = SoakFeeds(server, items, args.feeds, began)
        calm = Pipeline(
            "undisturbed", Path(tmp) / "undisturbed", feeds.urls("undisturbed"), receiver
        )
        rough = Pipeline("disturbed", Path(tmp) / "disturbed", feeds.urls("disturbed"), receiver)
        try:
            for pipeline in (calm, rough):
                pipeline.start()
            print(f"pipelines started; work files in {tmp}")
            faults = schedule(rough, feeds, began, seconds)
            faults.start()
            while time.time() < began + seconds:
                time.sleep(10)
                for pipeline in (calm, rough):
                    pipeline.sample_memory()
                elapsed = (time.time() - began) / 60
                down = {p.name: p.exited() for p in (calm, rough) if p.exited()}
                print(f"  {elapsed:5.1f} min" + (f"; exited: {down}" if down else ""), flush=True)
            faults.join()
            print("feeds stopped growing; draining ...", flush=True)
            deadline = time.time() + DRAIN_MINUTES * 60
            waiting = [calm, rough]
            while waiting and time.time() < deadline:
                waiting = [p for p in waiting if not drained(p, expected)]
                for pipeline in (calm, rough):
                    pipeline.sample_memory()
                time.sleep(5)
            time.sleep(10)  # the store agent's last batch
            for pipeline in (calm, rough):
                pipeline.sample_memory()
            if waiting:
                print(f"not drained within {DRAIN_MINUTES:g} min: {[p.name for p in waiting]}")
            results = {p.name: tally(p) for p in (calm, rough)}
            still_running = not calm.exited() and not rough.exited()
        finally:
            for pipeline in (calm, rough):
                pipeline.stop()
            receiver.close()
    status = report_results(expected, results["undisturbed"], results["disturbed"], still_running)
    if status == 0:
        shutil.rmtree(tmp)
    else:
        print(f"logs kept in {tmp}")
    return status


def schedule(rough: Pipeline, feeds: SoakFeeds, began: float, seconds: float) -> threading.Thread:
    def at(fraction: float) -> None:
        time.sleep(max(0.0, began + fraction * seconds - time.time()))

    def say(what: str) -> None:
        print(f"  fault at {(time.time() - began) / 60:5.1f} min: {what}", flush=True)

    def run() -> None:
        at(0.2)
        say("worker killed (SIGKILL), restarted in 2 s")
        rough.kill_worker()
        time.sleep(2)
        rough.start_worker()
        at(0.4)
        say("broker killed (SIGKILL), restarted in 5 s")
        rough.broker.kill()
        time.sleep(5)
        rough.broker.start()
        at(0.5)
        say("webhook receivers turn hostile (300 MB answer, endless 503, a byte a second)")
        for sub_id, hostile in HOSTILE.items():
            rough.receiver.hostile[rough.alert_path(sub_id)] = hostile
        at(0.6)
        say("a feed turns hostile (double-gzip bomb, entity bomb)")
        feeds.hostile.add("disturbed")
        at(0.7)
        say("the store overwritten with junk under the worker; then moved away")
        rough.damage_store()
        at(0.8)
        say("900 kB of junk sent to articles.raw")
        producer = KafkaProducer(bootstrap_servers=rough.broker.bootstrap_servers, acks="all")
        junk = b"\x00" + b"not json " * 100_000
        producer.send(rough.settings.topic(ARTICLES_RAW.name), key=b"junk", value=junk)
        producer.flush()
        producer.close()

    return threading.Thread(target=run, daemon=True)


def report_results(expected: set[str], calm: Tally, rough: Tally, still_running: bool) -> int:
    rows = [
        ("articles published", len(expected), len(expected)),
        ("articles collected (distinct ids)", len(calm.collected), len(rough.collected)),
        ("messages on articles.raw", calm.messages, rough.messages),
        ("events stored", len(calm.groups), len(rough.groups)),
        ("articles in events", len(calm.in_events), len(rough.in_events)),
        ("articles in two events or more", _doubled(calm), _doubled(rough)),
        ("dead letters", _letters(calm), _letters(rough)),
        ("hostile feed polls refused", calm.refused, rough.refused),
        *(
            (f"alerts to {sub_id} (delivered/dead/pending)", c.outcomes, r.outcomes)
            for sub_id, c, r in _each_subscription(calm, rough)
        ),
        *(
            (f"largest answer from {sub_id} (MB)", _mb(c.largest_answer), _mb(r.largest_answer))
            for sub_id, c, r in _each_subscription(calm, rough)
            if sub_id in HOSTILE
        ),
        ("worker peak memory (MB)", f"{calm.peak_rss_mb:.0f}", f"{rough.peak_rss_mb:.0f}"),
        (
            "events said stored, store damaged",
            calm.stored_while_damaged,
            rough.stored_while_damaged,
        ),
    ]
    print(f"\n{'':36}{'undisturbed':>20}{'disturbed':>20}")
    for name, left, right in rows:
        print(f"{name:36}{left!s:>20}{right!s:>20}")
    checks = {
        "nothing lost at collection": expected <= calm.collected and expected <= rough.collected,
        "nothing lost in the store": set(calm.in_events) <= set(rough.in_events),
        "nothing doubled": _doubled(calm) == 0 and _doubled(rough) == 0,
        "the same events": sorted(map(sorted, calm.groups)) == sorted(map(sorted, rough.groups)),
        "the junk dead-lettered": rough.dead_letters.get("articles.raw.dlq", 0) >= 1,
        "the hostile feed refused, the collector and worker still running": rough.refused > 0
        and still_running,
        "alerts go on: every event alerted to the calm subscription, delivered": all(
            t.event_ids <= t.alerts[CALM].events
            and set(t.alerts[CALM].status.values()) == {"delivered"}
            for t in (calm, rough)
        ),
        "no alert left pending": all(
            "pending" not in a.status.values() for t in (calm, rough) for a in t.alerts.values()
        ),
        "nothing reported delivered that was not": all(
            {i for i, s in a.status.items() if s == "delivered"} <= a.acknowledged
            for t in (calm, rough)
            for a in t.alerts.values()
        ),
        "hostile answers cut off after a few kB": all(
            rough.alerts[sub_id].largest_answer < BUFFERED for sub_id in HOSTILE
        ),
        "nothing said stored while the store was damaged": rough.stored_while_damaged == 0,
    }
    print()
    for name, passed in checks.items():
        print(f"{'PASS' if passed else 'FAIL'}  {name}")
    missing = set(calm.in_events) - set(rough.in_events)
    if missing:
        print(
            f"  {len(missing)} articles stored undisturbed but not disturbed, e.g. {sorted(missing)[:3]}"
        )
    return 0 if all(checks.values()) else 1


def _each_subscription(calm: Tally, rough: Tally):
    for sub_id in (CALM, *HOSTILE):
        yield sub_id, calm.alerts[sub_id], rough.alerts[sub_id]


def _mb(size: int) -> str:
    return f"{size / MB:.1f}"


def _doubled(t: Tally) -> int:
    return sum(1 for count in t.in_events.values() if count > 1)


def _letters(t: Tally) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(t.dead_letters.items())) or "0"


if __name__ == "__main__":
    sys.exit(main())
