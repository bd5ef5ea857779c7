"""Every YAML reader refuses aliases and files over the cap (issue 14, item 6): a
458-byte file of nested aliases used to take seconds and gigabytes before validation."""

from __future__ import annotations

import time

import pytest

from infra.yaml_files import MAX_YAML_BYTES, read_yaml
from ingest.feeds_config import FeedsFileError, load_feeds
from ingest.seeds import SeedError, load_seed
from sinks.alerts.subscriptions import SubscriptionFileError, load_yaml

# nine levels of nine aliases: 9**9 (387 million) strings if expanded
LAUGHS = "a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']\n" + "".join(
    f"{chr(98 + n)}: &{chr(98 + n)} [{','.join(['*' + chr(97 + n)] * 9)}]\n" for n in range(8)
)


def test_nested_aliases_are_refused_at_once_with_their_line(tmp_path):
    path = tmp_path / "laughs.yaml"
    path.write_text(LAUGHS)
    began = time.perf_counter()
    for reader, error in ((load_yaml, SubscriptionFileError), (load_feeds, FeedsFileError)):
        with pytest.raises(error) as caught:
            reader(path)
        assert "alias" in str(caught.value) and "line 2" in str(caught.value), caught.value
        assert str(path) in str(caught.value)
    assert time.perf_counter() - began < 1


def test_an_alias_in_front_matter_is_refused(tmp_path):
    path = tmp_path / "seed.md"
    path.write_text(
        "---\nurl: https://example.org/a\ntitle: &t Title\nsource: *t\n"
        "published: 2024-01-01T00:00:00+00:00\n---\nBody.\n"
    )
    with pytest.raises(SeedError) as caught:
        load_seed(path)
    assert "alias" in str(caught.value)


def test_a_file_over_the_cap_is_refused_before_it_is_parsed(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("feeds:\n" + "# padding\n" * (MAX_YAML_BYTES // 10 + 1))
    with pytest.raises(FeedsFileError) as caught:
        load_feeds(path)
    assert "larger than" in str(caught.value)
    with pytest.raises(SubscriptionFileError):
        load_yaml(path)


def test_plain_yaml_and_anchors_without_aliases_still_read(tmp_path):
    path = tmp_path / "plain.yaml"
    path.write_text("feeds:\n  - url: https://example.org/rss\n    name: &n Example\n")
    assert read_yaml(path) == {"feeds": [{"url": "https://example.org/rss", "name": "Example"}]}
    assert [feed.url for feed in load_feeds(path)] == ["https://example.org/rss"]
