"""Where an event happened: place names in the event's sentences, resolved in GeoNames.

A town's name is weighed by where it stands (in the sentence that reports the event,
after "in"/"on"/"town of"), by whether its country is the one the article is about
(Barda in an article about Azerbaijan is not the Barda in Russia), by whether it lies
in a region the article names (Lyman "in Donetsk region", not the Lyman near
Kharkiv), and by its population. When no town is named, a named region ("a village
in Zamfara state") places the event at region precision.

Regions by name, one rule (`_regions_of_name`): a name is a first-level region when it is
named as one ("Idlib province", "Borno state"; a spelling variant of a region abroad does
not count when the text is about another country: "al-Mayadin desert" is the desert
around al-Mayadin, not Medina's region), after "in" (a region of another country only
when no other country has a region of that name: "France rules out talks; 10 killed in
Borno"), or anywhere when it is a region of a country the text is about ("Fresh Borno
attacks", "a Benue village", "Gunmen attack Kogi office", "northern Gaza Strip"). A name
inside an armed group's ("Arakan Army") is none, and one that is also a common word
("Plateau", "Delta") counts only after "in" or before "State".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from processors.extraction.countries import countries_in_order, is_country_word
from processors.extraction.gazetteer import (
    ARABIC_ARTICLES,
    Gazetteer,
    Place,
    Region,
    is_town,
    normalize_name,
    region_key,
    skeleton,
)
from processors.extraction.group_homes import group_spans
from processors.extraction.textcache import text_cache
from schemas.event import Location

_CANDIDATE = re.compile(
    r"(?<![\w'’-])((?:(?:al|el|as|ad|an|ar|ash|at)-)?[A-Z][\w'’]*(?:-[A-Z]?[\w'’]+)*"
    r"(?:\s+(?:(?:al|el|ez|es|ed|ad|ar|as|an|ash|at|az|ul|er|en|et)-)?[A-Z][\w'’]*(?:-[\w'’]+)*){0,2})"
)
_LOCATIVE_BEFORE = re.compile(
    r"(?:\b(?:in|on|at|near|into|outside|over|of|from|hit|hits|struck|targeted|targets?|shelled|shell|"
    r"bombed|attacked|town|city|village|district|outskirts\s+of|around|toward|towards|north|south|east|"
    r"west|northeast|northwest|southeast|southwest)\s+(?:the\s+)?"
    r"(?:(?:central|downtown|greater|rural|northern|southern|eastern|western|north-?eastern|"
    r"north-?western|south-?eastern|south-?western)\s+)?)$",
    re.I,
)
# "Sagaing's Kanbalu township", "Deir Ezzor's Mayadin": the possessor is the region
# the place lies in; the place is the name after it
_POSSESSOR_BEFORE = re.compile(r"(?<![\w'’-])[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?['’]s\s+$")
_POSSESSED_AFTER = re.compile(r"['’]s\s+(?:(?:al|el|ad|ar|as|an|ash|at)-)?[A-Z]")
_ADMIN_AFTER = re.compile(
    r"\s+(?:(?i:region|province|oblast|governorate|department|prefecture|desert|county)|"
    r"state|State(?!\s+(?:of|Department|Councill?or|Media|TV|Television|News))|countryside)\b(?!['’]s)"
)
# "the countryside of Hama", "Idlib province": the name is the region, not its capital
_ADMIN_BEFORE = re.compile(
    r"\b(?:countryside|province|governorate|region|state|oblast|desert|outskirts\s+of\s+the\s+province)\s+of\s+(?:the\s+)?$",
    re.I,
)
# "Jaysh al-Islam", "Sultan Murad faction", "Rahman Corps": words of a group's name are no place
_GROUP_NAME = re.compile(
    r"\b(?:(?:Jaysh|Jaish|Jabhat|Harakat|Liwa|Ahrar|Hayyaat|Hay'?at|Tahrir|Jund|Ansar|Faylaq|Katibat|"
    r"Kata'?ib|Saraya|Lashkar|Tehrik|Jamaat|Jama'at|Asa'?ib|Hizb)(?:[\s-]+(?:al|el|e|i|ul)?-?[A-Z][\w'’]+){1,3}|"
    r"(?<![\w'’-])(?:[A-Z][\w'’-]*+\s+){1,3}(?:Brigades?|Corps|Battalions?|Division|Front|Movement|Army|Forces|"
    r"[Ff]action|[Mm]ilitia|Group|Organi[sz]ation|Party|Council|Alliance|Regiment|Guards?)|"
    r"[Oo]peration\s+[“\"‘']?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2}|"  # Operation "Olive Branch"
    # a person's title and name: "Prime Minister Nikol Pashinyan", "Gen. Abdel Fattah"
    r"(?:President|Prime\s+Minister|Minister|Gen(?:eral|\.)|Col(?:onel|\.)|Lt\.|Maj(?:or|\.)|"
    r"Commander|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|King|Prince|Governor|Gov\.|Mayor|Senator|Sen\.|Rep\.|"
    r"Pope|Emir|Imam|Bishop|Judge)\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2}|"
    r"[“\"‘'][A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,2}[”\"’']\s+[Oo]peration)"
)
# The generic head of an Arabic compound name ("Khan Shaykhun", "Ein Tarma", "Wadi Barada",
# "Tal Abyad"): alone it is no place, whatever town abroad carries it as a name
_GENERIC_HEADS = frozenset(
    "khan ein ain wadi tal tel tell tall deir dayr kafr kfar jabal jebel jabl beit bayt bir ras umm abu marj sahl sahel qasr hayy jisr jesr nahr sheikh shekh shaykh mazraat khirbet khirbat qalaat maarrat ard puerto port porto san santa santo sao saint villa ciudad nueva nuevo fort mount lake cape".split()  # noqa: SIM905
)
_HEADLINE_WORDS = frozenset(
    "coalition explosion explosions clashes clash bombardment bombardments mine mines raids raid airstrikes airstrike shelling gunmen arab arabs kurdish kurds tribal sunni shiite shia christian christians muslim muslims druze alawite yazidi turkmen pashtun tuareg fulani hausa igbo tutsi hutu amhara oromo tigrayan somali baloch violent continued renewed fierce heavy several more human death deaths casualties martyrs killed wounded injured attack attacks regime forces factions fighting battles warplanes helicopters rebels militants security calm tension escalation assassination suicide unidentified unknown armed new fresh explosive bomb bombs car roadside military intelligence hospital hospitals school schools market markets mosque church base airbase airport road highway bridge camp prison desert countryside outskirts city town village villages province".split()  # noqa: SIM905
)
_HOLDER_AFTER = re.compile(
    r"^['’]s\s+(?:\w+\s+)?(?:leader|governor|president|government|authorities|officials?|"
    r"ministry|army|police|mayor|spokes(?:man|woman|person))\b",
    re.I,
)
# what a region's name qualifies when it stands for the region: "Borno attacks",
# "a Benue village", "Taraba violence"; a village or community "of Sagaing" is no town
_QUALIFIED_AFTER = re.compile(
    r"\s+(?i:villages?|communit(?:y|ies)|attacks?|violence|killings?|clash(?:es)?|"
    r"massacres?|crisis|unrest|bombings?|blasts?|raids?)\b"
)
# "in Hajin east of Deir Ezzor", "Khalis, 80 km north of Baghdad": the name after the
# bearing is where it is measured from; the place named before it is where it happened
# (alone, "clashes south of Aleppo", it is still the place)
_BEARING_BEFORE = re.compile(
    r"[A-Z][\w'’-]*(?:\s+(?i:countryside|area|town|city|village|camp|base))?,?\s+"
    r"(?i:(?:about|some|around)\s+)?(?i:\d+\s*(?:km|kilomet(?:re|er)s?|miles)\s+)?"
    r"(?i:(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+of\s+"
    r"(?:the\s+)?(?:(?:city|town|province)\s+of\s+)?)$"
)
REFERENCE_PENALTY = 2.0
BEARING_WINDOW = 60  # characters before a name where its bearing phrase is looked for
_VILLAGE_AFTER = re.compile(r"^\s+(?i:villages?|communit(?:y|ies))\b")
_DISTRICT_AFTER = re.compile(r"^\s+(?:district|neighbou?rhood|quarter|suburb)\b", re.I)
_LANDMARK_AFTER = re.compile(
    r"^\s+(?:nuclear\s+(?:power\s+)?plant|power\s+(?:plant|station)|dam|border|river|front)\b", re.I
)
# "Gwoza LGA", "Kyaukme district", "Namhsan township": the name is a second-level division
_DIVISION_AFTER = re.compile(
    r"^\s+(?:(?i:district|township|sub-township|LGA|local\s+government(?:\s+area)?|"
    r"sub-prefecture|raion|rayon|cercle|twsp|tsp))\b"
)
# "in Gwoza, Borno", "Damboa LGA of Borno State", "Kutkai township, northern Shan State":
# the region that follows a place says which of its namesakes
_TRAILING_REGION = re.compile(
    r"^(?:\s+(?i:district|township|LGA|local\s+government(?:\s+area)?|area|village|town|city))?"
    r"(?:\s*,\s*|\s+(?:of|in)\s+)(?:(?:the|northern|southern|eastern|western|central|"
    r"north|south|east|west|N\.|S\.)\s+)*"
    r"(?P<region>(?:(?:al|el|ar|as|ad)-)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)"
)
_IN_BEFORE = re.compile(r"\bin\s+(?:the\s+)?$", re.I)
_SPAN_BREAKS = frozenset("in at near on of from into outside around".split())  # noqa: SIM905
_COMPASS_ABBREVIATIONS = frozenset("N S E W NE NW SE SW".split())  # noqa: SIM905
# words around a name that frame it rather than belong to it: "Gwoza" of "Gwoza LGA" and
# "Shan" of "Northern Shan State" are whole names, "Nye" of "Tamoe Nye" is not
_FRAME_WORDS = frozenset(
    [
        "state",
        "region",
        "province",
        "district",
        "township",
        "twsp",
        "tsp",
        "lga",
        "county",
        "division",
        "governorate",
        "area",
        "city",
        "town",
        "village",
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "n",
        "s",
        "e",
        "w",
        "upper",
        "lower",
        "greater",
    ]
)
DIVISION_BONUS = 3.0  # "Gwoza LGA" is the LGA, not the town of Gwoza

_REGION_SUFFIX = re.compile(
    r"\s+(?:State|Region|Province|Governorate|Department|District|Rayon|Oblast['’]?)$"
)
_NOT_PLACES = frozenset(
    [
        "a",
        "an",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "dozens",
        "hundreds",
        "thousands",
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
        "africa",
        "west africa",
        "east africa",
        "north africa",
        "asia",
        "europe",
        "america",
        "latin america",
        "middle east",
        "gulf",
        "horn",
        "balkans",
        "caucasus",
        "square",
    ]
)


@dataclass(frozen=True)
class ResolvedPlace:
    location: Location
    country: str
    timezone: str | None
    evidence: str


def region_display_name(region: Region) -> str:
    """ "Zamfara State" -> "Zamfara", "Kharkivs’ka Oblast’" -> "Kharkiv"."""
    name = re.sub(r"s['’]ka\s+Oblast['’]?$", "", region.name)
    return _REGION_SUFFIX.sub("", name) or region.name


def _group_spans(sentence: str) -> list[tuple[int, int]]:
    """Where the sentence names a group: its own list's names ("Arakan Army", "KIA",
    "Seleka") and what looks like one ("Sultan Murad faction")."""
    return [match.span() for match in _GROUP_NAME.finditer(sentence)] + group_spans(sentence)


Candidate = tuple[str, int, bool, bool, bool]


@text_cache(maxsize=8192)
def _candidates(sentence: str) -> tuple[Candidate, ...]:
    """(name, start, looks locative, names a region, is a whole span) for capitalized
    spans and sub-spans outside any group's name; a hyphenated pair ("Aleppo-Khanaser
    road") also gives each part."""
    return tuple(found[:5] for found in _spans_and_groups(sentence)[0] if not found[5])


