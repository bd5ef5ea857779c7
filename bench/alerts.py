"""Alert latency through the whole pipeline, before and after, and the matcher's speed.

    .venv/bin/python bench/alerts.py [SECONDS] [RATE] [WORKERS] [--baseline REV |
        --no-baseline] [--set NAME=VALUE ...] [--no-matcher]       # runs its own broker
    KAFKA_BOOTSTRAP_SERVERS=host:port .venv/bin/python bench/alerts.py

1. **Matcher.** Builds 100,000 subscriptions, mixing countries, radii, boxes and toll
   thresholds, and matches 2,000 event versions against them. It prints events/s
   through ``SubscriptionIndex`` beside a full scan of every subscription per event,
   in the same run.
2. **Latency.** For each side (REV, default 0fbe358, exported with git archive; then the
   working tree, with the --set variables if any), starts WORKERS worker processes
   (default 2) on a real broker, on the side's own topics and database, with the same
   10,000 subscriptions. 100 of them watch the towns the articles come from, delivering
   to a local webhook receiver; the rest watch other places (checked: none matches those
   towns), so each report alerts its town's watcher when it is new and when its toll
   rises. It then sends the same reports to ``articles.raw`` at RATE per second
   (default 50) for SECONDS (default 120), stamped with their language as the collector
   stamps them when the side's articles carry one. One table: p50, p99 and max of the
   article-to-delivery latency each alert recorded, from the article's append to
   ``articles.raw`` to the receiver's answer, and the CPU the workers and the broker
   used per article (on Linux), side by side; the sides run one after the other.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kafka import KafkaProducer
from revision import export_revision, resolve_revision, revision_env
from sqlalchemy import func, select
from synthetic import COUNTRY_NAMES, report, report_towns

from harness.services import kafka_broker, wait_until, workers_in_group
from harness.webhook_server import WebhookServer
from infra.kafka_admin import ensure_topics
from infra.language import detect_language
from infra.settings import Settings
from processors.alerting import SubscriptionIndex, alert_reason, matches
from processors.extraction.gazetteer import get_gazetteer
from schemas.alert import Subscription
from schemas.event import Event, Location
from schemas.taxonomy import SubEventType, cameo_root_of, event_type_of
from sinks.alerts import state as delivery_state
from sinks.alerts import subscriptions as store

ROOT = Path(__file__).resolve().parents[1]
QUIET = 10.0  # seconds without a new alert that end a latency run
# before issue 23 (the hardening round): the alert latency it must stay within noise of
BEFORE_HARDENING = "0fbe358"
FLOOR_P99 = 0.5  # seconds, issue 23's bound for the default run


def _subscription(record: dict) -> Subscription:
    return Subscription.model_validate_json(json.dumps(record))


def _synthetic_subscriptions(
    count: int, rng: random.Random, target: str, avoid: set[str] = frozenset()
) -> list[Subscription]:
    """A plausible mix: countries with a kind and a toll (60%), radii (25%), boxes (14%),
    and a few watching everything above a high toll (1%)."""
    countries = [c for c in get_gazetteer().countries if c not in avoid]
    kinds = [t.value for t in SubEventType]
    subs = []
    for number in range(count):
        kind = number % 100
        record: dict = {"id": f"b{number}", "delivery": {"kind": "webhook", "target": target}}
        if kind < 60:
            record["countries"] = [rng.choice(countries)]
            record["sub_event_types"] = rng.sample(kinds, rng.randrange(1, 4))
            record["min_fatalities"] = rng.randrange(0, 20)
        elif kind < 85:
            record["radius"] = {
                "lat": rng.uniform(-50, 60),
                "lon": rng.uniform(-120, 150),
                "km": rng.uniform(5, 200),
            }
        elif kind < 99:
            south, west = rng.uniform(-50, 55), rng.uniform(-120, 145)
            record["bbox"] = {"south": south, "west": west, "north": south + 2, "east": west + 3}
        else:
            record["min_casualties"] = rng.randrange(100, 1000)
        subs.append(_subscription(record))
    return subs


def _synthetic_event(number: int, rng: random.Random, towns: list) -> Event:
    town = rng.choice(towns)
    sub_type = rng.choice(list(SubEventType))
    when = dt.datetime(2024, 5, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=number)
    return Event(
        event_id=f"e{number}",
        version=1,
        event_type=event_type_of(sub_type),
        sub_event_type=sub_type,
        cameo_code=cameo_root_of(sub_type),
        event_date=when.date(),
        country=town.country,
        location=Location(
            name=town.name,
            lat=town.lat,
            lon=town.lon,
            geonames_id=town.geonames_id,
            precision="locality",
        ),
        fatalities=rng.randrange(0, 30),
        injured=rng.randrange(0, 60),
        evidence=["synthetic"],
        confidence=0.8,
        article_ids=[f"a{number}"],
        mention_ids=[f"m{number}"],
        sources=["Bench"],
        first_seen=when,
        last_updated=when,
    )


def _cpu_seconds(pids: list[int]) -> float | None:
    """User + system CPU the processes have used so far (Linux /proc), None elsewhere."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def bench_matcher(rng: random.Random) -> None:
    gazetteer = get_gazetteer()
    towns = [p for p in gazetteer.places.values() if p.population > 100_000]
    subs = _synthetic_subscriptions(100_000, rng, "https://hooks.example/b")
    started = time.perf_counter()
    index = SubscriptionIndex(subs)
    built = time.perf_counter() - started
    events = [_synthetic_event(n, rng, towns) for n in range(2000)]
    started = time.perf_counter()
    alerts = 0
    for event in events:
        for sub in index.matching(event):
            alerts += alert_reason(sub, event, None) is not None
    indexed = time.perf_counter() - started
    sample = events[:20]
    started = time.perf_counter()
    for event in sample:
        [s for s in subs if matches(s, event)]
    scanned = time.perf_counter() - started
    print(f"subscriptions                   : {len(subs)} (index built in {built:.1f} s)")
    print(
        f"matcher, indexed                : {len(events) / indexed:10.0f} events/s ({alerts} alerts)"
    )
    print(f"matcher, full scan (baseline)   : {len(sample) / scanned:10.1f} events/s")


