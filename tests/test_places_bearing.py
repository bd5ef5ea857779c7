"""A bearing before the town an event is placed by ("clashes north of Hama", "a convoy
40 km south of Kandahar") places the event off the town in that direction, at the
distance given or BEARING_KM, at area precision (issue 24, item 5: precision is honest).

The sentences are made up for these tests; the places are real (GeoNames).
"""

from __future__ import annotations

import pytest

from infra.geo import distance_km
from processors.extraction.gazetteer import get_gazetteer
from processors.extraction.places import BEARING_KM, resolve_place


def _resolve(sentence: str, countries: dict[str, int]):
    found = resolve_place(get_gazetteer(), [(sentence, 3.0)], countries)
    assert found is not None
    return found.location


def test_a_distance_and_bearing_place_the_event_that_far_off_the_town():
    town = _resolve("Gunmen ambush a convoy in Kandahar", {"AF": 1})
    off = _resolve("Gunmen ambush a convoy 40 km south of Kandahar", {"AF": 1})
    assert (off.name, off.precision, off.geonames_id) == (town.name, "area", None)
    assert off.lat < town.lat
    assert distance_km(town.lat, town.lon, off.lat, off.lon) == pytest.approx(40, abs=1)


def test_a_bearing_alone_places_the_event_a_short_way_off():
    town = _resolve("Rebels clash with troops in Hama", {"SY": 1})
    off = _resolve("Rebels clash with troops north-east of Hama", {"SY": 1})
    assert off.precision == "area" and off.lat > town.lat and off.lon > town.lon
    assert distance_km(town.lat, town.lon, off.lat, off.lon) == pytest.approx(BEARING_KM, abs=1)


def test_the_place_named_before_a_bearing_stays_where_it_is():
    # "Hajin, east of Deir Ezzor": Hajin is the place, Deir Ezzor only its reference
    found = _resolve("Fighters battle in Hajin east of Deir Ezzor", {"SY": 1})
    assert found.precision == "locality"