@text_cache(maxsize=8192)
def _region_candidates(sentence: str) -> tuple[Candidate, ...]:
    """The candidates a region may be named by: a name inside what only looks like a
    group's ("Karen Armed Group", "Sagaing Resistance Groups") says where it fights;
    a name inside a listed group's ("Arakan Army") says nothing."""
    return tuple(found[:5] for found in _spans_and_groups(sentence)[0])


def _country_words(sentence: str) -> tuple[tuple[str, bool], ...]:
    """The capitalized names of the sentence that name a country ("Gaza Strip",
    "Chechnya", "Niger"), each with whether "in" stands before it: no town, but some
    are first-level regions as well."""
    return _spans_and_groups(sentence)[1]


@text_cache(maxsize=8192)
def _spans_and_groups(
    sentence: str,
) -> tuple[tuple[tuple[str, int, bool, bool, bool, bool], ...], tuple[tuple[str, bool], ...]]:
    """The candidates of `_candidates` outside listed groups' names, each with whether it
    stands inside what looks like a group's name; and the names of countries (see
    `_country_words`)."""
    found = []
    country_words = []
    listed = group_spans(sentence)
    patterned = [match.span() for match in _GROUP_NAME.finditer(sentence)]
    before = _Before(sentence)
    for match in _CANDIDATE.finditer(sentence):
        # a run of capitals that opens with a listed group's name goes on past it: "KIA
        # Seizes Kachin Outpost", "ISIL-held Al-Raqqah"
        in_pattern = any(start <= match.start() < end for start, end in patterned)
        words = _span_words(match.group(1))
        countries: list[range] = []  # word ranges that name a country
        for size in range(len(words), 0, -1):
            for first in range(len(words) - size + 1):
                if any(first in taken and first + size - 1 in taken for taken in countries):
                    continue  # "States" of "United States" is no town
                name = " ".join(words[first : first + size])
                if name.endswith(_POSSESSIVE):
                    name = name[:-2]
                if is_country_word(name):
                    countries.append(range(first, first + size))
                    start = match.start() + match.group(1).find(words[first])
                    after_in = bool(_IN_BEFORE.search(sentence[max(0, start - 40) : start]))
                    country_words.append((name, after_in))
                    continue
                if not _may_be_place(name, words, first, size):
                    continue
                start = match.start() + match.group(1).find(words[first])
                if any(begin <= start < end for begin, end in listed):
                    continue  # "Arakan" of "the Arakan Army"
                grouped = in_pattern or any(begin <= start < end for begin, end in patterned)
                locative, admin = _placed(sentence, name, start, before)
                whole = _whole(words, first, size)
                found.append((name, start, locative or admin, admin, whole, grouped))
    return tuple(found), tuple(country_words)


