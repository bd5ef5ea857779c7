"""One article in, the conflict events it reports out: the extraction stage's logic.

Pure: no Kafka, no I/O beyond the gazetteer loaded once. The faust agent, the
``wirewatch extract`` command and the evaluation all call ``extract_events``.

An article's first reportable sentence with an event trigger (in its lead) opens its
first event; the sentences after it add the toll, the date and the place. A later
trigger sentence opens another event only when it says so ("Separately, ...",
"In separate fighting ...") or when it names another place and its own toll or day,
as daily roundups do ("In Nikopol, artillery fire killed a woman on Tuesday").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from infra.geo import distance_km
from processors.extraction.actors import assign_actors, group_countries
from processors.extraction.capital_place import capital_location
from processors.extraction.compass_region import compass_location
from processors.extraction.countries import (
    LOCATIVE_WEIGHT,
    countries_in_order,
    country_mentions,
    country_name,
)
from processors.extraction.dates import ResolvedDate, resolve_date
from processors.extraction.gazetteer import Gazetteer, get_gazetteer, normalize_name
from processors.extraction.nonevents import is_ordinary_arrest
from processors.extraction.place_context import actor_context_only, inferred_countries
from processors.extraction.places import ResolvedPlace, resolve_place
from processors.extraction.protests import PROTEST_TYPES, escalation, stronger
from processors.extraction.sentences import MAX_SENTENCE_CHARS, dateline_place, split_sentences
from processors.extraction.tolls import Toll, find_toll, is_cumulative, live_text
from processors.extraction.triggers import (
    before_forward_clause,
    event_triggers,
    is_figurative,
    new_event_text,
    trigger_position,
)
from schemas.article import Article
from schemas.event import EventMention, Location
from schemas.taxonomy import SubEventType, cameo_root_of, event_type_of

LEAD_SENTENCES = 8  # where a report states its main event
# how far the extractor reads: wire copy states its events well before the 60th sentence,
# and the bound keeps any article, however long or odd, within the time budget
MAX_SENTENCES = 60
TOLL_WINDOW = 4  # sentences, from an event's own, that may carry its toll
HISTORICAL_AFTER = dt.timedelta(days=30)  # older events are looked back on, not reported
SAME_PLACE_KM = 25.0

_SEPARATE = re.compile(
    r"^(?:Separately|Elsewhere|Meanwhile|In\s+(?:a\s+)?separate\s+\w+|In\s+another\s+\w+|"
    r"Also\s+on\s+\w+|In\s+a\s+further\s+\w+)\b",
    re.I,
)
# where one clause of a roundup ends and the next, perhaps elsewhere, begins
_CLAUSE_BREAK = re.compile(
    r",?\s+(?:and|while|whereas)\s+(?!(?:injured|wounded|killed|dead|others|another)\b)|"
    r";\s*|\s*…+\s*|\s*\.\.+\s*"
)
# a capitalized name past a sentence's first word ("... target al-Suwaidaa countryside")
_INNER_CAPITAL = re.compile(r"\s(?:(?:al|el|ad|ar|as|an|ash|at)-)?[A-Z]")
_BETWEEN = re.compile(r"\b(?:between|from)\s+(?:the\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*$")
# a clause that only names a place, after one that reports an event: "... in Idlib and Hama"
_PLACE_ONLY = re.compile(
    r"(?:(?:the|its|in|on|at|near)\s+)*(?:(?:north|south|east|west)\w*\s+)?(?:countryside\s+of\s+)?"
    r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,3}(?:\s+(?:countryside|city|province|governorate|area|town|desert))?"
)
# where one item of a roundup's list ends: its clauses, and its comma-separated items
_LIST_BREAK = re.compile(rf"(?:{_CLAUSE_BREAK.pattern})|,\s+|\s+[-–—]\s+")
# an item that places something somewhere: "clashes in Daraa", "raids on Binnish", "the
# countryside of Hama"; not "from Raqqa", which says where someone came from
_LISTED_PLACE = re.compile(
    r"\b(?:in|on|at|near|around|of|targets?|targeted|targeting|hits?|shell|shells|shelled|bomb|"
    r"bombed|bombs|raid|raids|attack|attacks|attacked|storm|storms|control|controls)\s+"
    r"(?:the\s+)?(?:[a-z-]+\s+){0,3}(?:(?:al|el|ad|ar|as|an|ash|at)-)?[A-Z]"
)
_MONTH_NAMES = (
    r"January|February|March|April|May|June|July|August|September|October|November|December"
)
_YEAR_MENTION = re.compile(
    rf"\b(?:[Ii]n|[Tt]he|[Oo]f)\s+(?:(?:early|late|mid-?)\s*)?(?:(?P<month>{_MONTH_NAMES})\s+)?(?P<year>(?:19|20)\d\d)\b"
)


def mention_id_for(article_id: str, index: int) -> str:
    return hashlib.sha256(f"{article_id}:{index}".encode()).hexdigest()[:32]


_MONTH_ONLY = re.compile(
    rf"\b[Ii]n\s+(?:(?:early|late|mid-?)\s*)?(?P<month>{_MONTH_NAMES})\b(?!\s+\d)"
)


def looks_back(sentence: str, published: dt.date) -> bool:
    """True when the sentence places its events in an earlier year or month ("in July 1995",
    "in June" in a July report): a look back, not a report of a new incident."""
    for match in _MONTH_ONLY.finditer(sentence):
        if _MONTH_NAMES.split("|").index(match.group("month")) + 1 != published.month:
            return True
    for match in _YEAR_MENTION.finditer(sentence):
        year = int(match.group("year"))
        if year < published.year - 1:
            return True
        if year == published.year - 1:
            month = match.group("month")
            if month is None:
                return True
            month_number = _MONTH_NAMES.split("|").index(month) + 1
            if dt.date(year, month_number, 28) < published - HISTORICAL_AFTER:
                return True
    return False


def _reportable(sentence: str, published: dt.date) -> str:
    """The sentence's clauses that may report a new event ("" when none may)."""
    if looks_back(sentence, published):
        return ""
    text = new_event_text(sentence)
    return live_text(text) if text else ""


