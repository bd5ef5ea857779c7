"""Dedup and merge throughput, and state memory on an endless stream.

    .venv/bin/python bench/dedup.py [ARTICLES] [DAYS]

Feeds ARTICLES synthetic articles (default 200,000), spread evenly over DAYS days of
event time (default 60), through the stream's own dedup and merge functions
(``processors.offline.InProcessPipeline``), on one core. Extraction is replaced by a
lookup of each article's pre-built mention, so the figures are dedup and merge alone.

The articles are generated from a fixed seed, with the proportions a news stream has:
- about 300 incidents a day in 30 countries, each reported by one to four outlets;
- 10% wire copies republished with a sentence added;
- 5% repeats of an article already sent.

It prints articles/s beside the cost of only parsing and re-serializing the same articles
(the floor any stage pays), and the process's resident memory at every tenth of the run.
Once the window (14 days by default) is full, memory must stay flat.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from processors.merge import DEFAULT_WINDOW_DAYS
from processors.offline import InProcessPipeline
from schemas.article import Article
from schemas.event import EventMention, Location
from schemas.taxonomy import SubEventType, cameo_root_of, event_type_of

START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
COUNTRIES = [f"{a}{b}" for a in "ABCDEF" for b in "KLMNO"]  # 30 made-up country codes
TYPES = [
    SubEventType.SHELLING_ARTILLERY_MISSILE_ATTACK,
    SubEventType.AIR_DRONE_STRIKE,
    SubEventType.ARMED_CLASH,
    SubEventType.ATTACK,
    SubEventType.PEACEFUL_PROTEST,
]


def resident_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


class Incident(NamedTuple):
    """What the reports of one incident share."""

    country: str
    location: Location
    type: SubEventType
    killed: int


@dataclass
class Synthetic:
    """The stream as it is generated: the article lines, the pre-built mention of each
    report, the article each copy repeats (a report's id), and the articles sent."""

    lines: list[str] = field(default_factory=list)
    mentions: dict[str, EventMention] = field(default_factory=dict)
    copy_of: dict[str, str] = field(default_factory=dict)
    sent: list[Article] = field(default_factory=list)


def generate(count: int, days: int, rng: random.Random):
    """(article JSON lines, mention per article id, the report each copy repeats), in
    publication order: a repeat, a wire copy or a report, as each roll of RNG says."""
    vocabulary = [f"w{i}" for i in range(20000)]
    towns = _towns(rng)
    stream = Synthetic()
    per_second = days * 86400 / count
    incident: Incident | None = None
    reports_left = 0
    for number in range(count):
        published = START + dt.timedelta(seconds=number * per_second)
        roll = rng.random()
        if roll < 0.05 and stream.sent:  # a repeat of something already sent
            stream.lines.append(rng.choice(stream.sent[-500:]).model_dump_json())
        elif roll < 0.15 and stream.sent:  # a wire copy republished with a sentence added
            _wire_copy(stream, number, published, vocabulary, rng)
        else:
            if reports_left == 0:
                incident = _incident(rng, towns)
                reports_left = rng.randrange(1, 5)
            reports_left -= 1
            assert incident is not None
            _report(stream, number, published, incident, vocabulary, rng)
    return stream.lines, stream.mentions, stream.copy_of


def _towns(rng: random.Random) -> list[tuple[str, int, float, float]]:
    """Forty towns in each country: (country, number, latitude, longitude)."""
    return [
        (country, index, rng.uniform(-40, 60), rng.uniform(-20, 120))
        for country in COUNTRIES
        for index in range(40)
    ]


def _wire_copy(
    stream: Synthetic,
    number: int,
    published: dt.datetime,
    vocabulary: list[str],
    rng: random.Random,
) -> None:
    """A recent article republished by another outlet with a sentence added; it is
    remembered as a copy of the report at the root of its chain of copies."""
    original = rng.choice(stream.sent[-500:])
    article = original.model_copy(
        update={
            "id": f"{number:032x}",
            "url": f"https://copy{number}.example/a",
            "source": f"Outlet {rng.randrange(200)}",
            "text": original.text + " " + " ".join(rng.choices(vocabulary, k=12)) + ".",
            "published": published,
        }
    )
    stream.lines.append(article.model_dump_json())
    stream.sent.append(article)
    root = original.id
    while root not in stream.mentions:  # a copy of a copy: its root's mention
        root = stream.copy_of[root]
    stream.copy_of[article.id] = root


def _incident(rng: random.Random, towns: list[tuple[str, int, float, float]]) -> Incident:
    """A new incident in one of the towns, of one of the types, with its toll."""
    country, town, lat, lon = rng.choice(towns)
    location = Location(
        name=f"Town {country}{town}",
        admin1=f"Region {country}{town % 5}",
        lat=lat,
        lon=lon,
        geonames_id=COUNTRIES.index(country) * 40 + town + 1,  # one per town, every run
        precision="locality",
    )
    return Incident(country, location, rng.choice(TYPES), rng.randrange(0, 30))


def _report(
    stream: Synthetic,
    number: int,
    published: dt.datetime,
    incident: Incident,
    vocabulary: list[str],
    rng: random.Random,
) -> None:
    """An outlet's own report of INCIDENT, and the mention extraction would find in it."""
    article = Article(
        id=f"{number:032x}",
        url=f"https://outlet{number % 200}.example/{number}",
        title=f"Report {number}",
        text=" ".join(rng.choices(vocabulary, k=90)) + ".",
        source=f"Outlet {rng.randrange(200)}",
        published=published,
    )
    stream.lines.append(article.model_dump_json())
    stream.sent.append(article)
    stream.mentions[article.id] = EventMention(
        mention_id=f"m{number}",
        article_id=article.id,
        source=article.source,
        url=article.url,
        published=published,
        event_type=event_type_of(incident.type),
        sub_event_type=incident.type,
        cameo_code=cameo_root_of(incident.type),
        event_date=published.date(),
        country=incident.country,
        location=incident.location,
        fatalities=incident.killed + rng.randrange(0, 3),
        evidence=["synthetic"],
        confidence=0.8,
    )


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    days = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    rng = random.Random(20261124)
    print(f"generating {count} articles over {days} days of event time ...", flush=True)
    lines, mentions, copy_of = generate(count, days, rng)
    missed: list[str] = []

    def extract(article: Article) -> list[EventMention]:
        """The pre-built mention; a copy dedup did not catch is reported again."""
        if article.id in mentions:
            return [mentions[article.id]]
        missed.append(article.id)
        original = mentions[copy_of[article.id]]
        return [
            original.model_copy(
                update={
                    "mention_id": f"m-{article.id}",
                    "article_id": article.id,
                    "source": article.source,
                    "published": article.published,
                }
            )
        ]

    start = time.perf_counter()
    for line in lines:
        Article.model_validate_json(line).model_dump_json()
    baseline = time.perf_counter() - start

    print(f"RSS with the input generated, before feeding: {resident_mb():.0f} MB", flush=True)
    pipeline = InProcessPipeline(extract=extract, keep_events=False)
    step = max(count // 10, 1)
    print(
        f"{'articles':>9} {'event day':>9} {'RSS MB':>8} {'open events':>12} "
        f"{'indexed articles':>17} {'articles/s':>11}",
        flush=True,
    )
    start = time.perf_counter()
    mark = start
    versions = 0
    for number, line in enumerate(lines, start=1):
        versions += len(pipeline.feed(Article.model_validate_json(line)))
        if number % step == 0:
            now = time.perf_counter()
            latest = pipeline.deduplicated.retention.latest
            day = (latest - START).days if latest else 0
            print(
                f"{number:>9} {day:>9} {resident_mb():>8.0f} {len(pipeline.incidents.events):>12} "
                f"{len(pipeline.articles):>17} {step / (now - mark):>11.0f}",
                flush=True,
            )
            mark = now
    elapsed = time.perf_counter() - start
    copies = pipeline.copies
    print(f"window                          : {DEFAULT_WINDOW_DAYS} days of event time")
    print(f"event versions emitted          : {versions} ({copies} copies recorded as sources)")
    print(f"copies dedup missed             : {len(missed)} of {len(copy_of)} (merged as reports)")
    print(f"JSON parse + serialize baseline : {count / baseline:10.0f} articles/s")
    print(f"dedup + merge (parse included)  : {count / elapsed:10.0f} articles/s")


if __name__ == "__main__":
    main()
