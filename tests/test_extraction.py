"""The extractor against the seeds (expected values read off the articles by hand)."""

import datetime as dt
import json
import os

import pytest

from harness.services import invoke_wirewatch
from ingest.seeds import load_seed
from processors.extraction import extract_events
from processors.extraction.actors import assign_actors
from processors.extraction.dates import resolve_date
from processors.extraction.extractor import looks_back
from processors.extraction.gazetteer import get_gazetteer
from processors.extraction.numbers import parse_count
from processors.extraction.sentences import split_sentences
from processors.extraction.tolls import find_toll, is_cumulative, live_text
from processors.extraction.triggers import event_triggers
from processors.offline import article_from_record, extract_lines
from schemas.article import Article
from schemas.taxonomy import EventType, SubEventType
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
        12,
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
        ("dozens", 12),
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


def _article(title: str, text: str, published: str) -> Article:
    return article_from_record(
        {"id": title, "title": title, "text": text, "published": published, "source": "Test Wire"}
    )


def test_a_roundup_yields_each_of_its_events():
    article = _article(
        "Shelling across the south",
        "Russian attacks killed three civilians across Ukraine over the past day, officials said on Friday.\n"
        "In Kherson, shelling killed two women on Thursday morning.\n"
        "In Nikopol, artillery fire wounded a man on Thursday evening.\n",
        "2024-07-12T09:00:00+03:00",
    )
    events = extract_events(article)
    assert [(e.location.name, e.fatalities, e.injured) for e in events] == [
        ("Kherson", 2, None),
        ("Nikopol", None, 1),
    ]
    assert {e.event_date for e in events} == {dt.date(2024, 7, 11)}
    assert len({e.mention_id for e in events}) == 2


def test_a_headline_listing_places_yields_an_event_in_each():
    # a headline only: the roundup lists three places, only the first item says the act
    article = _article(
        "Syrian airstrikes hit Binnish, the outskirts of Sheikh Meskin and villages near Tal Abyad",
        "",
        "2019-03-02T12:00:00Z",
    )
    events = extract_events(article)
    places = {e.location.admin1 for e in events}
    assert {"Idlib", "Daraa", "Ar-Raqqah"} <= places, places
    assert {e.sub_event_type.value for e in events} == {"air_drone_strike"}
    assert {e.country for e in events} == {"SY"}


def test_a_separate_incident_in_the_same_city_is_its_own_event():
    article = _article(
        "Car bomb and mortars in Mogadishu",
        "A suicide car bomb exploded at a checkpoint in Mogadishu on Monday, killing four soldiers.\n"
        "Separately, mortar shells landed near the port on Monday night, wounding two people.",
        "2023-04-11T08:00:00+03:00",
    )
    events = extract_events(article)
    assert [(e.sub_event_type.value, e.fatalities, e.injured) for e in events] == [
        ("suicide_bomb", 4, None),
        ("shelling_artillery_missile_attack", None, 2),
    ]
    assert all(e.location.name == "Mogadishu" for e in events)


@pytest.mark.parametrize(
    ("sentence", "killed", "injured"),
    [
        ("Fighting near the base left six soldiers and 11 militants dead.", 17, None),
        ("Gunmen opened fire, killing a policeman and two civilians.", 3, None),
        ("A rocket hit a warehouse, injuring three workers. No one was killed.", 0, 3),
        ("Looters burned the market. No casualties were reported.", 0, 0),
        ("The blast killed 14 people, including two children, and wounded 108.", 14, 108),
        ("A mob beat a man to death in the village.", 1, None),
        ("Medics treated 11 people for breathing difficulties.", None, 11),
        (
            "Protesters clashed with police, and the mayor said 13 people were killed during a month of unrest.",
            None,
            None,
        ),
    ],
)
def test_tolls_in_the_forms_news_copy_writes_them(sentence, killed, injured):
    toll = find_toll(split_sentences(sentence))
    assert (toll.killed, toll.injured) == (killed, injured)


def test_only_the_running_tally_clause_is_dropped():
    sentence = "Rebels clashed with troops in Goma on Friday, and officials said 200 people have been killed since January."
    assert live_text(sentence) == "Rebels clashed with troops in Goma on Friday"
    assert live_text("At least 12,000 people have been killed since the war began.") == ""


def test_a_village_in_a_named_region_is_placed_at_region_precision():
    [event] = extract_events(
        _article(
            "Bandits kill farmers",
            "Bandits killed nine farmers in a village in Zamfara state on Sunday, residents said.",
            "2023-06-12T10:00:00+01:00",
        )
    )
    assert (event.country, event.location.name, event.location.precision) == (
        "NG",
        "Zamfara",
        "admin1",
    )
    assert event.location.geonames_id is None


def test_a_region_picks_between_towns_of_one_name():
    [event] = extract_events(
        _article(
            "Troops retake Lyman",
            "Ukrainian troops retook the town of Lyman in Donetsk region on Saturday.",
            "2022-10-01T21:00:00+03:00",
        )
    )
    assert event.sub_event_type.value == "government_regains_territory"
    assert (event.location.name, event.location.admin1) == ("Lyman", "Donetsk")


def test_transliteration_variants_find_their_place():
    gazetteer = get_gazetteer()
    assert next(p.name for p in gazetteer.lookup("Hodeidah", loose=True) if p.country == "YE") == (
        "Al Ḩudaydah"
    )
    assert gazetteer.lookup("Mekelle", loose=True)[0].name == "Mek'ele"
    assert gazetteer.lookup("Hodeydah") == []  # only when asked to be loose


