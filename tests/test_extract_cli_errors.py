"""`wirewatch extract` on a file of bad lines (issue 14, item 4): each bad line is one
line on stderr with its number, every other line is processed, and the exit status is 1.
Before, an invalid UTF-8 line, deeply nested JSON or a date in year 1 ended the run."""

from __future__ import annotations

import json
import os

import pytest

from harness.services import invoke_wirewatch
from processors import offline

GOOD = {
    "title": "Shelling in Donetsk",
    "text": "Shelling killed three civilians in Donetsk on Monday, officials said.",
    "published": "2024-05-06T10:00:00+00:00",
}


def _line(**fields) -> bytes:
    return json.dumps({**GOOD, **fields}).encode()


LINES = [
    _line(id="first"),  # 1
    _line(id="latin")[:-2] + b'\xff"}',  # 2: not UTF-8
    b"[" * 100_000 + b"]" * 100_000,  # 3: nested past any parser's depth
    _line(id="year-1", published="0001-05-06T10:00:00+00:00"),  # 4
    _line(
        id="year-1-december",
        published="0001-01-06T10:00:00+00:00",
        text="Shelling killed three civilians in Donetsk on December 5, officials said.",
    ),  # 5
    _line(id="huge-toll", text="Shelling killed 50000000 civilians in Donetsk on Monday."),  # 6
    _line(id="long-number", text="Shelling killed " + "9" * 5000 + " civilians in Donetsk."),  # 7
    _line(id=None),  # 8
    b"",  # 9: blank, skipped
    _line(id="last"),  # 10
]
BAD = {2: "not UTF-8", 3: "nested too deeply", 4: "year must lie", 5: "year must lie", 8: "id"}


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    path = tmp_path_factory.mktemp("extract") / "articles.jsonl"
    path.write_bytes(b"\n".join(LINES) + b"\n")
    return path


def _errors(stderr: str) -> dict[int, str]:
    lines = stderr.strip().splitlines()
    assert all(line.startswith("line ") for line in lines), stderr
    return {int(line.split(":")[0].split()[1]): line for line in lines}


def test_each_bad_line_is_its_own_error_and_the_rest_are_extracted(source):
    done = invoke_wirewatch(dict(os.environ), "extract", str(source))
    assert done.returncode == 1
    errors = _errors(done.stderr)
    assert sorted(errors) == sorted(BAD)
    for number, words in BAD.items():
        assert words in errors[number], errors[number]
    outputs = {record["id"]: record for record in map(json.loads, done.stdout.splitlines())}
    assert sorted(outputs) == ["first", "huge-toll", "last", "long-number"]
    for absurd in ("huge-toll", "long-number"):  # not a figure: no toll, still an event
        assert outputs[absurd]["events"]
        assert all(event["fatalities"] is None for event in outputs[absurd]["events"])
    assert outputs["first"]["events"][0]["fatalities"] == 3


def test_merge_reports_the_same_lines_and_merges_the_rest(source):
    done = invoke_wirewatch(dict(os.environ), "extract", "--merge", str(source))
    assert done.returncode == 1
    assert sorted(_errors(done.stderr)) == sorted(BAD)
    events = [json.loads(line) for line in done.stdout.splitlines()]
    assert events and all(event["event_id"] for event in events)


def test_an_extraction_that_fails_is_that_lines_error():
    """A future broken path in the extractor fails one line, not the file."""

    def breaks_on_one(article):
        if "Mariupol" in article.text:
            raise RuntimeError("a bug")
        return offline.extract_events(article)

    broken = _line(id="broken", text="Shelling killed two in Mariupol.").decode()
    lines = [_line(id="a").decode(), broken, _line(id="b").decode()]
    results = dict(offline.extract_lines(lines, breaks_on_one))
    assert results[2] == "extraction failed: RuntimeError: a bug"
    assert results[1]["id"] == "a" and results[3]["id"] == "b"


@pytest.mark.parametrize("merge", [False, True])
def test_an_article_over_the_time_budget_is_its_lines_error(tmp_path, merge):
    """A future slow path (here a deliberately slow extractor: a runaway regular
    expression, tests/slow_extractor.py) costs its line the budget, not the run."""
    path = tmp_path / "articles.jsonl"
    lines = [_line(id="first"), _line(id="slow", title="slow regex"), _line(id="last")]
    path.write_bytes(b"\n".join(lines) + b"\n")
    env = {
        **os.environ,
        "WIREWATCH_EXTRACTOR": "tests.slow_extractor:slow_on_request",
        "WIREWATCH_EXTRACT_BUDGET_SECONDS": "1",
    }
    done = invoke_wirewatch(env, "extract", *(["--merge"] if merge else []), str(path))
    assert done.returncode == 1
    [error] = done.stderr.strip().splitlines()
    assert error.startswith("line 2:") and "longer than 1 s" in error, error
    outputs = [json.loads(line) for line in done.stdout.splitlines()]
    if merge:
        assert outputs and all(event["event_id"] for event in outputs)
    else:
        assert [record["id"] for record in outputs] == ["first", "last"]
