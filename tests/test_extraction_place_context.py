"""Events placed where they happened (issue 24): the country context a text gives without
naming a country, group names that are no places, the administrative chain ("X LGA,
Plateau", "X district of Shan State") and a precision that says what the point stands for.

Every sentence here was written for these tests, in the way wire copy and headlines word
such incidents, with real place and group names.
"""

from __future__ import annotations

import datetime as dt

import pytest

from processors.extraction import extract_events
from processors.extraction.gazetteer import get_gazetteer
from processors.extraction.group_homes import group_home_counts, group_spans
from processors.extraction.place_context import forces_countries, inferred_countries
from processors.extraction.places import resolve_place
from processors.offline import article_from_record
from schemas.event import Event, EventMention
from sinks.event_formats import GEO_PRECISION, acled_row


def _events(title: str, source: str = "Test Wire") -> list[EventMention]:
    article = article_from_record(
        {
            "id": title,
            "title": title,
            "text": "",
            "published": "2019-05-04T12:00:00Z",
            "source": source,
        }
    )
    return extract_events(article)


def _place(title: str) -> tuple[str, str, str]:
    events = _events(title)
    assert events, title
    location = events[0].location
    assert location is not None
    return events[0].country, location.name, location.precision


# --- 1. country context before a worldwide guess ----------------------------------------------


@pytest.mark.parametrize(
    ("title", "country"),
    [
        # small towns with namesakes abroad (Muse, Iowa; Wa, Ghana): the groups say Myanmar
        ("TNLA fighters and government troops clashed in Muse township", "MM"),
        ("Tatmadaw soldiers shot dead two villagers near Wa", "MM"),
        ("ISWAP fighters attack military base near Monguno", "NG"),
        ("Anti-balaka militiamen kill four traders on road to Bambari", "CF"),
        ("SDF and regime forces exchange fire near Tal Tamr", "SY"),
    ],
)
def test_named_groups_give_the_country(title, country):
    events = _events(title)
    assert events and {e.country for e in events} == {country}


def test_a_named_region_gives_the_country_before_any_town_abroad():
    gazetteer = get_gazetteer()
    assert set(inferred_countries(gazetteer, ["Gunmen killed three in Shan State"], {}, "")) == {
        "MM"
    }
    assert set(
        inferred_countries(gazetteer, ["Attack in Borno state leaves five dead"], {}, "")
    ) == {"NG"}


def test_a_group_with_several_homes_counts_its_main_home_first():
    homes = group_home_counts("ISWAP fighters attacked the town")
    assert max(homes, key=homes.__getitem__) == "NG"
    assert {"NE", "TD", "CM"} <= set(homes)


def test_forces_of_a_nationality_are_a_last_resort_and_the_outlet_counts():
    gazetteer = get_gazetteer()
    assert forces_countries("Myanmar forces raided the village") == {"MM": 1}
    # "Turkish forces" alone is the context; beside a group at home it is not
    assert set(inferred_countries(gazetteer, ["Turkish forces shell a village"], {}, "")) == {"TR"}
    assert set(inferred_countries(gazetteer, ["Turkish forces shell SDF positions"], {}, "")) == {
        "SY"
    }
    # an outlet that covers one country says where it reports from
    assert set(
        inferred_countries(gazetteer, ["Villagers flee as clashes go on"], {}, "Myanmar Now")
    ) == {"MM"}
    assert "SY" in inferred_countries(gazetteer, ["Seven Hezbollah fighters killed"], {}, "SOHR")
    # ... but never before the text: an agency named for its home reports from everywhere
    events = _events("Two dead in Nigeria attack blamed on Islamists", "Agence France Presse")
    assert events and {e.country for e in events} == {"NG"}


def test_a_group_fighting_abroad_does_not_outweigh_the_monitor_of_the_war():
    # Hezbollah fights in Syria as well as at home: beside a Syrian monitor, an unknown
    # village is in Syria, not in Lebanon
    events = _events("Five Hezbollah fighters killed by a blast in Qarya Majhula", "SOHR")
    assert events and {e.country for e in events} == {"SY"}


def test_a_place_after_its_regions_possessive_is_the_place():
    # "in Sagaing's Kanbalu Township": the event is in Kanbalu, Sagaing only says where
    # Kanbalu lies
    title = "Junta troops shoot dead two villagers in Sagaing's Kanbalu Township"
    country, name, _ = _place(title)
    assert (country, name) == ("MM", "Kanbalu")


def test_a_neighbours_border_guards_are_who_fired_not_where():
    # the guards of the neighbour shoot across the border: the monitor's country stands
    events = _events("Turkish border guards shoot dead a young man trying to cross", "SOHR")
    assert events and {e.country for e in events} == {"SY"}


