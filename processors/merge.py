"""Reports of one incident folded into one canonical event.

**Matching.** A mention joins an open event of its country when all of these hold:

- *type*: the same sub-type, or two readings of one act. Shelling, missile and air or
  drone strikes are one family (outlets call one missile strike "shelling"); bombings
  are another; clashes and seizures of territory another; attacks on civilians,
  abductions and sexual violence another; protests; riots. Other sub-types only match
  themselves.
- *place*: the same GeoNames town, or towns within ``SAME_PLACE_KM``. A town matches
  the region it lies in when one report only names the region. Two mentions without a
  place match only each other.
- *date*: the same local date, or the day before or after when both name the same town
  and the same sub-type (night-time attacks are dated either side of midnight).
- *actors*: the perpetrators named do not contradict ("Al Shabaab" is not "Islamic
  State"; an unidentified group contradicts no one). When town, sub-type and date all
  agree, a disagreement about the perpetrator does not split the incident (early
  reports often name none, or the wrong one).

Among several open events that fit, the one with the same town, sub-type and date
wins. Two incidents in one city on one day stay apart when their sub-types differ
(a suicide bombing and a mortar attack).

**Figures.** For killed and injured, every report's figure is kept in ``history`` and
summarized as ``low``, ``high`` and ``best``. Best is the figure of the most recently
published report that gives one: breaking-news tolls rise as bodies are found and
reports update, so the latest report supersedes earlier ones. ``low`` is there for
ACLED-style conservative coding. Reports are never summed.

**Versions.** An event's version rises each time its content changes: a new figure,
a new source, a new place. A report counted twice changes nothing.

**State.** ``IncidentIndex`` keeps open events in two mappings. Offline they are
dicts; in the stream they are faust tables with changelogs, so the same code
recovers after a restart; the index of events by country and day is derived from
them in memory. Every write replaces a whole value, because faust records
assignments, not in-place edits. Events and articles older than the window (event
time) are evicted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass
from typing import Any

from infra.geo import distance_km
from processors.state_records import check_version, stamped
from schemas.article import ArticleCopy
from schemas.event import (
    Event,
    EventMention,
    FieldRevision,
    Figure,
    FigureRange,
    Location,
    SourceReport,
)
from schemas.taxonomy import SubEventType as S
from schemas.taxonomy import cameo_root_of, event_type_of

SAME_PLACE_KM = 15.0
EVENT_RECORD_VERSION = 1  # the format of an open event's record in the merge state
ARTICLE_RECORD_VERSION = 1  # the format of an article's list of events in the merge state


def _article_record(event_ids: list[str]) -> dict[str, Any]:
    return stamped({"e": event_ids}, ARTICLE_RECORD_VERSION)


DEFAULT_WINDOW_DAYS = 14
TRACKED_FIELDS = ("fatalities", "injured", "sub_event_type", "actor1", "actor2")
MAX_EVIDENCE = 12

_FAMILIES: tuple[frozenset[S], ...] = (
    frozenset(
        {
            S.SHELLING_ARTILLERY_MISSILE_ATTACK,
            S.AIR_DRONE_STRIKE,
            S.CHEMICAL_WEAPON,
        }
    ),
    frozenset({S.SUICIDE_BOMB, S.REMOTE_EXPLOSIVE_LANDMINE_IED}),
    frozenset(
        {
            S.ARMED_CLASH,
            S.GOVERNMENT_REGAINS_TERRITORY,
            S.NON_STATE_ACTOR_OVERTAKES_TERRITORY,
        }
    ),
    frozenset({S.ATTACK, S.ABDUCTION_FORCED_DISAPPEARANCE, S.SEXUAL_VIOLENCE}),
    frozenset(
        {S.PEACEFUL_PROTEST, S.PROTEST_WITH_INTERVENTION, S.EXCESSIVE_FORCE_AGAINST_PROTESTERS}
    ),
    frozenset({S.VIOLENT_DEMONSTRATION, S.MOB_VIOLENCE}),
)


_COMPATIBLE = frozenset((a, b) for family in _FAMILIES for a in family for b in family)


def compatible_types(a: S, b: S) -> bool:
    return a == b or (a, b) in _COMPATIBLE


_POINTS = ("locality", "area")  # precisions whose coordinates stand for a small place


def place_affinity(a: Location | None, b: Location | None) -> int:
    """3 same town, 2 nearby towns, 1 a town and its region (or no place on both), 0 apart."""
    if a is None or b is None:
        return 1 if a is None and b is None else 0
    if a.precision in _POINTS and b.precision in _POINTS:
        if a.geonames_id is not None and a.geonames_id == b.geonames_id:
            return 3
        return 2 if distance_km(a.lat, a.lon, b.lat, b.lon) <= SAME_PLACE_KM else 0
    region_a = a.admin1 or a.name
    region_b = b.admin1 or b.name
    return 1 if region_a == region_b else 0


def _generic(actor: str | None) -> bool:
    return actor is None or actor.startswith(("Unidentified", "Civilians", "Protesters", "Rioters"))


def actors_conflict(a: str | None, b: str | None) -> bool:
    return not _generic(a) and not _generic(b) and a != b


@dataclass(frozen=True)
class Summary:
    """What matching needs of an open event."""

    event_id: str
    sub_event_type: S
    event_date: dt.date
    location: Location | None
    actor1: str | None
    first_seen: dt.datetime

    def to_record(self) -> dict[str, Any]:
        return {
            "id": self.event_id,
            "t": self.sub_event_type.value,
            "d": self.event_date.isoformat(),
            "l": self.location.model_dump(mode="json") if self.location else None,
            "a": self.actor1,
            "f": self.first_seen.isoformat(),
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Summary:
        return cls(
            event_id=record["id"],
            sub_event_type=S(record["t"]),
            event_date=dt.date.fromisoformat(record["d"]),
            location=Location.model_validate_json(json.dumps(record["l"])) if record["l"] else None,
            actor1=record["a"],
            first_seen=dt.datetime.fromisoformat(record["f"]),
        )

    @classmethod
    def of(cls, event: Event) -> Summary:
        return cls(
            event.event_id,
            event.sub_event_type,
            event.event_date,
            event.location,
            event.actor1,
            event.first_seen,
        )


def match_score(mention: EventMention, summary: Summary) -> int:
    """How well a mention fits an open event; 0 when it is another incident."""
    if not compatible_types(mention.sub_event_type, summary.sub_event_type):
        return 0
    place = place_affinity(mention.location, summary.location)
    if place == 0:
        return 0
    days = abs((mention.event_date - summary.event_date).days)
    same_type = mention.sub_event_type == summary.sub_event_type
    if days > 1 or (days == 1 and not (place == 3 and same_type)):
        return 0
    if actors_conflict(mention.actor1, summary.actor1) and not (
        place == 3 and same_type and days == 0
    ):
        return 0  # named perpetrators differ, unless town, kind and day all agree
    return 4 * place + 2 * same_type + (days == 0)


def event_id_for(mention: EventMention) -> str:
    """An event is named after the first report of it, so a replay gives the same id."""
    return hashlib.sha256(f"event:{mention.mention_id}".encode()).hexdigest()[:24]


def _value(mention: EventMention, field: str) -> int | str | None:
    value = getattr(mention, field)
    return value.value if hasattr(value, "value") else value


def figure_range(mentions: list[EventMention], field: str) -> FigureRange | None:
    """low, high and best of one figure over the reports (mentions sorted by publication)."""
    figures = [
        Figure(value=value, article_id=m.article_id, source=m.source, published=m.published)
        for m in mentions
        if (value := getattr(m, field)) is not None
    ]
    if not figures:
        return None
    low = min(figures, key=lambda f: (f.value, f.published, f.article_id))
    high = max(figures, key=lambda f: (f.value, -f.published.timestamp()))
    best = max(figures, key=lambda f: (f.published, f.value, f.article_id))
    return FigureRange(low=low, high=high, best=best)


def _most_common(values: list[Any]) -> Any:
    """The value most reports give; ties go to the earliest report's."""
    counts = Counter(values)
    top = max(counts.values())
    return next(v for v in values if counts[v] == top)