def test_a_dateline_gives_the_country_when_the_text_names_none():
    [event] = extract_events(
        _article(
            "Gunfight leaves three dead",
            "IMPHAL - Three people were killed on Friday when armed groups exchanged fire in a village, police said.",
            "2023-09-09T20:00:00+05:30",
        )
    )
    assert event.country == "IN"


@pytest.mark.parametrize(
    ("sentence", "published"),
    [
        ("In July 1995, forces overran the town and killed thousands.", dt.date(2025, 7, 10)),
        ("Gunmen killed men in the streets of the city in June.", dt.date(2023, 7, 14)),
        ("The 2017 bombing of the concert killed 22 people.", dt.date(2020, 8, 20)),
    ],
)
def test_sentences_that_look_back_are_not_new_events(sentence, published):
    assert looks_back(sentence, published)


def test_the_clause_with_the_event_dates_it():
    published = dt.datetime(
        2022, 9, 24, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=4, minutes=30))
    )
    sentence = "Families buried their dead on Saturday after a suicide bombing killed 21 people during Friday prayers."
    when = resolve_date([sentence], published, "Asia/Kabul", focus=sentence.index("suicide"))
    assert when.date == dt.date(2022, 9, 23)


@pytest.mark.parametrize(
    ("sentence", "sub_type"),
    [
        ("Army engineers defused a roadside bomb outside the town.", "disrupted_weapons_use"),
        (
            "Police used water cannon to disperse protesters outside parliament.",
            "protest_with_intervention",
        ),
        (
            "Security forces opened fire on protesters after prayers.",
            "excessive_force_against_protesters",
        ),
        ("Gunmen stormed a school and kidnapped 40 pupils.", "abduction_forced_disappearance"),
        (
            "Rebels seized the town of Rutshuru after troops withdrew.",
            "non_state_actor_overtakes_territory",
        ),
        ("A shell releasing chlorine landed in the town.", "chemical_weapon"),
        ("Two guided aerial bombs struck a hypermarket.", "air_drone_strike"),
        (
            "Demonstrators vandalised bus stations and set fire to a police post.",
            "violent_demonstration",
        ),
        ("Clan elders signed a truce in the town.", "agreement"),
        (
            "Police publicly destroyed 1,500 illegal firearms on Tuesday.",
            "change_to_group_activity",
        ),
        ("Russian instructors set up a base at the airport.", "headquarters_or_base_established"),
    ],
)
def test_sub_event_types_from_their_trigger_phrases(sentence, sub_type):
    assert event_triggers(sentence)[0].value == sub_type


@pytest.mark.parametrize(
    ("sub_type", "event_type", "sentence", "text", "country", "actors"),
    [
        (
            "armed_clash",
            "battles",
            "Fighting between Sudan's army and the Rapid Support Forces killed 12 civilians.",
            "",
            "SD",
            ("Military Forces of Sudan", "Rapid Support Forces"),
        ),
        (
            "armed_clash",
            "battles",
            "Suspected jihadists ambushed an army convoy, killing 23 soldiers.",
            "",
            "NE",
            ("Unidentified Armed Group (Niger)", "Military Forces of Niger"),
        ),
        (
            "suicide_bomb",
            "explosions_remote_violence",
            "A suicide bomber struck a mosque, killing 21 worshippers.",
            "Islamic State's local branch claimed the attack.",
            "AF",
            ("Islamic State", "Civilians (Afghanistan)"),
        ),
        (
            "air_drone_strike",
            "explosions_remote_violence",
            "Warplanes believed to be Russian bombed a market, killing nine civilians.",
            "",
            "SY",
            ("Military Forces of Russia", "Civilians (Syria)"),
        ),
        (
            "excessive_force_against_protesters",
            "protests",
            "Security forces opened fire on protesters after prayers, killing 40.",
            "",
            "IR",
            ("Police Forces of Iran", "Protesters (Iran)"),
        ),
        (
            "air_drone_strike",
            "explosions_remote_violence",
            "An Israeli air strike flattened a house, killing six members of one family.",
            "",
            "PS",
            ("Military Forces of Israel", "Civilians (Palestine)"),
        ),
    ],
)
def test_actors_in_acled_style(sub_type, event_type, sentence, text, country, actors):
    found = assign_actors(
        SubEventType(sub_type), EventType(event_type), [sentence], f"{sentence} {text}", country
    )
    assert found == actors


def test_extract_merge_prints_canonical_events_with_their_articles(tmp_path):
    lines = []
    for name in (
        "ganja-missile-strike-caspian-daily.md",
        "ganja-missile-strike-meridian.md",
        "chuhuiv-shelling-wire.md",
        "chuhuiv-shelling-republished.md",
        "football-derby-report.md",
    ):
        article = load_seed(SEEDS / name)
        lines.append(
            json.dumps(
                {
                    "id": article.id,
                    "title": article.title,
                    "text": article.text,
                    "published": article.published.isoformat(),
                    "url": article.url,
                    "source": article.source,
                }
            )
        )
    source = tmp_path / "articles.jsonl"
    source.write_text("\n".join(lines) + "\n")
    result = invoke_wirewatch(dict(os.environ), "extract", "--merge", str(source))
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(e["location"]["name"], len(e["article_ids"]), e["version"]) for e in events] == [
        ("Ganja", 2, 2),
        ("Chuhuyiv", 2, 2),
    ]
    assert all(e["event_id"] for e in events)
    assert events[1]["independent_sources"] == ["Global Wire Service"]