_POSSESSIVE = ("'s", "’s")


def _span_words(span: str) -> list[str]:
    """The words of a run of capitals; a hyphenated pair ("Aleppo-Khanaser") gives each."""
    words = span.split()
    if len(words) == 1 and "-" in words[0]:
        head, _, tail = words[0].partition("-")
        if (
            head[:1].isupper()
            and tail[:1].isupper()
            and head.lower() not in ARABIC_ARTICLES
            and not is_country_word(words[0])
        ):
            words = [head, tail]
    return words


def _may_be_place(name: str, words: list[str], first: int, size: int) -> bool:
    """False for what a name of these words cannot be: a common word, a direction, an
    acronym, a headline's capital, the generic head of a longer name alone."""
    if name.lower() in _NOT_PLACES:
        return False
    if words[first].rstrip(".") in _COMPASS_ABBREVIATIONS:
        return False  # "N Syria", "NE Nigeria": a direction, then a country
    if name.isupper() and len(name) <= 5:
        return False  # "ADF", "RSF", "UN": acronyms, not towns
    if name.lower() in _HEADLINE_WORDS:
        return False  # "Explosion kills...", "Clashes in...": a headline's capitals
    # neither "Khan" nor "al-Shih" of "Khan al-Shih" is a place; "Deir Ezzor" of "Deir
    # Ezzor Airbase" is
    return not (
        size < len(words) and words[0].lower() in _GENERIC_HEADS and (first > 0 or size < 2)
    )