def build_event(
    event_id: str, version: int, mentions: Iterable[EventMention], copies: Iterable[ArticleCopy]
) -> Event:
    """The canonical event for a non-empty set of reports of one incident."""
    unique = {m.mention_id: m for m in mentions}
    ordered = sorted(unique.values(), key=lambda m: (m.published, m.article_id))
    if not ordered:
        raise ValueError("an event needs at least one mention")
    copied = sorted(
        {c.article_id: c for c in copies}.values(), key=lambda c: (c.published, c.article_id)
    )
    sub_event_type = _most_common([m.sub_event_type for m in ordered])
    located = [m.location for m in ordered if m.location is not None]
    precise = [loc for loc in located if loc.precision == "locality"] or located
    fatalities = figure_range(ordered, "fatalities")
    injured = figure_range(ordered, "injured")
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
    first_known = lambda field: next(  # noqa: E731
        (getattr(m, field) for m in ordered if getattr(m, field) is not None), None
    )
    independent = list(dict.fromkeys(m.source for m in ordered))
    every_report = [*ordered, *copied]
    reports = {
        r.article_id: SourceReport(
            article_id=r.article_id,
            source=r.source,
            url=r.url,
            published=r.published,
            republished=isinstance(r, ArticleCopy),
        )
        for r in reversed(every_report)  # an article's first mention is the one kept
    }
    return Event(
        event_id=event_id,
        version=version,
        event_type=event_type_of(sub_event_type),
        sub_event_type=sub_event_type,
        cameo_code=cameo_root_of(sub_event_type),
        event_date=_most_common([m.event_date for m in ordered]),
        country=ordered[0].country,
        location=_most_common(precise) if precise else None,
        actor1=first_known("actor1"),
        actor2=first_known("actor2"),
        fatalities=fatalities.best.value if fatalities else None,
        injured=injured.best.value if injured else None,
        evidence=evidence,
        confidence=max(m.confidence for m in ordered),
        article_ids=list(dict.fromkeys(r.article_id for r in every_report)),
        mention_ids=[m.mention_id for m in ordered],
        sources=list(dict.fromkeys([*independent, *(c.source for c in copied)])),
        independent_sources=independent,
        first_seen=min(r.published for r in every_report),
        last_updated=max(r.published for r in every_report),
        history=history,
        fatalities_range=fatalities,
        injured_range=injured,
        reports=sorted(reports.values(), key=lambda r: (r.published, r.article_id)),
    )


