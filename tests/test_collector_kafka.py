"""The collector against a local feed server and a real Kafka broker."""

from __future__ import annotations

import asyncio
import json
from collections import Counter

import pytest

from harness.feed_server import FIXTURES, FeedServer, rss_with_items
from harness.kafka_helpers import read_topic_to_end
from infra.kafka_admin import ensure_topics
from infra.kafka_producer import make_producer
from infra.settings import Settings
from ingest.collector import Collector
from ingest.feed_store import FeedStore
from ingest.feeds_config import FeedConfig

pytestmark = pytest.mark.kafka


def _settings(base: Settings, **overrides) -> Settings:
    return base.model_copy(
        update={
            "allow_private_addresses": True,
            "fetch_total_timeout": 3.0,
            "fetch_connect_timeout": 2.0,
            "fetch_max_bytes": 2 * 1024 * 1024,
            **overrides,
        }
    )


def _collector(settings: Settings, store: FeedStore, **producer_options) -> Collector:
    ensure_topics(settings.kafka)
    producer = make_producer(settings.kafka, client_id="collector-test", **producer_options)
    return Collector(settings, store, producer, ack_timeout=60)


def _poll_all(collector: Collector, feeds: list[FeedConfig]):
    async def go():
        try:
            return await asyncio.gather(*(collector.poll(feed) for feed in feeds))
        finally:
            await collector.close()

    results = asyncio.run(go())
    collector.producer.close(5)
    return {r.url: r for r in results}


def _pushed(settings: Settings) -> list[dict]:
    return [json.loads(value) for value in read_topic_to_end(settings, "articles.raw")]


def test_every_kind_of_feed_polled_once_then_304_then_restart_pushes_nothing(
    pipeline_settings, tmp_path
):
    settings = _settings(pipeline_settings)
    store = FeedStore(f"sqlite:///{tmp_path / 'collector.db'}")
    with FeedServer() as server:
        good = {
            server.fixture("/rss2.xml", "rss2.xml"): 3,
            server.fixture("/atom.xml", "atom.xml"): 2,
            server.fixture("/rss1.xml", "rss1.xml"): 2,
            server.fixture("/entities.xml", "entities_cdata.xml"): 1,
            server.fixture("/latin1.xml", "latin1.xml"): 1,
            server.fixture("/truncated.xml", "truncated.xml"): 1,
        }
        server.redirect("/loop-a", server.url("/loop-b"))
        bad = {
            server.fixture("/page.html", "page.html"): "parse",
            server.huge("/huge.xml", 50): "too_large",
            server.never_answers("/never.xml"): "timeout",
            server.redirect("/loop-b", server.url("/loop-a")): "redirects",
            server.fixture("/bomb.xml", "billion_laughs.xml"): "parse",
        }
        feeds = [FeedConfig(url=url) for url in [*good, *bad]]

        first = _poll_all(_collector(settings, store), feeds)
        for url, count in good.items():
            assert first[url].ok and first[url].pushed == count, first[url]
        for url, kind in bad.items():
            assert not first[url].ok and first[url].error_kind == kind, first[url]
            health = store.health(url)
            assert health.consecutive_failures == 1 and health.last_error.startswith(kind)
        pushed = _pushed(settings)
        assert len(pushed) == sum(good.values())
        assert len({p["id"] for p in pushed}) == len(pushed)

        # Unchanged feeds: 304, nothing parsed, nothing pushed.
        second = _poll_all(_collector(settings, store), feeds[: len(good)])
        assert all(r.not_modified and r.pushed == 0 for r in second.values())
        assert sum(server.not_modified.values()) == len(good)

        # A restarted collector whose server ignores conditional GET still pushes nothing twice.
        server.replace("/rss2.xml", (FIXTURES / "rss2.xml").read_bytes() + b"\n")
        third = _poll_all(_collector(settings, store), [FeedConfig(url=server.url("/rss2.xml"))])
        assert not third[server.url("/rss2.xml")].not_modified
        assert third[server.url("/rss2.xml")].pushed == 0
        assert len(_pushed(settings)) == sum(good.values())
        health = store.health(server.url("/rss2.xml"))
        assert health.entries_seen == 3 and health.fetches == 3 and health.not_modified == 1


