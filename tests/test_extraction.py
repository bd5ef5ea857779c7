"""The extractor against the seeds (expected values read off the articles by hand)."""

import datetime as dt

import pytest

from ingest.seeds import load_seed
from processors.extraction import extract_events
from processors.extraction.dates import resolve_date
from processors.extraction.numbers import parse_count
from processors.extraction.tolls import find_toll, is_cumulative
from processors.offline import extract_lines
from tests.conftest import SEEDS

EXPECTED = {
    # file: (sub-type, date, country, place, killed, injured, actor1)
    "ganja-missile-strike-caspian-daily.md": (
        "shelling_artillery_missile_attack",
        "2020-10-11",
        "AZ",
        "Ganja",
        9,
        34,
        "Military Forces of Armenia",
    ),
    "ganja-missile-strike-meridian.md": (
        "shelling_artillery_missile_attack",
        "2020-10-11",
        "AZ",
        "Ganja",
        10,
        40,
        "Military Forces of Armenia",
    ),
    "barda-rocket-attack-northgate.md": (
        "shelling_artillery_missile_attack",
        "2020-10-28",
        "AZ",
        "Barda",
        19,
        60,
        "Military Forces of Armenia",
    ),
    "barda-rocket-attack-caspian-daily.md": (
        "shelling_artillery_missile_attack",
        "2020-10-28",
        "AZ",
        "Barda",
        21,
        70,
        None,
    ),
    "chuhuiv-shelling-wire.md": (
        "shelling_artillery_missile_attack",
        "2023-05-23",
        "UA",
        "Chuhuyiv",
        3,
        5,
        "Military Forces of Russia",
    ),
    "saada-airstrike-meridian.md": (
        "air_drone_strike",
        "2021-12-02",
        "YE",
        "Sa'dah",
        14,
        20,
        "Military Forces of Saudi Arabia",
    ),
    "saada-airstrike-red-sea-monitor.md": (
        "air_drone_strike",
        "2021-12-02",
        "YE",
        "Sa'dah",
        11,
        17,
        "Military Forces of Saudi Arabia",
    ),
    "idlib-airstrike.md": (
        "air_drone_strike",
        "2021-10-20",
        "SY",
        "Arīḩā",
        7,
        12,
        "Military Forces of Russia",
    ),
    "mogadishu-roadside-bomb.md": (
        "remote_explosive_landmine_ied",
        "2022-03-15",
        "SO",
        "Mogadishu",
        4,
        2,
        "Al Shabaab",
    ),
    "el-fasher-clashes.md": (
        "armed_clash",
        "2024-06-09",
        "SD",
        "El Fasher",
        12,
        24,
        "Rapid Support Forces",
    ),
    "yerevan-protest.md": (
        "peaceful_protest",
        "2020-11-11",
        "AM",
        "Yerevan",
        None,
        None,
        "Protesters (Armenia)",
    ),
    "moscow-humanitarian-truce.md": (
        "agreement",
        "2020-10-10",
        "RU",
        "Moscow",
        None,
        None,
        "Government of Armenia",
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_event_is_extracted_with_its_place_date_and_toll(name):
    article = load_seed(SEEDS / name)
    events = extract_events(article)
    assert len(events) == 1
    event = events[0]
    sub_type, date, country, place, killed, injured, actor1 = EXPECTED[name]
    assert event.sub_event_type.value == sub_type
    assert event.event_date == dt.date.fromisoformat(date)
    assert event.country == country
    assert event.location is not None and event.location.name == place
    assert (event.fatalities, event.injured) == (killed, injured)
    assert event.actor1 == actor1
    assert event.article_id == article.id
    assert event.evidence and all(
        sentence in article.text or sentence == article.title for sentence in event.evidence
    )


def test_barda_is_the_town_in_azerbaijan_not_the_one_in_russia():
    event = extract_events(load_seed(SEEDS / "barda-rocket-attack-northgate.md"))[0]
    assert event.location.geonames_id == 587057
    assert event.location.lat == pytest.approx(40.376, abs=0.01)


@pytest.mark.parametrize(
    "name", ["football-derby-report.md", "markets-oil-rally.md", "sarajevo-markale-anniversary.md"]
)
def test_no_event_in_metaphors_or_anniversaries(name):
    assert extract_events(load_seed(SEEDS / name)) == []


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("nine", 9),
        ("ninety-eight", 98),
        ("34", 34),
        ("1,165", 1165),
        ("dozens", 24),
        ("one hundred and five", 105),
        ("banana", None),
    ],
)
def test_counts_in_digits_and_words(text, count):
    assert parse_count(text) == count


def test_cumulative_tallies_are_not_tolls():
    tally = "Officials say 41 civilians have been killed and more than 200 wounded since the fighting erupted on Sept. 27."
    assert is_cumulative(tally)
    assert find_toll([tally]).killed is None
    lead = "Missiles struck Barda on Wednesday, killing at least 19 people, in one of the deadliest attacks since fighting resumed."
    assert not is_cumulative(lead)
    assert find_toll([lead]).killed == 19


def test_a_toll_the_article_revises_wins():
    toll = find_toll(
        ["Five people were killed, police said.", "The death toll later rose to seven."]
    )
    assert toll.killed == 7


def test_event_date_follows_local_time_not_the_gmt_aside():
    published = dt.datetime(2020, 10, 11, 9, 40, tzinfo=dt.timezone(dt.timedelta(hours=4)))
    sentence = "The missile hit at 2 a.m. local time on Sunday (2200 GMT Saturday)."
    assert resolve_date([sentence], published, "Asia/Baku").date == dt.date(2020, 10, 11)
    statement = "Shells hit the town overnight, the governor said on Wednesday."
    wednesday = dt.datetime(2023, 5, 24, 11, 20, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    assert resolve_date([statement], wednesday, "Europe/Kyiv").date == dt.date(2023, 5, 23)


def test_offline_extract_reads_json_lines_and_reports_bad_lines():
    lines = [
        '{"id": "x1", "title": "Shelling kills three", "text": "Russian artillery shelled the town of Chuhuiv in Ukraine on Tuesday, killing three people.", "published": "2023-05-24T11:20:00+03:00"}',
        '{"id": "x2", "title": "no date"}',
        "not json",
    ]
    results = list(extract_lines(lines))
    assert results[0][0] == 1 and results[0][1]["id"] == "x1"
    [event] = results[0][1]["events"]
    assert (event["country"], event["fatalities"], event["event_date"]) == ("UA", 3, "2023-05-23")
    assert results[1] == (2, "ValueError: missing field(s): text, published")
    assert results[2][0] == 3 and "JSONDecodeError" in results[2][1]
