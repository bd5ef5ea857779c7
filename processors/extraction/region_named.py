"""The first-level region an event's own words name, when no town or district placed it.

Rule: a report that names no town the gazetteer knows still often names the region,
and not always after "in" or before "state": "Boko Haram storms Borno village",
"Borno: air force kills scores", "gunmen attack Kogi office", "new Shan fighting".
When the place resolution found nothing, a capitalised name in the event's sentence (or
the headline) that is a first-level region of a country the article is about places the
event in that region, at region precision (ACLED's geo_precision 3), before the event
falls back to the whole country. A region of another country counts only after "in" and
when no other country has a region of that name ("France rules out talks with Boko
Haram; 10 killed in Borno"). A name inside an armed group's name ("Arakan Army") is
no region, and a region whose name is also a common word ("Plateau", "Delta", "Central")
counts only after "in" or before "State".
"""

from __future__ import annotations

import re

from processors.extraction.gazetteer import Gazetteer
from processors.extraction.group_homes import group_spans
from processors.extraction.places import (
    COMMON_WORD_REGIONS,
    ResolvedPlace,
    region_display_name,
)
from schemas.event import Location

_NAME = re.compile(
    r"(?<![\w'’-])(?:(?:al|el|ad|ar|as|an|ash|at)-)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2}"
)
# the region names more often plain words, and "National" of "National Assembly"
_COMMON_WORDS = COMMON_WORD_REGIONS | {"national"}
_IN_BEFORE = re.compile(r"\b(?:in|of|across|throughout)\s+(?:the\s+)?$", re.I)
_STATE_AFTER = re.compile(r"^\s+(?i:state|region|province|governorate|division)\b")


def _spans(match: re.Match[str]) -> list[tuple[str, int]]:
    """Each run of whole words of a capitalised span, longest first."""
    words = match.group(0).split()
    found: list[tuple[str, int]] = []
    offsets = [match.start() + m.start() for m in re.finditer(r"\S+", match.group(0))]
    for size in range(len(words), 0, -1):
        for first in range(len(words) - size + 1):
            name = re.sub(r"['’]s$", "", " ".join(words[first : first + size]))
            found.append((name, offsets[first]))
    return found


def region_named(
    gazetteer: Gazetteer, sentences: list[str], countries: set[str]
) -> ResolvedPlace | None:
    """The region of one of COUNTRIES that the sentences name first, at region precision;
    else a region named after "in" that no other country has a region of that name."""
    if not countries:
        return None
    return _first_region(gazetteer, sentences, countries) or _first_region(
        gazetteer, sentences, None
    )


def _first_region(
    gazetteer: Gazetteer, sentences: list[str], countries: set[str] | None
) -> ResolvedPlace | None:
    for sentence in sentences:
        groups = group_spans(sentence)
        for match in _NAME.finditer(sentence):
            for name, start in _spans(match):
                if any(begin <= start < end for begin, end in groups):
                    continue  # "Arakan" of "the Arakan Army"
                if name.lower() in _COMMON_WORDS and not (
                    _IN_BEFORE.search(sentence[:start])
                    or _STATE_AFTER.match(sentence[start + len(name) :])
                ):
                    continue
                if countries is None and not _IN_BEFORE.search(sentence[:start]):
                    continue  # "France rules out talks ... 10 killed in Borno": only after "in"
                regions = [
                    r
                    for r in gazetteer.lookup_region(name, loose=False)
                    if countries is None or r.country in countries
                ]
                if len(regions) != 1:
                    continue
                region = regions[0]
                shown = region_display_name(region)
                location = Location(
                    name=shown,
                    admin1=shown,
                    lat=region.lat,
                    lon=region.lon,
                    geonames_id=None,
                    precision="admin1",
                )
                return ResolvedPlace(location, region.country, region.timezone, sentence)
    return None
