"""A part of a country named by a bearing alone ("in northeast Nigeria", "south-eastern
Iran", "NE Nigeria") places an event in a first-level region only when that region is
plain; otherwise the event stays at country level.

Plain means: a region of that country is named by the words as written ("northern
Uganda": its Northern Region; "northwest Cameroon": North-West), or one region clearly
lies furthest that way. "Clearly" is measured on the regions' centres projected on the
bearing: the leading region must be ahead of the runner-up by a share of the distance
between the first and the last region, both on the population-weighted centres (where
the event is placed) and on the plain centres of their towns (the land they cover). A
corner ("north-east") is one region more often than a side ("north") is, whose edge
several regions share, so a side asks for a wider lead. A region with a tiny share of a
mean region's population (a far island, an empty desert) is never the answer, and
"central <Country>" never has one. A wrong region would send the alert to the wrong
subscribers, so the rule declines whenever the lead is thin.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from processors.extraction.countries import country_aliases
from processors.extraction.gazetteer import Gazetteer, Region, normalize_name
from processors.extraction.places import region_display_name
from schemas.event import Location

CORNER_MARGIN = 0.07  # lead on a diagonal bearing, as a share of the regions' spread
SIDE_MARGIN = 0.15  # lead on a cardinal bearing, whose edge regions often share
# a region with less than this share of a mean region's population (a far island, an
# empty desert) is never the part a bearing names
MIN_POPULATION_SHARE = 0.05

_AXES = {"n": (1.0, 0.0), "s": (-1.0, 0.0), "e": (0.0, 1.0), "w": (0.0, -1.0)}
_WORD = r"(?:north|south)(?:-?(?:east|west))?(?:ern)?|(?:east|west)(?:ern)?"
_ABBREVIATION = r"(?-i:NE|NW|SE|SW|N|S|E|W)\.?"
# names of their own that read as a bearing and a country
_OWN_NAMES = frozenset(["northern ireland"])
_REGION_WORD = re.compile(r"\s+(?:region|district|governorate|province|state|division)$")


@lru_cache(maxsize=1)
def _bearing_pattern() -> re.Pattern[str]:
    names = sorted(country_aliases(), key=len, reverse=True)
    return re.compile(
        rf"(?<![\w-])(?:(?P<word>{_WORD})|(?P<abbr>{_ABBREVIATION}))\s+"
        r"(?P<country>(?-i:" + "|".join(re.escape(n) for n in names) + r"))(?![\w-])",
        re.I,
    )


def _names_a_region(gazetteer: Gazetteer, name: str, country: str) -> bool:
    """True when a country's alias is the name of one of its regions ("Gaza")."""
    key = normalize_name(name)
    return any(
        region.country == country for region in gazetteer.lookup_region(name, loose=False)
    ) or any(
        normalize_name(region.name).startswith(key)
        for region_key_, region in gazetteer.regions.items()
        if region_key_[0] == country
    )


def bearing_of(gazetteer: Gazetteer, text: str, country: str) -> tuple[str, str] | None:
    """The bearing ("ne", "s"...) a text puts before the name of ``country`` and the word
    as written without its hyphen ("northeastern", "ne"), if any."""
    aliases = country_aliases()
    for match in _bearing_pattern().finditer(text):
        whole = " ".join(match.group(0).split())
        name = match.group("country")
        if aliases.get(name) != country:
            continue
        if whole in aliases or whole.lower() in _OWN_NAMES:
            continue  # "South Sudan", "North Korea": a country's own name
        if _names_a_region(gazetteer, name, country):
            continue  # "northern Gaza" is a part of a region, not of the whole country
        written = (match.group("word") or match.group("abbr")).lower().replace("-", "")
        written = written.rstrip(".")
        short = re.sub(r"ern$", "", written)
        for word, letter in (("north", "n"), ("south", "s"), ("east", "e"), ("west", "w")):
            short = short.replace(word, letter)
        return short, written
    return None


def _projection(lat: float, lon: float, bearing: str, cos_lat: float) -> float:
    north = sum(_AXES[letter][0] for letter in bearing)
    east = sum(_AXES[letter][1] for letter in bearing)
    return (north * lat + east * lon * cos_lat) / math.hypot(north, east)


def _leader(
    centres: dict[tuple[str, str], tuple[float, float]], bearing: str, cos_lat: float
) -> tuple[tuple[str, str] | None, float]:
    """The key furthest along the bearing and its lead over the runner-up, as a share of
    the spread between the first and the last centre."""
    ranked = sorted(
        ((_projection(lat, lon, bearing, cos_lat), key) for key, (lat, lon) in centres.items()),
        reverse=True,
    )
    spread = ranked[0][0] - ranked[-1][0] if len(ranked) >= 2 else 0.0
    if spread <= 0:
        return None, 0.0
    return ranked[0][1], (ranked[0][0] - ranked[1][0]) / spread


def _named_as_written(regions: list[Region], written: str) -> Region | None:
    """The one region whose own name is the bearing as written ("Northern Region")."""
    own = [
        region
        for region in regions
        if _REGION_WORD.sub("", normalize_name(region.name)).replace(" ", "") == written
    ]
    return own[0] if len(own) == 1 else None


@lru_cache(maxsize=4096)
def region_that_way(
    gazetteer: Gazetteer, country: str, bearing: str, written: str = ""
) -> Region | None:
    """The region the bearing names as written, else the one that clearly lies furthest
    along it, else None."""
    regions = {key: r for key, r in gazetteer.regions.items() if key[0] == country}
    own = _named_as_written(list(regions.values()), written) if len(written) > 2 else None
    if own is not None:
        return own
    floor = MIN_POPULATION_SHARE * sum(r.population for r in regions.values()) / len(regions or [1])
    towns = gazetteer.towns_by_region
    plain = {
        key: (
            sum(town.lat for town in towns[key]) / len(towns[key]),
            sum(town.lon for town in towns[key]) / len(towns[key]),
        )
        for key, region in regions.items()
        if region.population >= floor and towns.get(key)
    }
    centre = gazetteer.country_centres.get(country)
    if centre is None or len(plain) < 2:
        return None
    cos_lat = math.cos(math.radians(centre[0]))
    weighted = {key: (regions[key].lat, regions[key].lon) for key in plain}
    first, lead = _leader(weighted, bearing, cos_lat)
    second, plain_lead = _leader(plain, bearing, cos_lat)
    margin = CORNER_MARGIN if len(bearing) == 2 else SIDE_MARGIN
    if first is None or first != second or min(lead, plain_lead) < margin:
        return None
    return regions[first]


def compass_location(gazetteer: Gazetteer, country: str, sentences: list[str]) -> Location | None:
    """The region-precision place of "in northeast Nigeria", or None (country level)."""
    for sentence in sentences:
        found = bearing_of(gazetteer, sentence, country)
        if found is None:
            continue
        region = region_that_way(gazetteer, country, *found)
        if region is None:
            return None
        name = region_display_name(region)
        return Location(
            name=name,
            admin1=name,
            lat=region.lat,
            lon=region.lon,
            geonames_id=None,
            precision="admin1",
        )
    return None
