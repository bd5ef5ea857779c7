"""The feeds file as an operator meets it (issue 14, day one): a mistake is one line
naming the file, line and field; `feeds add` / `remove` keep the comments and order;
`feeds add` warns at once of a URL the collector will refuse."""

from __future__ import annotations

import os
import subprocess

import pytest

from harness.services import invoke_wirewatch
from infra.yaml_files import MAX_YAML_BYTES
from ingest.feeds_config import (
    FeedConfig,
    FeedNotFound,
    FeedsFileError,
    add_feed,
    find_feed,
    load_feeds,
    remove_feed,
)

COMMENTED = """\
# feeds we watch; ask the desk before adding one
feeds:
  # the wire, fast
  - url: https://a.example/rss   # since 2024
    name: A
  # regional, slow
  - url: https://b.example/rss
    interval_minutes: 30
  # Atom only
  - url: https://c.example/atom
# end of list
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("feeds:\n  - url: https://a.example/\n   name: x\n", "line 3, column 4: not valid YAML"),
        (
            "feeds:\n  - url: https://a.example/\n    interval_minutes: ten\n",
            "line 3, column 23: feed #1: interval_minutes: Input should be a valid number",
        ),
        (
            "feeds:\n  - url: https://a.example/\n  - url: ftp://b.example/\n",
            "line 3, column 10: feed #2: url: only http and https",
        ),
        ("feeds:\n  - name: no url\n", "line 2, column 5: feed #1: url: Field required"),
        ("feeds: 3\n", "line 1, column 8: expected a mapping with a 'feeds' list"),
        ("a: &x 1\nb: *x\n", "line 2, column 4: not valid YAML: an alias"),
    ],
)
def test_a_bad_feeds_file_is_one_line_naming_file_line_and_field(tmp_path, text, expected):
    path = tmp_path / "feeds.yaml"
    path.write_text(text)
    with pytest.raises(FeedsFileError) as caught:
        load_feeds(path)
    message = str(caught.value)
    assert message.startswith(f"{path}, ") and expected in message, message
    assert "\n" not in message


def test_add_and_remove_keep_comments_and_order(tmp_path):
    path = tmp_path / "feeds.yaml"
    path.write_text(COMMENTED)
    add_feed(path, FeedConfig(url="https://d.example/rss", name="D"))
    assert path.read_text() == COMMENTED.replace(
        "# end of list", "  - url: https://d.example/rss\n    name: D\n# end of list"
    )
    assert remove_feed(path, "https://b.example/rss")
    expected = COMMENTED.replace(
        "  # regional, slow\n  - url: https://b.example/rss\n    interval_minutes: 30\n", ""
    ).replace("# end of list", "  - url: https://d.example/rss\n    name: D\n# end of list")
    assert path.read_text() == expected
    assert remove_feed(path, "https://a.example/rss")
    assert path.read_text().startswith(
        "# feeds we watch; ask the desk before adding one\nfeeds:\n  # Atom only\n"
        "  - url: https://c.example/atom\n"
    )
    assert not remove_feed(path, "https://nowhere.example/")
    assert [feed.url for feed in load_feeds(path)] == [
        "https://c.example/atom",
        "https://d.example/rss",
    ]


def test_add_creates_the_file_and_fills_an_empty_list(tmp_path):
    path = tmp_path / "sub" / "feeds.yaml"
    add_feed(path, FeedConfig(url="https://a.example/rss"))
    assert load_feeds(path)[0].url == "https://a.example/rss"
    path.write_text("feeds: []  # none yet\n")
    add_feed(path, FeedConfig(url="https://b.example/rss", interval_minutes=5))
    assert [(f.url, f.interval_minutes) for f in load_feeds(path)] == [
        ("https://b.example/rss", 5.0)
    ]


def test_editing_keeps_the_read_guards(tmp_path):
    path = tmp_path / "feeds.yaml"
    path.write_text("x: &a [1]\ny: *a\nfeeds: []\n")
    with pytest.raises(FeedsFileError, match="alias"):
        add_feed(path, FeedConfig(url="https://a.example/rss"))
    path.write_text("feeds:\n" + "# padding\n" * (MAX_YAML_BYTES // 10 + 1))
    with pytest.raises(FeedsFileError, match="larger than"):
        remove_feed(path, "https://a.example/rss")


def test_find_feed_by_url_or_name():
    feeds = [
        FeedConfig(url="https://a.example/rss", name="Steppe Courier"),
        FeedConfig(url="https://b.example/rss", name="Twin"),
        FeedConfig(url="https://c.example/rss", name="twin"),
    ]
    assert find_feed(feeds, "https://b.example/rss") is feeds[1]
    assert find_feed(feeds, "steppe courier") is feeds[0]
    with pytest.raises(FeedNotFound, match="names 2 feeds"):
        find_feed(feeds, "Twin")
    with pytest.raises(FeedNotFound, match="no feed has"):
        find_feed(feeds, "nothing")


def _wirewatch(tmp_path, *args: str, **settings: str) -> subprocess.CompletedProcess:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("WIREWATCH_", "KAFKA_"))},
        "WIREWATCH_STATE_DIR": str(tmp_path / "state"),
        **settings,
    }
    return invoke_wirewatch(env, *args)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1:8080/feed.xml", "non-public address (127.0.0.1)"),
        ("http://localhost/feed.xml", "localhost is a loopback name"),
        ("http://[::1]/feed.xml", "non-public address (::1)"),
        ("http://10.1.2.3/rss", "non-public address (10.1.2.3)"),
        ("http://169.254.169.254/latest", "non-public address (169.254.169.254)"),
    ],
)
def test_feeds_add_warns_of_an_address_the_collector_refuses(tmp_path, url, why):
    done = _wirewatch(tmp_path, "feeds", "add", url)
    assert done.returncode == 0 and f"added {url}" in done.stdout
    [warning] = done.stderr.strip().splitlines()
    assert warning.startswith("warning: the collector will refuse to fetch it:")
    assert why in warning and "WIREWATCH_ALLOW_PRIVATE_ADDRESSES=true" in warning
    allowed = _wirewatch(
        tmp_path, "feeds", "add", url + "?2", WIREWATCH_ALLOW_PRIVATE_ADDRESSES="true"
    )
    assert allowed.returncode == 0 and allowed.stderr == ""


def test_feeds_add_warns_of_a_name_that_does_not_resolve_but_adds_it(tmp_path):
    url = "https://no-such-host.invalid/rss"  # .invalid never resolves (RFC 6761)
    for allow in ("false", "true"):
        done = _wirewatch(
            tmp_path, "feeds", "add", url + "?" + allow, WIREWATCH_ALLOW_PRIVATE_ADDRESSES=allow
        )
        assert done.returncode == 0, done.stderr
        [warning] = done.stderr.strip().splitlines()
        assert "cannot resolve no-such-host.invalid" in warning and "keeps trying" in warning
    listed = _wirewatch(tmp_path, "feeds", "list", "--format", "jsonl")
    assert listed.stdout.count("no-such-host.invalid") == 2


def test_a_bad_feeds_file_is_one_line_from_every_feeds_command(tmp_path):
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "feeds.yaml").write_text("feeds:\n  - url: https://a.example/\n  x\n")
    for command in (
        ("feeds", "list"),
        ("feeds", "add", "https://b.example/"),
        ("feeds", "poll", "x"),
    ):
        done = _wirewatch(tmp_path, *command)
        assert done.returncode == 1
        [line] = done.stderr.strip().splitlines()
        assert line.startswith(f"Error: {tmp_path / 'state' / 'feeds.yaml'}, line 4, column 1:")
        assert "could not find expected ':'" in line and "began at line 3, column 3" in line
