"""The literal gate in front of the extractor's long patterns: it may skip a search only
when the search could not have matched."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.seeds import load_seed, seed_files
from processors.extraction import outcomes, tolls, triggers
from processors.extraction.literals import Gated, gated, required_literals
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


def _gated_patterns() -> list[tuple[str, Gated]]:
    found = []
    for module in (triggers, outcomes, tolls):
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
        "one " * 300,
        "",
    ]
    for directory in (ROOT / "tests" / "gold", ROOT / "seeds"):
        for path in seed_files(directory):
            article = load_seed(path)
            texts.append(article.title)
            texts.extend(split_sentences(article.text))
    return texts


def test_every_gated_pattern_finds_what_the_bare_pattern_finds():
    """The gate is an optimisation only: on every gold and seed sentence (and a few
    awkward ones) each gated pattern finds exactly what its bare pattern finds."""
    patterns = _gated_patterns()
    assert len(patterns) >= 40  # the triggers, the outcomes' words, the toll patterns
    for text in _sentences():
        for name, pattern in patterns:
            bare = [m.span() for m in pattern.pattern.finditer(text)]
            assert [m.span() for m in pattern.finditer(text)] == bare, (name, text)
            assert (pattern.search(text) is None) == (not bare), (name, text)


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
