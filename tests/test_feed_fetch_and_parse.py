"""Fetching and parsing untrusted feeds from a local server (no Kafka needed)."""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import random
import resource
import socket
import tracemalloc
import zlib

import httpcore
import httpx
import pytest

from harness.feed_server import FIXTURES, FeedServer
from harness.services import loopback_host_name
from infra.http import parse_retry_after
from infra.netguard import BlockedURLError, PublicOnlyBackend, check_url, guarded_transport
from ingest.feed_parse import FeedParseError, parse_feed
from ingest.fetch import FetchError, FetchLimits, fetch, make_client
from ingest.normalize import normalize_entry
from ingest.schedule import (
    SchedulePolicy,
    failure_interval,
    jittered,
    publishing_interval,
    success_interval,
)

LOOPBACK = FetchLimits(
    total_timeout=5, connect_timeout=2, max_bytes=2 * 1024 * 1024, allow_private=True
)
NOW = dt.datetime(2024, 6, 10, 12, tzinfo=dt.UTC)


def _get(url: str, limits: FetchLimits = LOOPBACK, **kwargs):
    async def go():
        client = make_client(limits)
        try:
            return await fetch(client, url, limits, **kwargs)
        finally:
            await client.aclose()

    return asyncio.run(go())


def _articles(name: str, url: str = "https://feeds.example/feed"):
    parsed = parse_feed((FIXTURES / name).read_bytes(), url)
    return [
        normalize_entry(
            e, source="Src", feed_url=url, feed_language=parsed.language, fetched_at=NOW
        )
        for e in parsed.entries
    ]


def test_rss2_entries_keep_the_sources_zone_and_get_canonical_urls():
    entries = _articles("rss2.xml")
    assert next(e.article.title for e in entries) == "Drone strike hits fuel depot near Kherson"
    first = entries[0]
    assert first.key == "steppe-2024-0311-001"
    assert first.article.url == "https://steppecourier.example/world/kherson-depot"
    assert first.article.published == dt.datetime(
        2024, 3, 11, 8, 15, tzinfo=dt.timezone(dt.timedelta(hours=2))
    )
    assert first.article.language == "en-gb"
    assert entries[1].article.url == "https://steppecourier.example/world/istanbul-talks"
    # No GUID: the canonical URL identifies the entry.
    assert entries[2].key == "https://steppecourier.example/world/kramatorsk-market"
    assert parse_feed((FIXTURES / "rss2.xml").read_bytes(), "https://x.example/").ttl_minutes == 30


def test_atom_html_is_stripped_relative_links_resolved_and_language_kept():
    entries = _articles("atom.xml", "https://sahelmatin.example/feed.atom")
    first, second = entries
    assert first.article.title == "Attaque contre un poste militaire près de Gao"
    assert (
        "<p>" not in first.article.text and "Le bilan n'est pas encore connu." in first.article.text
    )
    assert first.article.language == "fr"
    assert second.article.url == "https://sahelmatin.example/2024/06/09/niamey-manifestation"
    assert second.article.published.utcoffset() == dt.timedelta(hours=1)


def test_rss1_entries_read_with_dublin_core_dates():
    entries = _articles("rss1.xml")
    assert len(entries) == 2
    assert entries[0].article.published == dt.datetime(
        2022, 3, 15, 20, 45, tzinfo=dt.timezone(dt.timedelta(hours=3))
    )


def test_entities_and_cdata_decode_and_scripts_disappear():
    [entry] = _articles("entities_cdata.xml")
    assert entry.article.title == 'Shelling in Idlib: "three dead" – civil defence'
    assert "Artillery shells hit Ariha & nearby villages." in entry.article.text
    assert "alert" not in entry.article.text and "<" not in entry.article.text
    assert entry.article.url == "https://levantgulf.example/idlib-shelling?id=4&ref=home"


def test_non_utf8_feed_is_decoded():
    [entry] = _articles("latin1.xml")
    assert entry.article.title == "Évacuation après une alerte à la bombe à Genève"
    assert "après-midi" in entry.article.text


def test_truncated_feed_yields_its_complete_entries_and_reports_bozo():
    parsed = parse_feed((FIXTURES / "truncated.xml").read_bytes(), "https://x.example/")
    assert parsed.bozo
    assert parsed.entries[0].title == "Clashes reported in El Geneina"


