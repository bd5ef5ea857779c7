"""A pattern runs only on text that contains one of the words every match of it contains,
and only where one of the words every match begins with stands.

Most sentences name no weapon, no accident and no running tally, yet each of those
patterns is a long case-insensitive alternation that Python's engine tries at every
position. `Gated` knows the pattern's literals (derived from the pattern itself, so they
cannot drift from it); one Aho-Corasick pass over a lowered sentence finds which of all
gated patterns' literals it holds, and a pattern none of whose literals is there is not
searched. The result is the same either way: a text with a letter Python's engine folds
unlike str.lower() ("İ", "ı", "ſ") passes every gate.

When every match of a pattern begins with one of a few strings ("suicide" or "blew" of
"\\bsuicide\\s+...|\\bbl(?:ew|ows?)\\s+..."), the same pass says where they stand (the
short ones, "a" or "is", are looked for apart): the pattern is tried only at those
places, in order, which finds the match a search would (a search is that same attempt at
every place in turn) without walking the sentence letter by letter; a text with such a
letter is searched whole.
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
            automaton.add_word(literal, (literal, len(literal) - 1))
        automaton.make_automaton()
        _AUTOMATON.append(automaton)
    return _AUTOMATON[0]


@text_cache(maxsize=256)
def lowered(text: str) -> str:
    """The text in lower case, once per text: the gate and the match count both read it."""
    return text.lower()


@text_cache(maxsize=256)
def _occurrences(text: str) -> dict[str, list[int]]:
    """Where in the text each gated pattern's literal stands (its start), in one pass."""
    found: dict[str, list[int]] = {}
    if _LITERALS:
        for end, (literal, length) in _automaton().iter(lowered(text)):
            found.setdefault(literal, []).append(end - length)
    return found


@text_cache(maxsize=256)
def literals_in(text: str) -> frozenset[str]:
    """Which gated patterns' literals the text holds (all of them, for a text whose lower
    case is no guide: see `_aligned`)."""
    return frozenset(_occurrences(text)) if _aligned(text) else frozenset(_LITERALS)


def _found_at(text: str, part: str) -> list[int]:
    """Where PART begins in TEXT, in order."""
    found = []
    at = text.find(part)
    while at >= 0:
        found.append(at)
        at = text.find(part, at + 1)
    return found


def _aligned(text: str) -> bool:
    """Whether the lowered text holds a literal (ASCII, as all of them are) at each place
    the engine matches it in the text, case aside. Not when the text has a letter the
    engine matches to an ASCII letter that str.lower() does not lower to it in place:
    "İ" lowers to two letters, "ı" and "ſ" match "i" and "s" in the engine only."""
    return "İ" not in text and "ı" not in text and "ſ" not in text


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


MAX_LEADS = 256  # spellings a pattern's beginnings are spelled out to, at most
# "\\d" is spelled as the ASCII digits: a text with any other digit is searched whole
_SPELLED_CLASSES = (
    {(_sre.CATEGORY, _sre.CATEGORY_DIGIT): frozenset("0123456789")} if _sre is not None else {}
)
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")


def _spelled(op: Any, value: Any) -> frozenset[str] | None:
    """Every string one parsed element can match, lowered, when they are few (a letter, a
    class of letters, an optional or alternative run of them); None otherwise. What takes
    no letters (a word boundary, a lookaround) is read as matching ""."""
    if op is _sre.LITERAL:
        return frozenset({chr(value).lower()})
    if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
        return frozenset({""})
    if op is _sre.IN and all(item in _SPELLED_CLASSES or item[0] is _sre.LITERAL for item in value):
        return frozenset().union(
            *(_SPELLED_CLASSES.get(item) or {chr(item[1]).lower()} for item in value)
        )
    if op is _sre.SUBPATTERN:
        return _spelled_all(value[3])
    if op is _sre.BRANCH:
        branches = [_spelled_all(branch) for branch in value[1]]
        if any(branch is None for branch in branches):
            return None
        return frozenset().union(*branches)  # type: ignore[arg-type]
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) and value[:2] in ((0, 1), (1, 1)):
        inner = _spelled_all(value[2])
        return None if inner is None else inner | ({""} if value[0] == 0 else set())
    return None


def _spelled_all(items: Any) -> frozenset[str] | None:
    found = frozenset({""})
    for op, value in items:
        spelled = _spelled(op, value)
        if spelled is None:
            return None
        found = frozenset(a + b for a in found for b in spelled)
        if len(found) > MAX_LEADS:
            return None
    return found


def _leading(items: Any) -> frozenset[str] | None:
    """Strings one of which every match of this parsed sequence begins with (None:
    unknown): what it spells out in full, then how what follows may begin."""
    items = list(items)
    found = frozenset({""})
    for index, (op, value) in enumerate(items):
        spelled = _spelled(op, value)
        if spelled is not None and len(found) * len(spelled) <= MAX_LEADS:
            found = frozenset(a + b for a in found for b in spelled)
            continue
        then: frozenset[str] | None = None
        if op is _sre.SUBPATTERN:
            then = _leading(value[3])
        elif op is _sre.ATOMIC_GROUP:
            then = _leading(value)
        elif op is _sre.BRANCH:
            branches = [_leading(branch) for branch in value[1]]
            if all(branch is not None for branch in branches):
                then = frozenset().union(*branches)  # type: ignore[arg-type]
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
            if value[0] >= 1:
                then = _leading(value[2])
            else:  # "(?:stun[\s-]+)?grenades?": it, or what follows it
                own, rest = _leading(value[2]), _leading(items[index + 1 :])
                then = None if own is None or rest is None else own | rest
        if then is not None and len(found) * len(then) <= MAX_LEADS:
            found = frozenset(a + b for a in found for b in then)
        break
    # "caf" of "café": the engine folds other letters than ASCII unlike str.lower()
    found = frozenset(_ascii_head(lead) for lead in found)
    return None if "" in found else found