@dataclass
class _Span:
    """The sentences one event is built from, its own first."""

    sub_event_type: SubEventType
    sentences: list[str]
    from_title: bool = False
    anchor: ResolvedPlace | None = None  # the place its own sentence names, once asked
    anchored: bool = False
    clause: bool = False  # one clause of a sentence that reports events in several places

    def place(self, gazetteer: Gazetteer, country_counts: dict[str, int]) -> ResolvedPlace | None:
        if not self.anchored:
            self.anchor = resolve_place(gazetteer, [(self.sentences[0], 3.0)], country_counts)
            self.anchored = True
        return self.anchor


def _is_elsewhere(
    candidate: _Span, spans: list[_Span], gazetteer: Gazetteer, country_counts: dict[str, int]
) -> bool:
    place = candidate.place(gazetteer, country_counts)
    if place is None:
        return False
    for span in spans:
        anchor = span.place(gazetteer, country_counts)
        if anchor is None:
            continue
        if anchor.location.name == place.location.name:
            return False
        a, b = anchor.location, place.location
        if distance_km(a.lat, a.lon, b.lat, b.lon) <= SAME_PLACE_KM:
            return False
    return True


def _has_own_details(sentence: str, published: dt.datetime) -> bool:
    toll = find_toll([sentence])
    when = resolve_date([sentence], published, None)
    return toll.killed is not None or toll.injured is not None or when.explicit


def _clauses(sentence: str) -> list[str]:
    """The coordinated clauses of a sentence: "Shells hit Damascus and clashes erupt around
    Talbiseh" gives two; "killed and injured" stays whole."""
    parts = [part.strip(" ,") for part in _CLAUSE_BREAK.split(sentence)]
    return [part for part in parts if part] or [sentence]


def _split_by_place(
    span: _Span,
    gazetteer: Gazetteer,
    country_counts: dict[str, int],
    published: dt.date,
) -> list[_Span]:
    """One span per clause of its sentence that reports its own event somewhere else: a
    roundup sentence or headline ("Russian airstrikes target Aleppo and clashes continue in
    Hama countryside") tells as many events as places, as ACLED codes them."""
    sentence = span.sentences[0]
    if not _CLAUSE_BREAK.search(sentence) or len(_INNER_CAPITAL.findall(sentence)) < 2:
        return [span]  # one clause, or one name at most: nothing to split
    clauses = _clauses(sentence)
    named = [
        bool(_INNER_CAPITAL.search(clause if i == 0 else f" {clause}"))
        for i, clause in enumerate(clauses)
    ]
    if sum(named) < 2:
        return [span]  # at most one clause names anything: one place, one event
    found: list[_Span] = []
    previous: _Span | None = None
    for clause in clauses:
        live = _reportable(clause, published)
        triggers = event_triggers(live) if live else []
        if (
            not triggers
            and previous is not None
            and _PLACE_ONLY.fullmatch(clause)
            and not _BETWEEN.search(previous.sentences[0])
        ):
            triggers = [previous.sub_event_type]  # "Bombardment targets Idlib and Hama"
        previous = None
        if not triggers:
            continue
        candidate = _Span(triggers[0], [clause, *span.sentences], span.from_title)
        previous = candidate
        if not found:
            found.append(candidate)
        elif all(kept.place(gazetteer, country_counts) for kept in found) and _is_elsewhere(
            candidate, found, gazetteer, country_counts
        ):
            found.append(candidate)  # each clause names its own place, and they differ
    if len(found) < 2:
        return [span]
    for clause_span in found:
        clause_span.clause = True
    return found