class _Before:
    """What stands before each place of a sentence, read once per place however many
    names of its span begin there: the 40 characters before it less a possessor ("in
    Sagaing's Kanbalu township": in Kanbalu, of Sagaing), whether they place what
    follows ("in", "near") and whether they name it a region ("the countryside of")."""

    def __init__(self, sentence: str) -> None:
        self.sentence = sentence
        self.known: dict[int, tuple[bool, bool]] = {}

    def __call__(self, start: int) -> tuple[bool, bool]:
        known = self.known.get(start)
        if known is None:
            before = self.sentence[max(0, start - 40) : start]
            possessor = _POSSESSOR_BEFORE.search(before)
            if possessor:
                before = before[: possessor.start()]
            known = (
                bool(_LOCATIVE_BEFORE.search(before)),
                _ADMIN_BEFORE.search(before) is not None,
            )
            self.known[start] = known
        return known


def _placed(sentence: str, name: str, start: int, before: _Before) -> tuple[bool, bool]:
    """Whether the name at START stands as a place ("in Kanbalu") and as a region
    ("Idlib province", "the countryside of Hama")."""
    locative, admin_before = before(start)
    if _POSSESSED_AFTER.match(sentence, start + len(name)):
        locative = False  # "Sagaing" of "in Sagaing's Kanbalu": whose, not where
    admin = _ADMIN_AFTER.match(sentence, start + len(name)) is not None or admin_before
    return locative, admin


def _whole(words: list[str], first: int, size: int) -> bool:
    """Whether the words of the span around the name only frame it ("Gwoza LGA"):
    "Sagaing's" before it does, and so do a headline's capitals up to a preposition
    ("Attacked In Mohnyin Township")."""
    owned = first > 0 and words[first - 1].endswith(_POSSESSIVE)
    lead = words[:first]
    cut = max((i + 1 for i, w in enumerate(lead) if w.lower() in _SPAN_BREAKS), default=0)
    rest = ([] if owned else lead[cut:]) + words[first + size :]
    return all(word.lower().rstrip(".") in _FRAME_WORDS for word in rest)


@lru_cache(maxsize=65536)
def _cached_regions(gazetteer: Gazetteer, name: str, loose: bool) -> tuple[Region, ...]:
    return tuple(gazetteer.lookup_region(name, loose))


def _lookup_region(gazetteer: Gazetteer, name: str, loose: bool = True) -> list[Region]:
    """`Gazetteer.lookup_region`, remembered: every capitalised name of every sentence is
    asked, and the same few hundred names recur from article to article."""
    return list(_cached_regions(gazetteer, name, loose))


def _regions_of_name(
    gazetteer: Gazetteer,
    name: str,
    locative: bool,
    admin: bool,
    whole: bool,
    country_counts: dict[str, int],
) -> list[Region]:
    """The first-level regions a name stands for where it stands (the module's rule on
    regions): named as one ("Idlib province", "al-Mayadin desert"), after "in", or, in a
    country the text is about, anywhere ("Fresh Borno attacks", "a Benue village")."""
    if admin:
        regions = _lookup_region(gazetteer, name, loose=True)
        in_context = [r for r in regions if r.country in country_counts]
        if in_context:
            return in_context
        if _home_town(gazetteer, name, country_counts):
            # a town at home names the land around it: "al-Mayadin desert" is not Medina's
            # region abroad, though "the Jizan region" in a report on Yemen is Jazan's
            regions = _lookup_region(gazetteer, name, loose=False)
        if regions:  # "Kharkiv region" in an article that never says "Ukraine"
            return sorted(regions, key=lambda r: -r.population)[:1]
        # "Saada governorate": the region of the town that gives it its name
        return [
            r
            for town in gazetteer.lookup(name)
            if town.country in country_counts and (r := gazetteer.region_of(town)) is not None
        ][:1]
    if name.lower() in COMMON_WORD_REGIONS and not locative:
        return []  # "Delta Force", "Plateau": plain words unless after "in"
    regions = _lookup_region(gazetteer, name, loose=False)
    if not country_counts:
        return sorted(regions, key=lambda r: -r.population)[:1] if locative else []
    in_context = [r for r in regions if r.country in country_counts]
    if in_context:
        return in_context
    if locative and whole and len(regions) == 1:
        return regions  # "France rules out talks with Boko Haram; 10 killed in Borno"
    return []