def test_a_server_asking_for_a_pause_in_a_good_answer_is_polled_later(pipeline_settings, tmp_path):
    """Retry-After on a 200 lengthens the next interval, as it does on a 429."""
    settings = _settings(pipeline_settings)
    store = FeedStore(f"sqlite:///{tmp_path / 'collector.db'}")
    with FeedServer() as server:
        paused = server.fixture("/paused.xml", "rss2.xml", extra_headers={"Retry-After": "7200"})
        plain = server.fixture("/plain.xml", "atom.xml")
        feeds = [
            FeedConfig(url=paused, interval_minutes=15),
            FeedConfig(url=plain, interval_minutes=15),
        ]
        results = _poll_all(_collector(settings, store), feeds)
        assert results[paused].ok and results[plain].ok
        assert store.health(paused).interval_minutes == 120
        assert store.health(plain).interval_minutes == 15


def test_a_changed_entry_is_pushed_again_as_a_new_version(pipeline_settings, tmp_path):
    settings = _settings(pipeline_settings)
    store = FeedStore(f"sqlite:///{tmp_path / 'collector.db'}")
    with FeedServer() as server:
        server.static("/changing.xml", rss_with_items(5, text="First version"))
        feed = FeedConfig(url=server.url("/changing.xml"))
        _poll_all(_collector(settings, store), [feed])
        changed = rss_with_items(5, text="First version").replace(
            b"First version number 2", b"Corrected: ten killed"
        )
        server.replace("/changing.xml", changed)
        result = _poll_all(_collector(settings, store), [feed])[feed.url]
        assert result.pushed == 1
    pushed = _pushed(settings)
    assert len(pushed) == 6
    versions = Counter(p["id"] for p in pushed)
    [(article_id, count)] = [(k, v) for k, v in versions.items() if v > 1]
    assert count == 2
    assert sorted(p["text"] for p in pushed if p["id"] == article_id) == [
        "Corrected: ten killed",
        "First version number 2",
    ]


def test_a_broker_outage_during_a_poll_loses_and_duplicates_nothing(
    own_broker, pipeline_settings, tmp_path
):
    """The broker dies while the feed is being fetched, so the push of its 300 entries
    cannot be acknowledged: the poll fails, keeps no ETag, and the poll after the broker
    is back pushes every entry exactly once."""
    settings = _settings(pipeline_settings, kafka_bootstrap_servers=own_broker.bootstrap_servers)
    store = FeedStore(f"sqlite:///{tmp_path / 'collector.db'}")
    ensure_topics(settings.kafka)

    with FeedServer() as server:
        body = rss_with_items(300, prefix="outage")
        server.static("/many.xml", body)
        original = server.routes["/many.xml"]

        def kill_then_answer(request):
            own_broker.kill()  # before the body is sent: nothing of it can be acknowledged
            original(request)

        server.routes["/many.xml"] = kill_then_answer
        feed = FeedConfig(url=server.url("/many.xml"))
        producer = make_producer(
            settings.kafka, client_id="collector-outage-test", delivery_timeout_ms=8000
        )
        first = _poll_all(Collector(settings, store, producer, ack_timeout=10), [feed])[feed.url]
        assert not first.ok and first.error_kind == "kafka", first
        assert store.health(feed.url).etag is None  # so the next poll fetches it all again

        own_broker.start()
        server.routes["/many.xml"] = original
        second = _poll_all(_collector(settings, store), [feed])[feed.url]
        assert second.ok and not second.not_modified and second.pushed == 300, second
    pushed = [json.loads(v) for v in read_topic_to_end(settings, "articles.raw")]
    ids = Counter(p["id"] for p in pushed)
    assert len(ids) == 300
    assert max(ids.values()) == 1


def test_full_text_of_the_page_replaces_a_teaser_when_asked(pipeline_settings, tmp_path):
    settings = _settings(pipeline_settings, fulltext=True)
    store = FeedStore(f"sqlite:///{tmp_path / 'collector.db'}")
    paragraphs = "".join(
        f"<p>Paragraph {i}: rescue teams searched the rubble of the apartment block in Dnipro "
        f"through the night, regional officials said, and the toll was expected to rise.</p>"
        for i in range(8)
    )
    page = (
        "<html><head><title>Strike on Dnipro</title></head><body><nav>Home | World</nav>"
        f"<article><h1>Strike on Dnipro</h1>{paragraphs}</article><footer>Contact us</footer></body></html>"
    ).encode()
    with FeedServer() as server:
        server.static("/story.html", page, content_type="text/html; charset=utf-8")
        feed_body = (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Teasers</title>'
            f"<link>{server.base}/</link><description>d</description><item><title>Strike on Dnipro</title>"
            f"<link>{server.url('/story.html')}</link><description>Read more...</description>"
            "<pubDate>Sat, 14 Jan 2023 18:00:00 +0200</pubDate></item></channel></rss>"
        ).encode()
        server.static("/teasers.xml", feed_body)
        feed = FeedConfig(url=server.url("/teasers.xml"))
        assert _poll_all(_collector(settings, store), [feed])[feed.url].pushed == 1
    [article] = _pushed(settings)
    assert "Paragraph 7: rescue teams searched the rubble" in article["text"]
    assert "Contact us" not in article["text"]