@dataclass
class LatencyRun:
    """What one side's run measured."""

    name: str
    sent: int
    latencies: list[float]  # seconds, sorted
    busy: float  # seconds from the first send to the last alert
    cpu: dict[str, float | None]  # "worker", "broker" -> CPU seconds used

    def rows(self) -> dict[str, str]:
        cuts = (
            statistics.quantiles(self.latencies, n=100) if len(self.latencies) > 1 else [0.0] * 99
        )
        figures = {
            "articles sent": f"{self.sent}",
            "alerts delivered": f"{len(self.latencies)}",
            "latency p50, s": f"{cuts[49]:.3f}",
            "latency p99, s": f"{cuts[98]:.3f}",
            "latency max, s": f"{self.latencies[-1]:.3f}" if self.latencies else "-",
        }
        for process, used in self.cpu.items():
            if used is not None and self.sent:
                figures[f"{process} CPU, ms per article"] = f"{used / self.sent * 1000:.1f}"
                figures[f"{process} CPU, share of a core"] = f"{used / max(self.busy, 1e-9):.0%}"
        return figures


class LatencySide:
    """One tree's workers, on their own topics, state and database, with the same
    subscriptions as every other side."""

    def __init__(
        self,
        name: str,
        tree: Path,
        commit: str | None,
        bootstrap: str,
        work: Path,
        extra_env: dict[str, str],
    ) -> None:
        self.name, self.tree, self.bootstrap = name, tree, bootstrap
        self.extra_env = extra_env
        self.work = work / name
        self.work.mkdir(parents=True)
        self.env = {
            **revision_env(tree, commit),
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "WIREWATCH_STATE_DIR": str(self.work / "state"),
            "WIREWATCH_DATABASE_URL": f"sqlite:///{self.work / 'bench.db'}",
            "WIREWATCH_TOPIC_PREFIX": f"bench-{name}.",
            "WIREWATCH_APP_ID": f"wirewatch-bench-alerts-{name}",
            "WIREWATCH_ALLOW_PRIVATE_ADDRESSES": "true",
            "WIREWATCH_LOG_LEVEL": "warning",
            **extra_env,
        }
        self.settings = Settings(
            kafka_bootstrap_servers=bootstrap,
            state_dir=self.work / "state",
            database_url=self.env["WIREWATCH_DATABASE_URL"],
            topic_prefix=self.env["WIREWATCH_TOPIC_PREFIX"],
            app_id=self.env["WIREWATCH_APP_ID"],
        )
        # the collector stamps each article's language; a tree from before that has no field
        self.stamps_language = "detected_language" in (tree / "schemas" / "article.py").read_text()
        self.workers: list[subprocess.Popen] = []

    def start(self, workers: int, subscriptions: list[Subscription]) -> None:
        engine = store.connect(self.settings.resolved_database_url)
        for sub in subscriptions:
            store.save(engine, sub)
        ensure_topics(self.settings.kafka)
        log = (self.work / "worker.log").open("wb")
        self.workers = [
            subprocess.Popen(
                [sys.executable, "-m", "wirewatch", "worker"],
                cwd=self.tree,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            for _ in range(workers)
        ]
        log.close()

    def send(self, producer: KafkaProducer, article) -> None:
        if self.stamps_language:
            stamped = article.model_copy(
                update={"detected_language": detect_language(article.title, article.text)}
            )
            value = stamped.to_json_bytes()
        else:  # an older tree's articles forbid the field, even empty
            value = article.model_dump_json(exclude_none=True).encode()
        producer.send(self.settings.topic("articles.raw"), key=article.id.encode(), value=value)

    def stop(self) -> None:
        for process in self.workers:
            process.terminate()
        for process in self.workers:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _send_at_rate(
    side: LatencySide,
    producer: KafkaProducer,
    towns: list,
    rate: float,
    seconds: float,
    rng: random.Random,
) -> int:
    """Send reports at RATE per second for SECONDS; how many were sent."""
    interval = 1.0 / rate
    start = time.perf_counter()
    sent = 0
    while (elapsed := time.perf_counter() - start) < seconds:
        while sent < int(elapsed / interval) + 1:
            sent += 1
            side.send(producer, report(sent, rng.choice(towns), rng, label=side.name))
        time.sleep(max(0.0, start + sent * interval - time.perf_counter()))
    producer.flush(30)
    return sent


def _wait_quiet(deliveries, start: float, seconds: float, pids: dict[str, list[int]]):
    """Wait until nothing is pending and no alert has come for QUIET seconds (when the
    pipeline lags, the pending list can be empty while articles are queued); when the
    last alert came and the CPU each group of processes had used by then."""
    last_count, last_change = -1, time.perf_counter()
    cpu = {name: _cpu_seconds(group) for name, group in pids.items()}
    while time.perf_counter() - last_change < QUIET:
        if time.perf_counter() - start > seconds + 600:
            raise TimeoutError("the alerts never stopped coming")
        with deliveries.connect() as connection:
            count = connection.execute(
                select(func.count()).select_from(delivery_state.deliveries_table)
            ).scalar_one()
        pending = delivery_state.list_deliveries(deliveries, "pending", 1)
        if count != last_count or pending:
            last_count, last_change = count, time.perf_counter()
            cpu = {name: _cpu_seconds(group) for name, group in pids.items()}
        time.sleep(0.5)
    return last_change, cpu


def run_side(
    side: LatencySide,
    subscriptions: list[Subscription],
    towns: list,
    broker,
    seconds: float,
    rate: float,
    workers: int,
) -> LatencyRun:
    """Start SIDE's workers, wait until every one holds partitions, warm them up with
    one alert, send at RATE for SECONDS and collect the latency of every alert
    delivered after the warm-up."""
    rng = random.Random(20261124)  # every side sends the same reports
    side.start(workers, subscriptions)
    producer = KafkaProducer(bootstrap_servers=side.bootstrap, acks="all", linger_ms=0)
    deliveries = delivery_state.connect(side.settings.resolved_database_url)
    try:
        wait_until(
            lambda: workers_in_group(side.settings, workers),
            180,
            what=f"the {side.name} workers to join their group and hold partitions",
        )
        side.send(producer, report(0, towns[0], rng, label=side.name))
        wait_until(
            lambda: len(delivery_state.list_deliveries(deliveries, "delivered")) >= 1,
            180,
            what=f"the {side.name} workers to deliver a first alert",
        )
        print(f"  {side.name}: {rate:g} articles/s for {seconds:g} s ...", flush=True)
        run_started = dt.datetime.now(dt.UTC)  # the warm-up's alerts are not counted
        pids = {
            "worker": [p.pid for p in side.workers],
            "broker": [broker.pid()] if broker is not None and broker.pid() else [],
        }
        before = {name: _cpu_seconds(group) for name, group in pids.items()}
        start = time.perf_counter()
        sent = _send_at_rate(side, producer, towns, rate, seconds, rng)
        last_alert, after = _wait_quiet(deliveries, start, seconds, pids)
        latencies = sorted(
            r.latency_seconds
            for r in delivery_state.list_deliveries(deliveries, "delivered", 1_000_000)
            if r.latency_seconds is not None and r.received_at and r.received_at >= run_started
        )
        used = {
            name: (after[name] - before[name])
            if before[name] is not None and after[name] is not None
            else None
            for name in pids
        }
        title = " ".join([side.name, *(f"{k}={v}" for k, v in side.extra_env.items())])
        return LatencyRun(title, sent, latencies, last_alert - start, used)
    finally:
        producer.close()
        side.stop()


def _subscriptions(towns: list, receiver: WebhookServer, rng: random.Random) -> list[Subscription]:
    """10,000 subscriptions: one per town watching it, the rest (checked) none of them."""
    watching = [
        _subscription(
            {
                "id": f"town{n}",
                "radius": {"lat": town.lat, "lon": town.lon, "km": 10},
                "delivery": {"kind": "webhook", "target": receiver.url(f"/town{n}")},
            }
        )
        for n, town in enumerate(towns)
    ]
    probes = [_synthetic_event(n, random.Random(n), [town]) for n, town in enumerate(towns)]
    others = [
        s
        for s in _synthetic_subscriptions(
            12_000, rng, receiver.url("/never"), avoid=set(COUNTRY_NAMES)
        )
        if not any(matches(s, probe) for probe in probes)
    ][: 10_000 - len(watching)]
    return [*watching, *others]


def bench_latency(args: argparse.Namespace, rng: random.Random) -> None:
    towns = report_towns()
    receiver = WebhookServer()
    work = Path(tempfile.mkdtemp(prefix="wirewatch-bench-alerts-"))
    print(f"work directory                  : {work}", flush=True)
    extra_env = dict(item.split("=", 1) for item in args.set)
    subscriptions = _subscriptions(towns, receiver, rng)
    print(
        f"latency runs: {args.rate:g} articles/s for {args.seconds:g} s, "
        f"{len(subscriptions)} subscriptions, {args.workers} worker process(es) a side, "
        "one side after the other on one broker",
        flush=True,
    )
    try:
        with kafka_broker(work) as (bootstrap, broker):
            sides = []
            if not args.no_baseline:
                commit = resolve_revision(args.baseline, "bench/alerts.py")
                export_revision(commit, work / "baseline-tree", "bench/alerts.py")
                sides.append(
                    LatencySide(
                        f"before-{commit[:7]}", work / "baseline-tree", commit, bootstrap, work, {}
                    )
                )
            sides.append(LatencySide("after", ROOT, None, bootstrap, work, extra_env))
            runs = [
                run_side(side, subscriptions, towns, broker, args.seconds, args.rate, args.workers)
                for side in sides
            ]
    finally:
        receiver.close()
    _print_runs(runs)


def _print_runs(runs: list[LatencyRun]) -> None:
    tables = [run.rows() for run in runs]
    labels = list(dict.fromkeys(label for table in tables for label in table))
    width = max(len(run.name) for run in runs) + 2
    print(f"{'':34}" + "".join(f"{run.name:>{width}}" for run in runs))
    for label in labels:
        print(f"{label:34}" + "".join(f"{table.get(label, '-'):>{width}}" for table in tables))
    after = runs[-1].rows()["latency p99, s"]
    verdict = "PASS" if float(after) <= FLOOR_P99 else "FAIL"
    print(f"floor: working tree p99 <= {FLOOR_P99} s: {after} s  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("seconds", nargs="?", type=float, default=120.0)
    parser.add_argument("rate", nargs="?", type=float, default=50.0)
    parser.add_argument("workers", nargs="?", type=int, default=2)
    parser.add_argument(
        "--baseline",
        default=BEFORE_HARDENING,
        help=f"the revision run first, the same way (default {BEFORE_HARDENING})",
    )
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an environment variable for the working tree's workers only",
    )
    parser.add_argument("--no-matcher", action="store_true", help="skip the matcher's bench")
    args = parser.parse_args()
    for item in args.set:
        if "=" not in item:
            parser.error(f"--set {item!r}: give NAME=VALUE")
    rng = random.Random(20261124)
    if not args.no_matcher:
        bench_matcher(rng)
    bench_latency(args, rng)


if __name__ == "__main__":
    main()
