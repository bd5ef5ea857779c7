"""The first-level region of an event (issue 24, item 3 and the admin1 floor): a region
the event's words name places it when no town does, a headline's capitals before a
township are no part of its name, and Northern Ireland is in the United Kingdom.

Every headline here was written for these tests, with real place and group names.
"""

from __future__ import annotations

import pytest

from processors.extraction import extract_events
from processors.extraction.gazetteer import get_gazetteer
from processors.extraction.places import resolve_place
from processors.offline import article_from_record
from schemas.event import EventMention


def _events(title: str) -> list[EventMention]:
    article = article_from_record(
        {
            "id": title,
            "title": title,
            "text": "",
            "published": "2019-05-04T12:00:00Z",
            "source": "Test Wire",
        }
    )
    return extract_events(article)


def _region(title: str) -> tuple[str, str | None, str]:
    events = _events(title)
    assert events, title
    location = events[0].location
    assert location is not None
    return events[0].country, location.admin1, location.precision


@pytest.mark.parametrize(
    ("title", "country", "admin1"),
    [
        # a region's name used as an adjective, with no town the gazetteer knows
        ("Three Killed As Boko Haram Raids Yobe Village", "NG", "Yobe"),
        ("Zamfara: Bandits Kill 12 Farmers, Rustle Cattle", "NG", "Zamfara"),
        ("Gunmen Attack Kogi Police Post, Kill Two Officers", "NG", "Kogi"),
        ("Two soldiers killed in fresh Kachin fighting", "MM", "Kachin"),
        # a region of another country than the one a statement names, after "in"
        ("Germany condemns Boko Haram; 14 killed in Adamawa", "NG", "Adamawa"),
    ],
)
def test_a_region_the_event_names_places_it_when_no_town_does(title, country, admin1):
    assert _region(title) == (country, admin1, "admin1")


def test_a_region_in_a_group_s_name_is_no_place():
    gazetteer = get_gazetteer()
    found = resolve_place(gazetteer, [("Arakan Army fighters clash with troops", 3.0)], {"MM": 1})
    assert found is None


def test_a_common_word_region_counts_only_after_in():
    gazetteer = get_gazetteer()
    assert resolve_place(gazetteer, [("Delta Force raid kills two", 3.0)], {"NG": 1}) is None
    found = resolve_place(gazetteer, [("Gunmen kill four in Plateau", 3.0)], {"NG": 1})
    assert found is not None and found.location.admin1 == "Plateau"


def test_a_headline_s_capitals_before_a_township_are_no_part_of_its_name():
    country, admin1, _ = _region("Junta Column Ambushed In Mohnyin Township")
    assert (country, admin1) == ("MM", "Kachin")


def test_northern_ireland_is_in_the_united_kingdom():
    country, admin1, _ = _region(
        "A pipe bomb explodes outside a police station in Derry, Northern Ireland."
    )
    assert (country, admin1) == ("GB", "Northern Ireland")
