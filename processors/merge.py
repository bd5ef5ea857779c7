"""Reports of one incident folded into one canonical event.

This first merge keys an incident by country, event type, local date and place, so
that outlets calling one missile strike "shelling" or "a rocket attack" meet. The
fold is a pure function of the set of mentions: replaying the same articles in any
order gives the same event, id and version.

Current figures are those first reported (earliest publication): what subscribers
were told first stays put unless a later issue's revision rule changes it; every
figure each outlet reported is kept in ``history``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from schemas.event import Event, EventMention, FieldRevision

TRACKED_FIELDS = ("fatalities", "injured", "sub_event_type", "actor1", "actor2")
MAX_EVIDENCE = 12


def incident_key(mention: EventMention) -> str:
    place = (
        str(mention.location.geonames_id or mention.location.name.lower())
        if mention.location
        else "-"
    )
    return "|".join(
        (mention.country, mention.event_type.value, mention.event_date.isoformat(), place)
    )


def event_id_for(mention: EventMention) -> str:
    return hashlib.sha256(incident_key(mention).encode()).hexdigest()[:24]


def _value(mention: EventMention, field: str) -> int | str | None:
    value = getattr(mention, field)
    return value.value if hasattr(value, "value") else value


def merge_mentions(event_id: str, mentions: Iterable[EventMention]) -> Event:
    """The canonical event for a non-empty set of mentions of one incident."""
    unique = {m.mention_id: m for m in mentions}
    ordered = sorted(unique.values(), key=lambda m: (m.published, m.article_id))
    if not ordered:
        raise ValueError("an event needs at least one mention")
    first = ordered[0]

    def first_known(field: str):
        return next((getattr(m, field) for m in ordered if getattr(m, field) is not None), None)

    history = [
        FieldRevision(
            field=field,
            value=_value(m, field),
            article_id=m.article_id,
            source=m.source,
            published=m.published,
        )
        for m in ordered
        for field in TRACKED_FIELDS
        if _value(m, field) is not None
    ]
    evidence: list[str] = []
    for mention in ordered:
        for sentence in mention.evidence:
            if sentence not in evidence and len(evidence) < MAX_EVIDENCE:
                evidence.append(sentence)
    return Event(
        event_id=event_id,
        version=len(ordered),
        event_type=first.event_type,
        sub_event_type=first.sub_event_type,
        cameo_code=first.cameo_code,
        event_date=first.event_date,
        country=first.country,
        location=first_known("location"),
        actor1=first_known("actor1"),
        actor2=first_known("actor2"),
        fatalities=first_known("fatalities"),
        injured=first_known("injured"),
        evidence=evidence,
        confidence=max(m.confidence for m in ordered),
        article_ids=list(dict.fromkeys(m.article_id for m in ordered)),
        mention_ids=[m.mention_id for m in ordered],
        sources=list(dict.fromkeys(m.source for m in ordered)),
        first_seen=first.published,
        last_updated=ordered[-1].published,
        history=history,
    )
