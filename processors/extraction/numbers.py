"""Counts written in digits or words, as news copy writes them.

Vague quantities become documented lower bounds: "dozens" is 24 (at least two
dozen), "scores" 40, "hundreds" 200, "a dozen" 12, "a handful" 3.
"""

from __future__ import annotations

import re

_UNITS = {
    "zero": 0,
    "one": 1,
    "a": 1,
    "an": 1,
    "single": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1000}
VAGUE_LOWER_BOUNDS = {
    "dozens": 24,
    "scores": 40,
    "hundreds": 200,
    "thousands": 2000,
    "a dozen": 12,
    "a handful": 3,
    "several": 3,
    "a few": 2,
    "a number": 2,
}

_WORD = "|".join(sorted([*_UNITS, *_TENS, *_SCALES], key=len, reverse=True))
_WORD_NUMBER = rf"(?:(?:{_WORD})(?:[\s-]+(?:and\s+)?(?:{_WORD}))*)"
_VAGUE = "|".join(re.escape(k) for k in sorted(VAGUE_LOWER_BOUNDS, key=len, reverse=True))
NUMBER_PATTERN = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+|{_VAGUE}|{_WORD_NUMBER})"


def parse_count(text: str) -> int | None:
    """``"34"`` -> 34, ``"ninety-eight"`` -> 98, ``"dozens"`` -> 24; None when not a count."""
    cleaned = text.strip().lower()
    if not cleaned:
        return None
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d+", cleaned):
        return int(cleaned.replace(",", ""))
    if cleaned in VAGUE_LOWER_BOUNDS:
        return VAGUE_LOWER_BOUNDS[cleaned]
    words = [w for w in re.split(r"[\s-]+", cleaned) if w and w != "and"]
    if not words:
        return None
    total = 0
    current = 0
    for word in words:
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word == "thousand":
            total += max(current, 1) * 1000
            current = 0
        else:
            return None
    return total + current