def test_html_page_is_not_a_feed():
    with pytest.raises(FeedParseError, match="not an RSS or Atom feed"):
        parse_feed((FIXTURES / "page.html").read_bytes(), "https://x.example/")


def test_billion_laughs_is_refused_before_parsing():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(FeedParseError, match="entity expansion is refused"):
        parse_feed((FIXTURES / "billion_laughs.xml").read_bytes(), "https://x.example/")
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # KiB


ITEM = "<item><title>&t;</title><link>https://x.example/a</link></item>"
ENTITY = '<!DOCTYPE rss [<!ENTITY t "EXPANDED">]>'


@pytest.mark.parametrize(
    "document",
    [
        # declared after a 70 kB comment: past any scan of the first bytes
        f'<?xml version="1.0"?><!-- {"x" * 70_000} -->{ENTITY}<rss><channel>{ITEM}</channel></rss>',
        # a '>' inside the DOCTYPE (a quoted literal) ends a naive match early
        '<?xml version="1.0"?><!DOCTYPE rss SYSTEM "a>b" [<!ENTITY t "EXPANDED">]>'
        f"<rss><channel>{ITEM}</channel></rss>",
        # an external entity
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY t SYSTEM "file:///etc/passwd">]>'
        f"<rss><channel>{ITEM}</channel></rss>",
    ],
    ids=["after-a-long-comment", "gt-in-doctype", "external"],
)
def test_an_entity_declared_anywhere_is_refused(document):
    with pytest.raises(FeedParseError, match="entity expansion is refused"):
        parse_feed(document.encode(), "https://x.example/")


def test_an_entity_declared_in_a_utf16_feed_is_refused():
    document = (
        f'<?xml version="1.0" encoding="UTF-16"?>{ENTITY}<rss><channel>{ITEM}</channel></rss>'
    )
    with pytest.raises(FeedParseError, match="entity expansion is refused"):
        parse_feed(document.encode("utf-16"), "https://x.example/")


def test_a_doctype_without_entities_still_parses():
    document = (
        '<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"'
        ' "http://my.netscape.com/publish/formats/rss-0.91.dtd">'
        '<rss version="0.91"><channel><title>c</title><item><title>Shelling</title>'
        "<link>https://x.example/a</link></item></channel></rss>"
    )
    assert parse_feed(document.encode(), "https://x.example/").entries[0].title == "Shelling"


def test_entry_without_date_gets_fetch_time_and_a_flag():
    body = b'<rss version="2.0"><channel><title>t</title><item><title>x</title><link>https://a.example/1</link></item></channel></rss>'
    [entry] = parse_feed(body, "https://a.example/").entries
    article = normalize_entry(
        entry, source="S", feed_url="https://a.example/", feed_language=None, fetched_at=NOW
    ).article
    assert article.published == NOW and article.published_estimated


def test_conditional_get_gets_304_when_unchanged():
    with FeedServer() as server:
        url = server.fixture("/rss.xml", "rss2.xml")
        first = _get(url)
        assert first.status == 200 and first.etag and first.last_modified
        second = _get(url, etag=first.etag, last_modified=first.last_modified)
        assert second.not_modified and second.body == b""
        assert server.not_modified["/rss.xml"] == 1


def test_gzip_is_decoded():
    with FeedServer() as server:
        url = server.fixture("/gz.xml", "rss2.xml", gzip_it=True)
        assert _get(url).body == (FIXTURES / "rss2.xml").read_bytes()


def test_a_body_gzipped_twice_is_decoded():
    body = (FIXTURES / "rss2.xml").read_bytes()
    with FeedServer() as server:
        twice = gzip.compress(gzip.compress(body))
        server.static("/twice.xml", twice, extra_headers={"Content-Encoding": "gzip, gzip"})
        assert _get(server.url("/twice.xml")).body == body


