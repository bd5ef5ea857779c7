"""The built gazetteer kept on disk as data that cannot run code: MessagePack, behind a
header that names the format, the data version and a SHA-256 of the rest.

A pickle in the cache directory was code: a file planted there ran when `wirewatch
extract` started (issue 14). MessagePack holds only strings, numbers, lists and maps,
read back into the gazetteer's own tuples here. A file with another format or data
version, a wrong checksum (a torn write, a changed byte) or any other shape is not
used: the gazetteer is rebuilt and the file written again.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import msgpack

from processors.extraction.gazetteer import Country, Gazetteer, Place, Region

MAGIC = b"wirewatch-gazetteer-cache"
CACHE_FORMAT = 3  # bump when the layout below changes


def save(gazetteer: Gazetteer, path: Path, data_version: str) -> None:
    """Write the gazetteer to PATH (atomically: a temporary file, then a rename)."""
    body = msgpack.packb(_state_of(gazetteer), use_bin_type=True)
    header = f"{CACHE_FORMAT} {data_version} {hashlib.sha256(body).hexdigest()}\n".encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".tmp{os.getpid()}")
    with temporary.open("wb") as handle:
        handle.write(MAGIC + b"\n" + header + body)
    temporary.replace(path)


def is_sound(path: Path, data_version: str) -> bool:
    """Whether PATH holds what `save` wrote for DATA_VERSION (format, version and
    checksum), without reading the gazetteer back."""
    return _checked_body(path, data_version) is not None


def load(path: Path, data_version: str) -> Gazetteer | None:
    """The gazetteer saved at PATH for DATA_VERSION, or None when there is none or the
    file is not exactly what `save` wrote."""
    body = _checked_body(path, data_version)
    if body is None:
        return None
    try:
        return _gazetteer_of(msgpack.unpackb(body, use_list=False, raw=False, strict_map_key=False))
    except (ValueError, TypeError, KeyError, msgpack.UnpackException):
        return None


def _checked_body(path: Path, data_version: str) -> bytes | None:
    """The body saved at PATH if its header names this format and DATA_VERSION and its
    checksum matches; None otherwise."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    magic, _, rest = raw.partition(b"\n")
    header, _, body = rest.partition(b"\n")
    expected = f"{CACHE_FORMAT} {data_version} {hashlib.sha256(body).hexdigest()}".encode()
    if magic != MAGIC or header != expected:
        return None
    return body


def _state_of(gazetteer: Gazetteer) -> dict[str, Any]:
    regions = list(gazetteer.regions.values())
    number_of = {id(region): number for number, region in enumerate(regions)}
    return {
        "places": [list(place) for place in gazetteer.places.values()],
        "index": gazetteer.index,
        "countries": [list(country) for country in gazetteer.countries.values()],
        "regions": [[*key, *region] for key, region in gazetteer.regions.items()],
        "area_ids": sorted(gazetteer.area_ids),
        "skeletons": gazetteer.skeletons,
        "stems": gazetteer.stems,
        "spellings": gazetteer.spellings,
        "country_centres": gazetteer.country_centres,
        "district_index": gazetteer.district_index,
        # regions by number in the list above: one object each, as when built
        "region_index": {
            key: [number_of[id(region)] for region in found]
            for key, found in gazetteer.region_index.items()
        },
    }


def _gazetteer_of(state: dict[str, Any]) -> Gazetteer:
    """The gazetteer of a saved state, without building its derived indexes again."""
    gazetteer = Gazetteer.__new__(Gazetteer)
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
