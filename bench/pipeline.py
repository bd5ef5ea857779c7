"""The article rate the whole pipeline sustains, with two workers on a real broker.

    .venv/bin/python bench/pipeline.py [--rates 100,200,...] [--seconds 30] [--workers 2]
                                       [--baseline REV | --no-baseline]

1. **Passthrough (the floor).** A faust app whose agents only forward raw bytes along
   four topics (as an article once crossed articles.raw, articles.unique,
   events.mentions and events), with the same number of workers: the messages per
   second it carries end to end, and the worker CPU per message. No pipeline can beat it
   with the same number of hops.
2. **The pipeline**, once for the working tree and once for REV (default: the commit
   before the worker's hops were cut), one after the other on the same broker, each with
   its own topics, state and SQLite file. Each side sends synthetic wire reports
   (`synthetic.py`) to ``articles.raw`` at each rate in turn for SECONDS, waits until
   they are stored, and prints, per rate: the share of articles stored, p50 and p99 of
   article-to-stored latency (from the send to ``articles.raw`` to the first stored
   event version that holds the article), and the CPU the workers and the broker used
   per article. A rate is sustained when 99 % of its articles are stored and p99 is
   under 1 s; the steps stop at the first rate that is not.

Floors (issue 12): at least 300 articles/s sustained, at most 5 ms worker CPU per article.
"""

from __future__ import annotations

import argparse
import datetime as dt
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

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from revision import export_revision, resolve_revision, revision_env
from sqlalchemy import select
from synthetic import WIDE_COUNTRY_NAMES, report, report_towns

from harness.services import kafka_broker, wait_until
from infra.kafka_admin import ensure_topics
from infra.settings import Settings
from schemas.article import Article
from sinks.storage import connect, event_versions_table

ROOT = Path(__file__).resolve().parents[1]
BEFORE_FEWER_HOPS = "698551d"  # the worker with six agents and five topics per article
FLOOR_RATE, FLOOR_CPU_MS, MAX_P99 = 300, 5.0, 1.0
PASSTHROUGH_TOPICS, PASSTHROUGH_MESSAGES = 4, 20_000
# 500 towns of 20 countries, five kinds, seven days: 17,500 incidents, so that a run of
# some 60,000 reports gives each incident a few, as a real stream does
TOWNS = 500


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU the processes and their live descendants (a worker's extraction
    process) have used so far (Linux /proc; 0 for none)."""
    total = 0.0
    for pid in _with_descendants(pids):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _with_descendants(pids: list[int]) -> list[int]:
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    found, frontier = list(pids), set(pids)
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - set(found)
        found += sorted(frontier)
    return found


def start(command: list[str], cwd: Path, env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def end_offset(bootstrap: str, topic: str, partitions: int) -> int:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    try:
        ends = consumer.end_offsets([TopicPartition(topic, p) for p in range(partitions)])
        return sum(ends.values())
    finally:
        consumer.close()


def bench_passthrough(bootstrap: str, broker_pids: list[int], workers: int, work: Path) -> None:
    prefix = "bench-passthrough-"
    last = f"{prefix}{PASSTHROUGH_TOPICS - 1}"
    script = ROOT / "bench" / "passthrough.py"
    command = [sys.executable, str(script), bootstrap, prefix, str(PASSTHROUGH_TOPICS)]
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:  # the broker creates no topic on first use
        admin.create_topics([NewTopic(f"{prefix}{n}", 3, 1) for n in range(PASSTHROUGH_TOPICS)])
    finally:
        admin.close()
    processes = [
        start(command, ROOT, dict(os.environ), work / "passthrough.log") for _ in range(workers)
    ]
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    try:
        # the first message through says the workers are ready
        producer.send(f"{prefix}0", key=b"warm", value=b"warm").get(60)
        wait_until(
            lambda: _safe_end_offset(bootstrap, last) >= 1, 180, what="the passthrough to start"
        )
        time.sleep(5)  # let both workers settle into the group
        value = b"x" * 600  # about the size of a short article
        cpu_before, broker_before = (
            cpu_seconds([p.pid for p in processes]),
            cpu_seconds(broker_pids),
        )
        began = time.perf_counter()
        for number in range(PASSTHROUGH_MESSAGES):
            producer.send(f"{prefix}0", key=str(number).encode(), value=value)
        producer.flush(60)
        wait_until(
            lambda: _safe_end_offset(bootstrap, last) >= PASSTHROUGH_MESSAGES + 1,
            600,
            interval=0.2,
            what="the passthrough to carry every message",
        )
        elapsed = time.perf_counter() - began
        used = cpu_seconds([p.pid for p in processes]) - cpu_before
        broker_used = cpu_seconds(broker_pids) - broker_before if broker_pids else 0.0
        print(
            f"passthrough, {PASSTHROUGH_TOPICS} topics      : "
            f"{PASSTHROUGH_MESSAGES / elapsed:7.0f} messages/s end to end, "
            f"{used / PASSTHROUGH_MESSAGES * 1000:.2f} ms worker CPU and "
            f"{broker_used / PASSTHROUGH_MESSAGES * 1000:.2f} ms broker CPU per message",
            flush=True,
        )
    finally:
        producer.close()
        stop(processes)


def _safe_end_offset(bootstrap: str, topic: str) -> int:
    try:
        return end_offset(bootstrap, topic, 3)
    except Exception:  # not created yet
        return 0


@dataclass
class StepResult:
    rate: float
    sent: int
    stored: int
    incidents: int  # events the step's articles were stored in
    p50: float
    p99: float
    worker_ms: list[float]  # CPU per article sent, each worker
    broker_ms: float

    @property
    def sustained(self) -> bool:
        return self.stored >= 0.99 * self.sent and self.p99 < MAX_P99


def stored_times(engine, since: dt.datetime) -> dict[str, tuple[float, str]]:
    """Article id -> when the first event version holding it was stored (epoch seconds),
    and that event's id."""
    first: dict[str, tuple[float, str]] = {}
    query = select(event_versions_table.c.record, event_versions_table.c.stored_at).where(
        event_versions_table.c.stored_at >= since
    )
    with engine.connect() as connection:
        for record, stored_at in connection.execute(query):
            when = stored_at.replace(tzinfo=dt.UTC).timestamp()
            for article_id in record["article_ids"]:
                if article_id not in first or when < first[article_id][0]:
                    first[article_id] = (when, record["event_id"])
    return first


