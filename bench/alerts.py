"""Alert latency through the whole pipeline, and the matcher's speed.

    .venv/bin/python bench/alerts.py [SECONDS] [RATE] [WORKERS]   # runs its own broker
    KAFKA_BOOTSTRAP_SERVERS=host:port .venv/bin/python bench/alerts.py

1. **Matcher.** Builds 100,000 subscriptions, mixing countries, radii, boxes and toll
   thresholds, and matches 2,000 event versions against them. It prints events/s
   through ``SubscriptionIndex`` beside a full scan of every subscription per event,
   in the same run.
2. **Latency.** Starts a worker on a real broker with 10,000 subscriptions. 100 of them
   watch the towns the articles come from, delivering to a local webhook receiver; the
   rest watch other places (checked: none matches those towns), so each report alerts
   its town's watcher when it is new and when its toll rises. It then sends articles to
   ``articles.raw`` at RATE per second (default 50) for SECONDS (default 120), with
   WORKERS worker processes (default 2). It prints p50, p99 and max of the
   article-to-delivery latency each alert recorded, from the article's append to
   ``articles.raw`` to the receiver's answer, and the CPU the workers and the broker
   used per article (on Linux).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kafka import KafkaProducer
from sqlalchemy import func, select
from synthetic import COUNTRY_NAMES, report, report_towns

from infra.kafka_admin import ensure_topics
from infra.settings import Settings
from processors.alerting import SubscriptionIndex, alert_reason, matches
from processors.extraction.gazetteer import get_gazetteer
from schemas.alert import Subscription
from schemas.event import Event, Location
from schemas.taxonomy import SubEventType, cameo_root_of, event_type_of
from sinks.alerts import state as delivery_state
from sinks.alerts import subscriptions as store
from tests.services import kafka_broker, wait_until
from tests.webhook_server import WebhookServer

ROOT = Path(__file__).resolve().parents[1]
QUIET = 10.0  # seconds without a new alert that end a latency run


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


def bench_latency(seconds: float, rate: float, workers: int, rng: random.Random) -> None:
    towns = report_towns()
    receiver = WebhookServer()
    work = Path(tempfile.mkdtemp(prefix="wirewatch-bench-alerts-"))
    print(f"work directory                  : {work}", flush=True)
    with kafka_broker(work) as (bootstrap, broker):
        env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "WIREWATCH_STATE_DIR": str(work / "state"),
            "WIREWATCH_DATABASE_URL": f"sqlite:///{work / 'bench.db'}",
            "WIREWATCH_TOPIC_PREFIX": "bench.",
            "WIREWATCH_APP_ID": "wirewatch-bench-alerts",
            "WIREWATCH_ALLOW_PRIVATE_ADDRESSES": "true",
            "WIREWATCH_LOG_LEVEL": "warning",
        }
        settings = Settings(
            kafka_bootstrap_servers=bootstrap,
            state_dir=work / "state",
            database_url=env["WIREWATCH_DATABASE_URL"],
            topic_prefix="bench.",
            app_id="wirewatch-bench-alerts",
        )
        engine = store.connect(settings.resolved_database_url)
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
        for sub in [*watching, *others]:
            store.save(engine, sub)
        ensure_topics(settings)
        log = (work / "worker.log").open("wb")
        extra = [
            subprocess.Popen(
                [sys.executable, "-m", "wirewatch", "worker"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            for _ in range(workers - 1)
        ]
        worker = subprocess.Popen(
            [sys.executable, "-m", "wirewatch", "worker"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=0)
        topic = settings.topic("articles.raw")
        deliveries = delivery_state.connect(settings.resolved_database_url)
        try:
            warm = report(0, towns[0], rng)
            producer.send(topic, key=warm.id.encode(), value=warm.to_json_bytes()).get(30)
            wait_until(
                lambda: len(delivery_state.list_deliveries(deliveries, "delivered")) >= 1,
                180,
                what="the worker to deliver a first alert",
            )
            print(
                f"latency run                     : {rate:g} articles/s for {seconds:g} s, "
                f"{len(watching) + len(others)} subscriptions, {workers} worker process(es)",
                flush=True,
            )
            interval = 1.0 / rate
            run_started = dt.datetime.now(dt.UTC)  # the warm-up's alerts are not counted
            worker_pids = [p.pid for p in [worker, *extra]]
            broker_pids = [broker.pid()] if broker is not None and broker.pid() else []
            cpu_before = _cpu_seconds(worker_pids), _cpu_seconds(broker_pids)
            start = time.perf_counter()
            sent = 0
            while (elapsed := time.perf_counter() - start) < seconds:
                due = int(elapsed / interval) + 1
                while sent < due:
                    sent += 1
                    article = report(sent, rng.choice(towns), rng)
                    producer.send(topic, key=article.id.encode(), value=article.to_json_bytes())
                time.sleep(max(0.0, start + sent * interval - time.perf_counter()))
            producer.flush(30)
            # Done when nothing is pending and no alert has come for QUIET seconds: when
            # the pipeline lags, the pending list can be empty while articles are queued.
            last_count, last_change = -1, time.perf_counter()
            cpu_after = cpu_before
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
                    cpu_after = _cpu_seconds(worker_pids), _cpu_seconds(broker_pids)
                time.sleep(0.5)
            busy = last_change - start
            rows = [
                r
                for r in delivery_state.list_deliveries(deliveries, "delivered", 1_000_000)
                if r.latency_seconds is not None and r.received_at and r.received_at >= run_started
            ]
            latencies = sorted(r.latency_seconds for r in rows)
            cuts = statistics.quantiles(latencies, n=100)
            print(f"articles sent                   : {sent}")
            print(f"alerts delivered                : {len(latencies)}")
            print(f"latency p50                     : {cuts[49]:.3f} s")
            print(f"latency p99                     : {cuts[98]:.3f} s")
            print(f"latency max                     : {latencies[-1]:.3f} s")
            for name, before, after in zip(
                ("worker", "broker"), cpu_before, cpu_after, strict=True
            ):
                if before is not None and after is not None and after > before:
                    used = after - before
                    print(
                        f"{name + ' CPU':<32}: {used:.1f} s over {busy:.0f} s "
                        f"({used / busy:.0%} of a core, {used / sent * 1000:.1f} ms per article)"
                    )
        finally:
            producer.close()
            for process in [worker, *extra]:
                process.terminate()
            for process in [worker, *extra]:
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            log.close()
            receiver.close()


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 120.0
    rate = float(sys.argv[2]) if len(sys.argv) > 2 else 50.0
    workers = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    rng = random.Random(20261124)
    bench_matcher(rng)
    bench_latency(seconds, rate, workers, rng)


if __name__ == "__main__":
    main()