def _is_region_name(gazetteer: Gazetteer, name: str, country_counts: dict[str, int]) -> bool:
    """True when a name before "province" or "countryside" is a region's, not a town's: a
    spelling variant of a region abroad does not count when a town at home carries the
    name ("al-Mayadin desert" is the desert around al-Mayadin, not Medina's region)."""
    regions = _lookup_region(gazetteer, name, loose=True)
    if any(r.country in country_counts for r in regions):
        return True
    if _home_town(gazetteer, name, country_counts):
        return bool(_lookup_region(gazetteer, name, loose=False))
    return bool(regions)


def _home_town(gazetteer: Gazetteer, name: str, country_counts: dict[str, int]) -> bool:
    """True when a town in the countries in view carries the name, or a spelling of it."""
    return any(p.country in country_counts for p in gazetteer.lookup(name, loose=True))


LOCATIVE_REGION_BONUS = 0.5  # "Karenni fighters clash in southern Shan": Shan


def _named_regions(
    gazetteer: Gazetteer,
    weighted_sentences: list[tuple[str, float]],
    country_counts: dict[str, int],
    words: set[str] | None = None,
) -> dict[tuple[str, str], tuple[float, str, bool]]:
    """Regions the sentences name: (weight of the best sentence naming each, that
    sentence, whether it was named as a region: "Borno state", not just "Borno"); the
    keys of the names as written ("Najaf" for An Najaf) go into WORDS."""
    named: dict[tuple[str, str], tuple[float, str, bool]] = {}
    for sentence, weight in weighted_sentences:
        for name, _, locative, admin, whole in _region_candidates(sentence):
            regions = _regions_of_name(gazetteer, name, locative, admin, whole, country_counts)
            if (
                regions
                and words is not None
                and any(r in regions for r in _lookup_region(gazetteer, name))
            ):
                words.add(region_key(name))  # by the region's own name, not its town's
            score = weight + (1.0 if admin else LOCATIVE_REGION_BONUS if locative else 0.0)
            _keep_best(named, regions, score, sentence, admin)
        if country_counts:  # "in northern Gaza Strip": a country's name, and a region's
            for name, after_in in _country_words(sentence):
                regions = _lookup_region(gazetteer, name, loose=False)
                in_context = [r for r in regions if r.country in country_counts]
                if not in_context and not (after_in and len(regions) == 1):
                    continue  # "clashes in Niger": Nigeria's Niger state, the one region
                score = weight + (LOCATIVE_REGION_BONUS if after_in else 0.0)
                _keep_best(named, in_context or regions, score, sentence, False)
    return named


def _keep_best(
    named: dict[tuple[str, str], tuple[float, str, bool]],
    regions: list[Region],
    score: float,
    sentence: str,
    admin: bool,
) -> None:
    for region in regions:
        key = (region.country, region.admin1_code)
        previous = named.get(key, (-math.inf, "", False))
        if score > previous[0]:
            named[key] = (score, sentence, admin or previous[2])


LOOSE_MIN_POPULATION = 20_000
# with no country context at all, a town is taken only when it is a capital, or a
# town of UNIQUE_MIN_POPULATION whose namesakes abroad are all under a tenth of its
# size ("Khalis"), or a city of WORLDWIDE_MIN_POPULATION whose namesakes are all under a
# third of its size ("Cartagena", Colombia, not Spain); never "Muse" or "Mansi", small
# towns with namesakes on other continents, nor a spelling variant of a smaller town
WORLDWIDE_MIN_POPULATION = 100_000
UNIQUE_MIN_POPULATION = 10_000
# a region named without its suffix sets the country context only when no town of
# that name elsewhere is this large ("in Kachin", not "in Victoria")
CONTEXT_TOWN_POPULATION = 50_000


# capitalized in a headline, these region names are more often plain words
COMMON_WORD_REGIONS = frozenset(
    [
        "delta",
        "plateau",
        "rivers",
        "lakes",
        "central",
        "capital",
        "coast",
        "upper",
        "lower",
        "unity",
        "federal",
        "territory",
        "border",
        "mountain",
        "islands",
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "national",
    ]
)


def named_region_countries(
    gazetteer: Gazetteer, sentences: list[str], anywhere: bool = False
) -> dict[str, int]:
    """The countries of the first-level regions the sentences name as such ("Shan State",
    "Borno state", "Idlib province"), or after "in" when only one country has a region
    of that name and no sizeable town abroad is called so ("in Kachin", "in Benue");
    with ``anywhere``, such a name anywhere ("Fresh Taraba Violence", "Borno Attacks")."""
    found: dict[str, int] = {}
    for sentence in sentences:
        for name, _, locative, admin, _ in _candidates(sentence):
            if not (admin or locative or anywhere) or name.lower() in COMMON_WORD_REGIONS:
                continue
            countries = {region.country for region in _lookup_region(gazetteer, name, loose=False)}
            if not countries or len(countries) > (2 if admin else 1):
                continue
            if not admin and any(
                town.country not in countries and town.population >= CONTEXT_TOWN_POPULATION
                for town in gazetteer.lookup(name)
            ):
                continue
            for code in countries:
                found[code] = found.get(code, 0) + (2 if admin else 1)
    return found