def test_a_double_gzip_bomb_is_cut_off_at_the_cap_while_it_inflates():
    """A few kB that inflate to 256 MiB through two gzip layers: refused at the 2 MiB cap
    with about the cap held, not after the inner layer has been inflated whole."""
    packer = zlib.compressobj(wbits=16 + zlib.MAX_WBITS)
    inner = b"".join(packer.compress(bytes(1 << 20)) for _ in range(256)) + packer.flush()
    with FeedServer() as server:
        server.static(
            "/bomb.xml", gzip.compress(inner), extra_headers={"Content-Encoding": "gzip, gzip"}
        )
        tracemalloc.start()
        try:
            with pytest.raises(FetchError) as caught:
                _get(server.url("/bomb.xml"))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert caught.value.kind == "too_large", caught.value
    assert peak < 32 << 20, f"{peak / 2**20:.0f} MiB held while fetching"


def test_an_unknown_content_encoding_is_a_clear_fetch_error():
    with FeedServer() as server:
        server.static("/br.xml", b"\x1b\x00", extra_headers={"Content-Encoding": "br"})
        with pytest.raises(FetchError) as caught:
            _get(server.url("/br.xml"))
    assert caught.value.kind == "decoding" and "br" in str(caught.value)


def test_a_50_mb_response_is_cut_off_at_the_cap():
    with FeedServer() as server:
        url = server.huge("/huge.xml", megabytes=50)
        with pytest.raises(FetchError) as caught:
            _get(url)
        assert caught.value.kind == "too_large"


def test_a_server_that_never_answers_times_out():
    limits = FetchLimits(total_timeout=1.5, connect_timeout=1, allow_private=True)
    with FeedServer() as server:
        url = server.never_answers("/never.xml")
        with pytest.raises(FetchError) as caught:
            _get(url, limits)
        assert caught.value.kind == "timeout"


def test_a_redirect_loop_stops_at_the_limit():
    with FeedServer() as server:
        server.redirect("/a", server.url("/b"))
        url = server.redirect("/b", server.url("/a"))
        with pytest.raises(FetchError) as caught:
            _get(url)
        assert caught.value.kind == "redirects"
        assert server.requests["/a"] + server.requests["/b"] == LOOPBACK.max_redirects + 1


def test_429_carries_retry_after():
    with FeedServer() as server:
        url = server.status("/busy", 429, {"Retry-After": "120"})
        with pytest.raises(FetchError) as caught:
            _get(url)
        assert caught.value.retry_after == 120.0
    assert (
        parse_retry_after(
            "Wed, 21 Oct 2015 07:28:00 GMT", dt.datetime(2015, 10, 21, 7, 27, tzinfo=dt.UTC)
        )
        == 60
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/feed",
        "http://10.1.2.3/",
        "http://169.254.169.254/latest/",
        "http://[::1]/",
        "http://localhost/",
    ],
)
def test_private_addresses_are_refused(url):
    with pytest.raises(BlockedURLError, match=r"non-public|not public|private|loopback|link-local"):
        asyncio.run(check_url(url, allow_private=False))


@pytest.mark.parametrize(
    "url", ["http://localhost./", "http://LocalHost/", "http://a.b.localhost/"]
)
def test_a_loopback_name_is_refused_without_asking_a_resolver(url, monkeypatch):
    """`localhost.` (a trailing dot) used to go to the system resolver first (issue 14)."""

    async def no_lookup(*args, **kwargs):
        raise AssertionError("a resolver was asked")

    async def go():
        monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", no_lookup)
        await check_url(url, allow_private=False)

    with pytest.raises(BlockedURLError, match="loopback name"):
        asyncio.run(go())


def test_a_private_address_is_fetched_when_allowed():
    """The switch tests and local deployments use: the same private feed that is refused
    by default is fetched once private addresses are allowed."""
    with FeedServer() as server:
        server.fixture("/rss.xml", "rss2.xml")
        url = server.url("/rss.xml")

        async def go(allow_private: bool):
            limits = FetchLimits(total_timeout=5, allow_private=allow_private)
            client = make_client(limits)
            try:
                return await fetch(client, url, limits)
            finally:
                await client.aclose()

        with pytest.raises(FetchError) as refused:
            asyncio.run(go(allow_private=False))
        assert refused.value.kind == "blocked"
        fetched = asyncio.run(go(allow_private=True))
        assert fetched.status == 200 and b"<rss" in fetched.body


def test_only_http_and_https_are_fetched():
    with pytest.raises(BlockedURLError):
        asyncio.run(check_url("file:///etc/passwd", allow_private=True))