def _listed_places(
    spans: list[_Span],
    gazetteer: Gazetteer,
    country_counts: dict[str, int],
    published: dt.date,
) -> list[_Span]:
    """The spans, plus one for each further place a roundup sentence lists where something
    happens: "Shells hit Jobar, raids on Sheikh Meskin and clashes in the countryside of
    Daraa" reports an event in each of three places, though only the first clause says
    which act; each place named after "in", "on", "near"... in its own item of the list
    gets the act of its item, else the act of the sentence."""
    if not spans or not country_counts:
        return spans
    first = spans[0]
    sentence = first.sentences[1] if first.clause else first.sentences[0]
    if len(_INNER_CAPITAL.findall(sentence)) < 2:
        return spans
    items = [item.strip(" ,") for item in _LIST_BREAK.split(sentence)]
    if len(items) < 2:
        return spans
    kept = list(spans)
    listing = False  # whether the item before placed something: "on Duma and Harasta"
    previous = ""
    for item in items:
        listing = bool(_LISTED_PLACE.search(item)) or (
            listing and bool(_PLACE_ONLY.fullmatch(item)) and not _BETWEEN.search(previous)
        )  # "a village between Kano and Katsina" is one place
        previous = item
        if not listing:
            continue
        place = resolve_place(gazetteer, [(item, 3.0)], country_counts)
        if place is None or place.country not in country_counts:
            continue
        if any(_near(place, span.place(gazetteer, country_counts)) for span in kept):
            continue
        live = _reportable(item, published)
        triggers = event_triggers(live) if live else []
        extra = _Span(
            triggers[0] if triggers else first.sub_event_type,
            [item, *(first.sentences[1:] if first.clause else first.sentences)],
            first.from_title,
            anchor=place,
            anchored=True,
            clause=True,
        )
        kept.append(extra)
    return kept


def _near(place: ResolvedPlace, other: ResolvedPlace | None) -> bool:
    if other is None:
        return False
    a, b = place.location, other.location
    return a.name == b.name or distance_km(a.lat, a.lon, b.lat, b.lon) <= SAME_PLACE_KM


def _spans(
    article: Article,
    body: list[str],
    gazetteer: Gazetteer,
    country_counts: dict[str, int],
) -> list[_Span]:
    published = article.published.date()
    spans: list[_Span] = []
    for index, sentence in enumerate(body):
        live = _reportable(sentence, published)
        triggers = event_triggers(live) if live else []
        if not triggers:
            if spans and not is_cumulative(sentence):
                spans[-1].sentences.append(sentence)
            continue
        candidate = _Span(triggers[0], [sentence])
        if not spans:
            if index < LEAD_SENTENCES:
                spans.extend(_split_by_place(candidate, gazetteer, country_counts, published))
            continue
        if _SEPARATE.match(sentence) or (
            _has_own_details(sentence, article.published)
            and _is_elsewhere(candidate, spans, gazetteer, country_counts)
        ):
            spans.append(candidate)
        else:
            spans[-1].sentences.append(sentence)
    if not spans and _reportable(article.title, published):
        # a headline is one sentence, or a few clauses: "Twenty killed as al-Shabaab attacks base"
        triggers = event_triggers(article.title)
        if triggers:
            title_span = _Span(triggers[0], [article.title, *body], from_title=True)
            split = _split_by_place(title_span, gazetteer, country_counts, published)
            spans.extend(_listed_places(split, gazetteer, country_counts, published))
    return spans


@dataclass(frozen=True)
class _Where:
    """Where an event is placed, and the sentence that says so (None: the lead's or the
    country's place, said by no sentence of its own)."""

    country: str
    location: Location | None
    timezone: str | None
    resolved: ResolvedPlace | None


