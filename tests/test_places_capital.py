"""A report about one country that places its event only in "the capital" ("shells
target the capital", "clashes on the outskirts of the capital") is placed in that
country's capital, at area precision when the event is beside it; a capital named by
its own name, another town's capital ("the capital of Kachin State", "the state
capital") and a text about two countries leave the rule aside (issue 24, places).

The sentences are made up for these tests; the places are real (GeoNames).
"""

from __future__ import annotations

import pytest

from processors.extraction.capital_place import capital_location
from processors.extraction.gazetteer import get_gazetteer
from schemas.event import EventMention
from tests.extracted import first_event


def _event(title: str, text: str = "") -> EventMention:
    return first_event(title, text, published="2017-02-20T12:00:00Z")


def test_the_capital_of_the_one_country_in_view_is_its_capital_city():
    event = _event(
        "Mortar shells hit the capital, killing three",
        "Syrian state media said mortar shells hit the capital on Monday, killing three.",
    )
    assert event.location is not None
    assert (event.country, event.location.name, event.location.precision) == (
        "SY",
        "Damascus",
        "locality",
    )


def test_beside_the_capital_is_near_it_at_area_precision():
    gazetteer = get_gazetteer()
    found = capital_location(
        gazetteer, {"SY": 2}, ["Rebels clash with troops south of the capital"]
    )
    assert found is not None
    assert (found.name, found.precision, found.geonames_id) == ("Damascus", "area", None)


@pytest.mark.parametrize(
    "sentence",
    [
        "Rebels shell the capital of Kachin State",  # another town's capital
        "Gunmen storm a bank in the state capital",  # a region's capital
        "Troops repel an attack on barracks in the capital, Bujumbura",  # named by its name
        "Judges debate capital punishment",
    ],
)
def test_only_the_bare_capital_is_the_country_capital(sentence):
    assert capital_location(get_gazetteer(), {"MM": 2}, [sentence]) is None


def test_with_two_countries_in_view_the_capital_is_unsaid():
    found = capital_location(
        get_gazetteer(), {"SY": 2, "LB": 1}, ["Clashes south-west of the capital continue"]
    )
    assert found is None


def test_with_another_country_named_the_capital_is_unsaid():
    found = capital_location(
        get_gazetteer(),
        {"LB": 1},
        ["Clashes south-west of the capital continue on the Syrian-Lebanese border"],
    )
    assert found is None
