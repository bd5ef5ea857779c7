"""The literal gate in front of the extractor's long patterns: it may skip a search only
when the search could not have matched, and try a pattern only where a match may begin
when that finds what the search would."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.seeds import load_seed, seed_files
from processors.extraction import named_sides, outcomes, tolls, triggers
from processors.extraction.literals import Gated, gated, leading_literals, required_literals
from processors.extraction.sentences import split_sentences

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("pattern", "flags", "expected"),
    [
        (r"\bgrenades?\b", re.I, {"grenade"}),
        # of "air" and "strike", both required, the longer rejects more
        (r"\b(?:air\s*strikes?|warplanes?)\b", re.I, {"strike", "warplane"}),
        (r"(?-i:[Ss]hell)(?:s|ed)?", re.I, {"hell"}),
        # the parser factors "sho" out of "shot|shoots?"
        (r"\b(?:shot|shoots?)\s+(?:dead|down)\b", re.I, {"sho"}),
        (r"\bTaliban\b", 0, {"taliban"}),
    ],
)
def test_the_literals_every_match_contains(pattern, flags, expected):
    assert required_literals(re.compile(pattern, flags)) == expected


@pytest.mark.parametrize(
    "pattern",
    [
        r"\b(?:if|or)\b",  # too short to reject anything
        r"\b(?:kill\w*|[0-9]+)\b",  # one branch has no literal at all
        r"(?:bomb)?\s+",  # optional: a match need not contain it
    ],
)
def test_no_gate_when_a_match_needs_no_literal_of_three_letters(pattern):
    assert required_literals(re.compile(pattern, re.I)) is None
    assert gated(pattern, re.I).possible("anything at all")


@pytest.mark.parametrize(
    ("pattern", "flags", "expected"),
    [
        (r"\b(?:stun[\s-]+)?grenades?\b", re.I, {"stun", "grenade"}),  # optional, or not
        (r"\bbl(?:ew|ows?)\s+(?:him|her)self\s+up", re.I, {"blew", "blow"}),
        (r"\bgunm[ae]n\b", re.I, {"gunman", "gunmen"}),
        (r"\b(?:a|the)\s+raid", re.I, {"a", "the"}),  # short ones are looked for apart
        (r"\bcaf[eé]s?\b", re.I, {"caf"}),  # the ASCII head of "café"
        (r"(?-i:IS)\s+fighters", re.I, {"is"}),
    ],
)
def test_the_literals_every_match_begins_with(pattern, flags, expected):
    assert leading_literals(re.compile(pattern, flags)) == expected


@pytest.mark.parametrize(
    "pattern",
    [
        r"\b(?:kill\w*|[0-9]+)\b",  # one branch begins with a digit
        r"(?:bomb)?\s+",  # a match may begin with a space
        r"(?-i:[A-Z])\w+\s+forces",  # with any capital
    ],
)
def test_no_beginning_when_a_match_may_begin_anywhere(pattern):
    assert leading_literals(re.compile(pattern, re.I)) is None


@pytest.mark.parametrize(
    "text",
    [
        "a ſuicide bomber, then a suicide car bomb",  # the engine folds "ſ" to "s"
        "the ısıs fighters, then ISIS fighters",  # ... and "ı" to "i"
        "SHE BLEW HERSELF UP AT THE KİOSK; he blew himself up",  # "İ" lowers to two letters
    ],
)
def test_a_letter_folded_unlike_lower_case_has_the_text_searched_whole(text):
    pattern = gated(r"\b(?:suicide|bl(?:ew|ows?)|isis)\s+\w+", re.I)
    assert pattern.leads is not None
    assert pattern.search(text).span() == pattern.pattern.search(text).span()
    assert [m.span() for m in pattern.finditer(text)] == [
        m.span() for m in pattern.pattern.finditer(text)
    ]


def test_a_digit_other_than_ascii_has_the_text_searched_whole():
    """A pattern's "\\d" is looked for as the ASCII digits, yet matches any decimal digit."""
    pattern = gated(r"\b(?:\d+|two|three)\s+(?:killed|dead)\b", re.I)
    assert set(pattern.short_leads) == set("0123456789")
    text = "\u0663 killed in the north, 4 killed in the south"  # an Arabic-Indic three
    assert pattern.search(text).span() == pattern.pattern.search(text).span()
    assert [m.span() for m in pattern.finditer(text)] == [
        m.span() for m in pattern.pattern.finditer(text)
    ]


def _gated_patterns() -> list[tuple[str, Gated]]:
    found = []
    for module in (triggers, outcomes, tolls, named_sides):
        for name, value in vars(module).items():
            if isinstance(value, Gated):
                found.append((f"{module.__name__}.{name}", value))
            elif isinstance(value, tuple):
                for index, item in enumerate(value):
                    pattern = item[1] if isinstance(item, tuple) and len(item) == 2 else item
                    if isinstance(pattern, Gated):
                        found.append((f"{module.__name__}.{name}[{index}]", pattern))
    return found


def _sentences() -> list[str]:
    texts = [
        "SHELLING hit the TOWN; Taliban FIGHTERS stormed a post",  # capitals
        "Ärzte: the Kurdish fighters of the YPG clashed with İslamic State",  # non-ASCII
        # letters the engine folds unlike str.lower(): "İ" lowers to two, "ı" and "ſ" to
        # themselves, yet the engine matches them to "i" and "s"
        "GUNMEN KİLLED FIVE; a ſuicide bomber and ısıs fighters clashed with the army",
        "Two GOALS in the LEAGUE, the ſtriker and the KİCKS of the ſeason: a derby",
        "one " * 300,
        "",
    ]
    for directory in (ROOT / "tests" / "gold", ROOT / "seeds"):
        for path in seed_files(directory):
            article = load_seed(path)
            texts.append(article.title)
            texts.extend(split_sentences(article.text))
    return texts


def _found(match: re.Match[str] | None) -> tuple[object, ...] | None:
    return None if match is None else (match.span(), match.groups(), match.groupdict())


def test_every_gated_pattern_finds_what_the_bare_pattern_finds():
    """The gate and the beginnings are an optimisation only: on every gold and seed
    sentence (and a few awkward ones) each gated pattern finds exactly what its bare
    pattern finds, groups and all."""
    assert gated(r"\bkill(?:ed|ing)\b", re.I).search("GUNMEN KİLLED FIVE") is not None
    patterns = _gated_patterns()
    assert len(patterns) >= 40  # the triggers, the outcomes' words, the toll patterns
    assert sum(pattern.leads is not None for _, pattern in patterns) >= 40
    for text in _sentences():
        for name, pattern in patterns:
            bare = [_found(m) for m in pattern.pattern.finditer(text)]
            assert [_found(m) for m in pattern.finditer(text)] == bare, (name, text)
            found = _found(pattern.pattern.search(text))
            assert _found(pattern.search(text)) == found, (name, text)


def test_a_count_of_literals_bounds_the_matches():
    """may_match_times says no only when the text cannot hold that many matches."""
    pattern = gated(r"\b(?:goals?|league)\b", re.I)
    assert not pattern.may_match_times("two GOALS in the league", 3)
    assert pattern.may_match_times("two GOALS in the league", 2)
    # three literals where no match stands: a bound, not a count of matches
    assert pattern.may_match_times("goalkeepers, goalposts, goalless", 3)
    for text in _sentences():
        matches = len(pattern.pattern.findall(text))
        assert pattern.may_match_times(text, matches) or matches == 0, text
    assert gated(r"\w+").may_match_times("", 5)  # no literal to count: always possible