def test_a_redirect_to_a_private_address_is_refused():
    limits = FetchLimits(total_timeout=5, allow_private=False)

    async def go():
        client = make_client(limits)
        try:
            # the first hop is checked too, so a private start is refused at once
            return await fetch(client, "http://127.0.0.1:9/feed", limits)
        finally:
            await client.aclose()

    with pytest.raises(FetchError) as caught:
        asyncio.run(go())
    assert caught.value.kind == "blocked"


def test_the_transport_refuses_a_private_address_when_it_connects(monkeypatch):
    """What stops DNS rebinding: a name that passed check_url and resolves to a private
    address by the time of the connection is still refused (a name resolving to
    127.0.0.1 stands in)."""
    name = loopback_host_name(monkeypatch)
    with FeedServer() as server:
        server.fixture("/rss.xml", "rss2.xml")
        url = server.url("/rss.xml").replace("127.0.0.1", name)

        async def get(allow_private: bool) -> int:
            async with httpx.AsyncClient(transport=guarded_transport(allow_private)) as client:
                return (await client.get(url)).status_code

        with pytest.raises(BlockedURLError, match=f"{name} resolves to a non-public"):
            asyncio.run(get(allow_private=False))
        assert asyncio.run(get(allow_private=True)) == 200


def test_a_name_resolving_to_a_public_and_a_private_address_is_refused(monkeypatch):
    """One private address among public ones is enough to refuse a name: a client picks
    any of them. The answer lists the public address first, so checking only the first
    (or refusing only when all are private) would let it through."""
    answer = ["93.184.215.14", "10.0.0.5"]

    def resolve(host, port, family=0, type=0, proto=0, flags=0):
        assert host == "mixed.wirewatch.test", host  # no other name is looked up
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port or 0)) for a in answer]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with pytest.raises(BlockedURLError, match=r"non-public address \(10\.0\.0\.5\)"):
        asyncio.run(check_url("http://mixed.wirewatch.test/rss", allow_private=False))

    class Refused(httpcore.AsyncNetworkBackend):
        """The network underneath: any connection reaching it is a failure of the guard."""

        async def connect_tcp(self, host, port, *args, **kwargs):
            raise AssertionError(f"connected to {host}:{port}")

    backend = PublicOnlyBackend(Refused())
    with pytest.raises(BlockedURLError, match=r"10\.0\.0\.5"):
        asyncio.run(backend.connect_tcp("mixed.wirewatch.test", 80))
    answer.reverse()  # the same refusal whichever comes first
    with pytest.raises(BlockedURLError, match=r"10\.0\.0\.5"):
        asyncio.run(check_url("http://mixed.wirewatch.test/rss", allow_private=False))


POLICY = SchedulePolicy(default_minutes=15, min_minutes=5, max_minutes=1440, jitter=0.1)


def test_interval_follows_publishing_frequency_within_bounds():
    hourly = [NOW - dt.timedelta(hours=h) for h in range(10)]
    assert publishing_interval(hourly, POLICY) == 60
    every_minute = [NOW - dt.timedelta(minutes=m) for m in range(10)]
    assert publishing_interval(every_minute, POLICY) == 5
    weekly = [NOW - dt.timedelta(days=7 * w) for w in range(3)]
    assert publishing_interval(weekly, POLICY) == 1440
    assert publishing_interval([], POLICY) == 15


def test_ttl_cache_control_and_retry_after_only_lengthen_the_interval():
    assert success_interval(15, POLICY, ttl_minutes=60) == 60
    assert success_interval(15, POLICY, max_age_seconds=1800) == 30
    assert success_interval(60, POLICY, ttl_minutes=10) == 60
    assert success_interval(15, POLICY, retry_after_seconds=3600) == 60
    assert success_interval(90, POLICY, retry_after_seconds=60) == 90


def test_failures_back_off_exponentially_to_the_ceiling():
    assert [failure_interval(n, POLICY) for n in (1, 2, 3, 4)] == [5, 10, 20, 40]
    assert failure_interval(30, POLICY) == 1440
    assert failure_interval(1, POLICY, retry_after_seconds=3600) == 60


def test_jitter_stays_within_its_spread():
    rng = random.Random(7)
    values = [jittered(60, POLICY, rng) for _ in range(200)]
    assert min(values) >= 54 and max(values) <= 66 and len(set(values)) > 100
