"""Event mentions (one incident as one article tells it) and canonical events."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Self

from pydantic import AwareDatetime, Field, model_validator

from schemas.base import WireModel
from schemas.taxonomy import EventType, SubEventType, cameo_root_of, event_type_of

MENTION_SCHEMA_VERSION = 1
EVENT_SCHEMA_VERSION = 2  # 2: figure ranges, independent sources

CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
Count = Annotated[int, Field(ge=0, le=10_000_000)]
Precision = Literal["locality", "area", "admin2", "admin1", "country"]


class Location(WireModel):
    """Where an event happened, as precisely as the article allows.

    ``precision`` says what the coordinates stand for: the named populated place
    (``locality``), a named area that is no town, at its approximate centre (``area``:
    a valley, plain, mountain range, camp), the district containing it, at the centre of
    the district's towns (``admin2``: "Gwoza LGA", "Kyaukme district"), the region
    containing it (``admin1``) or the whole country.
    """

    name: Annotated[str, Field(min_length=1)]
    admin1: str | None = None
    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]
    geonames_id: int | None = None
    precision: Precision


class _EventFields(WireModel):
    """The fields an event mention and a canonical event share."""

    event_type: EventType
    sub_event_type: SubEventType
    cameo_code: Annotated[str, Field(pattern=r"^\d{2}$")]
    event_date: dt.date
    country: CountryCode
    location: Location | None = None
    actor1: str | None = None
    actor2: str | None = None
    fatalities: Count | None = None
    injured: Count | None = None
    evidence: Annotated[list[str], Field(min_length=1)]
    confidence: Annotated[float, Field(ge=0.0, le=1.0)]

    @model_validator(mode="after")
    def _taxonomy_is_consistent(self) -> Self:
        expected_type = event_type_of(self.sub_event_type)
        if self.event_type != expected_type:
            raise ValueError(
                f"sub_event_type {self.sub_event_type.value!r} belongs to event_type "
                f"{expected_type.value!r}, not {self.event_type.value!r}"
            )
        expected_cameo = cameo_root_of(self.sub_event_type)
        if self.cameo_code != expected_cameo:
            raise ValueError(
                f"cameo_code for {self.sub_event_type.value!r} is {expected_cameo!r}, "
                f"not {self.cameo_code!r}"
            )
        return self


class EventMention(_EventFields):
    """One event as one article reports it."""

    schema_version: Literal[1] = MENTION_SCHEMA_VERSION
    mention_id: Annotated[str, Field(min_length=1)]
    article_id: Annotated[str, Field(min_length=1)]
    source: Annotated[str, Field(min_length=1)]
    url: str | None = None
    published: AwareDatetime


class FieldRevision(WireModel):
    """One value a field took, and the report it came from."""

    field: str
    value: int | str | None
    article_id: str
    source: str
    published: AwareDatetime


class Figure(WireModel):
    """One reported figure and the report it came from."""

    value: Count
    article_id: str
    source: str
    published: AwareDatetime


class FigureRange(WireModel):
    """What the reports of one incident said about one figure (killed, or injured).

    ``low`` and ``high`` are the smallest and largest figure any report gave; ``best``
    is the one the event shows (see ``processors.merge`` for the rule). Reports are
    never summed: ten outlets repeating "9 killed" is nine dead, not ninety.
    """

    low: Figure
    high: Figure
    best: Figure


class SourceReport(WireModel):
    """One report of an incident: its outlet, where it was published, and whether it
    only republished another outlet's article."""

    article_id: str
    source: str
    url: str | None = None
    published: AwareDatetime
    republished: bool = False


class Event(_EventFields):
    """One real incident, however many outlets reported it.

    Fields hold the current best figures; ``history`` holds every value each field
    took and which article reported it, so revisions are never lost. ``sources`` are
    every outlet that carried the incident; ``independent_sources`` leave out those
    that only republished another outlet's copy.
    """

    schema_version: Literal[2] = EVENT_SCHEMA_VERSION
    event_id: Annotated[str, Field(min_length=1)]
    version: Annotated[int, Field(ge=1)]
    article_ids: Annotated[list[str], Field(min_length=1)]
    mention_ids: Annotated[list[str], Field(min_length=1)]
    sources: Annotated[list[str], Field(min_length=1)]
    independent_sources: list[str] = []
    first_seen: AwareDatetime
    last_updated: AwareDatetime
    history: list[FieldRevision] = []
    fatalities_range: FigureRange | None = None
    injured_range: FigureRange | None = None
    # every report, in publication order, with its address: the outlets an analyst can
    # open (empty in versions stored before it was kept)
    reports: list[SourceReport] = []
