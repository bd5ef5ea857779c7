"""A pattern runs only on text that contains one of the words every match of it contains.

Most sentences name no weapon, no accident and no running tally, yet each of those
patterns is a long case-insensitive alternation that Python's engine tries at every
position. `Gated` knows the pattern's literals (derived from the pattern itself, so they
cannot drift from it); one Aho-Corasick pass over a lowered sentence finds which of all
gated patterns' literals it holds, and a pattern none of whose literals is there is not
searched. The result is the same either way, short of the few letters Python's engine
folds unlike str.lower() (the long s "ſ", the Kelvin sign), which news copy does not use.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import ahocorasick

try:  # the parser behind re.compile; private, so a Python without it only loses the gate
    from re import _constants as _sre
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - every supported Python has them
    _sre = _sre_parse = None  # type: ignore[assignment]

from processors.extraction.textcache import text_cache

MIN_LITERAL = 3  # shorter literals ("a", "on") are in nearly every sentence: no gate


_LITERALS: set[str] = set()  # of every gated pattern
_AUTOMATON: list[Any] = []  # built on first use, again after a pattern is added


def _automaton() -> Any:
    if not _AUTOMATON:
        automaton = ahocorasick.Automaton()
        for literal in _LITERALS:
            automaton.add_word(literal, literal)
        automaton.make_automaton()
        _AUTOMATON.append(automaton)
    return _AUTOMATON[0]


@text_cache(maxsize=256)
def lowered(text: str) -> str:
    """The text in lower case, once per text: the gate and the match count both read it."""
    return text.lower()


@text_cache(maxsize=256)
def literals_in(text: str) -> frozenset[str]:
    """Which gated patterns' literals the text holds, in one pass."""
    if not _LITERALS:
        return frozenset()
    return frozenset(literal for _, literal in _automaton().iter(lowered(text)))


def _better(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    """Of two literal sets either of which holds, the one that rejects more text."""
    if a is None or b is None:
        return a if b is None else b
    rank_a = (min(map(len, a)), -len(a))
    rank_b = (min(map(len, b)), -len(b))
    return a if rank_a >= rank_b else b


def _required(items: Any) -> frozenset[str] | None:
    """Strings one of which every match of this parsed sequence contains (None: unknown)."""
    best: frozenset[str] | None = None
    run = ""
    for op, value in [*items, (None, None)]:
        if op is _sre.LITERAL:
            run += chr(value).lower()
            continue
        if run:  # a run of literal characters is required as a whole
            best = _better(frozenset({run}), best)
            run = ""
        found: frozenset[str] | None = None
        if op is _sre.SUBPATTERN:
            found = _required(value[3])
        elif op is _sre.ATOMIC_GROUP:
            found = _required(value)
        elif op is _sre.BRANCH:
            branches = [_required(branch) for branch in value[1]]
            if all(branch is not None for branch in branches):
                found = frozenset().union(*branches)  # type: ignore[arg-type]
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
            low, _, repeated = value
            found = _required(repeated) if low >= 1 else None
        # anything else (a class, a lookaround, an anchor) requires no literal
        best = _better(found, best)
    return best


def required_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Lowercase strings one of which any match of PATTERN contains, or None when the
    pattern has no such strings of at least MIN_LITERAL characters."""
    if _sre_parse is None:
        return None
    try:
        found = _required(_sre_parse.parse(pattern.pattern, pattern.flags))
    except Exception:  # a construct this reader does not know: run the pattern always
        return None
    if not found or min(map(len, found)) < MIN_LITERAL:
        return None
    return found


class Gated:
    """A compiled pattern searched only when the text holds one of its literals."""

    __slots__ = ("_own", "needles", "pattern")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.needles = required_literals(pattern)
        self._own: Any = None  # an automaton of this pattern's literals alone, if asked
        if self.needles:
            _LITERALS.update(self.needles)
            _AUTOMATON.clear()
            literals_in.cache_clear()

    def possible(self, text: str) -> bool:
        """False only when no match can be in TEXT."""
        return self.needles is None or not self.needles.isdisjoint(literals_in(text))

    def may_match_times(self, text: str, times: int) -> bool:
        """False only when TEXT cannot hold TIMES matches: matches do not overlap and each
        holds one of the literals, so there are no more of them than literals in the text."""
        if self.needles is None or times <= 1:
            return self.needles is None or times <= 0 or self.possible(text)
        if self._own is None:
            self._own = ahocorasick.Automaton()
            for literal in self.needles:
                self._own.add_word(literal, literal)
            self._own.make_automaton()
        hits = self._own.iter(lowered(text))
        return next(itertools.islice(hits, times - 1, None), None) is not None

    def search(self, text: str) -> re.Match[str] | None:
        return self.pattern.search(text) if self.possible(text) else None

    def finditer(self, text: str) -> Any:
        return self.pattern.finditer(text) if self.possible(text) else iter(())


def gated(pattern: str, flags: int = 0) -> Gated:
    """re.compile, with the gate."""
    return Gated(re.compile(pattern, flags))
