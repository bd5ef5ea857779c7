"""A bad gold or seed front matter is one line naming the file and the line (issue 14,
day one), from load_gold and from `wirewatch evaluate`, not a traceback."""

from __future__ import annotations

import os

import pytest

from harness.services import invoke_wirewatch
from ingest.seeds import SeedError, load_seed
from processors.evaluation import GoldError, load_gold

HEAD = "---\ntitle: T\nsource: S\nurl: https://x.example/a\npublished: 2020-10-11T09:40:00Z\n"
EVENT = "events:\n- sub_event_type: armed_clash\n  event_date: 2020-10-11\n  country: AZ\n"


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        (HEAD + EVENT + "  killed: ten\n", "line 10, column 11: events[0]: bad annotation: killed"),
        (HEAD + EVENT.replace("AZ", "NO"), "line 9, column 12: events[0]: bad annotation: country"),
        (
            HEAD + EVENT.replace("armed_clash", "battle"),
            "line 7, column 19: events[0]: bad annotation: sub_event_type: 'battle' is not",
        ),
        (
            HEAD + EVENT.replace("2020-10-11\n", "next week\n"),
            "line 8, column 15: events[0]: bad annotation: event_date",
        ),
        (HEAD + "events: 3\n", "line 6, column 9: events: expected a list"),
        (
            HEAD + EVENT + "- [oops\n",
            "line 11, column 1: unreadable front matter",  # noticed at the end
        ),
        (
            "---\ntitle: T\nsource: [S\nurl: https://x.example/a\n",
            "began at line 3, column 9",
        ),
        (HEAD.replace("09:40:00Z", "09:40:00") + "events: []\n", "line 5, column 12: published"),
    ],
)
def test_a_bad_gold_file_names_its_line(tmp_path, front, expected):
    path = tmp_path / "bad.md"
    path.write_text(front + "---\nBody.\n")
    with pytest.raises(GoldError) as caught:
        load_gold(tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{path}, ") and expected in message, message
    assert "\n" not in message


def test_a_seed_error_names_its_line_after_blank_lines_before_the_front_matter(tmp_path):
    path = tmp_path / "seed.md"
    path.write_text("\n\n" + HEAD.replace("https://x.example/a", "javascript:alert(1)") + "---\nB")
    with pytest.raises(SeedError) as caught:
        load_seed(path)
    assert str(caught.value).startswith(f"{path}, line 6, column 6: url: ")


def test_evaluate_says_it_in_one_line(tmp_path):
    (tmp_path / "bad.md").write_text(HEAD + EVENT + "  killed: ten\n---\nBody.\n")
    done = invoke_wirewatch(dict(os.environ), "evaluate", str(tmp_path))
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert line.startswith(f"Error: {tmp_path / 'bad.md'}, line 10, column 11:"), line
