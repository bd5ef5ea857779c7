"""Subscriptions (what someone watches, and where to tell them) and the alerts sent."""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import AwareDatetime, Field, model_validator

from schemas.base import WireModel
from schemas.event import CountryCode, Event
from schemas.taxonomy import EventType, SubEventType

ALERT_SCHEMA_VERSION = 1


class Radius(WireModel):
    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]
    km: Annotated[float, Field(gt=0, le=20_000)]


class BoundingBox(WireModel):
    south: Annotated[float, Field(ge=-90, le=90)]
    west: Annotated[float, Field(ge=-180, le=180)]
    north: Annotated[float, Field(ge=-90, le=90)]
    east: Annotated[float, Field(ge=-180, le=180)]

    @model_validator(mode="after")
    def _south_below_north(self) -> Self:
        if self.south > self.north:
            raise ValueError("south must not be greater than north")
        return self


class Delivery(WireModel):
    """Where alerts go: exactly one of a webhook, an email address or a file."""

    kind: Literal["webhook", "email", "file"]
    target: Annotated[str, Field(min_length=1)]
    secret: str | None = None


class Subscription(WireModel):
    schema_version: Literal[1] = ALERT_SCHEMA_VERSION
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")]
    name: str | None = None
    countries: list[CountryCode] = []
    radius: Radius | None = None
    bbox: BoundingBox | None = None
    event_types: list[EventType] = []
    sub_event_types: list[SubEventType] = []
    actors: list[str] = []
    min_fatalities: Annotated[int, Field(ge=0)] | None = None
    min_casualties: Annotated[int, Field(ge=0)] | None = None
    keywords: list[str] = []
    delivery: Delivery


class Alert(WireModel):
    """One notification: this subscription matched this version of this event."""

    schema_version: Literal[1] = ALERT_SCHEMA_VERSION
    alert_id: Annotated[str, Field(min_length=1)]
    subscription_id: str
    event_id: str
    event_version: Annotated[int, Field(ge=1)]
    reason: Literal["new", "toll_crossed_threshold", "toll_rose", "type_changed"]
    event: Event
    created_at: AwareDatetime
    # when the report behind this event version entered articles.raw (the latency's start)
    received_at: AwareDatetime | None = None
