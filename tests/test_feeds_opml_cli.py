"""`wirewatch feeds catalogue | add --catalogue | import | export | check` as a user runs
them: the starter catalogue, OPML lists written by other feed readers, and what each
feed answers, fetched from a real local HTTP server. No broker: none of these pushes."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest
import yaml

from harness.feed_server import FeedServer
from harness.services import invoke_wirewatch
from ingest.feed_catalogue import filtered, load_catalogue
from ingest.opml import read_opml, write_opml

OPML = Path(__file__).parent / "fixtures" / "opml"
# real feeds from other projects, kept outside the repository (next to its checkout, or
# next to the folder of worktrees it is in)
SHARED_FEEDS = next(
    (
        folder / "shared" / "eval" / "feeds"
        for folder in Path(__file__).resolve().parents[1:4]
        if (folder / "shared" / "eval" / "feeds").is_dir()
    ),
    Path("/nonexistent"),
)


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("WIREWATCH_", "KAFKA_"))},
        "WIREWATCH_STATE_DIR": str(tmp_path / "state"),
        "WIREWATCH_FETCH_TOTAL_TIMEOUT": "20",  # the local server answers at once; a busy machine
    }


def _run(env, *args):
    return invoke_wirewatch(env, *args)


def _configured(env) -> list[dict]:
    path = Path(env["WIREWATCH_STATE_DIR"]) / "feeds.yaml"
    return yaml.safe_load(path.read_text())["feeds"] if path.exists() else []


def test_the_catalogue_filters_by_region_and_language_and_says_it_is_not_reachable_here(env):
    listed = _run(env, "feeds", "catalogue", "--region", "africa", "--language", "fr")
    assert listed.returncode == 0
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    expected = filtered(load_catalogue(), region="africa", language="fr")
    assert [row["url"] for row in rows] == [feed.url for feed in expected] and rows
    assert all(row["publisher"] and row["terms"] and not row["extractor_reads"] for row in rows)
    assert "cannot be reached from a machine without internet" in listed.stderr
    assert "wirewatch feeds check" in listed.stderr

    table = _run(env, "feeds", "catalogue", "--language", "ar", "--format", "table")
    assert table.returncode == 0 and "ar (not read)" in table.stdout

    unknown = _run(env, "feeds", "catalogue", "--language", "klingon")
    assert unknown.returncode == 2 and "'klingon' is not one of ar (Arabic)" in unknown.stderr
    region = _run(env, "feeds", "catalogue", "--region", "sahel")
    assert region.returncode == 2 and "'sahel' is not one of" in region.stderr


def test_adding_from_the_catalogue_twice_adds_nothing_the_second_time(env):
    africa = filtered(load_catalogue(), region="africa")
    first = _run(env, "feeds", "add", "--catalogue", "africa")
    assert first.returncode == 0, first.stderr
    assert f"added {len(africa)} feeds of the catalogue (africa)" in first.stdout
    assert "; 0 already there" in first.stdout
    assert "in a language the extractor does not read yet (fr " in first.stderr
    assert "cannot be reached" in first.stderr
    again = _run(env, "feeds", "add", "--catalogue", "africa")
    assert again.returncode == 0
    assert "added 0 feeds of the catalogue (africa) to" in again.stdout
    assert f"{len(africa)} already there" in again.stdout
    one = _run(env, "feeds", "add", "--catalogue", "bbc-world")
    assert "added 1 feed of the catalogue (bbc-world)" in one.stdout
    assert [(f["url"], f["name"]) for f in _configured(env)] == [
        *((feed.url, feed.publisher) for feed in africa),
        ("https://feeds.bbci.co.uk/news/world/rss.xml", "BBC"),
    ]

    unknown = _run(env, "feeds", "add", "--catalogue", "afrika")
    assert unknown.returncode == 1
    [line] = unknown.stderr.strip().splitlines()
    assert "'afrika' is neither a region" in line and "did you mean africa" in line
    both = _run(env, "feeds", "add", "https://x.example/rss", "--catalogue", "europe")
    assert both.returncode == 2 and "give either a feed URL or --catalogue" in both.stderr
    neither = _run(env, "feeds", "add")
    assert neither.returncode == 2 and "give either a feed URL or --catalogue" in neither.stderr


def test_importing_the_lists_other_readers_export(env):
    expected_total = 0
    for name, new in [
        ("miniflux.opml", 3),
        ("netnewswire.opml", 2),  # 4 feeds, 1 repeated inside, Steppe Courier already there
        ("rssowl.opml", 1),
        ("feedly.opml", 0),
        ("livejournal.opml", 1),
    ]:
        done = _run(env, "feeds", "import", str(OPML / name))
        assert done.returncode == 0, (name, done.stdout, done.stderr)
        assert re.search(rf"imported {new} feeds? from .*{name} to ", done.stdout), done.stdout
        assert ", 0 left out" in done.stdout
        expected_total += new
    feeds = {f["url"]: f.get("name") for f in _configured(env)}
    assert len(feeds) == expected_total == 7
    assert feeds["https://harbourcoast.example/atom.xml"] == "Harbour & Coast"
    assert feeds["https://kavkaz.example/rss?lang=ru&section=news"] == "Кавказ Узел"
    assert feeds["https://frontline-diary.example/data/rss"] is None  # no title: the feed's
    repeated = _run(env, "feeds", "import", str(OPML / "feedly.opml"))
    assert "1 outline repeats a feed listed before (line 13)" in repeated.stderr


def test_each_bad_outline_is_one_line_and_the_rest_is_imported(env):
    done = _run(env, "feeds", "import", str(OPML / "problems.opml"))
    assert done.returncode == 1
    problems = done.stderr.strip().splitlines()
    where = str(OPML / "problems.opml")
    reported = [line for line in problems if line.startswith(where)]
    assert [re.match(rf"{re.escape(where)}, line (\d+): ", line)[1] for line in reported] == [
        "6", "7", "8", "9", "10", "11", "12", "13", "14",
    ]  # fmt: skip
    text = "\n".join(reported)
    assert "only http and https are fetched, not 'javascript'" in text
    assert "only http and https are fetched, not 'ftp'" in text
    assert "http://127.0.0.1:8080/admin/rss: the collector refuses it" in text
    assert "10.0.0.5" in text and "169.254.169.254" in text and "localhost is a loopback" in text
    assert "imported 2 feeds from" in done.stdout and "9 left out" in done.stdout
    assert [f["url"] for f in _configured(env)] == [
        "https://cafedufront.example/rss",
        "https://notitle.example/feed.xml",
    ]
    assert _configured(env)[0]["name"] == "Café du Front"

    broken = Path(env["WIREWATCH_STATE_DIR"]).parent / "broken.opml"
    broken.write_bytes(
        b'<opml version="2.0"><body><outline text="x" xmlUrl="javascript:1&#10;FAKE"/>'
        b"</body></opml>"
    )
    done = _run(env, "feeds", "import", str(broken))
    [line] = done.stderr.strip().splitlines()  # the line break stays inside the one line
    assert line.endswith(
        "line 1: 'javascript:1\\nFAKE': only http and https are fetched, not 'javascript'; skipped"
    )

    # allowed private addresses are imported (an operator's own feeds)
    allowed = _run(
        {**env, "WIREWATCH_ALLOW_PRIVATE_ADDRESSES": "true"},
        "feeds", "import", str(OPML / "problems.opml"),
    )  # fmt: skip
    assert "imported 4 feeds" in allowed.stdout and "2 already there" in allowed.stdout


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("malformed.opml", "not well-formed XML at line 5, column 77"),
        ("entity_bomb.opml", "declares the XML entity 'a'; refused"),
        ("external_entity.opml", "declares the XML entity 'secret'; refused"),
        ("not_opml.xml", "not an OPML document: its root element is <rss>"),
    ],
)
def test_a_refused_document_is_one_line_and_changes_nothing(env, name, says):
    _run(env, "feeds", "add", "--catalogue", "bbc-world")
    before = _configured(env)
    done = _run(env, "feeds", "import", str(OPML / name))
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert line.startswith(f"Error: {OPML / name}: ") and says in line
    assert _configured(env) == before


def test_export_writes_opml_that_imports_into_another_wirewatch(env, tmp_path):
    _run(env, "feeds", "add", "--catalogue", "middle-east")
    _run(env, "feeds", "import", str(OPML / "rssowl.opml"))
    configured = _configured(env)
    out = _run(env, "feeds", "export")
    assert out.returncode == 0 and out.stdout.startswith("<?xml")
    reading = read_opml(out.stdout.encode())
    assert [(f.url, f.title) for f in reading.feeds] == [
        (f["url"], f.get("name") or f["url"]) for f in configured
    ]
    target = tmp_path / "feeds.opml"
    written = _run(env, "feeds", "export", str(target))
    assert f"exported {len(configured)} feeds to {target}" in written.stdout

    other = {**env, "WIREWATCH_STATE_DIR": str(tmp_path / "other")}
    imported = _run(other, "feeds", "import", str(target))
    assert imported.returncode == 0, imported.stderr
    assert [f["url"] for f in _configured(other)] == [f["url"] for f in configured]


def _check_lines(stdout: str) -> dict[str, str]:
    lines = {}
    for line in stdout.splitlines():
        verdict, url, rest = re.match(r"(OK  |FAIL) (\S+): (.*)", line).groups()
        lines[url] = f"{verdict.strip()} {rest}"
    return lines


def test_check_says_what_each_feed_answers(env):
    env = {**env, "WIREWATCH_ALLOW_PRIVATE_ADDRESSES": "true"}
    with FeedServer() as server:
        rss = server.fixture("/rss2.xml", "rss2.xml")
        atom = server.fixture("/atom.xml", "atom.xml")
        page = server.fixture("/page.html", "page.html")
        gone = server.status("/gone.xml", 404)
        moved = server.redirect("/moved", rss)
        bomb = server.fixture("/bomb.xml", "billion_laughs.xml")
        for url in (rss, atom, page, gone, moved, bomb):
            assert _run(env, "feeds", "add", url).returncode == 0
        done = _run(env, "feeds", "check")
    assert done.returncode == 1
    lines = _check_lines(done.stdout)
    assert list(lines) == [rss, atom, page, gone, moved, bomb]  # checked at once, said in order
    assert lines[rss] == (
        "OK 3 articles, 0 entries unusable; HTTP 200, application/rss+xml; "
        "last entry 2024-03-11 06:15 UTC"
    )
    assert lines[atom].startswith("OK ") and "last entry 2024-06-10" in lines[atom]
    assert lines[moved].endswith(f"last entry 2024-03-11 06:15 UTC; redirected to {rss}")
    assert lines[page].startswith("FAIL HTTP 200, text/html; charset=utf-8: not an RSS or Atom")
    assert lines[gone] == "FAIL http_status: HTTP 404"
    assert lines[bomb].startswith("FAIL HTTP 200, application/rss+xml: the document declares")

    # a catalogue feed from here: no DNS, one line each, nothing added
    offline = _run(env, "feeds", "check", "--catalogue", "wikinews-en")
    assert offline.returncode == 1
    [line] = offline.stdout.splitlines()
    assert line.startswith("FAIL https://en.wikinews.org/") and "network" in line


@pytest.mark.skipif(not SHARED_FEEDS.is_dir(), reason="the shared real feeds are not here")
def test_check_on_real_feeds_written_by_others(env):
    """Feeds from other projects' test suites (../shared/eval/feeds), served over HTTP:
    every one gets a line, and a line that says OK names HTTP 200 and the served type."""
    from ingest.feed_parse import FeedParseError, parse_feed

    files = sorted(p for p in SHARED_FEEDS.rglob("*.xml") if "feed-rs" in p.parts)
    assert files
    env = {**env, "WIREWATCH_ALLOW_PRIVATE_ADDRESSES": "true"}
    with FeedServer() as server:
        urls = {}
        for index, path in enumerate(files):
            server.static(f"/{index}.xml", path.read_bytes(), "application/xml")
            urls[server.url(f"/{index}.xml")] = path
        listing = Path(env["WIREWATCH_STATE_DIR"]).parent / "shared.opml"
        listing.write_bytes(
            write_opml([(url, None) for url in urls], "shared", dt.datetime.now(dt.UTC))
        )
        imported = _run(env, "feeds", "import", str(listing))
        assert imported.returncode == 0, imported.stderr
        done = _run(env, "feeds", "check")
        print(done.stdout)
    lines = _check_lines(done.stdout)
    assert set(lines) == set(urls)
    for url, path in urls.items():
        try:
            parse_feed(path.read_bytes(), url, "application/xml")
            readable = True
        except FeedParseError:
            readable = False
        assert lines[url].startswith("OK " if readable else "FAIL "), (path, lines[url])
        if readable:
            assert re.search(
                r"; HTTP 200, application/xml; (last entry \d{4}-\d\d-\d\d \d\d:\d\d UTC"
                r"|no entry is dated)",
                lines[url],
            ), lines[url]


def test_a_check_line_counts_in_the_right_number():
    from ingest.feed_check import CheckResult, describe_check

    one = CheckResult("https://a.example/rss", ok=True, status=200, articles=1, unusable=1)
    assert describe_check(one) == (
        "OK   https://a.example/rss: 1 article, 1 entry unusable; HTTP 200, no content type; "
        "no entry is dated"
    )
