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

Predicted and expected events of one article are paired greedily by how much they agree
on event type, date (a day either way), place and country. A pair needs at least two of
type, date and place; as a place in another country never matches, a predicted event in
the wrong country pairs only on type and date, and then counts against country.
Detection is scored by precision, recall and F1, and each field by its accuracy over the
pairs (0.0 when events were expected and none paired). ``country_any`` scores country
apart from pairing: the share of expected events whose country is among the countries of
the events predicted in their article.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra.geo import distance_km
from infra.yaml_files import InputFileError, locate
from ingest.seeds import SeedError, load_seed, read_front_matter, seed_files
from processors.extraction import extract_events
from processors.extraction.gazetteer import get_gazetteer, normalize_name, region_key
from schemas.event import EventMention
from schemas.taxonomy import SubEventType, event_type_of

PLACE_TOLERANCE_KM = 25.0


class GoldError(InputFileError):
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
    actor1: str | None = None  # None: not annotated, so not scored
    actor2: str | None = None


@dataclass(frozen=True)
class GoldArticle:
    path: Path
    article_id: str
    events: tuple[GoldEvent, ...]


class _BadField(ValueError):
    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field


def _text(item: dict[str, Any], field: str, required: bool = False) -> str | None:
    value = item.get(field)
    if value is None and not required:
        return None
    if value is None:
        raise _BadField(field, "is required")
    if not isinstance(value, str):  # `country: NO` is YAML's false, not Norway
        raise _BadField(field, f"expected text, got {value!r} (quote it)")
    return value


def _count(item: dict[str, Any], field: str) -> int | None:
    value = item.get(field)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise _BadField(field, f"expected a whole number or null, got {value!r}")
    return value


def gold_event(item: object) -> GoldEvent:
    """One annotated event of a front matter's ``events`` list; _BadField naming the
    field at fault."""
    if not isinstance(item, dict):
        raise _BadField("", f"expected a mapping of fields, got {item!r}")
    sub_type = _text(item, "sub_event_type", required=True)
    try:
        sub_event_type = SubEventType(sub_type)
    except ValueError:
        raise _BadField("sub_event_type", f"{sub_type!r} is not a sub-event type") from None
    date = item.get("event_date")
    if isinstance(date, str):
        with contextlib.suppress(ValueError):  # named below, with the field
            date = dt.date.fromisoformat(date)
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        raise _BadField("event_date", f"expected a date YYYY-MM-DD, got {date!r}")
    return GoldEvent(
        sub_event_type=sub_event_type,
        event_date=date,
        country=str(_text(item, "country", required=True)),
        place=_text(item, "place"),
        killed=_count(item, "killed"),
        injured=_count(item, "injured"),
        incident=_text(item, "incident"),
        actor1=_text(item, "actor1"),
        actor2=_text(item, "actor2"),
    )


def load_gold(directory: Path) -> list[GoldArticle]:
    """Every annotated file in the directory; files without an ``events`` key are skipped.
    A bad file is a GoldError naming it and the line at fault."""
    gold = []
    for path in seed_files(directory):
        try:
            metadata, front = read_front_matter(path)
        except SeedError as error:
            raise GoldError(str(error)) from error
        if "events" not in metadata:
            continue
        items = metadata["events"] or []
        if not isinstance(items, list):
            where = locate(front.yaml_text, ["events"], front.line_offset)
            raise GoldError(f"{path}, {where}: events: expected a list (or [] for none)")
        events = []
        for index, item in enumerate(items):
            try:
                events.append(gold_event(item))
            except _BadField as error:
                keys = ["events", index, error.field] if error.field else ["events", index]
                where = locate(front.yaml_text, keys, front.line_offset)
                raise GoldError(
                    f"{path}, {where}: events[{index}]: bad annotation: {error}"
                ) from error
        try:
            article_id = load_seed(path).id
        except SeedError as error:
            raise GoldError(str(error)) from error
        gold.append(GoldArticle(path, article_id, tuple(events)))
    return gold


def place_matches(predicted: EventMention, expected: GoldEvent) -> bool:
    """Same name (any spelling GeoNames knows), within 25 km of a town of that name, or,
    when the annotator named a region, that region or a town inside it; never a place in
    another country (Lyman, Borno/Borna and Ramgarh have namesakes abroad)."""
    if predicted.country != expected.country:
        return False
    if expected.place is None:
        return predicted.location is None
    location = predicted.location
    if location is None:
        return False
    if normalize_name(location.name) == normalize_name(expected.place):
        return True
    gazetteer = get_gazetteer()
    towns = [
        p for p in gazetteer.lookup(expected.place, loose=True) if p.country == expected.country
    ]
    if location.precision == "locality":
        if any(p.geonames_id == location.geonames_id for p in towns):
            return True
        if any(
            distance_km(p.lat, p.lon, location.lat, location.lon) <= PLACE_TOLERANCE_KM
            for p in towns
        ):
            return True
    regions = [r for r in gazetteer.lookup_region(expected.place) if r.country == expected.country]
    if towns and location.precision == "locality":
        return False
    wanted = {region_key(r.name) for r in regions}
    if location.precision == "admin1":
        wanted |= {region_key(r.name) for p in towns if (r := gazetteer.region_of(p)) is not None}
    return bool(wanted) and region_key(location.admin1 or location.name) in wanted


