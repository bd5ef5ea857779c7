"""The HTTP API's speed on a large store: a million events in SQLite and in PostgreSQL.

    .venv/bin/python bench/api.py [--events 1000000] [--export 100000] [--runs 50]
                                  [--backends sqlite,postgresql]

For each backend it stores EVENTS synthetic events through the storage code the worker
uses (`sinks.storage.upsert_events`: 500 towns of 20 countries, five kinds, three years),
then times RUNS requests of each kind through the API (`api.app`, in process: parsing,
the query, the JSON page), each with parameters drawn at random:

- **country + dates**: one country, one month;
- **bbox**: a box of about 100 km around a town, newest first;
- **text**: `q` = a town's name (full-text index);
- **near**: 50 km around a town;
- beside them, in the same run, **full scan**: `min_casualties` near the largest toll,
  which no index serves, so the database reads every row to find the few it keeps.

It prints p50 and p95 per kind (floor, issue 13: p95 under 50 ms for a filtered page),
then streams a CSV export of EXPORT events and of 1,000 events, each in a child
process, and prints the time and the child's peak RSS: flat memory means the two peaks
are alike.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient
from synthetic import WIDE_COUNTRY_NAMES, report_towns

from api.app import create_api
from infra.settings import Settings
from schemas.event import Event
from schemas.taxonomy import SubEventType, cameo_root_of, event_type_of
from sinks.storage import connect, upsert_events
from tests.services import postgres_server

FLOOR_P95_MS = 50.0
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


def time_queries(url: str, runs: int, towns: list) -> dict[str, list[float]]:
    settings = Settings(database_url=url, kafka_bootstrap_servers="127.0.0.1:1")
    client = TestClient(create_api(settings))
    rng = random.Random(7)
    timings: dict[str, list[float]] = {}
    for kind in ("country + dates", "bbox", "text", "near", "full scan"):
        client.get("/api/events", params=requests_of(kind, rng, towns))  # warm the cache
        spent = []
        for _ in range(runs):
            params = requests_of(kind, rng, towns)
            began = time.perf_counter()
            response = client.get("/api/events", params=params)
            spent.append((time.perf_counter() - began) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{kind}: {response.status_code} {response.text}")
        timings[kind] = spent
    return timings


def export_child(url: str, date_from: str, rows: int) -> None:
    """In a child process: stream a CSV export, print rows, seconds and peak RSS."""
    settings = Settings(database_url=url, kafka_bootstrap_servers="127.0.0.1:1")
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


def bench(backend: str, url: str, args: argparse.Namespace, towns: list) -> None:
    print(f"\n{backend}: {args.events:,} events", flush=True)
    fill(url, args.events, towns)
    timings = time_queries(url, args.runs, towns)
    for kind, spent in timings.items():
        cuts = statistics.quantiles(spent, n=20)
        p50, p95 = statistics.median(spent), cuts[18]
        verdict = "" if kind == "full scan" else (" ok" if p95 < FLOOR_P95_MS else " OVER FLOOR")
        print(f"  {kind:<16}: p50 {p50:7.1f} ms, p95 {p95:7.1f} ms{verdict}", flush=True)
    print("  " + export_figures(url, args.export), flush=True)


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--export-child":
        export_child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--export", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    towns = report_towns(500, WIDE_COUNTRY_NAMES, population=50_000)
    work = Path(tempfile.mkdtemp(prefix="wirewatch-bench-api-"))
    print(f"work directory: {work}; {args.runs} requests of each kind, page of 100")
    for backend in args.backends.split(","):
        if backend == "sqlite":
            bench("sqlite", f"sqlite:///{work / 'events.db'}", args, towns)
        elif backend == "postgresql":
            with postgres_server() as url:
                bench("postgresql", url, args, towns)
        else:
            raise SystemExit(f"unknown backend {backend!r}: sqlite or postgresql")


if __name__ == "__main__":
    main()
