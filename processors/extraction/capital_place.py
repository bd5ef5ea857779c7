""" "The capital" said of the country an event is placed in, with no place named, is that
country's capital city ("Shells target the capital", "clashes on the outskirts of the
capital" in a report about Syria: Damascus).

Only the bare phrase counts: "the capital of Kachin State", "the state capital" and
"the provincial capital" name another town, "the capital, Juba" names its town, and the
capital is taken only when no town or region was found for the event and its sentences
name no other country (in "clashes south-west of the capital near the Syrian-Lebanese
border" the capital is unsaid). On the outskirts or to one side of it ("south of the
capital") the event is near the city, not in it, so its precision is "area" there.
"""

from __future__ import annotations

import re

from processors.extraction.countries import countries_in_order
from processors.extraction.gazetteer import Gazetteer, Place
from processors.extraction.places import region_display_name
from schemas.event import Location

# not "the capital of Kachin State", nor "the capital, Juba" (named: found by its name)
_THE_CAPITAL = re.compile(
    r"\b(?i:the\s+capital)\b(?!\s+(?i:city\s+)?(?i:of)\b)(?!,?\s+[A-Z])(?!['’]s\s+[A-Z])"
)
_NEAR_BEFORE = re.compile(
    r"\b(?:outskirts|suburbs|vicinity|(?:north|south)(?:-?(?:east|west))?|east|west)(?:ern)?\s+"
    r"(?:of|to)\s+$",
    re.I,
)


def _capital(gazetteer: Gazetteer, country: str) -> Place | None:
    """The country's capital in the place index: its largest town of the capital's name."""
    record = gazetteer.countries.get(country)
    if record is None or not record.capital:
        return None
    towns = [place for place in gazetteer.lookup(record.capital) if place.country == country]
    return max(towns, key=lambda place: place.population, default=None)


def capital_location(
    gazetteer: Gazetteer, country_counts: dict[str, int], sentences: list[str]
) -> Location | None:
    """The capital of the one country in view when a sentence names it only as "the
    capital", else None (with two countries in view, whose capital is unsaid)."""
    if len(country_counts) != 1:
        return None
    country = next(iter(country_counts))
    if set(countries_in_order(" ".join(sentences))) - {country}:
        return None  # "south-west of the capital, on the Syrian-Lebanese border": whose?
    for sentence in sentences:
        match = _THE_CAPITAL.search(sentence)
        if match is None:
            continue
        place = _capital(gazetteer, country)
        if place is None:
            return None
        near = _NEAR_BEFORE.search(sentence[max(0, match.start() - 30) : match.start()])
        region = gazetteer.region_of(place)
        return Location(
            name=place.name,
            admin1=region_display_name(region) if region else None,
            lat=place.lat,
            lon=place.lon,
            geonames_id=None if near else place.geonames_id,
            precision="area" if near else "locality",
        )
    return None