def _where(
    article: Article,
    number: int,
    span: _Span,
    gazetteer: Gazetteer,
    country_counts: dict[str, int],
    lead: EventMention | None,
) -> _Where | None:
    """The event's place: its own clause's, else the best-supported town or region of its
    sentences, else the lead event's, else the country's; None when no country is known."""
    event_sentence = span.sentences[0]
    weighted = [(event_sentence, 3.0)]
    if number == 0 and not span.from_title:
        weighted.append((article.title, 2.0))
    weighted += [(sentence, 1.0) for sentence in span.sentences[1:TOLL_WINDOW]]
    if span.clause and span.place(gazetteer, country_counts) is not None:
        resolved = span.anchor  # the place its own clause names, not its neighbour's
    else:
        resolved = resolve_place(gazetteer, weighted, country_counts)
    if resolved is not None:
        return _Where(resolved.country, resolved.location, resolved.timezone, resolved)
    if lead is not None and lead.location is not None:
        # "Separately, mortar shells landed near the city's airport": the lead's place
        return _Where(lead.country, lead.location, None, None)
    if country_counts:
        # no town and no region named: the event is placed in the country, as ACLED codes it,
        # or in its capital when said to be there ("shells target the capital"), or in the
        # one region that clearly lies the way a bearing says ("NE Nigeria")
        country = max(country_counts, key=lambda code: country_counts[code])
        said = [sentence for sentence, _ in weighted]
        part = capital_location(gazetteer, country_counts, said) or compass_location(
            gazetteer, country, said
        )
        return _Where(country, part or country_location(gazetteer, country), None, None)
    return None


def _when(
    article: Article,
    span: _Span,
    timezone: str | None,
    first_date: ResolvedDate | None,
) -> ResolvedDate:
    """The event's date: its own sentences', else the article's first explicit one."""
    event_sentence = span.sentences[0]
    window = span.sentences[:TOLL_WINDOW]
    focus = trigger_position(event_sentence, span.sub_event_type)
    # "The deal will be put to a referendum on October 2": a date ahead dates no event
    dated = [live_text(event_sentence) or event_sentence]
    dated += [live_text(text) or text for text in map(before_forward_clause, window[1:])]
    when = resolve_date(dated, article.published, timezone, focus)
    if when.evidence is not None:
        when = ResolvedDate(when.date, when.explicit, _original(when.evidence, window))
    if not when.explicit and first_date is not None and first_date.explicit:
        when = first_date
    return when


def _toll(article: Article, number: int, window: list[str]) -> Toll:
    """The toll of the event's window; the first event also takes the headline's."""
    toll = find_toll(window)
    if number == 0 and toll.killed is None and toll.injured is None:
        title_toll = find_toll([article.title])
        toll = title_toll if title_toll.killed is not None else toll
    return toll


def _confidence(where: _Where, when: ResolvedDate, toll: Toll, span: _Span) -> float:
    confidence = 0.5
    confidence += 0.2 if where.location is not None else 0.0
    confidence += 0.1 if when.explicit else 0.0
    confidence += 0.1 if toll.killed is not None or toll.injured is not None else 0.0
    confidence -= 0.2 if span.from_title else 0.0
    return round(min(confidence, 0.95), 2)


def _mention(
    article: Article,
    number: int,
    span: _Span,
    gazetteer: Gazetteer,
    country_counts: dict[str, int],
    first_date: ResolvedDate | None,
    lead: EventMention | None,
    read_text: str,
) -> EventMention | None:
    event_sentence = span.sentences[0]
    window = span.sentences[:TOLL_WINDOW]
    where = _where(article, number, span, gazetteer, country_counts, lead)
    if where is None:
        return None
    when = _when(article, span, where.timezone, first_date)
    if when.date < article.published.date() - HISTORICAL_AFTER:
        return None
    toll = _toll(article, number, window)

    sub_event_type = span.sub_event_type
    if sub_event_type in PROTEST_TYPES:
        # "... Police fired tear gas." a sentence or two on
        sub_event_type = stronger(escalation(window), sub_event_type)
    elif sub_event_type == SubEventType.ARRESTS and is_ordinary_arrest(read_text):
        return None  # police work on crime: no political or armed side anywhere
    event_type = event_type_of(sub_event_type)
    actor1, actor2 = assign_actors(
        sub_event_type, event_type, [event_sentence], read_text, where.country
    )
    evidence: list[str] = []
    for sentence in (
        event_sentence,
        where.resolved.evidence if where.resolved else None,
        when.evidence,
        toll.killed_sentence,
        toll.injured_sentence,
    ):
        if sentence and sentence not in evidence:
            evidence.append(sentence)
    return EventMention(
        mention_id=mention_id_for(article.id, number),
        article_id=article.id,
        source=article.source,
        url=article.url,
        published=article.published,
        event_type=event_type,
        sub_event_type=sub_event_type,
        cameo_code=cameo_root_of(sub_event_type),
        event_date=when.date,
        country=where.country,
        location=where.location,
        actor1=actor1,
        actor2=actor2,
        fatalities=toll.killed,
        injured=toll.injured,
        evidence=evidence,
        confidence=_confidence(where, when, toll, span),
    )