def _stands_alone(gazetteer: Gazetteer, place: Place, name: str, loose: bool) -> bool:
    """True when a town found with no country context may be taken: a capital, or a
    town large enough beside its namesakes abroad (see WORLDWIDE_MIN_POPULATION)."""
    capital = gazetteer.countries.get(place.country)
    if capital is not None and normalize_name(capital.capital) == normalize_name(place.name):
        return True
    namesakes = [other for other in gazetteer.lookup(name) if other.country != place.country]
    largest = max((other.population for other in namesakes), default=0)
    if place.population >= WORLDWIDE_MIN_POPULATION and largest < place.population / 3:
        return True
    return (
        not loose and place.population >= UNIQUE_MIN_POPULATION and largest < place.population / 10
    )


# "the southern countryside of Idlib", "north-eastern Hama", "eastern parts of Deir Ezzor"
_COMPASS_BEFORE = re.compile(
    r"\b(?=north|south|east|west)(?P<ns>north|south)?-?(?P<ew>east|west)?(?:ern)?\s+"
    r"(?:(?:countryside|parts?|outskirts|areas?|desert|suburbs)\s+of\s+)?(?:the\s+)?"
    r"(?P<name>(?-i:[A-Z])[\w'’-]*(?:\s+(?-i:[A-Z])[\w'’-]*)?)",
    re.I,
)


def _trailing_regions(
    gazetteer: Gazetteer, after: str, country_counts: dict[str, int]
) -> set[tuple[str, str]]:
    """The first-level regions named right after a place ("Gwoza, Borno", "Damboa LGA of
    Borno State"), in the countries in view when there are any."""
    match = _TRAILING_REGION.match(after)
    if match is None:
        return set()
    regions = _lookup_region(gazetteer, match.group("region"), loose=False)
    if country_counts:
        regions = [r for r in regions if r.country in country_counts]
    return {(r.country, r.admin1_code) for r in regions}


def _named_in_another_country(sentence: str, place: Place, country_counts: dict[str, int]) -> bool:
    """True when the sentence naming a foreign town also names, after it, a country the
    article is about ("the town of Palma in Mozambique"): the namesake is a false friend."""
    start = max(sentence.find(place.name), 0)
    after = sentence[start : start + len(place.name) + 30]  # "Palma, in Mozambique's north"
    return any(
        code != place.country and code in country_counts for code in countries_in_order(after)
    )


@dataclass(frozen=True)
class _Named:
    """What the sentences say about regions, read once before any town is weighed."""

    country_counts: dict[str, int]
    top_country: int
    regions: dict[tuple[str, str], tuple[float, str, bool]]
    suffixed: set[tuple[str, str]]  # regions named as such: "Borno state"
    region_names: set[str]  # their names' keys
    any_region_names: set[str]  # the keys of every region named
    home_region_names: set[str]  # ... of the regions in the countries in view


def _named(
    gazetteer: Gazetteer,
    weighted_sentences: list[tuple[str, float]],
    country_counts: dict[str, int],
) -> _Named:
    words: set[str] = set()  # "Najaf" names An Najaf: no town in it gains by that
    regions = _named_regions(gazetteer, weighted_sentences, country_counts, words)
    suffixed = {key for key, (_, _, admin) in regions.items() if admin}
    return _Named(
        country_counts=country_counts,
        top_country=max(country_counts.values(), default=0),
        regions=regions,
        suffixed=suffixed,
        region_names={region_key(gazetteer.regions[key].name) for key in suffixed},
        any_region_names={region_key(gazetteer.regions[key].name) for key in regions} | words,
        home_region_names={
            region_key(gazetteer.regions[key].name) for key in regions if key[0] in country_counts
        },
    )


@dataclass
class _Tally:
    """The best score of each place found so far, with the sentence and name that gave it."""

    scores: dict[int, float] = field(default_factory=dict)
    evidence: dict[int, str] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)  # the name as the text writes it
    confirmed: set[int] = field(default_factory=set)  # followed by the region they lie in
    loosely: set[int] = field(default_factory=set)  # found by a spelling variant only

    def offer(self, place_id: int, score: float, sentence: str, name: str, loose: bool) -> None:
        if score <= self.scores.get(place_id, -math.inf):
            return
        self.scores[place_id] = score
        self.evidence[place_id] = sentence
        self.names[place_id] = name
        if loose:
            self.loosely.add(place_id)
        else:
            self.loosely.discard(place_id)


def _region_spans(
    gazetteer: Gazetteer, candidates: tuple[tuple[str, int, bool, bool, bool], ...]
) -> list[tuple[int, int]]:
    """Where a sentence names a region of several words ("Reef Dimashq", "Cross River"):
    no word of it is a town ("Dimashq" is also Damascus' name)."""
    return [
        (start, start + len(name))
        for name, start, _, _, _ in candidates
        if " " in name and not gazetteer.lookup(name) and _lookup_region(gazetteer, name, False)
    ]


