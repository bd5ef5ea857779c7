"""Scores of extracted events against the hand-labelled real-text gold set.

Rule: each gold item is compared with the extractor's *primary* event, the first one it
returns for the item (the main event the text reports). Every figure is a (hits, total)
pair, so a table can show both the share and the count:

  * event found: items labelled with an event that got >= 1 event;
  * false events: items labelled without an event that got >= 1 event;
  * sub-type: given an event, the primary event's sub_event_type is the label's or one
    of its ``sub_accept`` alternatives; macro F1 over the labelled sub-types;
  * place within 50 km: given an event, items whose label has coordinates at town or
    district precision (geo_precision <= 2), the primary event's location within 50 km;
  * admin1: given an event, items whose label names a first-level region, the primary
    event's region (its location's ``admin1``, or its name when the location is the
    region itself) is the label's or an ``admin1_accept`` one, names normalised;
  * country: given an event, items whose label names a country, the primary event's
    country is it or one in ``country_accept``.

Pure functions over plain dicts (the labels, the extractor's JSON output); the I/O is in
bench/eval_real.py.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

NEAR_KM = 50.0
Ratio = tuple[int, int]
Label = Mapping[str, Any]
Event = Mapping[str, Any]

_REGION_WORDS = re.compile(
    r"\b(?:state|region|province|governorate|oblast|county|district|division|department|"
    r"departement|prefecture|muhafazat|voivodeship|wilayah|territory|area|union|of|the|"
    r"capital|city|federal)\b"
)
_COMPASS_SUFFIX = re.compile(r"\s(?:north|south|east|west)$")
_ARTICLE = re.compile(r"^(?:al|el|ar|as|ad|an|ash|at|az)\s")


def region_name_key(name: str) -> str:
    """A region name's comparison key: no accents, apostrophes, hyphens, "State" or
    "Governorate" words, leading Arabic article, spaces or doubled letters.

    "Borno State" and "Borno", "Amanat Alasimah" and "Amanat al-Asimah", "Shan-North"
    and "Shan State", "Mişrātah" and "Misrata", "Qubadlı" and "Qubadli" meet.
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[’'`ʼ‘ʻ]", "", text.replace("ı", "i"))
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = _REGION_WORDS.sub(" ", text)
    text = " ".join(text.split())
    text = _COMPASS_SUFFIX.sub("", text) if " " in text else text
    text = _ARTICLE.sub("", text)
    text = re.sub(r"(.)\1+", r"\1", text.replace(" ", ""))
    return text[:-1] if text.endswith("h") and len(text) > 4 else text  # Misratah, Misrata


def region_matches(extracted: str | None, gold: str | None, accept: Iterable[str] = ()) -> bool:
    if not extracted or not gold:
        return False
    key = region_name_key(extracted)
    return bool(key) and any(key == region_name_key(name) for name in (gold, *accept))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def primary(events: Sequence[Event]) -> Event | None:
    return events[0] if events else None


def event_region(event: Event) -> str | None:
    location = event.get("location") or {}
    if location.get("admin1"):
        return str(location["admin1"])
    if location.get("precision") == "admin1" and location.get("name"):
        return str(location["name"])
    return None


def gold_point(label: Label, truth: Mapping[str, Any] | None = None) -> tuple[float, float] | None:
    """The label's coordinates, or the corpus truth's when the label says coords_from ucdp."""
    if label.get("coords_from") == "ucdp":
        truth = truth or {}
        if truth.get("latitude") is None or truth.get("longitude") is None:
            return None
        return float(truth["latitude"]), float(truth["longitude"])
    if label.get("lat") is None or label.get("lon") is None:
        return None
    return float(label["lat"]), float(label["lon"])


def sub_type_right(event: Event, label: Label) -> bool:
    wanted = {label.get("sub_event_type"), *(label.get("sub_accept") or ())}
    return event.get("sub_event_type") in wanted


def place_near(event: Event, point: tuple[float, float], km: float = NEAR_KM) -> bool:
    location = event.get("location")
    if not location or location.get("lat") is None or location.get("lon") is None:
        return False
    return distance_km(float(location["lat"]), float(location["lon"]), *point) <= km


def country_right(event: Event, label: Label) -> bool:
    wanted = {label.get("country"), *(label.get("country_accept") or ())}
    return event.get("country") in wanted


def admin1_right(event: Event, label: Label) -> bool:
    return region_matches(
        event_region(event), label.get("admin1"), label.get("admin1_accept") or ()
    )


def macro_f1(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Macro F1 over the gold classes of (gold, predicted) pairs; None when there are none."""
    if not pairs:
        return None
    gold_count = Counter(g for g, _ in pairs)
    predicted_count = Counter(p for _, p in pairs)
    right = Counter(g for g, p in pairs if g == p)
    scores = []
    for cls in gold_count:
        precision = right[cls] / predicted_count[cls] if predicted_count[cls] else 0.0
        recall = right[cls] / gold_count[cls]
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores)


@dataclass
class GoldScores:
    found: Ratio  # items with an event that got one
    false_events: Ratio  # items without an event that got one
    sub_type: Ratio  # given an event
    macro_f1: float | None
    place: Ratio  # given an event, labels with coordinates at geo_precision <= 2
    admin1: Ratio  # given an event, labels naming a region
    country: Ratio  # given an event, labels naming a country


def score_gold(
    labels: Iterable[Label],
    events: Mapping[str, Sequence[Event]],
    truths: Mapping[str, Mapping[str, Any]] | None = None,
) -> GoldScores:
    """The gold figures of one extractor output (id -> events) over the labels given."""
    truths = truths or {}
    found = [0, 0]
    false = [0, 0]
    sub = [0, 0]
    place = [0, 0]
    region = [0, 0]
    country = [0, 0]
    pairs: list[tuple[str, str]] = []
    for label in labels:
        got = events.get(str(label["id"])) or []
        if not label.get("event"):
            false[1] += 1
            false[0] += bool(got)
            continue
        found[1] += 1
        event = primary(got)
        if event is None:
            continue
        found[0] += 1
        right = sub_type_right(event, label)
        sub[0] += right
        sub[1] += 1
        gold_sub = str(label.get("sub_event_type"))
        pairs.append((gold_sub, gold_sub if right else str(event.get("sub_event_type"))))
        point = gold_point(label, truths.get(str(label["id"])))
        if point is not None and (label.get("geo_precision") or 3) <= 2:
            place[1] += 1
            place[0] += place_near(event, point)
        if label.get("admin1"):
            region[1] += 1
            region[0] += admin1_right(event, label)
        if label.get("country"):
            country[1] += 1
            country[0] += country_right(event, label)
    return GoldScores(
        found=(found[0], found[1]),
        false_events=(false[0], false[1]),
        sub_type=(sub[0], sub[1]),
        macro_f1=macro_f1(pairs),
        place=(place[0], place[1]),
        admin1=(region[0], region[1]),
        country=(country[0], country[1]),
    )


def share(value: Ratio | None) -> float | None:
    """A (hits, total) pair as a percentage; None when there is nothing to divide."""
    return 100.0 * value[0] / value[1] if value and value[1] else None
