"""The starter catalogue of feeds: the repository's file is sound, and a wrong entry is
named."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from ingest.feed_catalogue import (
    LANGUAGES,
    REGIONS,
    CatalogueError,
    choose,
    filtered,
    load_catalogue,
    parse_catalogue,
)
from ingest.feeds_config import FeedConfig

GOOD = """
[[feed]]
name = "un-news-africa"
title = "UN News: Africa"
publisher = "UN News"
url = "https://news.un.org/feed/subscribe/en/news/region/africa/feed/rss.xml"
region = "africa"
language = "en"
terms = "credit UN News"
"""


def test_every_entry_of_the_catalogue_is_well_formed_and_unique():
    feeds = load_catalogue()
    assert len(feeds) >= 20
    assert len({feed.name for feed in feeds}) == len(feeds)
    assert len({feed.url for feed in feeds}) == len(feeds)
    for feed in feeds:
        parts = urlsplit(feed.url)
        assert parts.scheme == "https" and parts.hostname, feed.name
        assert feed.region in REGIONS and feed.language in LANGUAGES, feed.name
        assert feed.title.strip() and feed.publisher.strip() and feed.terms.strip(), feed.name
        FeedConfig(url=feed.url, name=feed.publisher)  # what `feeds add` will write


def test_the_catalogue_covers_every_region_and_more_than_english():
    feeds = load_catalogue()
    assert {feed.region for feed in feeds} == set(REGIONS)
    assert {"en", "fr", "es", "ar"} <= {feed.language for feed in feeds}
    publishers = {feed.publisher for feed in feeds}
    assert {"UN News", "ReliefWeb", "BBC", "Wikinews"} <= publishers


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('url = "https://news', 'url = "http://news'), "the URL must be https with a host"),
        (('region = "africa"', 'region = "sahel"'), "region 'sahel' is not one of world"),
        (('language = "en"', 'language = "english"'), "language 'english' is not one of ar"),
        (('terms = "credit UN News"', 'terms = " "'), "missing terms"),
        (('name = "un-news-africa"', 'name = "UN News Africa"'), "lower-case, without spaces"),
        (('terms = "credit', 'homepage = "x"\nterms = "credit'), "unknown field homepage"),
        (('language = "en"', "language = 1"), "every field is text"),
    ],
)
def test_a_wrong_entry_is_named_with_what_is_wrong(change, message):
    with pytest.raises(CatalogueError) as refused:
        parse_catalogue(GOOD.replace(*change))
    assert message in str(refused.value)
    assert str(refused.value).startswith("catalogue entry ")


def test_a_name_or_url_listed_twice_is_refused():
    twice = GOOD + GOOD.replace('"un-news-africa"', '"other"')
    with pytest.raises(CatalogueError, match="catalogue urls listed twice: https://news"):
        parse_catalogue(twice)
    with pytest.raises(CatalogueError, match="names listed twice: un-news-africa"):
        parse_catalogue(GOOD + GOOD.replace("/africa/", "/europe/"))
    with pytest.raises(CatalogueError, match="not valid TOML"):
        parse_catalogue("[[feed]\n")
    with pytest.raises(CatalogueError, match=r"list of \[\[feed\]\] tables"):
        parse_catalogue('title = "x"')


def test_filter_by_region_and_language_and_choose_by_region_name_or_all():
    feeds = load_catalogue()
    french_africa = filtered(feeds, region="africa", language="fr")
    assert french_africa and all(f.region == "africa" and f.language == "fr" for f in french_africa)
    assert filtered(feeds) == feeds
    assert choose(feeds, "Europe") == filtered(feeds, region="europe")
    assert [f.name for f in choose(feeds, "bbc-world")] == ["bbc-world"]
    assert choose(feeds, "all") == feeds
    with pytest.raises(LookupError, match="did you mean africa"):
        choose(feeds, "afrika")
