"""Merge's place and evidence rules at their edges, written from the survivors of a
mutation run over processors/merge.py (each test fails on a change no other test saw)."""

from __future__ import annotations

import pytest

from infra.geo import distance_km
from ingest.seeds import load_seed
from processors.extraction import extract_events
from processors.merge import actors_conflict, build_event, place_affinity
from schemas.event import Location
from tests.conftest import SEEDS

KM_PER_DEGREE_OF_LATITUDE = 111.2


def _place(name, lat, precision="locality", geonames_id=None, admin1="Zamfara"):
    return Location(
        name=name,
        admin1=admin1,
        lat=lat,
        lon=6.66,
        geonames_id=geonames_id,
        precision=precision,
    )


def _north_of(place, km, name, **kwargs):
    return _place(name, place.lat + km / KM_PER_DEGREE_OF_LATITUDE, **kwargs)


# the rules as documented, written out: a test reading the constants would follow a change
@pytest.mark.parametrize(("km", "affinity"), [(14.5, 2), (15.5, 0)])
def test_towns_are_nearby_up_to_the_same_place_distance_and_no_further(km, affinity):
    town = _place("Gusau", 12.17, geonames_id=1)
    other = _north_of(town, km, "Elsewhere", geonames_id=2)
    assert abs(distance_km(town.lat, town.lon, other.lat, other.lon) - km) < 0.1
    assert place_affinity(town, other) == affinity


def test_an_area_counts_as_a_point_beside_a_town_and_a_region_does_not():
    town = _place("Gusau", 12.17, geonames_id=1)
    valley = _north_of(town, 5, "a valley", precision="area", geonames_id=7)
    region = _place("Zamfara", 12.17, precision="admin1", geonames_id=9)
    assert place_affinity(town, valley) == place_affinity(valley, town) == 2
    assert place_affinity(valley, _place("a valley", valley.lat, "area", geonames_id=7)) == 3
    assert place_affinity(town, region) == 1  # a town and its region


def test_no_place_on_both_reports_fits_and_a_place_on_one_only_does_not():
    town = _place("Gusau", 12.17, geonames_id=1)
    assert place_affinity(None, None) == 1
    assert place_affinity(town, None) == 0
    assert place_affinity(None, town) == 0


def test_an_event_keeps_at_most_twelve_distinct_evidence_sentences():
    [first, *_] = extract_events(load_seed(SEEDS / "ganja-missile-strike-caspian-daily.md"))
    sentences = [f"Sentence {n} of the report." for n in range(17)]
    reports = [
        first.model_copy(update={"evidence": sentences[:8], "mention_id": "m1"}),
        first.model_copy(update={"evidence": [sentences[0], *sentences[8:]], "mention_id": "m2"}),
    ]
    event = build_event("e", 1, reports, [])
    assert event.evidence == sentences[:12]


def test_a_town_fits_its_region_given_by_name_alone_and_not_another_region():
    town = _place("Gusau", 12.17, geonames_id=1)
    region = _place("Zamfara", 12.17, precision="admin1", admin1=None)
    other_region = _place("Katsina", 12.99, precision="admin1", admin1=None)
    assert place_affinity(town, region) == place_affinity(region, town) == 1
    assert place_affinity(town, other_region) == place_affinity(other_region, town) == 0


@pytest.mark.parametrize(
    "unnamed", ["Unidentified gunmen", "Civilians (Nigeria)", "Protesters (Iran)", "Rioters"]
)
def test_an_unnamed_perpetrator_contradicts_no_named_one(unnamed):
    assert not actors_conflict(unnamed, "Boko Haram")
    assert not actors_conflict("Boko Haram", unnamed)
    assert actors_conflict("Boko Haram", "Ansaru")