def _candidate_places(
    gazetteer: Gazetteer,
    name: str,
    after: str,
    whole: bool,
    locative: bool,
    country_counts: dict[str, int],
) -> tuple[list[Place], bool, bool]:
    """The places a name may be (districts first), whether only by a spelling variant,
    and whether any of them is a district the text names as one ("Gwoza LGA")."""
    division = _DIVISION_AFTER.match(after) is not None
    places = gazetteer.lookup(name)
    loose = not places
    home_variants = (
        [p for p in gazetteer.lookup_variant(name) if p.country in country_counts]
        if whole
        and places
        and country_counts
        and all(p.country not in country_counts for p in places)
        else []
    )
    districts = gazetteer.lookup_district(name, loose=bool(country_counts)) if division else []
    if country_counts and (division or districts):
        districts = [d for d in districts if d.country in country_counts]
        # "Muse township" with Myanmar in view: never Muse in the United States
        places = [p for p in places if p.country in country_counts]
    if loose and country_counts:  # a transliteration variant, in a country the article is about
        places = [p for p in gazetteer.lookup(name, loose=True) if p.country in country_counts]
    elif loose:  # no country named: a variant of a sizeable town only ("Menbej")
        places = [
            p
            for p in gazetteer.lookup(name, loose=True)[:3]
            if p.population >= LOOSE_MIN_POPULATION
            and len(skeleton(name)) >= (4 if locative else 5)
        ]
    if home_variants:  # "Arbin" in Syria is 'Irbin, not the Arbin in France
        places, loose = home_variants, True
    return districts + places, loose, bool(districts)


def _base_score(
    sentence: str, name: str, start: int, weight: float, locative: bool, districts: bool
) -> float:
    """What a place's score owes to its name and where it stands, not to which town it is."""
    after = sentence[start + len(name) :]
    base = weight
    base += 2.0 if locative else 0.0
    base += 1.0 - start / max(len(sentence), 1)  # the place named first
    if start == 0 and not locative:
        base -= 1.5  # a sentence's first word is capitalized whatever it is
    if _HOLDER_AFTER.match(after):
        base -= 3.0  # "Chechnya's leader said": who speaks, not where
    if _DISTRICT_AFTER.match(after) and not districts:
        base -= 2.0  # "Kherson's Dniprovskyi district": the city is the place
    if _LANDMARK_AFTER.match(after):
        base -= 1.0  # "across the river from the Zaporizhzhia nuclear plant"
    if _BEARING_BEFORE.search(sentence[max(0, start - BEARING_WINDOW) : start]):
        base -= REFERENCE_PENALTY  # "Hajin east of Deir Ezzor": a bearing from it
    return base


def _place_score(
    gazetteer: Gazetteer, place: Place, name: str, base: float, loose: bool, named: _Named
) -> float | None:
    """A place's score for one mention of its name, or None when the text rules it out."""
    name_key = region_key(name)
    if name_key in named.region_names and (place.country, place.admin1_code) not in named.suffixed:
        return None  # "Borno" after "Borno state" is the state, not Borna in Saxony
    if name_key in named.home_region_names and place.country not in named.country_counts:
        return None  # "in Borno", a region of the country in question, not Borna abroad
    score = base
    if not is_town(place):
        score += DIVISION_BONUS
    score += min(math.log10(place.population + 1) / 2, 3.5)
    score += 0.5 * (len(name.split()) - 1)
    score -= 1.5 if loose else 0.0
    mentions = named.country_counts.get(place.country, 0)
    if mentions:
        score += 2.0 + 2.0 * mentions / named.top_country
    elif named.country_counts:
        score -= 4.0
    if (
        name_key not in named.any_region_names
        and (place.country, place.admin1_code) in named.regions
    ):
        score += 3.0  # a town inside a region the text names
    return score


def _weigh_sentence(
    gazetteer: Gazetteer, sentence: str, weight: float, named: _Named, tally: _Tally
) -> None:
    """Every place each name of the sentence may be, scored into the tally."""
    candidates = _candidates(sentence)
    region_spans = _region_spans(gazetteer, candidates)
    for name, start, locative, admin, whole in candidates:
        if any(
            begin <= start and start + len(name) <= end and end - begin > len(name)
            for begin, end in region_spans
        ):
            continue
        if admin and _is_region_name(gazetteer, name, named.country_counts):
            continue  # "Idlib countryside" is the region; "Jisr al-Shughur countryside"
            # (no region of that name) is the land around the town
        after = sentence[start + len(name) :]
        if _VILLAGE_AFTER.match(after) and region_key(name) in named.home_region_names:
            continue  # "a Sagaing village": a village of the region, not the town
        if not whole and _DIVISION_AFTER.match(after):
            continue  # "Nye" of "Tamoe Nye sub-township": a fragment names nothing
        places, loose, districts = _candidate_places(
            gazetteer, name, after, whole, locative, named.country_counts
        )
        within = _trailing_regions(gazetteer, after, named.country_counts)
        if within:  # "in Gwoza, Borno": only what lies in Borno
            places = [p for p in places if (p.country, p.admin1_code) in within]
            tally.confirmed.update(p.geonames_id for p in places)
        if not places:
            continue
        base = _base_score(sentence, name, start, weight, locative, districts)
        for place in places[:25]:
            score = _place_score(gazetteer, place, name, base, loose, named)
            if score is not None:
                tally.offer(place.geonames_id, score, sentence, name, loose)


