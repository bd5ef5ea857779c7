"""The local date an event happened, from how the article refers to it.

Everything is relative to the article's published time seen in the event's own time
zone: "on Sunday" is the latest Sunday on or before publication, "overnight" and
"last night" the evening before, "yesterday" the day before. Times given in GMT in
parentheses ("2 a.m. local time (2200 GMT Saturday)") are not read as the local day,
and "said on Wednesday" dates the statement, not the event. A date that would lie
outside the calendar is no date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?P<month>Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|"
    r"Aug(?:ust|\.)?|Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
_PARENTHESES = re.compile(r"\([^()]*\)")  # innermost only: "((((" stays linear
_REPORTING = re.compile(
    r"\b(?:said|says|told\s+\w+|reported|announced|wrote|added|stated|confirmed|tweeted|posted)"
    r"\s+(?:late\s+|early\s+)?on\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.I,
)
_WEEKDAY = re.compile(
    r"\b(?P<day>monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?:'s)?\b"
    r"(?:\s+(?P<part>night|evening|morning|afternoon))?",
    re.I,
)
_EXPLICIT_DAY_MONTH = re.compile(rf"\b(?P<day>\d{{1,2}})\s+{_MONTH}(?:,?\s+(?P<year>\d{{4}}))?\b")
_EXPLICIT_MONTH_DAY = re.compile(
    rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{{4}}))?\b"
)
_YESTERDAY = re.compile(r"\byesterday\b", re.I)
_LAST_NIGHT = re.compile(
    r"\b(?:overnight|last\s+night|before\s+midnight|late\s+last\s+night)\b", re.I
)
_AFTER_MIDNIGHT = re.compile(
    r"\b(?:[0-5](?::\d\d)?\s*a\.?m\.?|after\s+midnight|before\s+dawn|at\s+dawn)\b", re.I
)
_TODAY = re.compile(r"\b(?:today|this\s+morning|this\s+afternoon|earlier\s+today)\b", re.I)


@dataclass(frozen=True)
class ResolvedDate:
    date: dt.date
    explicit: bool
    evidence: str | None


@lru_cache(maxsize=1024)  # about 600 zones exist; ZoneInfo's own cache keeps only 8 for sure
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_published(published: dt.datetime, timezone: str | None) -> dt.datetime:
    if timezone:
        try:
            return published.astimezone(_zone(timezone))
        except (ZoneInfoNotFoundError, ValueError, OverflowError):
            pass  # no such zone, or the first or last day of the calendar: keep UTC
    return published


def _explicit_date(sentence: str, reference: dt.date) -> dt.date | None:
    for pattern in (_EXPLICIT_DAY_MONTH, _EXPLICIT_MONTH_DAY):
        match = pattern.search(sentence)
        if not match:
            continue
        month = MONTHS[match.group("month").lower()[:3]]
        year = int(match.group("year")) if match.group("year") else reference.year
        try:
            found = dt.date(year, month, int(match.group("day")))
        except ValueError:
            continue
        if not match.group("year") and found > reference:
            found = found.replace(year=year - 1)
        return found
    return None


_CLAUSE_BREAK = re.compile(r"\b(?:after|before|when|as|while|since|days?\s+after)\b|;", re.I)


def _trigger_clause(sentence: str, focus: int) -> str:
    """The part of the sentence, between "after"/"when"/"before" breaks, around ``focus``.

    "Families buried their dead on Saturday after a bombing killed 21 during Friday
    prayers": the bombing's clause says Friday.
    """
    start, end = 0, len(sentence)
    for match in _CLAUSE_BREAK.finditer(sentence):
        if match.start() <= focus:
            start = match.start()
        elif match.start() > focus:
            end = match.start()
            break
    return sentence[start:end]


def _date_in(text: str, today: dt.date) -> tuple[dt.date, bool] | None:
    text = _REPORTING.sub(" ", _PARENTHESES.sub(" ", text))
    explicit = _explicit_date(text, today)
    if explicit is not None:
        return explicit, True
    weekday = _WEEKDAY.search(text)
    if weekday:
        wanted = WEEKDAYS.index(weekday.group("day").lower())
        back = (today.weekday() - wanted) % 7
        return today - dt.timedelta(days=back), True
    if _YESTERDAY.search(text):
        return today - dt.timedelta(days=1), True
    if _LAST_NIGHT.search(text):
        back = 0 if _AFTER_MIDNIGHT.search(text) else 1
        return today - dt.timedelta(days=back), True
    if _TODAY.search(text):
        return today, True
    return None


def resolve_date(
    sentences: list[str], published: dt.datetime, timezone: str | None, focus: int | None = None
) -> ResolvedDate:
    """The event's local date from the first sentence that says when it happened.

    ``focus`` is where the first sentence names the event; its own clause is read first.
    """
    today = local_published(published, timezone).date()
    for number, sentence in enumerate(sentences):
        texts = [sentence]
        if number == 0 and focus is not None:
            texts.insert(0, _trigger_clause(sentence, focus))
        for text in texts:
            try:
                found = _date_in(text, today)
            except (ValueError, OverflowError):
                # "on December 5" read in early January of year 1 lies before the
                # calendar: no date said here
                found = None
            if found is not None:
                return ResolvedDate(found[0], found[1], sentence)
    return ResolvedDate(today, False, None)
