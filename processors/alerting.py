"""Which subscriptions an event version concerns, and whether it deserves an alert.

Matching is pure. ``SubscriptionIndex`` finds the few subscriptions an event can
concern without scanning them all: by country, by 1-degree grid cell (radius and
bounding-box subscriptions), and a short list of subscriptions with no place filter.
Only those candidates are tested in full with ``matches``.

An alert goes out when an event first matches a subscription, and again only when a
revision matters to that subscription: the toll rose, or the sub-event type changed.
A new source alone never triggers one. A first match of a revised event whose first
report was below the subscription's toll threshold is reported as
``toll_crossed_threshold``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from infra.geo import distance_km
from processors.state_records import check_version, stamped
from schemas.alert import Alert, Subscription
from schemas.event import Event

CELL_DEGREES = 1.0
MAX_CELLS = 4000  # a subscription covering more of the globe is checked for every event


def casualties(event: Event) -> int | None:
    if event.fatalities is None and event.injured is None:
        return None
    return (event.fatalities or 0) + (event.injured or 0)


def _in_box(sub: Subscription, lat: float, lon: float) -> bool:
    box = sub.bbox
    assert box is not None
    if not box.south <= lat <= box.north:
        return False
    if box.west <= box.east:
        return box.west <= lon <= box.east
    return lon >= box.west or lon <= box.east  # the box crosses the antimeridian


def _keyword_pattern(keywords: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(k) for k in keywords) + r")\b", re.I)


def matches(sub: Subscription, event: Event) -> bool:
    """Every filter the subscription sets holds for the event (unset filters hold)."""
    if sub.countries and event.country not in sub.countries:
        return False
    if sub.event_types and event.event_type not in sub.event_types:
        return False
    if sub.sub_event_types and event.sub_event_type not in sub.sub_event_types:
        return False
    if sub.radius or sub.bbox:
        location = event.location
        if location is None:
            return False
        if (
            sub.radius
            and distance_km(sub.radius.lat, sub.radius.lon, location.lat, location.lon)
            > sub.radius.km
        ):
            return False
        if sub.bbox and not _in_box(sub, location.lat, location.lon):
            return False
    if sub.min_fatalities is not None and (event.fatalities or 0) < sub.min_fatalities:
        return False
    if sub.min_casualties is not None and (casualties(event) or 0) < sub.min_casualties:
        return False
    if sub.actors:
        named = " ".join(a for a in (event.actor1, event.actor2) if a).lower()
        if not any(actor.lower() in named for actor in sub.actors):
            return False
    if sub.keywords:
        text = " ".join([*event.evidence, event.location.name if event.location else ""])
        if not _keyword_pattern(tuple(sub.keywords)).search(text):
            return False
    return True


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat / CELL_DEGREES), math.floor(lon / CELL_DEGREES)


def _cells(sub: Subscription) -> list[tuple[int, int]] | None:
    """The grid cells a place filter covers; None when too many to list."""
    if sub.radius:
        r = sub.radius
        dlat = r.km / 111.0
        dlon = r.km / max(111.0 * math.cos(math.radians(r.lat)), 1.0)
        south, north, west, east = r.lat - dlat, r.lat + dlat, r.lon - dlon, r.lon + dlon
    else:
        assert sub.bbox is not None
        south, north, west, east = sub.bbox.south, sub.bbox.north, sub.bbox.west, sub.bbox.east
        if west > east:
            return None
    lat_cells = range(
        math.floor(max(south, -90) / CELL_DEGREES), math.floor(min(north, 90) / CELL_DEGREES) + 1
    )
    lon_cells = range(math.floor(west / CELL_DEGREES), math.floor(east / CELL_DEGREES) + 1)
    if len(lat_cells) * len(lon_cells) > MAX_CELLS or east - west >= 360:
        return None
    return [(a, ((b + 180) % 360) - 180) for a in lat_cells for b in lon_cells]


class SubscriptionIndex:
    """Subscriptions indexed so that an event is tested against few of them."""

    def __init__(self, subscriptions: Iterable[Subscription] = ()) -> None:
        self.subscriptions: dict[str, Subscription] = {}
        self._by_country: dict[str, set[str]] = {}
        self._by_cell: dict[tuple[int, int], set[str]] = {}
        self._everywhere: set[str] = set()
        for sub in subscriptions:
            self.add(sub)

    def __len__(self) -> int:
        return len(self.subscriptions)

    def add(self, sub: Subscription) -> None:
        self.subscriptions[sub.id] = sub
        if sub.countries:
            for country in sub.countries:
                self._by_country.setdefault(country, set()).add(sub.id)
            return
        cells = _cells(sub) if (sub.radius or sub.bbox) else None
        if cells is None:
            self._everywhere.add(sub.id)
            return
        for cell in cells:
            self._by_cell.setdefault(cell, set()).add(sub.id)

    def candidates(self, event: Event) -> set[str]:
        found = set(self._by_country.get(event.country, ())) | self._everywhere
        if event.location is not None:
            found |= self._by_cell.get(_cell(event.location.lat, event.location.lon), set())
        return found

    def matching(self, event: Event) -> list[Subscription]:
        """The subscriptions the event version matches, in id order."""
        return [
            self.subscriptions[key]
            for key in sorted(self.candidates(event))
            if matches(self.subscriptions[key], event)
        ]


@dataclass(frozen=True)
class Sent:
    """What a subscription was last told about an event."""

    fatalities: int | None
    casualties: int | None
    sub_event_type: str
    version: int

    RECORD_VERSION: ClassVar[int] = 1

    def to_record(self) -> dict[str, Any]:
        record = {"f": self.fatalities, "c": self.casualties, "t": self.sub_event_type}
        return stamped({**record, "v": self.version}, self.RECORD_VERSION)

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Sent:
        check_version("route", record, cls.RECORD_VERSION)
        return cls(record["f"], record["c"], record["t"], record["v"])

    @classmethod
    def of(cls, event: Event) -> Sent:
        return cls(event.fatalities, casualties(event), event.sub_event_type.value, event.version)


def _first_report_below(sub: Subscription, event: Event) -> bool:
    """A revised event whose lowest reported toll was under the subscription's threshold."""
    if event.version <= 1:
        return False
    low_killed = event.fatalities_range.low.value if event.fatalities_range else 0
    low_injured = event.injured_range.low.value if event.injured_range else 0
    if sub.min_fatalities is not None and low_killed < sub.min_fatalities:
        return True
    return sub.min_casualties is not None and low_killed + low_injured < sub.min_casualties


