"""Counts written in digits or words, as news copy writes them.

Vague quantities follow ACLED's codebook: "several" and "many" are 10, "dozens" 12,
"hundreds" 100, "thousands" 1,000; the rest are documented lower bounds ("scores" 40,
"a dozen" 12, "a handful" 3, "a few" 2).

Patterns here are bounded: a word number has at most six words and a digit run at
most seven digits, so no input can make a pattern that uses them backtrack for long
("one one one ..." or a 5,000-digit number is simply not a count).
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
    "dozens": 12,
    "scores": 40,
    "hundreds": 100,
    "thousands": 1000,
    "a dozen": 12,
    "a handful": 3,
    "several": 10,
    "many": 10,
    "a few": 2,
    "a number": 2,
    "tens": 10,
}
MAX_COUNT = 9_999_999  # above this a figure is not a toll (seven digits at most)

_WORD = "|".join(sorted([*_UNITS, *_TENS, *_SCALES], key=len, reverse=True))
_WORD_NUMBER = rf"(?:(?:{_WORD})(?:[\s-]+(?:and\s+)?(?:{_WORD})){{0,5}}(?![\s-]+(?:{_WORD})\b))"
_VAGUE = "|".join(re.escape(k) for k in sorted(VAGUE_LOWER_BOUNDS, key=len, reverse=True))
_DIGITS = r"(?<![\d,.])(?:\d{1,3}(?:,\d{3}){1,2}|\d{1,7})(?![\d,]\d)"
NUMBER_PATTERN = rf"(?:{_DIGITS}|{_VAGUE}|{_WORD_NUMBER})"


def parse_count(text: str) -> int | None:
    """``"34"`` -> 34, ``"ninety-eight"`` -> 98, ``"dozens"`` -> 24; None when not a count."""
    cleaned = text.strip().lower()
    if not cleaned:
        return None
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d+", cleaned):
        value = int(cleaned.replace(",", ""))
        return value if value <= MAX_COUNT else None
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