def _ascii_head(text: str) -> str:
    """TEXT up to its first letter outside ASCII."""
    return next((text[:i] for i, char in enumerate(text) if not char.isascii()), text)


def leading_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Lowercase ASCII strings one of which every match of PATTERN begins with (of any
    length: "a" of "a series of" too), or None when there are none such."""
    if _sre_parse is None:
        return None
    try:
        found = _leading(_sre_parse.parse(pattern.pattern, pattern.flags))
    except Exception:  # a construct this reader does not know: search the whole text
        return None
    if not found:
        return None
    # "bomb" of "bomb" and "bombs" says where both begin
    return frozenset(
        lead
        for lead in found
        if not any(lead.startswith(other) and lead != other for other in found)
    )


def required_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Lowercase strings one of which any match of PATTERN contains, or None when the
    pattern has no such strings of at least MIN_LITERAL characters."""
    if _sre_parse is None:
        return None
    try:
        found = _required(_sre_parse.parse(pattern.pattern, pattern.flags))
    except Exception:  # a construct this reader does not know: run the pattern always
        return None
    found = frozenset(_ascii_head(literal) for literal in found) if found else None
    if not found or min(map(len, found)) < MIN_LITERAL:
        return None
    return found


class Gated:
    """A compiled pattern searched only when the text holds one of its literals."""

    __slots__ = ("_digits", "_own", "leads", "needles", "pattern", "short_leads")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.needles = required_literals(pattern)
        # where a match may begin: the longer beginnings are found by the one pass, the few
        # short ones ("a", "is") looked for on their own (None and (): anywhere)
        leads = leading_literals(pattern) or frozenset()
        self.leads = frozenset(lead for lead in leads if len(lead) >= MIN_LITERAL) or None
        self.short_leads = tuple(sorted(lead for lead in leads if len(lead) < MIN_LITERAL))
        self._digits = "\\d" in pattern.pattern  # see _SPELLED_CLASSES
        self._own: Any = None  # an automaton of this pattern's literals alone, if asked
        if self.needles or self.leads:
            _LITERALS.update((self.needles or frozenset()) | (self.leads or frozenset()))
            _AUTOMATON.clear()
            _occurrences.cache_clear()
            literals_in.cache_clear()

    def possible(self, text: str) -> bool:
        """False only when no match can be in TEXT."""
        return self.needles is None or not self.needles.isdisjoint(literals_in(text))

    def may_match_times(self, text: str, times: int) -> bool:
        """False only when TEXT cannot hold TIMES matches: matches do not overlap and each
        holds one of the literals, so there are no more of them than literals in the text."""
        if self.needles is None or times <= 1 or not _aligned(text):
            return self.needles is None or times <= 0 or self.possible(text)
        if self._own is None:
            self._own = ahocorasick.Automaton()
            for literal in self.needles:
                self._own.add_word(literal, literal)
            self._own.make_automaton()
        hits = self._own.iter(lowered(text))
        return next(itertools.islice(hits, times - 1, None), None) is not None

    def _starts(self, text: str) -> list[int] | None:
        """Where a match may begin, in order (None: anywhere)."""
        if (
            (self.leads is None and not self.short_leads)
            or not _aligned(text)
            or (self._digits and not text.isascii() and _OTHER_DIGIT.search(text))
        ):
            return None
        occurrences = _occurrences(text)
        places = (
            [occurrences[literal] for literal in self.leads.intersection(occurrences)]
            if self.leads
            else []
        )
        if self.short_leads:
            low = lowered(text)
            places += [_found_at(low, lead) for lead in self.short_leads]
        if len(places) == 1:
            return places[0]
        return sorted(set(itertools.chain.from_iterable(places)))

    def search(self, text: str) -> re.Match[str] | None:
        if not self.possible(text):
            return None
        starts = self._starts(text)
        if starts is None:
            return self.pattern.search(text)
        match = self.pattern.match
        for start in starts:
            if (found := match(text, start)) is not None:
                return found
        return None

    def finditer(self, text: str) -> Any:
        if not self.possible(text):
            return iter(())
        starts = self._starts(text)
        if starts is None:
            return self.pattern.finditer(text)
        return self._matches_at(text, starts)

    def _matches_at(self, text: str, starts: list[int]) -> Any:
        """The matches `finditer` gives, tried only at STARTS: each non-empty (it begins
        with a literal), so the next one begins where the last ended or after."""
        end = 0
        for start in starts:
            if start >= end and (found := self.pattern.match(text, start)) is not None:
                end = found.end()
                yield found


def gated(pattern: str, flags: int = 0) -> Gated:
    """re.compile, with the gate."""
    return Gated(re.compile(pattern, flags))