def country_location(gazetteer: Gazetteer, country: str) -> Location | None:
    """A country-precision location: the country's population-weighted centre."""
    centre = gazetteer.country_centres.get(country)
    if centre is None:
        return None
    return Location(
        name=country_name(country),
        admin1=None,
        lat=centre[0],
        lon=centre[1],
        geonames_id=None,
        precision="country",
    )


def _original(text: str, sentences: list[str]) -> str:
    return next((s for s in sentences if text in s or s in text), text)


def _same_event(a: EventMention, b: EventMention) -> bool:
    same_place = (a.location is None and b.location is None) or (
        a.location is not None and b.location is not None and a.location.name == b.location.name
    )
    return a.sub_event_type == b.sub_event_type and same_place and a.event_date == b.event_date


def extract_events(article: Article, gazetteer: Gazetteer | None = None) -> list[EventMention]:
    """The events an article reports as news; [] for metaphors, anniversaries and threats."""
    gazetteer = gazetteer or get_gazetteer()
    title = article.title[:MAX_SENTENCE_CHARS]
    body = split_sentences(article.text)[:MAX_SENTENCES]
    read_text = "\n".join([title, *body])  # all the extractor reads of the article
    if is_figurative(read_text):
        return []
    mentioned = country_mentions(read_text)
    country_counts = dict(mentioned.places)  # a copy: `mentioned` stays what the text names
    dateline = dateline_place(article.text, gazetteer)
    if dateline is not None and dateline.country not in country_counts:
        # "IMPHAL -": the outlet says where it reports from
        country_counts[dateline.country] = LOCATIVE_WEIGHT
    if not country_counts:
        # "TNLA clashed in Namhsan township", "Sudan's army shelled positions", "attack in
        # Borno state": the groups, forces and regions named say which country, before
        # any place is looked for worldwide
        country_counts = inferred_countries(
            gazetteer,
            [title, *body],
            mentioned.home_actors or group_countries(read_text),
            article.source,
        )
    lead_sentences = [(article.title, 2.0), *[(s, 1.0) for s in body[:2]]]
    if country_counts and actor_context_only(read_text, country_counts, mentioned):
        # "Two Turkish soldiers killed in Afrin": a town named as the place, with no
        # namesake in the soldiers' country, beats their nationality
        here = resolve_place(gazetteer, lead_sentences, country_counts)
        if here is None or here.country not in country_counts:
            lead = resolve_place(gazetteer, lead_sentences, {})
            if (
                lead is not None
                and lead.country not in country_counts
                # as written, never a loose spelling ("Crimean" is not Kerman in Iran)
                and normalize_name(lead.location.name) in normalize_name(lead.evidence)
            ):
                country_counts = {lead.country: 1}
    if not country_counts:
        # "One dead as Nairobi protests turn violent": a large town's country sets the context
        lead = resolve_place(gazetteer, lead_sentences, {})
        if lead is not None:
            country_counts = {lead.country: 1}
    if not country_counts and (named := countries_in_order(read_text)):
        # "an Iraqi air strike on Hawija": a country named only as who acted is no context
        # for the text, but a town of the lead that lies in it is the place
        lead = resolve_place(gazetteer, lead_sentences, dict.fromkeys(named, 1))
        if lead is not None and lead.country in named:
            country_counts = {lead.country: 1}
    mentions: list[EventMention] = []
    first_date: ResolvedDate | None = None
    for span in _spans(article, body, gazetteer, country_counts):
        mention = _mention(
            article,
            len(mentions),
            span,
            gazetteer,
            country_counts,
            first_date,
            mentions[0] if mentions else None,
            read_text,
        )
        if mention is None or any(_same_event(mention, kept) for kept in mentions):
            continue
        if first_date is None:
            first_date = resolve_date(span.sentences[:TOLL_WINDOW], article.published, None)
        mentions.append(mention)
    return mentions
