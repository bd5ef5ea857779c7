"""Language honesty (issue 25, item 10): an article the extractor cannot read (it reads
English only) is skipped and counted, by feed and language, not extracted into nothing
in silence; and an English headline, however short, is never taken for another language.
The sentences here are the test's own."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import Counter

import pytest

from harness.services import invoke_wirewatch
from infra.language import UNDETERMINED, detect_language, is_read
from ingest.feed_store import FeedStore
from processors import stages
from processors.offline import InProcessPipeline, extract_lines, skip_summary
from processors.window import Retention
from schemas.article import Article

ENGLISH = [
    "Gunmen kill 12 villagers in Zamfara",
    "Airstrike hits market in Idlib, 9 dead",
    "Two soldiers killed in ambush near Mopti",
    "Protesters clash with police in Nairobi",
    "Shelling kills three civilians in Donetsk",
    "Rebels seize town in North Kivu",
    "Car bomb kills 5 in Mogadishu",
    "Army says 30 militants killed in Borno raid",
    "Curfew imposed in Imphal after clashes",
    "Drone strike on Kharkiv injures four",
]
OTHERS = {
    "fr": "Des hommes armés ont tué trois civils dans un village près de Bambari, selon la police.",
    "es": "Hombres armados asesinaron a cinco personas en un bar de Guanajuato durante la noche.",
    "de": "Bei einem Angriff auf ein Dorf im Norden des Landes wurden mehrere Menschen getötet.",
    "pt": "Confrontos entre a polícia e manifestantes deixaram dois mortos na capital do país.",
    "ru": "В результате обстрела города погибли три мирных жителя, сообщили местные власти.",
    "uk": "Унаслідок ракетного удару по місту загинули троє людей, повідомила обласна влада.",
    "ar": "قتل ثلاثة مدنيين في قصف استهدف سوقا شعبيا في المدينة صباح اليوم",
    "zh": "武装分子周二袭击了一个村庄，造成至少十人死亡，多人受伤。",
}


@pytest.mark.parametrize("headline", ENGLISH)
def test_a_short_english_headline_is_read(headline):
    assert is_read(detect_language(headline))


@pytest.mark.parametrize("language", sorted(OTHERS))
def test_text_in_another_language_is_found_and_not_read(language):
    found = detect_language(OTHERS[language])
    assert found == language and not is_read(found)


def test_too_little_text_is_undetermined_and_read():
    assert detect_language("Kyiv 12:40") == UNDETERMINED
    assert detect_language("") == UNDETERMINED
    assert is_read(UNDETERMINED) and is_read(None) and is_read("en")


def test_the_title_and_the_start_of_the_text_decide_not_the_rest():
    opening = " ".join(ENGLISH)  # past the sample's 200 characters
    tail = " ".join([OTHERS["fr"]] * 20)
    assert detect_language(ENGLISH[0], f"{opening} {tail}") == "en"
    assert detect_language(OTHERS["fr"], f"{tail} {opening}") == "fr"
    # a French title over English text: English is not ruled out, so it is read
    assert is_read(detect_language(OTHERS["fr"], opening))


def test_the_summary_line_counts_by_language_most_first():
    assert skip_summary({}) is None
    assert skip_summary({"es": 3, "fr": 12, "de": 3}) == (
        "18 articles skipped: not English (fr 12, de 3, es 3)"
    )
    assert skip_summary({"fr": 1}) == "1 article skipped: not English (fr 1)"


def _article(number: int, title: str, text: str = "", **fields) -> Article:
    return Article(
        id=f"{number:032x}",
        url=f"https://example.org/{number}",
        title=title,
        text=text,
        source="Example",
        published=dt.datetime(2024, 5, 6, 10, tzinfo=dt.UTC),
        **fields,
    )


def test_extraction_skips_and_counts_by_feed_and_language():
    """The stage itself: a stamped article is taken at its word, one without a stamp (a
    message from before detection) is detected; a skip is counted, never raised."""
    seen: list[tuple[str, str]] = []
    state = stages.ExtractState(
        {}, Retention(dt.timedelta(days=30)), on_skip=lambda f, lang: seen.append((f, lang))
    )
    english = _article(1, "Shelling kills three civilians in Donetsk", feed_url="https://a.test/f")
    french = _article(2, OTHERS["fr"], feed_url="https://a.test/f")
    stamped = _article(3, ENGLISH[1], detected_language="es", feed_url="https://b.test/f")
    for article in (english, french, stamped):
        stages.extract(state, article.to_json_bytes())
    assert state.skipped == Counter({("https://a.test/f", "fr"): 1, ("https://b.test/f", "es"): 1})
    assert sorted(seen) == [("https://a.test/f", "fr"), ("https://b.test/f", "es")]
    assert len(state.articles) == 3  # each remembered, so a later copy finds no countries


def test_offline_lines_say_which_were_skipped():
    lines = [
        json.dumps(
            {"id": "en", "title": ENGLISH[4], "text": "", "published": "2024-05-06T10:00:00Z"}
        ),
        json.dumps(
            {"id": "ru", "title": OTHERS["ru"], "text": "", "published": "2024-05-06T10:00:00Z"}
        ),
    ]
    out = dict(extract_lines(lines))
    assert "skipped" not in out[1] and out[1]["events"]
    assert out[2] == {"id": "ru", "events": [], "skipped": "not English", "language": "ru"}


def test_the_in_process_pipeline_counts_its_skips():
    pipeline = InProcessPipeline()
    pipeline.feed(_article(1, OTHERS["es"]))
    pipeline.feed(_article(2, ENGLISH[4]))
    assert pipeline.extracted.skipped == Counter({("Example", "es"): 1})


def test_the_feed_store_adds_up_skips_per_feed_and_language(tmp_path):
    store = FeedStore(f"sqlite:///{tmp_path / 'collector.db'}")
    store.count_not_read("https://a.test/f", {"fr": 2, "es": 1})
    store.count_not_read("https://a.test/f", {"fr": 3})
    store.count_not_read("https://b.test/f", {"ru": 1})
    assert store.not_read() == {
        "https://a.test/f": {"fr": 5, "es": 1},
        "https://b.test/f": {"ru": 1},
    }
    store.forget_feed("https://a.test/f")
    assert store.not_read() == {"https://b.test/f": {"ru": 1}}


def test_wirewatch_extract_skips_other_languages_with_one_summary_line(tmp_path):
    """A real CLI run (in this process): the English line is extracted, each other one is marked skipped
    (exit 0: a skip is no failure), and stderr has the one summary line."""
    records = [{"id": "en", "title": ENGLISH[4], "text": "Shelling killed three civilians."}]
    records += [
        {"id": "fr-0", "title": OTHERS["fr"], "text": ""},
        {
            "id": "fr-1",
            "title": "Les rebelles ont pris le contrôle de la ville après deux jours de combats.",
            "text": "",
        },
    ]
    records += [{"id": "es", "title": OTHERS["es"], "text": ""}]
    source = tmp_path / "articles.jsonl"
    source.write_text(
        "".join(json.dumps({**r, "published": "2024-05-06T10:00:00Z"}) + "\n" for r in records)
    )
    for merge in ((), ("--merge",)):
        done = invoke_wirewatch(dict(os.environ), "extract", *merge, str(source))
        assert done.returncode == 0, done.stderr
        assert done.stderr.strip().splitlines()[-1] == (
            "3 articles skipped: not English (fr 2, es 1)"
        )
        if not merge:
            out = [json.loads(line) for line in done.stdout.splitlines()]
            assert [o.get("language") for o in out] == [None, "fr", "fr", "es"]
            assert out[0]["events"] and not any(o["events"] for o in out[1:])
        else:
            assert done.stdout.strip()  # the English article's event


def test_status_and_feeds_list_show_the_skips_by_feed_and_language():
    from rich.console import Console

    from ingest.feed_store import FeedHealth
    from ingest.feeds_config import FeedConfig
    from wirewatch.render import feeds_table, status_table

    feed = "https://a.test/f"
    document = {
        "broker": {"reachable": False, "servers": "127.0.0.1:9092", "error": "no broker"},
        "collector": {"feeds_polled": 1, "last_poll": None, "not_english": {feed: {"fr": 12}}},
        "events": {"error": "no database"},
    }
    console = Console(record=True, width=120)
    status_table(document, console)
    assert f"12 articles skipped, not English (fr 12): {feed}" in console.export_text()
    console = Console(record=True, width=160)
    feeds_table([(FeedConfig(url=feed), FeedHealth(feed))], console, {feed: {"fr": 12, "es": 3}})
    [row] = [line for line in console.export_text().splitlines() if feed in line]
    assert row.rstrip().endswith("fr 12, es 3")
