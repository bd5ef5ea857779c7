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


class _Patterns(NamedTuple):
    acronyms: re.Pattern[str]
    names: re.Pattern[str]
    by_alias: dict[str, GroupHome]  # alias (lowercase unless an acronym) -> group
    # every name, lowered, in one Aho-Corasick automaton: most text names no group, and
    # one pass over it says so before either pattern runs
    gate: Any


def _alternation(aliases: list[str]) -> str:
    return "|".join(re.escape(alias) for alias in sorted(aliases, key=len, reverse=True))


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
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
                names.append(alias)
                by_alias[alias.lower()] = group
    edge = r"(?<![\w'’-])(?:{})(?![\w’]|'\w)"
    return _Patterns(
        re.compile(edge.format(_alternation(acronyms))),
        re.compile(edge.format(_alternation(names)), re.I),
        by_alias,
        _gate([*acronyms, *names]),
    )


def _gate(aliases: list[str]) -> Any:
    automaton = ahocorasick.Automaton()
    for alias in aliases:
        automaton.add_word(alias.lower(), alias)
    automaton.make_automaton()
    return automaton


@text_cache(maxsize=8192)
def group_mentions(text: str) -> tuple[tuple[int, int, GroupHome], ...]:
    """(start, end, group) of each known group's name in the text, in reading order."""
    patterns = _patterns()
    if next(patterns.gate.iter(text.lower()), None) is None:
        return ()
    found = [
        (m.start(), m.end(), patterns.by_alias[m.group()]) for m in patterns.acronyms.finditer(text)
    ]
    found += [
        (m.start(), m.end(), patterns.by_alias[m.group().lower()])
        for m in patterns.names.finditer(text)
    ]
    return tuple(sorted(found))


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