def alert_reason(sub: Subscription, event: Event, sent: Sent | None) -> str | None:
    """Why this event version deserves an alert to this (matching) subscription, or None."""
    if sent is None:
        return "toll_crossed_threshold" if _first_report_below(sub, event) else "new"
    if event.version <= sent.version:
        return None  # a version already considered (a redelivery)
    if event.sub_event_type.value != sent.sub_event_type:
        return "type_changed"
    if (event.fatalities or 0) > (sent.fatalities or 0):
        return "toll_rose"
    now = casualties(event)
    if sub.min_casualties is not None and (now or 0) > (sent.casualties or 0):
        return "toll_rose"
    return None


def alert_id_for(subscription_id: str, event_id: str, version: int) -> str:
    return hashlib.sha256(f"{subscription_id}|{event_id}|{version}".encode()).hexdigest()[:32]


def build_alert(
    sub: Subscription,
    event: Event,
    reason: str,
    created_at: dt.datetime,
    received_at: dt.datetime | None = None,
    id_suffix: str = "",
) -> Alert:
    """The alert telling this subscription of this event version, for this reason; its id
    is the same wherever and however often it is built (a test send adds a suffix)."""
    return Alert(
        alert_id=alert_id_for(sub.id, event.event_id, event.version) + id_suffix,
        subscription_id=sub.id,
        event_id=event.event_id,
        event_version=event.version,
        reason=reason,  # type: ignore[arg-type]
        event=event,
        created_at=created_at,
        received_at=received_at,
    )
