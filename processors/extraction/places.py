"""Where an event happened: place names in the event's sentences, resolved in GeoNames.

A name is weighed by where it stands (in the sentence that reports the event, after
"in"/"on"/"town of"), by whether its country is the one the article is about (Barda
in an article about Azerbaijan is not the Barda in Russia), and by its population.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from processors.extraction.countries import is_country_word
from processors.extraction.gazetteer import Gazetteer, Place

_CANDIDATE = re.compile(
    r"(?<![\w'’-])((?:(?:al|el|as|ad|an|ar|ash|at)-)?[A-Z][\w'’]*(?:-[A-Z]?[\w'’]+)*"
    r"(?:\s+(?:(?:al|el)-)?[A-Z][\w'’]*(?:-[\w'’]+)*){0,2})"
)
_LOCATIVE_BEFORE = re.compile(
    r"(?:\b(?:in|on|at|near|into|outside|over|of|from|hit|struck|targeted|shelled|bombed|"
    r"attacked|town|city|village|district|outskirts\s+of)\s+(?:the\s+)?)$",
    re.I,
)
_ADMIN_AFTER = re.compile(r"^\s+(?:region|province|oblast|state|governorate)\b", re.I)
_NOT_PLACES = frozenset(
    [
        "a",
        "an",
        "the",
        "at",
        "in",
        "on",
        "of",
        "and",
        "but",
        "as",
        "by",
        "for",
        "from",
        "with",
        "after",
        "before",
        "during",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "his",
        "her",
        "their",
        "our",
        "we",
        "they",
        "he",
        "she",
        "some",
        "another",
        "several",
        "both",
        "all",
        "many",
        "most",
        "more",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "sept",
        "oct",
        "nov",
        "dec",
        "jan",
        "feb",
        "aug",
        "president",
        "minister",
        "prime",
        "foreign",
        "defence",
        "defense",
        "ministry",
        "army",
        "police",
        "officials",
        "official",
        "captain",
        "governor",
        "spokesman",
        "spokeswoman",
        "general",
        "colonel",
        "rescue",
        "images",
        "footage",
        "witnesses",
        "residents",
        "medics",
        "doctors",
        "hospital",
        "united",
        "nations",
        "security",
        "council",
        "red",
        "cross",
        "international",
        "committee",
        "opposition",
        "telegram",
        "twitter",
        "reuters",
        "agency",
        "news",
        "meanwhile",
        "however",
        "earlier",
        "later",
        "monday's",
        "gmt",
        "local",
        "capital",
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "houthi",
        "white",
        "helmets",
        "liberty",
        "square",
    ]
)


@dataclass(frozen=True)
class ResolvedPlace:
    place: Place
    admin1: str | None
    precision: str
    evidence: str


def _candidates(sentence: str) -> list[tuple[str, int, bool]]:
    """(name, start, looks locative) for every capitalized span and its sub-spans."""
    found = []
    for match in _CANDIDATE.finditer(sentence):
        words = match.group(1).split()
        for size in range(len(words), 0, -1):
            for first in range(len(words) - size + 1):
                name = " ".join(words[first : first + size])
                name = re.sub(r"['’]s$", "", name)
                if name.lower() in _NOT_PLACES or is_country_word(name):
                    continue
                start = match.start() + match.group(1).find(words[first])
                locative = bool(_LOCATIVE_BEFORE.search(sentence[:start]))
                found.append((name, start, locative))
    return found


def _admin_names(sentences: list[str]) -> set[str]:
    names = set()
    for sentence in sentences:
        for name, start, _ in _candidates(sentence):
            if _ADMIN_AFTER.match(sentence[start + len(name) :]):
                names.add(name)
    return names


def resolve_place(
    gazetteer: Gazetteer,
    weighted_sentences: list[tuple[str, float]],
    country_counts: dict[str, int],
) -> ResolvedPlace | None:
    """The best-supported place among the sentences, or None when nothing fits."""
    scores: dict[int, float] = {}
    evidence: dict[int, str] = {}
    top_country = max(country_counts.values(), default=0)
    sentences = [sentence for sentence, _ in weighted_sentences]
    admin_names = _admin_names(sentences)
    for sentence, weight in weighted_sentences:
        for name, start, locative in _candidates(sentence):
            places = gazetteer.lookup(name)
            if not places:
                continue
            is_admin_phrase = _ADMIN_AFTER.match(sentence[start + len(name) :]) is not None
            for place in places[:25]:
                score = weight
                score += 2.0 if locative else 0.0
                score += min(math.log10(place.population + 1) / 2, 3.5)
                score += 0.5 * (len(name.split()) - 1)
                mentions = country_counts.get(place.country, 0)
                if mentions:
                    score += 2.0 + 2.0 * mentions / top_country
                elif country_counts:
                    score -= 4.0
                if is_admin_phrase:
                    score -= 1.5
                if score > scores.get(place.geonames_id, -math.inf):
                    scores[place.geonames_id] = score
                    evidence[place.geonames_id] = sentence
    if not scores:
        return None
    best_id = max(scores, key=lambda key: scores[key])
    if scores[best_id] < 4.0:
        return None
    place = gazetteer.places[best_id]
    admin1 = None
    for name in admin_names:
        if any(
            p.country == place.country and p.admin1_code == place.admin1_code
            for p in gazetteer.lookup(name)
        ):
            admin1 = name
            break
    return ResolvedPlace(place, admin1, "locality", evidence[best_id])
