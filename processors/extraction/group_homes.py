"""Which country a text's armed groups and forces fight in at home: the country context of a
text that names no country ("TNLA and government forces clashed in Namhsan township" is in
Myanmar), and names that are never places (no town called "Arakan Army" or "Seleka").

The groups come from ``group_homes.tsv``; a group may have several homes (ISWAP fights in
Nigeria and its Lake Chad neighbours), each counted once per text. Acronyms match as
written ("KIA", not "Kia"); other names in any case.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import ahocorasick

from processors.extraction.textcache import text_cache

GROUP_HOMES_FILE = Path(__file__).with_name("group_homes.tsv")
_ACRONYM = re.compile(r"^[A-Z0-9][A-Z0-9/-]*$")


class GroupHome(NamedTuple):
    name: str
    homes: tuple[str, ...]  # ISO 3166-1 alpha-2 codes, the main home first


class _Names(NamedTuple):
    # Aho-Corasick automatons over the aliases: acronyms as written, searched in the text;
    # other names lowered, searched in the lowered text. One pass over the text finds
    # every alias wherever it occurs; the edges are checked only where one does.
    acronyms: Any
    names: Any
    by_alias: dict[str, GroupHome]  # alias (lowercase unless an acronym) -> group


def _automaton(aliases: list[str]) -> Any:
    automaton = ahocorasick.Automaton()
    for alias in aliases:
        automaton.add_word(alias, len(alias))
    automaton.make_automaton()
    return automaton


@lru_cache(maxsize=1)
def _names() -> _Names:
    by_alias: dict[str, GroupHome] = {}
    acronyms: list[str] = []
    names: list[str] = []
    for line in GROUP_HOMES_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, others, homes = line.split("\t")
        group = GroupHome(name, tuple(filter(None, homes.split(";"))))
        for alias in [name, *filter(None, others.split(";"))]:
            if _ACRONYM.match(alias):
                acronyms.append(alias)
                by_alias[alias] = group
            else:
                names.append(alias.lower())
                by_alias[alias.lower()] = group
    return _Names(_automaton(acronyms), _automaton(names), by_alias)


def _word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _stands_alone(text: str, start: int, end: int) -> bool:
    """No letter, apostrophe or hyphen glued before the name, and no letter, curly
    apostrophe or apostrophe and letter after it: "KIA-held", not "KIAs" or "pro-KIA"."""
    if start > 0 and (_word_char(text[start - 1]) or text[start - 1] in "'’-"):
        return False
    if end < len(text):
        after = text[end]
        if _word_char(after) or after == "’":
            return False
        if after == "'" and end + 1 < len(text) and _word_char(text[end + 1]):
            return False
    return True


def _scan(text: str, automaton: Any) -> list[tuple[int, int, str]]:
    """(start, end, alias) of the aliases standing alone in TEXT, leftmost first and the
    longest at each start, none overlapping the one before."""
    lengths: dict[int, list[int]] = {}
    for last, length in automaton.iter(text):
        lengths.setdefault(last - length + 1, []).append(length)
    found: list[tuple[int, int, str]] = []
    cursor = 0
    for start in sorted(lengths):
        if start < cursor:
            continue
        for length in sorted(lengths[start], reverse=True):
            if _stands_alone(text, start, start + length):
                found.append((start, start + length, text[start : start + length]))
                cursor = start + length
                break
    return found


@text_cache(maxsize=8192)
def group_mentions(text: str) -> tuple[tuple[int, int, GroupHome], ...]:
    """(start, end, group) of each known group's name in the text, in reading order."""
    names = _names()
    found = [
        (start, end, names.by_alias[alias]) for start, end, alias in _scan(text, names.acronyms)
    ]
    found += [
        (start, end, names.by_alias[alias])
        for start, end, alias in _scan(_lowered(text), names.names)
    ]
    return tuple(sorted(found))


def _lowered(text: str) -> str:
    """The text lowered letter by letter, each letter in its place: a letter that lowers to
    two ("İ") stays as it is, so that offsets in the result are offsets in the text."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low := char.lower()) == 1 else char for char in text)


def group_spans(text: str) -> list[tuple[int, int]]:
    """Where the text names a known group: no place name starts inside these."""
    return [(start, end) for start, end, _ in group_mentions(text)]


def group_home_counts(text: str) -> dict[str, int]:
    """The home countries of the groups the text names, each group counted once: its main
    home twice, its other homes once (Boko Haram: Nigeria before Cameroon)."""
    homes: dict[str, int] = {}
    for group in dict.fromkeys(group for _, _, group in group_mentions(text)):
        for number, code in enumerate(group.homes):
            homes[code] = homes.get(code, 0) + (2 if number == 0 else 1)
    return homes
