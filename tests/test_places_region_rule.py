"""The one rule for regions named by name (issue 24, items 1 and 3; issue 26's single
region rule): a spelling variant of a region abroad is no region when the text is about
another country ("al-Mayadin desert" is the desert around al-Mayadin, not Medina's
region), the generic head of an Arabic compound is no foreign region ("Sahel", plain, of
"Sahel al-Rouj"), a region of the country in view counts wherever its name stands, and a
region whose name is also a country's ("Gaza Strip") is still the region; a name after a
listed group's in one run of capitals ("KNU-held Kyaikto") is still a name, and a town
gains nothing for lying in the region its own name names, however spelled.

The sentences are made up for these tests; the places are real (GeoNames).
"""

from __future__ import annotations

from processors.extraction.gazetteer import get_gazetteer
from processors.extraction.places import resolve_place
from schemas.event import EventMention
from tests.extracted import first_event


def _event(title: str, source: str = "Test Wire") -> EventMention:
    return first_event(title, source=source)


def test_a_spelling_variant_of_a_region_abroad_is_no_region():
    found = resolve_place(
        get_gazetteer(), [("Gunmen ambush a patrol in the al-Mayadin desert", 3.0)], {"SY": 1}
    )
    assert found is not None
    assert (found.country, found.location.admin1) == ("SY", "Deir ez-Zor")


def test_a_word_of_a_longer_name_is_no_foreign_region_after_in():
    event = _event("Militants kill three men in Sahel al-Rouj", source="SOHR")
    assert event.country == "SY"


def test_a_region_of_the_country_in_view_counts_wherever_its_name_stands():
    event = _event("Regime artillery pounds Reef Dimashq farms, monitor says", source="SOHR")
    assert event.location is not None
    assert (event.country, event.location.admin1, event.location.precision) == (
        "SY",
        "Rif-dimashq",
        "admin1",
    )


def test_a_region_named_like_a_country_is_the_region():
    event = _event("Soldiers wound two fishermen off the northern Gaza Strip on Friday")
    assert event.location is not None
    assert (event.country, event.location.admin1) == ("PS", "Gaza Strip")


def test_a_name_after_a_listed_group_in_one_run_of_capitals_is_still_a_name():
    # "KNU-held" opens the run of capitals; the town after it is where the fighting is
    event = _event("Junta shells KNU-held Kyaikto overnight")
    assert event.location is not None
    assert (event.country, event.location.name) == ("MM", "Kyaikto")


def test_a_town_named_like_its_region_gains_nothing_by_a_spelling_of_that_name():
    # "Najaf" names An Najaf province as much as its capital: the capital gains no bonus
    # for lying in the province it names, so the town named first wins
    found = resolve_place(
        get_gazetteer(),
        [("Protesters march in Baghdad and in Najaf", 3.0)],
        {"IQ": 1},
    )
    assert found is not None and found.location.name == "Baghdad"


def test_a_spelling_variant_of_a_region_abroad_counts_when_no_town_at_home_has_it():
    found = resolve_place(
        get_gazetteer(),
        [("Shells fired from Yemen wound nine in the Jizan region", 3.0)],
        {"YE": 1},
    )
    assert found is not None and found.country == "SA"


def test_a_region_after_in_outweighs_one_named_only_as_an_adjective():
    event = _event("Karenni fighters battle junta troops in southern Shan", source="Test Wire")
    assert event.location is not None
    assert (event.country, event.location.admin1) == ("MM", "Shan")
