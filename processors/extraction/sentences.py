"""Splitting news copy into sentences without breaking "Sept. 27" or "U.N." apart."""

from __future__ import annotations

import re

_ABBREVIATION = re.compile(
    r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Mr|Mrs|Ms|Dr|Gen|Lt|Col|Capt|Sgt|"
    r"Maj|Rep|Sen|Gov|Pres|St|No|Co|Corp|Inc|Ltd|vs|approx|U\.S|U\.N|U\.K|a\.m|p\.m|[A-Z])"
)
_BOUNDARY = re.compile(r"[.!?][\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])")
_LAST_WORD = re.compile(r"(\S+)\.$")
_DATELINE = re.compile(
    r"^[A-Z]{2,}(?: [A-Z]{2,})*(?:, [A-Z][A-Za-z .'-]{1,40})?(?: \([^)]{1,40}\))?\s+[-–—]\s+"
)


def split_sentences(text: str) -> list[str]:
    """Sentences in order; paragraphs never share a sentence; datelines are dropped."""
    sentences: list[str] = []
    for paragraph in text.splitlines():
        paragraph = _DATELINE.sub("", " ".join(paragraph.split()))
        if paragraph:
            sentences.extend(part for part in _split_paragraph(paragraph) if part)
    return sentences


def _split_paragraph(paragraph: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(paragraph):
        last_word = _LAST_WORD.search(paragraph[start : match.start() + 1])
        if last_word and _ABBREVIATION.fullmatch(last_word.group(1)):
            continue
        parts.append(paragraph[start : match.end()].strip())
        start = match.end()
    parts.append(paragraph[start:].strip())
    return parts
