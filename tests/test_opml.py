"""Reading OPML lists as other feed readers write them, and writing our own."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ingest.opml import MAX_OPML_BYTES, OpmlError, read_opml, write_opml

OPML = Path(__file__).parent / "fixtures" / "opml"


def _read(name: str):
    return read_opml((OPML / name).read_bytes())


def _feeds(reading) -> list[tuple[str, str | None, tuple[str, ...]]]:
    return [(feed.url, feed.title, feed.categories) for feed in reading.feeds]


def test_a_miniflux_style_export_keeps_folders_and_ignores_the_readers_own_attributes():
    reading = _read("miniflux.opml")
    assert reading.title == "Reader"
    assert _feeds(reading) == [
        ("https://steppecourier.example/world/rss.xml", "Steppe Courier: World", ("Conflict",)),
        ("https://sahelmonitor.example/feed/", "Sahel Monitor", ("Conflict",)),
        ("https://reliefdigest.example/updates.atom", "Relief Digest", ("Humanitarian",)),
    ]
    assert reading.problems == [] and reading.repeats == []


def test_a_netnewswire_style_export_keeps_a_feed_listed_in_two_places_once():
    reading = _read("netnewswire.opml")
    assert _feeds(reading) == [
        ("https://steppecourier.example/world/rss.xml", "Steppe Courier: World", ()),
        ("https://harbourcoast.example/atom.xml", "Harbour & Coast", ()),
        ("https://sahelmonitor.example/feed/", "Sahel Monitor", ("Conflict desk",)),
        ("https://kavkaz.example/rss?lang=ru&section=news", "Кавказ Узел", ("Conflict desk",)),
    ]
    # the empty htmlUrl and description attributes are no problem; the repeat is counted
    assert reading.problems == []
    assert reading.repeats == [11]


def test_nested_folders_and_feeds_named_by_title_only():
    reading = _read("rssowl.opml")
    assert _feeds(reading) == [
        ("https://sahelmonitor.example/feed/", "Sahel Monitor", ("My Feeds", "Africa")),
        ("https://greatlakeswire.example/rss", "Great Lakes Wire", ("My Feeds", "Africa")),
        (
            "https://steppecourier.example/world/rss.xml",
            "Steppe Courier: World",
            ("My Feeds", "Europe"),
        ),
    ]


def test_a_feed_filed_under_two_folders_is_one_feed():
    reading = _read("feedly.opml")
    assert [feed.url for feed in reading.feeds] == [
        "https://sahelmonitor.example/feed/",
        "https://reliefdigest.example/updates.atom",
    ]
    assert reading.repeats == [13] and reading.problems == []


def test_xmlurl_in_any_casing_without_type_or_text():
    reading = _read("livejournal.opml")
    assert _feeds(reading) == [
        ("https://frontline-diary.example/data/rss", None, ()),
        ("https://greatlakeswire.example/rss", "Great Lakes Wire", ()),
    ]


def test_each_outline_that_is_no_feed_is_reported_with_its_line_and_the_rest_kept():
    reading = _read("problems.opml")  # ISO-8859-1
    assert [feed.title for feed in reading.feeds] == [
        "Café du Front",
        "Script",
        "FTP",
        "Loopback",
        "Private",
        "Local name",
        "Metadata",
        None,
    ]  # the addresses themselves are judged by the import (scheme, private networks)
    assert reading.problems == [
        "line 6: 'Only a site' has only a web page address (https://onlyasite.example/), "
        "no feed address (xmlUrl); skipped",
        "line 7: 'Empty' has an empty feed address (xmlUrl); skipped",
        "line 14: 'Another list' points to another list (https://lists.example/more.opml), "
        "which is not fetched; import that file on its own",
    ]  # the empty folder (line 15) is no feed and no mistake


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "malformed.opml",
            "not well-formed XML at line 5, column 77: not well-formed (invalid token)",
        ),
        ("not_opml.xml", "not an OPML document: its root element is <rss>"),
    ],
)
def test_a_document_that_is_no_opml_list_is_refused_in_one_line(name, expected):
    with pytest.raises(OpmlError) as refused:
        _read(name)
    assert str(refused.value).startswith(expected)
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize("name", ["entity_bomb.opml", "external_entity.opml"])
def test_entity_declarations_are_refused_before_anything_expands(name):
    # expanded, the bomb's one outline would be 20 GB of text; the other reads a file
    with pytest.raises(OpmlError) as refused:
        _read(name)
    assert "declares the XML entity" in str(refused.value)
    assert "\n" not in str(refused.value)


def test_a_doctype_without_entities_is_read():
    assert [feed.url for feed in _read("doctype_only.opml").feeds] == [
        "https://sahelmonitor.example/feed/"
    ]


def test_empty_oversized_and_bodiless_documents_are_refused():
    with pytest.raises(OpmlError, match="empty"):
        read_opml(b"  \n")
    with pytest.raises(OpmlError, match="larger than 5 MB"):
        read_opml(b"<opml>" + b" " * MAX_OPML_BYTES + b"</opml>")
    with pytest.raises(OpmlError, match="without a <body>"):
        read_opml(b'<opml version="2.0"><head><title>x</title></head></opml>')


def test_what_we_write_is_opml_2_that_we_read_back_the_same():
    feeds = [
        ("https://steppecourier.example/world/rss.xml", "Steppe Courier & Co <World>"),
        ("https://q.example/rss?a=1&b=2", None),
    ]
    written = write_opml(feeds, "wirewatch feeds", dt.datetime(2026, 12, 7, 17, 0, tzinfo=dt.UTC))
    assert written.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n<opml version=\"2.0\">")
    assert b"<dateCreated>Mon, 07 Dec 2026 17:00:00 GMT</dateCreated>" in written
    reading = read_opml(written)
    assert reading.title == "wirewatch feeds"
    assert [(feed.url, feed.title) for feed in reading.feeds] == [
        feeds[0],
        ("https://q.example/rss?a=1&b=2", "https://q.example/rss?a=1&b=2"),
    ]
    assert reading.problems == []


def test_a_line_break_written_into_an_attribute_stays_inside_its_one_line():
    reading = read_opml(
        b'<opml version="2.0"><body>\n'
        b'<outline text="Site" htmlUrl="https://a.example/&#10;FAKE: imported 99 feeds"/>\n'
        b"</body></opml>"
    )
    [problem] = reading.problems
    assert "\n" not in problem
    assert "'https://a.example/\\nFAKE: imported 99 feeds'" in problem


def test_a_list_of_more_outlines_than_any_reader_exports_is_refused():
    many = b'<outline text="x" xmlUrl="https://a.example/"/>' * 20_001
    with pytest.raises(OpmlError, match="more than 20000 outlines"):
        read_opml(b'<opml version="2.0"><body>' + many + b"</body></opml>")