class PipelineSide:
    """One tree's workers on their own topics, state and database."""

    def __init__(self, name: str, tree: Path, commit: str | None, bootstrap: str, work: Path):
        self.name = name
        self.bootstrap = bootstrap
        self.work = work / name
        self.work.mkdir(parents=True)
        self.env = {
            **revision_env(tree, commit),
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "WIREWATCH_STATE_DIR": str(self.work / "state"),
            "WIREWATCH_DATABASE_URL": f"sqlite:///{self.work / 'events.db'}",
            "WIREWATCH_TOPIC_PREFIX": f"bench-{name}.",
            "WIREWATCH_APP_ID": f"wirewatch-bench-{name}",
            "WIREWATCH_LOG_LEVEL": "warning",
        }
        self.tree = tree
        self.settings = Settings(
            kafka_bootstrap_servers=bootstrap,
            state_dir=self.work / "state",
            database_url=self.env["WIREWATCH_DATABASE_URL"],
            topic_prefix=self.env["WIREWATCH_TOPIC_PREFIX"],
            app_id=self.env["WIREWATCH_APP_ID"],
        )
        self.engine = connect(self.settings.resolved_database_url)
        self.processes: list[subprocess.Popen] = []

    def start(self, workers: int, towns: list) -> None:
        ensure_topics(self.settings.kafka)
        command = [sys.executable, "-m", "wirewatch", "worker"]
        self.processes = [
            start(command, self.tree, self.env, self.work / "worker.log") for _ in range(workers)
        ]
        producer = KafkaProducer(bootstrap_servers=self.bootstrap, acks="all")
        try:  # one report per town, so that every worker has loaded what it needs
            since = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
            rng = random.Random(1)
            ids = set()
            for number, town in enumerate(towns):
                article = report(number, town, rng, label=f"warm-{self.name}")
                ids.add(article.id)
                self.send(producer, article)
            producer.flush(60)
            wait_until(
                lambda: len(ids & stored_times(self.engine, since).keys()) >= 0.9 * len(ids),
                300,
                interval=1.0,
                what=f"the {self.name} workers to store their first events",
            )
        finally:
            producer.close()
        time.sleep(5)

    def send(self, producer: KafkaProducer, article: Article) -> None:
        producer.send(
            self.settings.topic("articles.raw"),
            key=article.id.encode(),
            value=article.to_json_bytes(),
        )

    def step(self, rate: float, seconds: float, towns: list, rng: random.Random, broker_pids):
        producer = KafkaProducer(bootstrap_servers=self.bootstrap, acks="all", linger_ms=5)
        since = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        # made before the clock starts: the bench's own CPU stays off the workers' cores
        label = f"{self.name}-{rate:g}"
        reports = [
            (article.id, article.id.encode(), article.to_json_bytes())
            for number in range(int(rate * seconds))
            for article in [report(number, rng.choice(towns), rng, label=label)]
        ]
        topic = self.settings.topic("articles.raw")
        sent_at: dict[str, float] = {}
        interval = 1.0 / rate
        pids = [p.pid for p in self.processes]
        cpu_before = [cpu_seconds([pid]) for pid in pids], cpu_seconds(broker_pids)
        began = time.perf_counter()
        try:
            for number, (article_id, key, value) in enumerate(reports):
                time.sleep(max(0.0, began + number * interval - time.perf_counter()))
                sent_at[article_id] = time.time()
                producer.send(topic, key=key, value=value)
            producer.flush(60)
        finally:
            producer.close()
        # drained when all are stored, or when nothing new was stored for 10 s
        stored: dict[str, tuple[float, str]] = {}
        last_count, last_change = -1, time.perf_counter()
        while time.perf_counter() - last_change < 10:
            stored = stored_times(self.engine, since)
            count = len(sent_at.keys() & stored.keys())
            if count == len(sent_at):
                break
            if count != last_count:
                last_count, last_change = count, time.perf_counter()
            time.sleep(1.0)
        cpu_after = [cpu_seconds([pid]) for pid in pids], cpu_seconds(broker_pids)
        per_worker = [
            (after - before) / len(sent_at) * 1000
            for before, after in zip(cpu_before[0], cpu_after[0], strict=True)
        ]
        latencies = sorted(stored[a][0] - sent_at[a] for a in sent_at if a in stored)
        incidents = {stored[a][1] for a in sent_at if a in stored}
        cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [float("nan")] * 99
        return StepResult(
            rate=rate,
            sent=len(sent_at),
            stored=len(latencies),
            incidents=len(incidents),
            p50=cuts[49],
            p99=cuts[98],
            worker_ms=per_worker,
            broker_ms=(cpu_after[1] - cpu_before[1]) / len(sent_at) * 1000,
        )

    def stop(self) -> None:
        stop(self.processes)


