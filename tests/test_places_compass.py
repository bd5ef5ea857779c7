"""A bearing before a country and no place ("in northeast Nigeria", "south-eastern Iran")
places the event in the one first-level region that clearly lies furthest that way, at
region precision, or in the region the words name ("northern Uganda"); a side several
regions share, "central", a country's own name ("South Sudan") and a region standing for
a country ("northern Gaza") leave it at country level (issue 24, places).

The sentences are made up for these tests; the places are real (GeoNames).
"""

from __future__ import annotations

import pytest

from processors.extraction.compass_region import (
    CORNER_MARGIN,
    SIDE_MARGIN,
    bearing_of,
    compass_location,
    region_that_way,
)
from processors.extraction.gazetteer import get_gazetteer
from schemas.event import EventMention
from tests.extracted import first_event


def _event(title: str, text: str = "") -> EventMention:
    return first_event(title, text, published="2018-03-14T12:00:00Z")


@pytest.mark.parametrize(
    ("title", "country", "region"),
    [
        ("Gunmen kill nine farmers in northeast Nigeria, police say", "NG", "Borno"),
        ("Bomb blast wounds six at a market in NE Nigeria", "NG", "Borno"),
        ("Rebels ambush a border patrol in south-eastern Iran", "IR", "Sistan and Baluchestan"),
        ("Fighters shell a village in northeastern Syria", "SY", "Al-Hasakah"),
    ],
)
def test_a_corner_of_a_country_is_its_corner_region(title, country, region):
    event = _event(title)
    assert event.location is not None
    assert (event.country, event.location.admin1, event.location.precision) == (
        country,
        region,
        "admin1",
    )


@pytest.mark.parametrize(
    "title",
    [
        "Gunmen kill nine farmers in northern Nigeria, police say",  # Sokoto or Borno?
        "Shelling kills two soldiers in eastern Ukraine",  # Donetsk or Luhansk
        "Militants attack an army post in eastern Syria",  # Deir ez-Zor or al-Hasakah
        "Soldiers clash with rebels in central Mali",  # "central" is no bearing
    ],
)
def test_a_side_several_regions_share_stays_at_country_level(title):
    event = _event(title)
    assert event.location is not None
    assert event.location.precision == "country"
    assert event.location.admin1 is None


def test_a_region_named_by_the_bearing_is_that_region():
    event = _event("Rebels kill four villagers in northern Uganda")
    assert event.location is not None
    assert (event.country, event.location.name, event.location.precision) == (
        "UG",
        "Northern",
        "admin1",
    )


def test_a_country_whose_name_opens_with_a_bearing_has_no_bearing():
    gazetteer = get_gazetteer()
    assert bearing_of(gazetteer, "Gunmen kill five in South Sudan", "SD") is None
    assert bearing_of(gazetteer, "Gunmen kill five in South Sudan", "SS") is None
    assert bearing_of(gazetteer, "An air strike hits northern Gaza", "PS") is None


def test_a_town_named_beats_the_bearing():
    event = _event("Suicide bomber kills six in Maiduguri, northeast Nigeria")
    assert event.location is not None
    assert event.location.precision == "locality"
    assert event.location.admin1 == "Borno"


def test_the_bearing_must_stand_before_the_country_of_the_event():
    gazetteer = get_gazetteer()
    assert compass_location(gazetteer, "CM", ["Troops killed 12 in NE Nigeria"]) is None
    assert compass_location(gazetteer, "NG", ["Troops killed 12 near Maroua"]) is None


def test_a_side_asks_for_a_wider_lead_than_a_corner():
    gazetteer = get_gazetteer()
    assert SIDE_MARGIN > CORNER_MARGIN
    # the north-east corner of Syria is one region, its east side is two
    assert region_that_way(gazetteer, "SY", "ne") is not None
    assert region_that_way(gazetteer, "SY", "e") is None
