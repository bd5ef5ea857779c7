"""Measuring the extractor against hand-annotated articles (a "gold" set).

A gold file is a seed file (see ``ingest/seeds.py``) whose front matter also lists the
events a careful human coder finds in it, ``events: []`` for an article with none::

    events:
      - sub_event_type: shelling_artillery_missile_attack
        event_date: 2020-10-11
        country: AZ
        place: Ganja
        killed: 9
        injured: 34
        incident: ganja-2020-10-11     # optional: the same label on every report of one incident

Predicted and expected events of one article are paired greedily by country, event
type, place and date; detection is scored by precision, recall and F1, and each field
by its accuracy over the pairs.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter

from ingest.seeds import load_seed, seed_files
from processors.extraction import extract_events
from processors.extraction.gazetteer import get_gazetteer, normalize_name
from schemas.event import EventMention
from schemas.taxonomy import SubEventType, event_type_of

PLACE_TOLERANCE_KM = 25.0


class GoldError(ValueError):
    pass


@dataclass(frozen=True)
class GoldEvent:
    sub_event_type: SubEventType
    event_date: dt.date
    country: str
    place: str | None
    killed: int | None
    injured: int | None
    incident: str | None = None


@dataclass(frozen=True)
class GoldArticle:
    path: Path
    article_id: str
    events: tuple[GoldEvent, ...]


def load_gold(directory: Path) -> list[GoldArticle]:
    """Every annotated file in the directory; files without an ``events`` key are skipped."""
    gold = []
    for path in seed_files(directory):
        metadata = frontmatter.load(path).metadata
        if "events" not in metadata:
            continue
        try:
            events = tuple(
                GoldEvent(
                    sub_event_type=SubEventType(item["sub_event_type"]),
                    event_date=dt.date.fromisoformat(str(item["event_date"])),
                    country=str(item["country"]),
                    place=item.get("place"),
                    killed=item.get("killed"),
                    injured=item.get("injured"),
                    incident=item.get("incident"),
                )
                for item in metadata["events"] or []
            )
        except (KeyError, ValueError, TypeError) as error:
            raise GoldError(f"{path}: bad annotation: {error}") from error
        gold.append(GoldArticle(path, load_seed(path).id, events))
    return gold


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def place_matches(predicted: EventMention, expected: GoldEvent) -> bool:
    """Same name (any spelling GeoNames knows), or within 25 km of a place of that name."""
    if expected.place is None:
        return predicted.location is None
    if predicted.location is None:
        return False
    if normalize_name(predicted.location.name) == normalize_name(expected.place):
        return True
    candidates = [
        p for p in get_gazetteer().lookup(expected.place) if p.country == expected.country
    ]
    if any(p.geonames_id == predicted.location.geonames_id for p in candidates):
        return True
    return any(
        _km(p.lat, p.lon, predicted.location.lat, predicted.location.lon) <= PLACE_TOLERANCE_KM
        for p in candidates
    )


def _affinity(predicted: EventMention, expected: GoldEvent) -> int:
    if predicted.country != expected.country:
        return 0
    score = 1
    score += predicted.event_type == event_type_of(expected.sub_event_type)
    score += place_matches(predicted, expected)
    score += abs((predicted.event_date - expected.event_date).days) <= 1
    return score if score >= 3 else 0


def pair_events(
    predicted: list[EventMention], expected: tuple[GoldEvent, ...]
) -> list[tuple[EventMention, GoldEvent]]:
    candidates = sorted(
        ((_affinity(p, e), i, j) for i, p in enumerate(predicted) for j, e in enumerate(expected)),
        reverse=True,
    )
    used_p: set[int] = set()
    used_e: set[int] = set()
    pairs = []
    for score, i, j in candidates:
        if score and i not in used_p and j not in used_e:
            used_p.add(i)
            used_e.add(j)
            pairs.append((predicted[i], expected[j]))
    return pairs


FIELDS = ("event_type", "sub_event_type", "event_date", "country", "place", "killed", "injured")


@dataclass
class Report:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    correct: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def accuracy(self, name: str) -> float:
        return self.correct[name] / self.true_positives if self.true_positives else 1.0


def evaluate(gold: list[GoldArticle]) -> Report:
    report = Report()
    for item in gold:
        predicted = extract_events(load_seed(item.path))
        pairs = pair_events(predicted, item.events)
        report.true_positives += len(pairs)
        report.false_positives += len(predicted) - len(pairs)
        report.false_negatives += len(item.events) - len(pairs)
        if len(predicted) != len(pairs) or len(item.events) != len(pairs):
            report.misses.append(
                f"{item.path.name}: expected {len(item.events)}, found {len(predicted)}, paired {len(pairs)}"
            )
        for p, e in pairs:
            checks = {
                "event_type": p.event_type == event_type_of(e.sub_event_type),
                "sub_event_type": p.sub_event_type == e.sub_event_type,
                "event_date": p.event_date == e.event_date,
                "country": p.country == e.country,
                "place": place_matches(p, e),
                "killed": p.fatalities == e.killed,
                "injured": p.injured == e.injured,
            }
            for name, ok in checks.items():
                report.correct[name] += ok
                if not ok:
                    report.misses.append(f"{item.path.name}: {name} wrong")
    return report
