"""Message contracts between the stages of the pipeline."""

from schemas.alert import Alert, Delivery, Radius, Subscription
from schemas.article import Article, article_id_for
from schemas.dead_letter import DeadLetter
from schemas.event import Event, EventMention, FieldRevision, Location
from schemas.inputs import BoundingBox
from schemas.taxonomy import EventType, SubEventType

__all__ = [
    "Alert",
    "Article",
    "BoundingBox",
    "DeadLetter",
    "Delivery",
    "Event",
    "EventMention",
    "EventType",
    "FieldRevision",
    "Location",
    "Radius",
    "SubEventType",
    "Subscription",
    "article_id_for",
]
