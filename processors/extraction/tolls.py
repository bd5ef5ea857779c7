"""Killed and injured counts from the sentences that report one event.

"at least N" and "more than N" are kept as N (a lower bound, as ACLED codes it); a
figure the article itself revises ("the toll has risen to 10") wins over earlier ones;
"seven soldiers and 13 militants were killed" is one event's toll of 20; "no one was
killed" is 0, where silence is None; cumulative tallies ("41 civilians have been
killed since Sept. 27") are never taken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from processors.extraction.literals import Gated, gated
from processors.extraction.numbers import NUMBER_PATTERN, parse_count

_QUALIFIER = r"(?:(?:at\s+least|more\s+than|over|some|about|around|nearly|almost|up\s+to|another|a\s+further)\s+)?"
_N = rf"(?<!no\s)(?P<n>{NUMBER_PATTERN})"
_NOT_A_COUNT = r"(?!\s*(?:a\.m|p\.m|km|kilometres|kilometers|miles|percent|%|GMT|years?|months?|weeks?|days?|hours?|minutes?|metres|meters|-year|-storey|-story|of\s+the\b(?!\s+(?:dead|victims))|of\s+them\b|million|billion))"
# words between a count and its verb: never another count, never a new clause
_GAP = rf"(?:(?!(?:and|but|while|including|as|{NUMBER_PATTERN})\b)[\w'’-]+,?\s+){{0,8}}?"
_BE = r"(?:(?:were|was|have\s+been|had\s+been|has\s+been|are|is|being|reportedly|also|all)\s+){0,4}"

_KILLED_WORD = (
    r"(?:killed|dead|died|die|dies|slain|perished|martyred|beheaded|executed|lost\s+their\s+lives|shot\s+dead|killed\s+outright|"
    r"(?:beaten|hacked|stabbed|stoned|burned|burnt|shot)\s+to\s+death)"
)
_INJURED_WORD = r"(?:injured|wounded|hurt|treated\s+for\s+(?:wounds|injuries)|hospitali[sz]ed)"

KILLED_PATTERNS = (
    gated(
        rf"\b(?:beat|hacked|stabbed|stoned|burned|burnt)\s+{_QUALIFIER}{_N}\s+(?:[\w'’-]+\s+){{0,2}}?to\s+death",
        re.I,
    ),
    gated(
        rf"\b(?:killing|kills|kill|killed|leaving|leaves|left|beheading|beheaded|beheads|executing|executed|"
        rf"executes|massacring|massacred|shot\s+dead|shoots\s+dead|shooting\s+dead|gunned\s+down|"
        rf"claim(?:s|ed|ing)?\s+the\s+lives\s+of)\s+{_QUALIFIER}{_N}\b{_NOT_A_COUNT}",
        re.I,
    ),
    gated(rf"\b{_QUALIFIER}{_N}\b{_NOT_A_COUNT}\s+{_GAP}{_BE}{_KILLED_WORD}\b", re.I),
    # "the army lost 12 soldiers", "the bodies of three men were found"
    gated(
        rf"\b(?:lost|loses|lose)\s+{_QUALIFIER}{_N}\s+(?:of\s+(?:its|their)\s+)?(?:\w+\s+)?"
        rf"(?:soldiers|men|troops|fighters|members|policemen|officers|servicemen)\b",
        re.I,
    ),
    gated(rf"\b(?:bodies|remains|corpses)\s+of\s+{_QUALIFIER}{_N}\b{_NOT_A_COUNT}", re.I),
    # "4 people including 2 women were killed": the whole, not the part
    gated(
        rf"\b{_QUALIFIER}{_N}\s+(?:[\w'’-]+\s+){{1,2}}?including\s+(?:[\w'’-]+\s+){{1,6}}?{_BE}{_KILLED_WORD}\b",
        re.I,
    ),
)
INJURED_PATTERNS = (
    gated(
        rf"\b(?:wounding|injuring|wounded|injured|hurting|wounds|injures|wound|injure)\s+{_QUALIFIER}{_N}\b{_NOT_A_COUNT}",
        re.I,
    ),
    gated(rf"\b{_QUALIFIER}{_N}\b{_NOT_A_COUNT}\s+{_GAP}{_BE}{_INJURED_WORD}\b", re.I),
    gated(rf"\btreated\s+{_QUALIFIER}{_N}\s+(?:[\w'’-]+\s+){{0,2}}?for\b", re.I),
)
RAISED_KILLED = gated(
    rf"\brais(?:ing|ed|es)\s+the\s+(?:death\s+toll|toll|number\s+of\s+(?:dead|people\s+killed|deaths))\s+to\s+{_QUALIFIER}{_N}\b",
    re.I,
)
REVISED_KILLED = gated(
    rf"\b(?:death\s+toll|toll|number\s+of\s+(?:people|those|civilians|dead)\s+killed|number\s+of\s+dead|dead)"
    rf"\b[^.;]{{0,120}}?\b(?:risen|rose|climbed|increased|jumped|reached|stands\s+at|stood\s+at)\s+"
    rf"(?:to\s+)?{_QUALIFIER}{_N}\b{_NOT_A_COUNT}",
    re.I,
)
REVISED_INJURED = gated(
    rf"\b(?:number\s+of\s+(?:wounded|injured)|(?:wounded|injured)\s+toll)"
    rf"\b[^.;]{{0,120}}?\b(?:risen|rose|climbed|increased|jumped|reached)\s+(?:to\s+)?{_QUALIFIER}{_N}\b",
    re.I,
)

_GROUP = (
    r"(?:soldiers|troops|servicemen|militants|fighters|civilians|policemen|police\s+officers|"
    r"officers|attackers|rebels|insurgents|members|people|others|children|women|men|gunmen|"
    r"assailants|jihadists|militiamen|guards|combatants|villagers|residents|workers|miners|"
    r"protesters|students|commandos|vigilantes|passengers|farmers)"
)
_ONE_OF_GROUP = r"(?:a|an|one)\s+(?:\w+\s+)?(?:soldier|civilian|policeman|police\s+officer|officer|child|woman|man|guard|fighter|militant)"
SUMMED_KILLED = (
    gated(
        rf"\b{_QUALIFIER}(?P<a>{NUMBER_PATTERN})\s+(?:\w+\s+)?{_GROUP}\s+and\s+{_QUALIFIER}"
        rf"(?P<b>{NUMBER_PATTERN})\s+(?:\w+\s+)?{_GROUP}\s+(?:(?!and\b)[\w'’-]+\s+){{0,6}}?{_BE}{_KILLED_WORD}\b",
        re.I,
    ),
    gated(
        rf"\b(?:killing|killed|leaving)\s+{_QUALIFIER}(?P<a>{_ONE_OF_GROUP}|{NUMBER_PATTERN}\s+(?:\w+\s+)?{_GROUP})"
        rf"\s+and\s+{_QUALIFIER}(?P<b>{_ONE_OF_GROUP}|{NUMBER_PATTERN}\s+(?:\w+\s+)?{_GROUP})\b",
        re.I,
    ),
)
# "six militants were also killed": more dead of the same event, added to its toll
ALSO_KILLED = gated(
    rf"\b{_QUALIFIER}{_N}\s+(?:of\s+the\s+)?(?:[\w'’-]+\s+){{0,3}}?(?:were|was|had\s+been|have\s+been)\s+"
    rf"also\s+(?:been\s+)?{_KILLED_WORD}\b",
    re.I,
)
_LEADING_COUNT = re.compile(rf"^(?:{NUMBER_PATTERN})\b", re.I)


def _group_size(phrase: str) -> int | None:
    """ "a policeman" -> 1, "two civilians" -> 2, "seven" -> 7."""
    match = _LEADING_COUNT.match(phrase.strip())
    return parse_count(match.group(0)) if match else None


# a sentence's clauses: ", and the mayor said 13 were killed during a month of unrest"
_CLAUSE_BREAK = re.compile(r"(,\s+(?:and|but|while|whereas)\s+|;\s+)")


def live_text(sentence: str) -> str:
    """The sentence without its clauses that are running tallies ("" when all are)."""
    parts = _CLAUSE_BREAK.split(sentence)  # clause, separator, clause, ...
    kept = ""
    for index in range(0, len(parts), 2):
        if not is_cumulative(parts[index]):
            kept += (parts[index - 1] if kept and index else "") + parts[index]
    return kept


_NONE_KILLED = gated(
    r"\b(?:no\s+(?:one|body)\s+(?:was|were)\s+killed|nobody\s+(?:was\s+)?killed|no\s+one\s+died|"
    r"no\s+(?:deaths|fatalities|casualties|dead)\b|without\s+casualties|no\s+(?:one|body)\s+(?:was|were)\s+(?:hurt|injured|wounded)|"
    r"nobody\s+(?:was\s+)?(?:hurt|injured|wounded))",
    re.I,
)
_NONE_INJURED = gated(
    r"\b(?:no\s+(?:casualties|injuries)\b|without\s+casualties|no\s+(?:one|body)\s+(?:was|were)\s+(?:hurt|injured|wounded)|"
    r"nobody\s+(?:was\s+)?(?:hurt|injured|wounded))",
    re.I,
)

_CUMULATIVE = gated(
    r"\b(?:so\s+far|in\s+total|to\s+date|overall|cumulative|altogether|this\s+year|"
    r"(?:in\s+)?the\s+past\s+(?:year|month|week|decade)|(?:last|past)\s+\d+\s+(?:years|months)|"
    r"since\s+the\s+(?:start|beginning|outbreak)|as\s+many\s+as|throughout\s+the\s+war|"
    r"during\s+the\s+war|of\s+the\s+war|"
    r"during\s+(?:a|the|\w+)\s+(?:\w+\s+)?(?:days|weeks?|months?|years?)\s+of)\b",
    re.I,
)
_PERFECT_SINCE = gated(
    r"\b(?:have|has|had)\s+(?:been\s+)?(?:\w+\s+(?:or|and)\s+)?(?:killed|died|wounded|injured)\b[^.]*\bsince\b|"
    r"\bsince\b[^.]*\b(?:have|has)\s+(?:been\s+)?(?:\w+\s+(?:or|and)\s+)?(?:killed|died|wounded|injured)\b",
    re.I,
)


# ", including two children," and ", four of them women," between a count and its verb
_APPOSITIVE = re.compile(
    r",\s+(?:including\s+[^,]{1,60}|(?:[\w'’-]+\s+){1,2}of\s+(?:them|whom)\s+[^,]{1,40}|"
    r"mostly\s+[^,]{1,40}|many\s+of\s+them\s+[^,]{1,40}),"
)


def is_cumulative(sentence: str) -> bool:
    """A running tally over a period, not the toll of one incident."""
    return bool(_CUMULATIVE.search(sentence) or _PERFECT_SINCE.search(sentence))


@dataclass(frozen=True)
class Toll:
    killed: int | None = None
    injured: int | None = None
    killed_sentence: str | None = None
    injured_sentence: str | None = None


_ARTICLE = frozenset({"a", "an", "one"})
_ONE_PERSON = re.compile(
    r"^(?:(?:second|third|fourth|fifth)\s+)?(?:(?:[\w'’-]+-old|young|local|prominent|female|male|pregnant|elderly|teenage|Palestinian|"
    r"Ukrainian|Russian|Syrian|Afghan|(?-i:[a-z])[\w'’-]+)\s+){0,2}?(?:man|woman|child|boy|girl|baby|soldier|civilian|"
    r"person|resident|farmer|journalist|photojournalist|reporter|policeman|police\s+officer|"
    r"officer|student|teacher|doctor|nurse|worker|driver|shepherd|fisherman|activist|"
    r"teenager|member|fighter|militant|guard|passenger|pilot|owner|commander|mayor|official|"
    r"priest|imam|worshipper|shepherd|herder|trader|shopkeeper|village\s+head|chief|leader|"
    r"engineer|lawyer|judge|cleric|collaborator|citizen|youth|miner|guard)\b",
    re.I,
)


def _first(patterns: tuple[Gated, ...], sentence: str) -> int | None:
    """The leftmost count any pattern finds; "a"/"one" only when a person follows."""
    best: tuple[int, int] | None = None
    for pattern in patterns:
        for match in pattern.finditer(sentence):
            number = match.group("n")
            if number.lower() in _ARTICLE and not _ONE_PERSON.match(
                sentence[match.end("n") :].lstrip()
            ):
                continue
            value = parse_count(number)
            if value is not None and (best is None or match.start() < best[0]):
                best = (match.start(), value)
            break
    return None if best is None else best[1]


_ONE_KILLED = re.compile(r"\b(?:killing|killed)\s+(?:the|a|an|one)\s+(?P<who>.{0,40})", re.I)
_ONE_INJURED = re.compile(
    r"\b(?:wounding|wounded|injuring|injured)\s+(?:the|a|an|one)\s+(?P<who>.{0,40})", re.I
)


def _one_person(pattern: re.Pattern[str], text: str) -> int | None:
    """1 for "killing the driver", "injuring a passenger"."""
    match = pattern.search(text)
    return 1 if match and _ONE_PERSON.match(match.group("who")) else None


_ANY_TOLL_WORD = gated(
    r"kill|dead|death|\bdie|slain|perish|lives|martyr|wound|injur|hurt|treated|hospital|casualt|\blos[et]\b|bodies|behead|"
    r"fatalit|toll|no\s+one|nobody|behead|execut|massacr|lynch",
    re.I,
)


def find_toll(sentences: list[str]) -> Toll:
    """The incident's toll from its sentences, in reading order."""
    sentences = [s for s in sentences if _ANY_TOLL_WORD.search(s)]  # most say nothing of one
    killed = injured = None
    killed_at = injured_at = None
    revised_killed = revised_injured = None
    for sentence in sentences:
        text = _APPOSITIVE.sub(" ", live_text(sentence))
        if not text:
            continue
        match = REVISED_KILLED.search(text) or RAISED_KILLED.search(text)
        if match and (value := parse_count(match.group("n"))) is not None:
            revised_killed = (value, sentence)
        match = REVISED_INJURED.search(text)
        if match and (value := parse_count(match.group("n"))) is not None:
            revised_injured = (value, sentence)
        for pattern in SUMMED_KILLED:
            summed = pattern.search(text)
            if killed is None and summed:
                parts = [_group_size(summed.group("a")), _group_size(summed.group("b"))]
                if parts[0] is not None and parts[1] is not None:
                    killed, killed_at = parts[0] + parts[1], sentence
        also = ALSO_KILLED.search(text) if killed is not None and killed_at != sentence else None
        if also and (value := parse_count(also.group("n"))) is not None:
            killed += value
        if killed is None and (value := _first(KILLED_PATTERNS, text)) is not None:
            killed, killed_at = value, sentence
        if injured is None and (value := _first(INJURED_PATTERNS, text)) is not None:
            injured, injured_at = value, sentence
        if killed is None and _one_person(_ONE_KILLED, text):
            killed, killed_at = 1, sentence
        if injured is None and _one_person(_ONE_INJURED, text):
            injured, injured_at = 1, sentence
    if revised_killed is not None:
        killed, killed_at = revised_killed
    if revised_injured is not None:
        injured, injured_at = revised_injured
    for sentence in sentences:
        if killed is None and _NONE_KILLED.search(sentence):
            killed, killed_at = 0, sentence
        if injured is None and _NONE_INJURED.search(sentence):
            injured, injured_at = 0, sentence
    return Toll(killed, injured, killed_at, injured_at)