def _affinity(predicted: EventMention, expected: GoldEvent) -> int:
    """0 when the two cannot be one event, else higher the more they agree.

    They pair on at least two of event type, date (a day either way) and place. Country is
    not required: it only ranks candidates, so a wrong country is scored as a field miss
    rather than hidden as an unpaired event. A wrong country always fails place, so such a
    pair needs both type and date."""
    same_type = predicted.event_type == event_type_of(expected.sub_event_type)
    near_date = abs((predicted.event_date - expected.event_date).days) <= 1
    same_place = place_matches(predicted, expected)
    if same_type + near_date + same_place < 2:
        return 0
    same_country = predicted.country == expected.country
    score = same_country + same_type + near_date + same_place
    return 2 * score + (predicted.sub_event_type == expected.sub_event_type)


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
ACTOR_FIELDS = ("actor1", "actor2")  # scored only where the annotator named one


@dataclass
class Report:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    correct: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    actors_checked: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ACTOR_FIELDS, 0))
    # annotated on any expected event, paired or not
    actors_annotated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ACTOR_FIELDS, 0))
    actors_correct: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ACTOR_FIELDS, 0))
    expected_by_type: dict[str, int] = field(default_factory=dict)
    found_by_type: dict[str, int] = field(default_factory=dict)
    country_any_found: int = 0  # expected events whose country some predicted event has
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

    @property
    def expected(self) -> int:
        return self.true_positives + self.false_negatives

    def accuracy(self, name: str) -> float:
        """Over the pairs; 0.0 when events were expected but none paired."""
        if self.true_positives:
            return self.correct[name] / self.true_positives
        return 0.0 if self.expected else 1.0

    def actor_accuracy(self, name: str) -> float:
        """Over the pairs whose expected event names the actor; 0.0 when some expected
        event names one but none of those paired."""
        checked = self.actors_checked[name]
        if checked:
            return self.actors_correct[name] / checked
        return 0.0 if self.actors_annotated[name] else 1.0

    @property
    def country_any(self) -> float:
        """Share of expected events whose country is among their article's predicted
        events' countries, whatever the pairing."""
        return self.country_any_found / self.expected if self.expected else 1.0

    def recall_of_type(self, event_type: str) -> float:
        wanted = self.expected_by_type.get(event_type, 0)
        return self.found_by_type.get(event_type, 0) / wanted if wanted else 1.0


def evaluate(gold: list[GoldArticle]) -> Report:
    report = Report()
    for item in gold:
        predicted = extract_events(load_seed(item.path))
        pairs = pair_events(predicted, item.events)
        report.true_positives += len(pairs)
        report.false_positives += len(predicted) - len(pairs)
        report.false_negatives += len(item.events) - len(pairs)
        predicted_countries = {p.country for p in predicted}
        for expected in item.events:
            name = event_type_of(expected.sub_event_type).value
            report.expected_by_type[name] = report.expected_by_type.get(name, 0) + 1
            for actor in ACTOR_FIELDS:
                report.actors_annotated[actor] += getattr(expected, actor) is not None
            if expected.country in predicted_countries:
                report.country_any_found += 1
            elif predicted:
                report.misses.append(
                    f"{item.path.name}: country {expected.country} not among predicted "
                    f"{', '.join(sorted(predicted_countries))}"
                )
        for _, expected in pairs:
            name = event_type_of(expected.sub_event_type).value
            report.found_by_type[name] = report.found_by_type.get(name, 0) + 1
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
            for name, wanted, got in (
                ("actor1", e.actor1, p.actor1),
                ("actor2", e.actor2, p.actor2),
            ):
                if wanted is not None:
                    report.actors_checked[name] += 1
                    report.actors_correct[name] += wanted == got
                    if wanted != got:
                        report.misses.append(
                            f"{item.path.name}: {name} {got!r}, expected {wanted!r}"
                        )
    return report


@dataclass
class MergeReport:
    """Pairwise scores of "these two articles report the same incident"."""

    articles: int = 0
    events: int = 0
    gold_pairs: set[tuple[str, str]] = field(default_factory=set)
    predicted_pairs: set[tuple[str, str]] = field(default_factory=set)
    names: dict[str, str] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        found = len(self.predicted_pairs)
        return len(self.predicted_pairs & self.gold_pairs) / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = len(self.gold_pairs)
        return len(self.predicted_pairs & self.gold_pairs) / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def misses(self) -> list[str]:
        def show(pair: tuple[str, str]) -> str:
            return " + ".join(self.names[a] for a in pair)

        return [
            f"not merged: {show(p)}" for p in sorted(self.gold_pairs - self.predicted_pairs)
        ] + [f"wrongly merged: {show(p)}" for p in sorted(self.predicted_pairs - self.gold_pairs)]


def _pairs(groups: Iterable[Iterable[str]]) -> set[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for group in groups:
        members = sorted(set(group))
        pairs.update((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
    return pairs


def evaluate_merge(gold: list[GoldArticle]) -> MergeReport:
    """Replay the articles in publication order through dedup, extraction and merging;
    compare which articles end up in one event with the annotators' incident labels."""
    from processors.offline import InProcessPipeline

    articles = sorted(
        ((item, load_seed(item.path)) for item in gold), key=lambda pair: pair[1].published
    )
    pipeline = InProcessPipeline()
    for _, article in articles:
        pipeline.feed(article)
    report = MergeReport(articles=len(articles), events=len(pipeline.events))
    report.names = {article.id: item.path.name for item, article in articles}
    labels: dict[str, list[str]] = {}
    for item, article in articles:
        for number, event in enumerate(item.events):
            label = event.incident or f"{item.path.name}#{number}"
            labels.setdefault(label, []).append(article.id)
    report.gold_pairs = _pairs(labels.values())
    report.predicted_pairs = _pairs(event.article_ids for event in pipeline.events.values())
    return report
