"""One article in, the conflict events it reports out: the extraction stage's logic.

Pure: no Kafka, no I/O beyond the gazetteer loaded once. The faust agent, the
``wirewatch extract`` command and the evaluation all call ``extract_events``.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from processors.extraction.actors import assign_actors
from processors.extraction.countries import countries_mentioned
from processors.extraction.dates import resolve_date
from processors.extraction.gazetteer import Gazetteer, get_gazetteer
from processors.extraction.places import resolve_place
from processors.extraction.sentences import split_sentences
from processors.extraction.tolls import find_toll, is_cumulative
from processors.extraction.triggers import event_triggers, is_figurative, reports_new_event
from schemas.article import Article
from schemas.event import EventMention, Location
from schemas.taxonomy import SubEventType, cameo_root_of, event_type_of

LEAD_SENTENCES = 8  # where a report states its main event
TOLL_WINDOW = 4  # sentences after the event sentence that may carry its toll
HISTORICAL_AFTER = dt.timedelta(days=30)  # older events are looked back on, not reported


def mention_id_for(article_id: str, index: int) -> str:
    return hashlib.sha256(f"{article_id}:{index}".encode()).hexdigest()[:32]


def _main_event(sentences: list[str]) -> tuple[int, SubEventType] | None:
    for index, sentence in enumerate(sentences[:LEAD_SENTENCES]):
        if not reports_new_event(sentence) or is_cumulative(sentence):
            continue
        triggers = event_triggers(sentence)
        if triggers:
            return index, triggers[0]
    return None


def extract_events(article: Article, gazetteer: Gazetteer | None = None) -> list[EventMention]:
    """The events an article reports as news; [] for metaphors, anniversaries and threats."""
    gazetteer = gazetteer or get_gazetteer()
    full_text = f"{article.title}\n{article.text}"
    if is_figurative(full_text):
        return []
    body = split_sentences(article.text)
    found = _main_event(body)
    title_only = False
    if found is None:
        if not (reports_new_event(article.title) and event_triggers(article.title)):
            return []
        found = (0, event_triggers(article.title)[0])
        title_only = True
    index, sub_event_type = found
    event_sentence = article.title if title_only else body[index]
    window = [s for s in body[index : index + TOLL_WINDOW] if not is_cumulative(s)]
    if title_only:
        window = [article.title, *window]

    country_counts = countries_mentioned(full_text)
    resolved = resolve_place(
        gazetteer,
        [(event_sentence, 3.0), (article.title, 2.0)]
        + [(sentence, 1.0) for sentence in window[1:]],
        country_counts,
    )
    if resolved is not None:
        country = resolved.place.country
        location = Location(
            name=resolved.place.name,
            admin1=resolved.admin1,
            lat=resolved.place.lat,
            lon=resolved.place.lon,
            geonames_id=resolved.place.geonames_id,
            precision="locality",
        )
        timezone = resolved.place.timezone
    elif country_counts:
        country = max(country_counts, key=lambda code: country_counts[code])
        location, timezone = None, None
    else:
        return []

    when = resolve_date(window, article.published, timezone)
    if when.date < article.published.date() - HISTORICAL_AFTER:
        return []

    toll = find_toll(window)
    if toll.killed is None and toll.injured is None:
        title_toll = find_toll([article.title])
        toll = title_toll if title_toll.killed is not None else toll

    event_type = event_type_of(sub_event_type)
    actor1, actor2 = assign_actors(sub_event_type, event_type, [event_sentence], full_text, country)
    evidence: list[str] = []
    for sentence in (
        event_sentence,
        resolved.evidence if resolved else None,
        when.evidence,
        toll.killed_sentence,
        toll.injured_sentence,
    ):
        if sentence and sentence not in evidence:
            evidence.append(sentence)
    confidence = 0.5
    confidence += 0.2 if location is not None else 0.0
    confidence += 0.1 if when.explicit else 0.0
    confidence += 0.1 if toll.killed is not None or toll.injured is not None else 0.0
    confidence -= 0.2 if title_only else 0.0
    return [
        EventMention(
            mention_id=mention_id_for(article.id, 0),
            article_id=article.id,
            source=article.source,
            url=article.url,
            published=article.published,
            event_type=event_type,
            sub_event_type=sub_event_type,
            cameo_code=cameo_root_of(sub_event_type),
            event_date=when.date,
            country=country,
            location=location,
            actor1=actor1,
            actor2=actor2,
            fatalities=toll.killed,
            injured=toll.injured,
            evidence=evidence,
            confidence=round(min(confidence, 0.95), 2),
        )
    ]