def test_a_small_town_with_no_country_context_is_not_guessed():
    # Muse is a hamlet in Iowa and a town in Myanmar: with nothing to say which, no place
    gazetteer = get_gazetteer()
    assert resolve_place(gazetteer, [("Clashes reported in Muse", 3.0)], {}) is None
    # a capital or a large town without a namesake of its size stands alone
    found = resolve_place(gazetteer, [("Blast hits market in Maiduguri", 3.0)], {})
    assert found is not None and found.country == "NG"


# --- 2. a known group's name is never a place -------------------------------------------------


@pytest.mark.parametrize(
    ("title", "country", "town"),
    [
        # Hamm, Germany, lists "Hamas" among its other names; Fano is a town in Italy
        ("Hamas militants clash with soldiers near the border fence", "PS", "Hamm"),
        ("Fano militia clash with federal troops, several dead", "ET", "Fano"),
    ],
)
def test_a_group_named_like_a_town_is_not_the_place(title, country, town):
    events = _events(title)
    assert events
    assert all(e.country == country for e in events)
    assert all(e.location is None or e.location.name != town for e in events)


def test_group_spans_cover_acronyms_as_written_and_names_in_any_case():
    text = "the arakan army and KIA fought; a kia car was seen"
    spans = [text[start:end] for start, end in group_spans(text)]
    assert spans == ["arakan army", "KIA"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # glued to a letter, an apostrophe or a hyphen before: no name
        ("the KIAs and pro-KIA men; d'KIA", []),
        # a hyphen after is fine; a letter or an apostrophe's letter after is not
        ("the KIA's base, KIA-held hills, KIAX", ["KIA"]),
        # the longest name at a place wins, and the next starts after it
        ("Boko Haram fighters and boko haram", ["Boko Haram", "boko haram"]),
        # a letter that lowers to two keeps the offsets of what follows
        ("İstanbul talks with the Arakan Army", ["Arakan Army"]),
    ],
)
def test_group_names_stand_alone_as_words(text, expected):
    assert [text[start:end] for start, end in group_spans(text)] == expected


# --- 3 and 4. the administrative chain, districts in the gazetteer ----------------------------


def test_a_name_written_as_an_lga_is_the_lga_in_the_region_that_follows():
    # there is a Bassa LGA in Kogi and one in Plateau: ", Plateau" says which
    country, name, precision = _place("Gunmen attack villages in Bassa LGA, Plateau")
    assert (country, name, precision) == ("NG", "Bassa", "admin2")
    location = _events("Gunmen attack villages in Bassa LGA, Plateau")[0].location
    assert location is not None and location.admin1 == "Plateau"
    assert abs(location.lat - 9.9) < 0.5  # Plateau's Bassa, not Kogi's (7.7 N)


def test_a_district_is_the_district_not_the_town_of_its_name():
    assert _place("Clashes erupt in Kyaukme district of Shan State") == (
        "MM",
        "Kyaukme",
        "admin2",
    )


def test_districts_are_looked_up_by_their_bare_name_and_spelling_variants():
    gazetteer = get_gazetteer()
    found = gazetteer.lookup_district("Gwoza")
    assert [(d.name, d.country, d.admin1) for d in found] == [("Gwoza", "NG", "Borno State")]
    assert gazetteer.lookup_district("Kyaukme District")[0].country == "MM"
    assert not gazetteer.lookup("Kyaukme District")  # a district is no town


def test_english_names_of_regions_find_them():
    gazetteer = get_gazetteer()
    assert [r.name for r in gazetteer.lookup_region("Karen State")] == ["Kayin State"]
    assert [r.name for r in gazetteer.lookup_region("Rural Damascus")] == ["Rif-dimashq"]


# --- 5. precision is honest -------------------------------------------------------------------


def test_a_district_event_is_exported_with_acleds_district_precision():
    event = _events("Gunmen attack villages in Bassa LGA, Plateau")[0]
    now = dt.datetime(2019, 5, 4, 12, tzinfo=dt.UTC)
    stored = Event(
        **event.model_dump(
            exclude={"mention_id", "article_id", "source", "url", "published", "schema_version"}
        ),
        event_id="e1",
        version=1,
        article_ids=[event.article_id],
        mention_ids=[event.mention_id],
        sources=[event.source],
        first_seen=now,
        last_updated=now,
    )
    row = acled_row(stored)
    assert (row["geo_precision"], row["location_precision"]) == (2, "admin2")
    assert (row["location"], row["admin1"]) == ("Bassa", "Plateau")
    assert GEO_PRECISION["admin1"] == 3 and GEO_PRECISION["locality"] == 1


@pytest.mark.parametrize(
    ("title", "country"),
    [
        ("Eight people are killed in a Jordanian air strike on Ramtha.", "JO"),
        ("Ten people are killed in an Iraqi air strike on Hawija.", "IQ"),
    ],
)
def test_a_small_town_in_the_country_of_who_struck_is_still_placed(title, country):
    """A country named only as who acted is no context, yet a town of the lead that lies
    in it is the place: the event is kept there, not dropped for want of context."""
    events = _events(title)
    assert events and events[0].country == country
    assert events[0].location is not None and events[0].location.precision == "locality"