def test_unusable_entries_go_to_the_dead_letter_topic_and_metrics_count(
    pipeline_settings, tmp_path
):
    from schemas.dead_letter import DeadLetter

    settings = _settings(pipeline_settings)
    store = FeedStore(f"sqlite:///{tmp_path / 'collector.db'}")
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Mixed</title>'
        b"<link>https://mixed.example/</link><description>d</description>"
        b"<item><title>No link at all</title><description>Orphan entry.</description></item>"
        b"<item><title>Fine</title><link>https://mixed.example/fine</link></item></channel></rss>"
    )
    with FeedServer() as server:
        server.static("/mixed.xml", body)
        feed = FeedConfig(url=server.url("/mixed.xml"))
        collector = _collector(settings, store)
        metrics = collector.metrics
        result = _poll_all(collector, [feed])[feed.url]
        _poll_all(_collector(settings, store), [feed])  # a 304, counted by that collector
    assert result.ok and result.pushed == 1 and len(result.skipped_entries) == 1
    [letter] = [
        DeadLetter.from_json_bytes(v) for v in read_topic_to_end(settings, "articles.raw.dlq")
    ]
    assert letter.stage == "collect" and "no usable link" in letter.error
    assert b"Orphan entry." in letter.value
    sample = metrics.registry.get_sample_value
    assert sample("wirewatch_feed_fetches_total", {"feed": feed.url}) == 1
    assert sample("wirewatch_feed_entries_pushed_total", {"feed": feed.url}) == 1


def _rss(items: list[tuple[str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{title}</title><link>https://mixed.example/{n}</link><guid>m-{n}</guid>"
        f"<pubDate>Mon, 11 Mar 2024 0{n}:00:00 +0000</pubDate><description>{text}</description>"
        "</item>"
        for n, (title, text) in enumerate(items)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Mixed</title>'
        f"<link>https://mixed.example/</link><description>test</description>{entries}</channel></rss>"
    ).encode()


MIXED = [
    ("Gunmen kill 12 villagers in Zamfara", "Gunmen killed twelve villagers on Sunday."),
    ("Car bomb kills 5 in Mogadishu", ""),
    (
        "Des hommes armés ont tué trois civils près de Bambari",
        "Selon la police, l'attaque a eu lieu dans la nuit de dimanche à lundi.",
    ),
    ("Les rebelles ont pris le contrôle de la ville après deux jours de combats", ""),
    ("Hombres armados asesinaron a cinco personas en un bar de Guanajuato", ""),
]


def test_articles_in_another_language_are_stamped_pushed_and_counted_per_feed(
    pipeline_settings, tmp_path
):
    """Issue 25, item 10: the collector stamps each article's language; one the extractor
    does not read is still pushed (the worker skips it) and counted once, by feed and
    language, in the collector's store (feeds list, status) and its metrics."""
    settings = _settings(pipeline_settings)
    store = FeedStore(f"sqlite:///{tmp_path / 'collector.db'}")
    with FeedServer() as server:
        server.static("/mixed.xml", _rss(MIXED))
        feed = FeedConfig(url=server.url("/mixed.xml"))
        collector = _collector(settings, store)
        assert _poll_all(collector, [feed])[feed.url].pushed == 5
        _poll_all(_collector(settings, store), [feed])  # nothing new: nothing counted again
    languages = {p["title"]: p["detected_language"] for p in _pushed(settings)}
    assert [languages[title] for title, _ in MIXED] == ["en", "en", "fr", "fr", "es"]
    assert store.not_read() == {feed.url: {"fr": 2, "es": 1}}
    metric = collector.metrics.registry.get_sample_value
    labels = {"feed": feed.url, "language": "fr"}
    assert metric("wirewatch_feed_articles_not_read_total", labels) == 2