def _vetted_best(gazetteer: Gazetteer, tally: _Tally, named: _Named) -> int | None:
    """The best-scored place, unless what the text says elsewhere makes it a false friend."""
    if not tally.scores:
        return None
    best_id = max(tally.scores, key=lambda key: tally.scores[key])
    best = gazetteer.places[best_id]
    country_counts, regions = named.country_counts, named.regions
    if (
        country_counts
        and best.country not in country_counts
        and _named_in_another_country(tally.evidence[best_id], best, country_counts)
    ):
        return None  # "the town of Palma in Mozambique": not the Palma in Spain
    if not country_counts and regions:
        best_key = region_key(best.name)
        region_countries = {  # "near Beni" is as much the town in Congo as Beni in Bolivia
            key[0]
            for key, (_, _, admin) in regions.items()
            if admin or region_key(gazetteer.regions[key].name) != best_key
        }
        if region_countries and best.country not in region_countries:
            return None  # "the south-west of Rif Dimashq": the region, not a namesake abroad
    if (
        named.suffixed
        and (best.country, best.admin1_code) not in named.suffixed
        and best.country not in country_counts
    ):
        return None  # the text names a region; a town elsewhere is a false friend
    if (
        not country_counts
        and best_id not in gazetteer.area_ids
        and best_id not in tally.confirmed
        and not _stands_alone(gazetteer, best, tally.names[best_id], best_id in tally.loosely)
    ):
        return None  # a small town, with no country to say which of its namesakes
    return best_id


# "clashes north of Hama", "a village 30 km east of Manbij": the event lies off the town,
# in that direction; with no distance given, BEARING_KM off it
_BEARING_OF = re.compile(
    r"(?:\b(?P<km>\d{1,3})\s*(?:km|kilomet(?:re|er)s?)\s+)?\b(?P<ns>north|south)?-?(?P<ew>east|west)?"
    r"(?<=[a-z])\s+of\s+(?:the\s+)?(?:(?:city|town)\s+of\s+)?$",
    re.I,
)
BEARING_KM = 20.0
MAX_BEARING_KM = 150.0


def _off_bearing(evidence: str, name: str, lat: float, lon: float) -> tuple[float, float] | None:
    """The point a bearing before the town's name places the event at, if there is one."""
    start = evidence.find(name)
    match = _BEARING_OF.search(evidence[max(0, start - 40) : start]) if start > 0 else None
    if match is None or not (match.group("ns") or match.group("ew")):
        return None
    km = min(float(match.group("km") or BEARING_KM), MAX_BEARING_KM)
    north = {"north": 1.0, "south": -1.0}.get((match.group("ns") or "").lower(), 0.0)
    east = {"east": 1.0, "west": -1.0}.get((match.group("ew") or "").lower(), 0.0)
    scale = km / math.hypot(north, east) / 111.0
    return lat + north * scale, lon + east * scale / max(math.cos(math.radians(lat)), 0.1)


def _town_place(gazetteer: Gazetteer, best_id: int, evidence: str, name: str) -> ResolvedPlace:
    """A town, a district or a named area, at its own precision; off the town in the
    direction a bearing before its name gives, at area precision."""
    place = gazetteer.places[best_id]
    region = gazetteer.region_of(place)
    is_area = best_id in gazetteer.area_ids
    town = is_town(place)
    point = _off_bearing(evidence, name, place.lat, place.lon)
    lat, lon = point or (place.lat, place.lon)
    location = Location(
        name=place.name,
        admin1=region_display_name(region) if region else None,
        lat=max(-90.0, min(90.0, lat)),
        lon=(lon + 180.0) % 360.0 - 180.0,
        geonames_id=None if is_area or not town or point else place.geonames_id,
        precision="area" if is_area or point else "locality" if town else "admin2",
    )
    return ResolvedPlace(location, place.country, place.timezone, evidence)


def _region_place(
    gazetteer: Gazetteer, regions: dict[tuple[str, str], tuple[float, str, bool]]
) -> ResolvedPlace | None:
    """The best-named region at region precision, at the part of it a bearing names
    ("the southern countryside of Idlib")."""
    if not regions:
        return None
    key = max(regions, key=lambda k: regions[k][0])
    region = gazetteer.regions[key]
    name = region_display_name(region)
    lat, lon = region.lat, region.lon
    for match in _COMPASS_BEFORE.finditer(regions[key][1]):
        if region in _lookup_region(gazetteer, match.group("name")):
            lat, lon = gazetteer.part_of_region(
                key, (match.group("ns") or "").lower(), (match.group("ew") or "").lower()
            )
            break
    location = Location(
        name=name, admin1=name, lat=lat, lon=lon, geonames_id=None, precision="admin1"
    )
    return ResolvedPlace(location, region.country, region.timezone, regions[key][1])


TOWN_MIN_SCORE = 4.0  # below it, a town's support is too thin and the region is taken


def resolve_place(
    gazetteer: Gazetteer,
    weighted_sentences: list[tuple[str, float]],
    country_counts: dict[str, int],
) -> ResolvedPlace | None:
    """The best-supported town among the sentences, else a named region, else None."""
    named = _named(gazetteer, weighted_sentences, country_counts)
    tally = _Tally()
    for sentence, weight in weighted_sentences:
        _weigh_sentence(gazetteer, sentence, weight, named, tally)
    best_id = _vetted_best(gazetteer, tally, named)
    if best_id is not None and tally.scores[best_id] >= TOWN_MIN_SCORE:
        return _town_place(gazetteer, best_id, tally.evidence[best_id], tally.names[best_id])
    return _region_place(gazetteer, named.regions)
