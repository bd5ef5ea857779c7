"""Where events land when the text spells a place its own way or names it obliquely:
spelling variants of Arabic names, a variant at home before an exact namesake abroad,
"Twsp" for township, a region named as a qualifier ("fresh Borno attacks", "a Sagaing
village") and a bearing's reference town ("Hajin east of Deir Ezzor").

The sentences are made up for these tests; the places are real (GeoNames).
"""

from __future__ import annotations

import pytest

from processors.extraction import extract_events
from processors.extraction.gazetteer import get_gazetteer, spelling_key
from processors.offline import article_from_record


def _place(title: str) -> tuple[str, str, str]:
    article = article_from_record(
        {
            "id": title,
            "title": title,
            "text": "",
            "published": "2019-05-04T12:00:00Z",
            "source": "Test Wire",
        }
    )
    events = extract_events(article)
    assert events, title
    location = events[0].location
    assert location is not None
    return events[0].country, location.name, location.precision


@pytest.mark.parametrize(
    ("written", "geonames"),
    [
        ("Ain Issa", "‘Ayn ‘Īsá"),  # Ain/Ayn and a doubled letter
        ("Tel Abyad", "Tall Abyaḑ"),  # Tel/Tall
        ("al-Rai", "Ar Rā‘ī"),  # a three-letter name with its article
    ],
)
def test_spelling_variants_of_arabic_names_find_the_place(written, geonames):
    found = [(place.name, place.country) for place in get_gazetteer().lookup(written, loose=True)]
    assert (geonames, "SY") in found


def test_a_three_letter_name_without_its_article_is_no_variant():
    found = get_gazetteer().lookup("Rai", loose=True)
    assert ("Ar Rā‘ī", "SY") not in [(p.name, p.country) for p in found]
    assert spelling_key("rai") == "" and spelling_key("ar rai") == "rai"


def test_a_variant_at_home_beats_an_exact_namesake_abroad():
    # Arima in Trinidad carries the name as written; the SDF fight at Al-'Arimah, Syria
    assert _place("SDF fighters clash with gunmen near Arima") == ("SY", "Al ‘Arīmah", "locality")


def test_twsp_is_a_township():
    assert _place("Tatmadaw troops shelled villages in Maungdaw Twsp on Friday") == (
        "MM",
        "Maungdaw",
        "admin2",
    )


@pytest.mark.parametrize(
    ("title", "country", "region"),
    [
        ("Gunmen kill five in fresh Borno attacks", "NG", "Borno"),
        ("Soldiers shot dead two farmers in a Benue community", "NG", "Benue"),
        # the region, not its capital of the same name
        ("Junta soldiers kill two villagers in a Sagaing village", "MM", "Sagaing"),
    ],
)
def test_a_region_named_as_a_qualifier_places_the_event_in_the_region(title, country, region):
    assert _place(title) == (country, region, "admin1")


def test_the_town_a_bearing_is_taken_from_is_not_the_place():
    assert _place("Regime shelling kills two in Hajin east of Deir Ezzor") == (
        "SY",
        "Hajīn",
        "locality",
    )


def test_a_part_of_a_regions_countryside_is_not_its_largest_town():
    """ "The northern countryside of Idlib" is placed among the towns north of Idlib
    province's centre, without Idlib city, which would outweigh all of them."""
    gazetteer = get_gazetteer()
    key = next(
        key
        for key, region in gazetteer.regions.items()
        if key[0] == "SY" and "Idlib" in region.name
    )
    region = gazetteer.regions[key]
    largest = max(gazetteer.towns_by_region[key], key=lambda town: town.population)
    lat, lon = gazetteer.part_of_region(key, "north", "")
    assert lat > region.lat
    assert abs(lat - largest.lat) + abs(lon - largest.lon) > 0.1