def _content(event: Event) -> str:
    """The event without its version: what a new version must change."""
    return event.model_dump_json(exclude={"version"})


class IncidentIndex:
    """Open events of the countries one worker handles.

    Two mappings hold the state: ``events``, event id -> {"mentions", "copies",
    "version", "digest", "date", "country", "summary"}, and ``articles``, article id ->
    event ids. The day index that finds candidates ("country|date" -> {event id:
    Summary}) is derived from ``events`` and kept in memory only: a report then writes
    its own event, not every open event of its country and day, and the index is
    rebuilt when ``events`` changed under it (a restart, partitions moving).
    """

    def __init__(
        self,
        events: MutableMapping[str, Any] | None = None,
        articles: MutableMapping[str, Any] | None = None,
    ) -> None:
        self.events = {} if events is None else events
        self.articles = {} if articles is None else articles
        self._days: dict[str, dict[str, Summary]] | None = None
        self._indexed = 0  # len(events) when the day index was last in step with it
        # event id -> its record and what was read from it: a report parses only itself,
        # not every earlier report of its incident again
        self._parsed: dict[str, _Parsed] = {}

    def event_ids_of(self, article_id: str) -> list[str]:
        """The events an article reported. Its record is versioned; a bare list is the
        format written before records carried versions."""
        record = self.articles.get(article_id)
        if not record:
            return []
        if isinstance(record, list):
            return list(record)
        check_version("merge", record, ARTICLE_RECORD_VERSION)
        return list(record["e"])

    def forget_day_index(self) -> None:
        """Rebuild the day index before its next use (the events' partitions moved)."""
        self._days = None
        self._parsed = {}

    def _day_index(self) -> dict[str, dict[str, Summary]]:
        if self._days is not None and self._indexed == len(self.events):
            return self._days
        days: dict[str, dict[str, Summary]] = {}
        records = list(self.events.items())
        for event_id, record in records:
            if not record:
                continue
            check_version("merge", record, EVENT_RECORD_VERSION)
            summary = (
                Summary.from_record(record["summary"])
                if "summary" in record  # state written before summaries were stored
                else Summary.of(self.current(event_id))
            )
            days.setdefault(f"{record['country']}|{record['date']}", {})[event_id] = summary
        # counted as len(events) counts them, or an empty record would force a rebuild
        # on every call
        self._days, self._indexed = days, len(records)
        return days

    def _candidates(self, mention: EventMention) -> list[Summary]:
        days = self._day_index()
        found = []
        for offset in (-1, 0, 1):
            day = mention.event_date + dt.timedelta(days=offset)
            for summary in days.get(f"{mention.country}|{day.isoformat()}", {}).values():
                if compatible_types(mention.sub_event_type, summary.sub_event_type):
                    found.append(summary)
        return found

    def _state(self, event_id: str) -> tuple[list[EventMention], list[ArticleCopy]]:
        record = self.events[event_id]
        parsed = self._parsed.get(event_id)
        if parsed is None or parsed.record is not record:  # replaced under us: read again
            check_version("merge", record, EVENT_RECORD_VERSION)
            parsed = _Parsed(
                record,
                {m: EventMention.model_validate_json(j) for m, j in record["mentions"].items()},
                {a: ArticleCopy.model_validate_json(j) for a, j in record["copies"].items()},
            )
            self._parsed[event_id] = parsed
        return list(parsed.mentions.values()), list(parsed.copies.values())

    def _save(
        self, event_id: str, mentions: list[EventMention], copies: list[ArticleCopy]
    ) -> Event | None:
        """Store the event's new state; the new version, or None when nothing changed."""
        days = self._day_index()  # before writing, so the write is not taken for a change
        before = self.events.get(event_id)
        version = before["version"] if before else 0
        candidate = build_event(event_id, max(version, 1), mentions, copies)
        digest = hashlib.sha256(_content(candidate).encode()).hexdigest()
        if before is not None and digest == before["digest"]:
            return None
        event = candidate.model_copy(update={"version": version + 1})
        summary = Summary.of(event)
        known = self._parsed.get(event_id)
        if known is None or known.record is not before:
            known = _Parsed(before, {}, {})
        record = stamped(
            {
                "mentions": {
                    m.mention_id: known.json("mentions", m.mention_id, m, known.mentions)
                    for m in mentions
                },
                "copies": {
                    c.article_id: known.json("copies", c.article_id, c, known.copies)
                    for c in copies
                },
                "version": event.version,
                "digest": digest,
                "date": event.event_date.isoformat(),
                "country": event.country,
                "summary": summary.to_record(),
            },
            EVENT_RECORD_VERSION,
        )
        self.events[event_id] = record
        self._parsed[event_id] = _Parsed(
            record, {m.mention_id: m for m in mentions}, {c.article_id: c for c in copies}
        )
        if before is None:
            self._indexed += 1
        else:
            self._unindex(days, event_id, f"{before['country']}|{before['date']}")
        days.setdefault(f"{event.country}|{event.event_date.isoformat()}", {})[event_id] = summary
        for article_id in event.article_ids:
            known = self.event_ids_of(article_id)
            if event_id not in known:
                self.articles[article_id] = _article_record([*known, event_id])
        return event

    @staticmethod
    def _unindex(days: dict[str, dict[str, Summary]], event_id: str, key: str) -> None:
        bucket = days.get(key)
        if bucket is not None:
            bucket.pop(event_id, None)
            if not bucket:
                del days[key]

    def events_of(self, article_id: str) -> list[Event]:
        """Current versions of the events an article reported (to re-send after a crash)."""
        return [
            self.current(event_id)
            for event_id in self.event_ids_of(article_id)
            if event_id in self.events
        ]

    def current(self, event_id: str) -> Event:
        mentions, copies = self._state(event_id)
        return build_event(event_id, self.events[event_id]["version"], mentions, copies)

    def add_mention(self, mention: EventMention) -> Event | None:
        """Fold a report in; the event's new version, or None when it changes nothing."""
        for event_id in self.event_ids_of(mention.article_id):
            if event_id in self.events and mention.mention_id in self.events[event_id]["mentions"]:
                mentions, copies = self._state(event_id)
                updated = [mention if m.mention_id == mention.mention_id else m for m in mentions]
                return self._save(event_id, updated, copies)
        scored = [(match_score(mention, s), s) for s in self._candidates(mention)]
        scored = [(score, s) for score, s in scored if score > 0]
        if not scored:
            return self._save(event_id_for(mention), [mention], [])
        _, best = max(scored, key=lambda item: (item[0], -item[1].first_seen.timestamp()))
        mentions, copies = self._state(best.event_id)
        return self._save(best.event_id, [*mentions, mention], copies)

    def add_copy(self, copy: ArticleCopy) -> list[Event]:
        """Record a republished copy as one more source of its original's events."""
        changed = []
        for event_id in self.event_ids_of(copy.original_id):
            if event_id not in self.events:
                continue
            mentions, copies = self._state(event_id)
            others = [c for c in copies if c.article_id != copy.article_id]
            event = self._save(event_id, mentions, [*others, copy])
            if event is not None:
                changed.append(event)
        return changed

    def evict(self, horizon: dt.date) -> int:
        """Forget events dated before the horizon, and the articles that only they cited."""
        cutoff = horizon.isoformat()
        days = self._day_index()
        gone = []
        for key in [k for k in days if k.split("|", 1)[1] < cutoff]:
            gone.extend(days.pop(key))
        self._indexed -= len(gone)
        for event_id in gone:
            record = self.events.get(event_id)
            if record is None:
                continue
            for article_id in json.loads(_article_ids(record)):
                left = [e for e in self.event_ids_of(article_id) if e != event_id]
                if left:
                    self.articles[article_id] = _article_record(left)
                elif article_id in self.articles:
                    del self.articles[article_id]
            del self.events[event_id]
            self._parsed.pop(event_id, None)
        return len(gone)


@dataclass
class _Parsed:
    """An event's stored record, and its reports and copies as read from it."""

    record: dict[str, Any] | None
    mentions: dict[str, EventMention]
    copies: dict[str, ArticleCopy]

    def json(self, part: str, key: str, item: EventMention | ArticleCopy, read: dict) -> str:
        """ITEM as JSON: the record's own text when ITEM is what was read from it."""
        if self.record is not None and read.get(key) is item:
            return self.record[part][key]
        return item.model_dump_json()


def _article_ids(record: dict[str, Any]) -> str:
    """The article ids an event's stored state cites, as a JSON list."""
    ids = [json.loads(m)["article_id"] for m in record["mentions"].values()]
    ids += list(record["copies"])
    return json.dumps(ids)
