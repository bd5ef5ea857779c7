"""Splitting news copy into sentences without breaking "Sept. 27" or "U.N." apart."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from processors.extraction.gazetteer import Gazetteer, Place

_ABBREVIATION = re.compile(
    r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Mr|Mrs|Ms|Dr|Gen|Lt|Col|Capt|Sgt|"
    r"Maj|Rep|Sen|Gov|Pres|St|No|Co|Corp|Inc|Ltd|vs|approx|U\.S|U\.N|U\.K|a\.m|p\.m|[A-Z])"
)
_BOUNDARY = re.compile(r"[.!?][\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])")
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# "IMPHAL -", "BAQUBA, Iraq, July 14 (Wire) -": the place and day the report was filed
_DATELINE = re.compile(
    r"^(?P<city>[A-ZÀ-Ý]{2,}(?: [A-ZÀ-Ý]{2,})*)(?:, [A-Z][A-Za-z .'-]{1,40}?)?"
    rf"(?:,? {_MONTH} \d{{1,2}})?(?: \([^)]{{1,40}}\))?\s+[-–—]\s+"
)


MAX_SENTENCE_CHARS = 500  # news sentences are shorter; longer runs are cut at a space


def split_sentences(text: str) -> list[str]:
    """Sentences in order; paragraphs never share a sentence; datelines are dropped.

    A "sentence" longer than MAX_SENTENCE_CHARS (a list, text without full stops, or
    junk) is cut into pieces at spaces, so that no pattern ever scans more than that."""
    sentences: list[str] = []
    for paragraph in text.splitlines():
        paragraph = _DATELINE.sub("", " ".join(paragraph.split()))
        if paragraph:
            for part in _split_paragraph(paragraph):
                sentences.extend(_pieces(part))
    return sentences


def _pieces(sentence: str) -> list[str]:
    pieces = []
    while len(sentence) > MAX_SENTENCE_CHARS:
        cut = sentence.rfind(" ", MAX_SENTENCE_CHARS // 2, MAX_SENTENCE_CHARS)
        cut = cut if cut > 0 else MAX_SENTENCE_CHARS
        pieces.append(sentence[:cut].strip())
        sentence = sentence[cut:]
    pieces.append(sentence.strip())
    return [piece for piece in pieces if piece]


def _split_paragraph(paragraph: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(paragraph):
        stop = match.start()
        if paragraph[stop] == ".":
            # the word before the full stop, found backwards: a regex search over the
            # whole paragraph would be quadratic in a paragraph of one long "word"
            word = paragraph[max(paragraph.rfind(" ", start, stop) + 1, start) : stop]
            if word and _ABBREVIATION.fullmatch(word):
                continue
        parts.append(paragraph[start : match.end()].strip())
        start = match.end()
    parts.append(paragraph[start:].strip())
    return parts


def dateline_place(text: str, gazetteer: Gazetteer) -> Place | None:
    """The city a report is filed from ("IMPHAL -"), its most populous namesake."""
    first = text.lstrip().split("\n", 1)[0]
    match = _DATELINE.match(" ".join(first.split()))
    if not match:
        return None
    places = gazetteer.lookup(match.group("city").title())
    return max(places, key=lambda place: place.population) if places else None