def bench_side(side: PipelineSide, args, towns: list, broker_pids: list[int]) -> float:
    print(f"\n{side.name}: {args.workers} workers, {args.seconds:g} s per rate", flush=True)
    side.start(args.workers, towns)
    best = 0.0
    try:
        rng = random.Random(20261126)
        for rate in args.rates:
            result = side.step(rate, args.seconds, towns, rng, broker_pids)
            verdict = "sustained" if result.sustained else "NOT sustained"
            print(
                f"  {result.rate:5g} articles/s: {result.stored}/{result.sent} stored "
                f"in {result.incidents} events, "
                f"p50 {result.p50:.3f} s, p99 {result.p99:.3f} s, "
                f"{sum(result.worker_ms):.1f} ms worker CPU per article "
                f"({' + '.join(f'{ms:.1f}' for ms in result.worker_ms)}), "
                f"{result.broker_ms:.1f} ms broker: {verdict}",
                flush=True,
            )
            if not result.sustained:
                break
            best = rate
    finally:
        side.stop()
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rates", default="100,200,300,400,500,600,800")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--baseline", default=BEFORE_FEWER_HOPS)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--no-passthrough", action="store_true")
    args = parser.parse_args()
    args.rates = [float(r) for r in args.rates.split(",")]
    towns = report_towns(TOWNS, WIDE_COUNTRY_NAMES, population=50_000)
    work = Path(tempfile.mkdtemp(prefix="wirewatch-bench-pipeline-"))
    print(f"work directory                  : {work}", flush=True)
    with kafka_broker(work) as (bootstrap, broker):
        broker_pids = [broker.pid()] if broker is not None and broker.pid() else []
        if not args.no_passthrough:
            bench_passthrough(bootstrap, broker_pids, args.workers, work)
        sides = [PipelineSide("tree", ROOT, None, bootstrap, work)]
        if not args.no_baseline:
            commit = resolve_revision(args.baseline, "bench/pipeline.py")
            export_revision(commit, work / "baseline-tree", "bench/pipeline.py")
            sides.append(
                PipelineSide(f"{commit[:7]}", work / "baseline-tree", commit, bootstrap, work)
            )
        best = {side.name: bench_side(side, args, towns, broker_pids) for side in sides}
    print()
    for name, rate in best.items():
        print(f"highest sustained rate, {name:<8}: {rate:g} articles/s (floor {FLOOR_RATE})")


if __name__ == "__main__":
    main()
