"""A foreign force's nationality is who acted, not where (issue 24, places): a town
named as the place, with no namesake in the force's country, wins over the demonym.

Every sentence here was written for these tests, with real place names.
"""

from __future__ import annotations

from processors.extraction import extract_events
from processors.extraction.countries import country_mentions
from processors.extraction.gazetteer import get_gazetteer
from processors.extraction.place_context import qualifying_countries
from processors.extraction.places import _lookup_region
from processors.offline import article_from_record


def _countries(title: str, text: str = "") -> list[str]:
    article = article_from_record(
        {"id": title, "title": title, "text": text, "published": "2018-03-04T12:00:00Z"}
    )
    events = extract_events(article)
    assert events, title
    return [event.country for event in events]


def test_soldiers_of_a_foreign_force_killed_in_a_town_abroad() -> None:
    assert _countries("Three Turkish soldiers die in bomb blast in Afrin") == ["SY"]


def test_a_single_foreign_fighter_is_an_actor_not_a_place() -> None:
    assert "US" not in country_mentions("An American fighter was wounded near Manbij").places
    assert _countries("American fighter killed by roadside bomb near Manbij") == ["SY"]


def test_a_countrys_possessive_air_force_is_no_qualifier() -> None:
    assert "RU" not in qualifying_countries("Russia's jets pounded a market on Friday")
    assert qualifying_countries("Nigeria church attack leaves five dead") == {"NG": 1}


def test_remembered_region_lookups_answer_as_the_gazetteer_does() -> None:
    gazetteer = get_gazetteer()
    for name in ("Idlib", "Borno", "Shan", "Nowhereville"):
        for loose in (True, False):
            first = _lookup_region(gazetteer, name, loose)
            assert first == gazetteer.lookup_region(name, loose)
            first.clear()  # a caller's change never reaches the next caller
            assert _lookup_region(gazetteer, name, loose) == gazetteer.lookup_region(name, loose)


def test_a_loose_spelling_abroad_never_beats_the_forces_nationality() -> None:
    # "Crimean" loosely spells Kerman in Iran: no town is named as written
    countries = _countries("Russian troops seize Hillside Base in the west of the Crimean coast")
    assert "IR" not in countries
