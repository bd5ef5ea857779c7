"""The gold-set scores of bench/gold_score.py on small made-up labels and outputs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from gold_score import (
    distance_km,
    gold_point,
    macro_f1,
    region_matches,
    region_name_key,
    score_gold,
    share,
)


def event(sub: str, country: str, lat: float, lon: float, admin1: str | None = None) -> dict:
    return {
        "sub_event_type": sub,
        "country": country,
        "location": {
            "name": "x",
            "lat": lat,
            "lon": lon,
            "admin1": admin1,
            "precision": "locality",
        },
    }


def label(ident: str, **fields: object) -> dict:
    base = {
        "id": ident,
        "split": "dev",
        "event": True,
        "sub_event_type": "armed_clash",
        "country": "NG",
        "admin1": None,
        "lat": None,
        "lon": None,
        "geo_precision": 3,
    }
    base.update(fields)
    return base


@pytest.mark.parametrize(
    ("extracted", "gold"),
    [
        ("Borno State", "Borno"),
        ("Amanat Alasimah", "Amanat al-Asimah"),
        ("Mişrātah", "Misrata"),
        ("Shan State", "Shan-North"),
        ("Qubadlı", "Qubadli"),
        ("Mandalay Region", "Mandalay"),
    ],
)
def test_region_names_meet_across_spellings(extracted: str, gold: str) -> None:
    assert region_matches(extracted, gold)


def test_regions_that_differ_do_not_meet_and_accept_lists_count() -> None:
    assert not region_matches("Yobe State", "Borno")
    assert not region_matches(None, "Borno")
    assert not region_matches("North Sinai", "South Sinai")
    assert region_matches("Beyrouth", "Beirut", ["Beyrouth"])
    assert region_name_key("Federal Capital Territory") == ""
    assert not region_matches("Federal Capital Territory", "Lagos")


def test_distance_is_great_circle() -> None:
    assert distance_km(0.0, 0.0, 0.0, 1.0) == pytest.approx(111.2, abs=0.2)
    assert distance_km(10.0, 10.0, 10.0, 10.0) == 0.0


def test_gold_point_reads_the_truth_for_ucdp_labels() -> None:
    assert gold_point(label("a", lat=1.5, lon=2.5)) == (1.5, 2.5)
    assert gold_point(label("a", coords_from="ucdp"), {"latitude": 3, "longitude": 4}) == (3.0, 4.0)
    assert gold_point(label("a", coords_from="ucdp"), {}) is None
    assert gold_point(label("a")) is None


def test_macro_f1_averages_over_gold_classes() -> None:
    assert macro_f1([]) is None
    assert macro_f1([("a", "a"), ("b", "b")]) == 1.0
    # a: precision 1/2, recall 1/1 -> 2/3; b: recall 0 -> 0
    assert macro_f1([("a", "a"), ("b", "a")]) == pytest.approx(1 / 3)


def test_score_gold_counts_each_figure_on_the_primary_event() -> None:
    labels = [
        # found, right sub-type, place 10 km off, right region and country
        label("1", admin1="Borno", lat=11.85, lon=13.16, geo_precision=1),
        # found, sub-type accepted as an alternative, place 200 km off, wrong region
        label(
            "2",
            sub_event_type="attack",
            sub_accept=["armed_clash"],
            admin1="Kano",
            lat=12.0,
            lon=8.5,
            geo_precision=2,
        ),
        # found, wrong sub-type and country; region-only label: no place figure
        label("3", sub_event_type="suicide_bomb", country="CM", country_accept=["TD"]),
        # an event the extractor missed
        label("4"),
        # two items without an event: one got an event (a false event), one did not
        label("5", event=False, sub_event_type=None, country=None),
        label("6", event=False, sub_event_type=None, country=None),
        # UCDP coordinates read from the corpus truth
        label("7", coords_from="ucdp", geo_precision=1),
    ]
    outputs = {
        "1": [event("armed_clash", "NG", 11.85, 13.25, "Borno State"), event("attack", "CM", 0, 0)],
        "2": [event("armed_clash", "NG", 10.5, 7.4, "Kaduna State")],
        "3": [event("armed_clash", "NE", 13.5, 2.1)],
        "4": [],
        "5": [event("peaceful_protest", "NG", 9.0, 7.5)],
        "7": [event("armed_clash", "NG", 9.06, 7.49)],
    }
    truths = {"7": {"latitude": 9.08, "longitude": 7.40}}
    scores = score_gold(labels, outputs, truths)
    assert scores.found == (4, 5)
    assert scores.false_events == (1, 2)
    assert scores.sub_type == (3, 4)
    assert scores.place == (2, 3)
    assert scores.admin1 == (1, 2)
    assert scores.country == (3, 4)
    # gold classes: armed_clash (1, 3 wrong -> pred armed_clash for gold suicide_bomb, 7),
    # attack (2, accepted), suicide_bomb (missed)
    assert scores.macro_f1 == pytest.approx((0.8 + 1.0 + 0.0) / 3)
    assert share(scores.found) == 80.0
    assert share((0, 0)) is None
