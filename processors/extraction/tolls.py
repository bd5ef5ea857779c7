"""Killed and injured counts from the sentences that report one event.

"at least N" and "more than N" are kept as N (a lower bound, as ACLED codes it); a
figure the article itself revises ("the toll has risen to 10") wins over earlier ones;
cumulative tallies ("41 civilians have been killed since Sept. 27") are never taken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from processors.extraction.numbers import NUMBER_PATTERN, parse_count

_QUALIFIER = r"(?:(?:at\s+least|more\s+than|over|some|about|around|nearly|almost|up\s+to|another|a\s+further)\s+)?"
_N = rf"(?P<n>{NUMBER_PATTERN})"
_NOT_A_COUNT = r"(?!\s*(?:a\.m|p\.m|km|kilometres|kilometers|miles|percent|%|GMT|years?|months?|weeks?|days?|hours?|minutes?|metres|meters|-year|-storey|-story|of\s+the\b|of\s+them\b|million|billion))"
_GAP = r"(?:[\w'’,-]+\s+){0,8}?"
_BE = r"(?:(?:were|was|have\s+been|had\s+been|has\s+been|are|is|being|reportedly|also|all)\s+)*"

_KILLED_WORD = (
    r"(?:killed|dead|died|slain|perished|lost\s+their\s+lives|shot\s+dead|killed\s+outright)"
)
_INJURED_WORD = r"(?:injured|wounded|hurt|treated\s+for\s+(?:wounds|injuries)|hospitali[sz]ed)"

KILLED_PATTERNS = (
    re.compile(
        rf"\b(?:killing|kills|killed|leaving|left)\s+{_QUALIFIER}{_N}\b{_NOT_A_COUNT}", re.I
    ),
    re.compile(rf"\b{_QUALIFIER}{_N}\b{_NOT_A_COUNT}\s+{_GAP}{_BE}{_KILLED_WORD}\b", re.I),
)
INJURED_PATTERNS = (
    re.compile(
        rf"\b(?:wounding|injuring|wounded|injured|hurting|wounds|injures)\s+{_QUALIFIER}{_N}\b{_NOT_A_COUNT}",
        re.I,
    ),
    re.compile(rf"\b{_QUALIFIER}{_N}\b{_NOT_A_COUNT}\s+{_GAP}{_BE}{_INJURED_WORD}\b", re.I),
)
REVISED_KILLED = re.compile(
    rf"\b(?:death\s+toll|toll|number\s+of\s+(?:people|those|civilians|dead)\s+killed|number\s+of\s+dead|dead)"
    rf"\b[^.;]{{0,120}}?\b(?:risen|rose|climbed|increased|jumped|reached|stands\s+at|stood\s+at)\s+"
    rf"(?:to\s+)?{_QUALIFIER}{_N}\b{_NOT_A_COUNT}",
    re.I,
)
REVISED_INJURED = re.compile(
    rf"\b(?:number\s+of\s+(?:wounded|injured)|(?:wounded|injured)\s+toll)"
    rf"\b[^.;]{{0,120}}?\b(?:risen|rose|climbed|increased|jumped|reached)\s+(?:to\s+)?{_QUALIFIER}{_N}\b",
    re.I,
)

_CUMULATIVE = re.compile(
    r"\b(?:so\s+far|in\s+total|to\s+date|overall|cumulative|altogether|this\s+year|"
    r"(?:in\s+)?the\s+past\s+(?:year|month|week|decade)|(?:last|past)\s+\d+\s+(?:years|months)|"
    r"since\s+the\s+(?:start|beginning|outbreak)|as\s+many\s+as|throughout\s+the\s+war|"
    r"during\s+the\s+war|of\s+the\s+war)\b",
    re.I,
)
_PERFECT_SINCE = re.compile(
    r"\b(?:have|has|had)\s+(?:been\s+)?(?:killed|died|wounded|injured)\b[^.]*\bsince\b|"
    r"\bsince\b[^.]*\b(?:have|has)\s+(?:been\s+)?(?:killed|died|wounded|injured)\b",
    re.I,
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


def _first(patterns: tuple[re.Pattern[str], ...], sentence: str) -> int | None:
    best: tuple[int, int] | None = None
    for pattern in patterns:
        for match in pattern.finditer(sentence):
            value = parse_count(match.group("n"))
            if value is not None and (best is None or match.start() < best[0]):
                best = (match.start(), value)
            break
    return None if best is None else best[1]


def find_toll(sentences: list[str]) -> Toll:
    """The incident's toll from its sentences, in reading order."""
    killed = injured = None
    killed_at = injured_at = None
    revised_killed = revised_injured = None
    for sentence in sentences:
        if is_cumulative(sentence):
            continue
        match = REVISED_KILLED.search(sentence)
        if match and (value := parse_count(match.group("n"))) is not None:
            revised_killed = (value, sentence)
        match = REVISED_INJURED.search(sentence)
        if match and (value := parse_count(match.group("n"))) is not None:
            revised_injured = (value, sentence)
        if killed is None and (value := _first(KILLED_PATTERNS, sentence)) is not None:
            killed, killed_at = value, sentence
        if injured is None and (value := _first(INJURED_PATTERNS, sentence)) is not None:
            injured, injured_at = value, sentence
    if revised_killed is not None:
        killed, killed_at = revised_killed
    if revised_injured is not None:
        injured, injured_at = revised_injured
    return Toll(killed, injured, killed_at, injured_at)
