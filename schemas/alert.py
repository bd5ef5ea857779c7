"""Subscriptions (what someone watches, and where to tell them) and the alerts sent."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from pydantic import AwareDatetime, Field, field_validator, model_validator

from schemas.base import WireModel
from schemas.event import CountryCode, Event
from schemas.inputs import BoundingBox, box_value, country_list
from schemas.inputs import country_codes as country_codes  # where callers found it
from schemas.taxonomy import EventType, SubEventType

ALERT_SCHEMA_VERSION = 1
Phrase = Annotated[str, Field(min_length=1, max_length=200)]


class Radius(WireModel):
    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]
    km: Annotated[float, Field(gt=0, le=20_000)]


class Delivery(WireModel):
    """Where alerts go: exactly one of a webhook, an email address or a file. Checked
    when a subscription is saved, so a bad target is refused then, not found dead at
    the first alert: a webhook is an http(s) URL with a host, an email a valid address
    (normalised), a file a path (that it lies inside the alert files directory is
    checked where that setting is known: `sinks.alerts.channels.file_target`)."""

    kind: Literal["webhook", "email", "file"]
    target: Annotated[str, Field(min_length=1, max_length=2048, pattern=r"^[^\x00-\x1f\x7f]+$")]
    secret: Annotated[str, Field(min_length=1, max_length=512)] | None = None

    @model_validator(mode="after")
    def _target_of_its_kind(self) -> Self:
        if self.kind == "webhook":
            parts = urlsplit(self.target)
            if parts.scheme not in ("http", "https") or not parts.hostname or " " in self.target:
                raise ValueError(
                    f"a webhook must be an http(s) URL with a host, not {self.target!r}"
                )
        elif self.kind == "email":
            try:
                found = validate_email(self.target, check_deliverability=False)
            except EmailNotValidError as error:
                raise ValueError(f"not an email address: {self.target!r} ({error})") from None
            object.__setattr__(self, "target", found.normalized)
        if self.secret is not None and self.kind != "webhook":
            raise ValueError("a secret signs webhooks only")
        return self


class Subscription(WireModel):
    schema_version: Literal[1] = ALERT_SCHEMA_VERSION
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")]
    name: str | None = None
    countries: Annotated[list[CountryCode], Field(max_length=300)] = []
    radius: Radius | None = None
    bbox: BoundingBox | None = None
    event_types: list[EventType] = []
    sub_event_types: list[SubEventType] = []
    actors: Annotated[list[Phrase], Field(max_length=100)] = []
    min_fatalities: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    min_casualties: Annotated[int, Field(ge=0, le=20_000_000)] | None = None
    keywords: Annotated[list[Phrase], Field(max_length=100)] = []
    delivery: Delivery

    @field_validator("bbox", mode="before")
    @classmethod
    def _box(cls, value: Any) -> Any:
        """west,south,east,north as a string or a list, or the sides by name."""
        return box_value(value)

    @field_validator("countries", mode="before")
    @classmethod
    def _known_countries(cls, value: Any) -> Any:
        """Each by ISO code or English name; an unknown one refused naming the closest."""
        return country_list(value)


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
