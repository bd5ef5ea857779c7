"""The HTTP API's speed on a large store: a million events in SQLite and in PostgreSQL.

    .venv/bin/python bench/api.py [--events 1000000] [--export 100000] [--runs 50]
                                  [--backends sqlite,postgresql]
                                  [--baseline REV | --no-baseline]

For each backend it stores EVENTS synthetic events through the storage code the worker
uses (`sinks.storage.upsert_events`: 500 towns of 20 countries, five kinds, three years),
written by the baseline revision's code (REV, by default the code before the spatial
index knew dates), then starts that revision's `wirewatch serve` on the store and times
it; then upgrades the same store with this tree's migrations (timed) and times this
tree's server the same way. Each server is timed on RUNS requests of each kind over
HTTP (one keep-alive connection, as a dashboard holds: parsing, the query, the page),
each with parameters drawn at random:

- **country + dates**: one country, one month;
- **bbox**: a box of about 100 km around a town, newest first;
- **text**: `q` = a town's name (full-text index);
- **near**: 50 km around a town;
- beside them, in the same run, **full scan**: `min_casualties` near the largest toll,
  which no index serves, so the database reads every row to find the few it keeps
  (RUNS / 5 requests: each takes seconds).

On PostgreSQL the bench runs `VACUUM ANALYZE` on every table after the load and after
the migrations, as autovacuum does on a live store (the planner needs the statistics; the index answers alone only where the
table's pages are marked visible). It prints p50 and p95 per kind (floor, issue 13: p95 under 50 ms for a filtered page),
then streams a CSV export of EXPORT events and of 1,000 events, each in a child
process, and prints the time and the child's peak RSS: flat memory means the two peaks
are alike.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

# the code a fill child runs with: the baseline's tree (WIREWATCH_BENCH_CODE), else this
sys.path.insert(0, os.environ.get("WIREWATCH_BENCH_CODE") or str(Path(__file__).parents[1]))

import httpx
from fastapi.testclient import TestClient
from revision import export_revision, resolve_revision
from sqlalchemy import create_engine, text
from synthetic import WIDE_COUNTRY_NAMES, report_towns

from api.app import create_api
from infra.settings import Settings
from schemas.event import Event
from schemas.taxonomy import SubEventType, cameo_root_of, event_type_of
from sinks.storage import connect, upsert_events

FLOOR_P95_MS = 50.0
# the code before the spatial index knew dates (issue 13's box and radius floor)
BEFORE_DATED_PLACES = "00d49c8"
KINDS = (
    SubEventType.SHELLING_ARTILLERY_MISSILE_ATTACK,
    SubEventType.AIR_DRONE_STRIKE,
    SubEventType.ATTACK,
    SubEventType.REMOTE_EXPLOSIVE_LANDMINE_IED,
    SubEventType.ARMED_CLASH,
)
ACTORS = ("Military Forces of {c}", "Rebels ({c})", "Unidentified Armed Group ({c})")
OUTLETS = tuple(f"Wire {n}" for n in range(50))
DAYS = 3 * 365
START = dt.date.today() - dt.timedelta(days=DAYS)


def synthetic_events(count: int, towns: list, seed: int = 1) -> Iterator[Event]:
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    for number in range(count):
        town = rng.choice(towns)
        kind = rng.choice(KINDS)
        day = START + dt.timedelta(days=rng.randrange(DAYS))
        killed = rng.choice((None, *range(0, 40)))
        country = WIDE_COUNTRY_NAMES[town.country]
        sources = rng.sample(OUTLETS, rng.randint(1, 4))
        yield Event.model_validate(
            {
                "event_type": event_type_of(kind),
                "sub_event_type": kind,
                "cameo_code": cameo_root_of(kind),
                "event_date": day,
                "country": town.country,
                "location": {
                    "name": town.name,
                    "lat": town.lat,
                    "lon": town.lon,
                    "geonames_id": town.geonames_id,
                    "precision": "locality",
                },
                "actor1": rng.choice(ACTORS).format(c=country),
                "actor2": f"Civilians ({country})",
                "fatalities": killed,
                "injured": rng.choice((None, rng.randrange(0, 60))),
                "evidence": [
                    f"A {kind.value.replace('_', ' ')} killed {killed or 'several'} people "
                    f"in {town.name}, {country}, report {number} said."
                ],
                "confidence": 0.8,
                "event_id": f"bench{number:09d}",
                "version": 1,
                "article_ids": [f"a{number}"],
                "mention_ids": [f"m{number}"],
                "sources": sources,
                "independent_sources": sources,
                "first_seen": now,
                "last_updated": now,
            }
        )


def fill(url: str, count: int, towns: list) -> None:
    engine = connect(url)
    began, batch = time.perf_counter(), []
    for number, event in enumerate(synthetic_events(count, towns), 1):
        batch.append(event)
        if len(batch) == 2000 or number == count:
            upsert_events(engine, batch)
            batch = []
            if number % 100_000 == 0 or number == count:
                rate = number / (time.perf_counter() - began)
                print(f"  stored {number:>9,} events ({rate:,.0f}/s)", flush=True)
    engine.dispose()


def requests_of(kind: str, rng: random.Random, towns: list) -> dict[str, str]:
    town = rng.choice(towns)
    if kind == "country + dates":
        month = START + dt.timedelta(days=rng.randrange(DAYS - 31))
        return {
            "country": town.country,
            "date_from": month.isoformat(),
            "date_to": (month + dt.timedelta(days=30)).isoformat(),
        }
    if kind == "bbox":
        return {"bbox": f"{town.lon - 0.5},{town.lat - 0.5},{town.lon + 0.5},{town.lat + 0.5}"}
    if kind == "text":
        return {"q": town.name}
    if kind == "near":
        return {"near": f"{town.lat},{town.lon}", "km": "50"}
    if kind == "full scan":  # no index holds killed + injured: every row is read
        return {"min_casualties": str(rng.randint(97, 99))}
    raise ValueError(kind)


def time_queries(url: str, runs: int, towns: list, code: Path | None) -> dict[str, list[float]]:
    """RUNS requests of each kind to a `wirewatch serve` of CODE (this tree: None)."""
    from harness.services import api_server  # here: a fill child may run older code

    timings: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as state, api_server(url, Path(state), code) as base:
        client = httpx.Client(base_url=base, timeout=60)
        rng = random.Random(7)
        for kind in ("country + dates", "bbox", "text", "near", "full scan"):
            client.get("/api/events", params=requests_of(kind, rng, towns))  # warm the cache
            spent = []
            for _ in range(runs if kind != "full scan" else max(3, runs // 5)):
                params = requests_of(kind, rng, towns)
                began = time.perf_counter()
                response = client.get("/api/events", params=params)
                spent.append((time.perf_counter() - began) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{kind}: {response.status_code} {response.text}")
            timings[kind] = spent
        client.close()
    return timings


def export_child(url: str, date_from: str, rows: int) -> None:
    """In a child process: stream a CSV export, print rows, seconds and peak RSS."""
    settings = Settings(
        database_url=url, kafka_bootstrap_servers="127.0.0.1:1", api_allowed_hosts="testserver"
    )
    client = TestClient(create_api(settings))
    began, lines, size = time.perf_counter(), 0, 0
    params = {"format": "csv", "date_from": date_from, "sort": "date"}
    with client.stream("GET", "/api/events/export", params=params) as response:
        for line in response.iter_lines():
            lines += 1
            size += len(line)
            if lines > rows:
                break
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{lines - 1} {time.perf_counter() - began:.2f} {peak_mb:.0f} {size}")


def export_figures(url: str, rows: int) -> str:
    """Exports of ROWS and of 1,000 rows, each in its own process."""
    results = []
    for wanted in (rows, 1000):
        out = subprocess.run(
            [sys.executable, __file__, "--export-child", url, START.isoformat(), str(wanted)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        got, seconds, peak, size = int(out[0]), float(out[1]), out[2], int(out[3])
        results.append(f"{got:,} rows ({size / 1e6:.0f} MB) in {seconds:.1f} s, peak RSS {peak} MB")
    return f"CSV export: {results[0]}; beside it {results[1]}"


def fill_in_child(url: str, count: int, code: Path | None) -> None:
    """Store COUNT events with the storage code of CODE (this tree: None), in a child."""
    env = dict(os.environ)
    if code is not None:
        env["WIREWATCH_BENCH_CODE"] = str(code)
    subprocess.run([sys.executable, __file__, "--fill-child", url, str(count)], env=env, check=True)


def vacuum(url: str) -> None:
    """What autovacuum does on a live PostgreSQL store: statistics, visible pages. Every
    table, so that autovacuum has none left to do while requests are timed (a run where
    it took the million stored versions in the middle of the timing read 3x slower)."""
    engine = create_engine(url)
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    engine.dispose()


def report(name: str, timings: dict[str, list[float]]) -> dict[str, float]:
    p95s = {}
    for kind, spent in timings.items():
        cuts = statistics.quantiles(spent, n=20)
        p50, p95 = statistics.median(spent), cuts[18]
        p95s[kind] = p95
        verdict = "" if kind == "full scan" else (" ok" if p95 < FLOOR_P95_MS else " OVER FLOOR")
        print(f"  {name:<9} {kind:<16}: p50 {p50:7.1f} ms, p95 {p95:7.1f} ms{verdict}", flush=True)
    return p95s


def bench(
    backend: str, url: str, args: argparse.Namespace, towns: list, baseline: tuple[str, Path] | None
) -> None:
    print(f"\n{backend}: {args.events:,} events", flush=True)
    fill_in_child(url, args.events, baseline[1] if baseline else None)
    if backend == "postgresql":
        vacuum(url)
    before = (
        report(baseline[0], time_queries(url, args.runs, towns, baseline[1])) if baseline else {}
    )
    began = time.perf_counter()
    connect(url).dispose()  # this tree's migrations, on a million stored events
    print(f"  migrations of this tree: {time.perf_counter() - began:.1f} s", flush=True)
    if backend == "postgresql":
        vacuum(url)
    after = report("this tree", time_queries(url, args.runs, towns, None))
    for kind in before:
        print(f"  p95 {kind:<16}: {before[kind]:7.1f} -> {after[kind]:7.1f} ms", flush=True)
    print("  " + export_figures(url, args.export), flush=True)


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--export-child":
        export_child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    if len(sys.argv) == 4 and sys.argv[1] == "--fill-child":
        fill(
            sys.argv[2], int(sys.argv[3]), report_towns(500, WIDE_COUNTRY_NAMES, population=50_000)
        )
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--export", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--baseline", default=BEFORE_DATED_PLACES)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    from harness.services import postgres_server

    towns = report_towns(500, WIDE_COUNTRY_NAMES, population=50_000)
    work = Path(tempfile.mkdtemp(prefix="wirewatch-bench-api-"))
    print(f"work directory: {work}; {args.runs} requests of each kind, page of 100")
    baseline = None
    if not args.no_baseline:
        commit = resolve_revision(args.baseline, "bench/api.py")
        export_revision(commit, work / "baseline-tree", "bench/api.py")
        baseline = (commit[:7], work / "baseline-tree")
    for backend in args.backends.split(","):
        if backend == "sqlite":
            bench("sqlite", f"sqlite:///{work / 'events.db'}", args, towns, baseline)
        elif backend == "postgresql":
            with postgres_server() as url:
                bench("postgresql", url, args, towns, baseline)
        else:
            raise SystemExit(f"unknown backend {backend!r}: sqlite or postgresql")


if __name__ == "__main__":
    main()
