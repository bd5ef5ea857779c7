"""Merge's place and evidence rules at their edges, written from the survivors of a
mutation run over processors/merge.py (each test fails on a change no other test saw)."""

from __future__ import annotations

import datetime as dt

import pytest

from infra.geo import distance_km
from ingest.seeds import load_seed
from processors.extraction import extract_events
from processors.merge import (
    IncidentIndex,
    Summary,
    actors_conflict,
    build_event,
    event_id_for,
    match_score,
    place_affinity,
)
from schemas.article import ArticleCopy
from schemas.event import Location
from schemas.taxonomy import SubEventType as S
from tests.conftest import SEEDS

KM_PER_DEGREE_OF_LATITUDE = 111.2


def _place(name, lat, precision="locality", geonames_id=None, admin1="Zamfara"):
    return Location(
        name=name,
        admin1=admin1,
        lat=lat,
        lon=6.66,
        geonames_id=geonames_id,
        precision=precision,
    )


def _north_of(location, km, **changes):
    """LOCATION moved KM north, with CHANGES (another name, id or precision)."""
    lat = location.lat + km / KM_PER_DEGREE_OF_LATITUDE
    return location.model_copy(update={"lat": lat, **changes})


def _ganja_report():
    [report] = extract_events(load_seed(SEEDS / "ganja-missile-strike-caspian-daily.md"))
    return report


# the rules as documented, written out: a test reading the constants would follow a change
@pytest.mark.parametrize(("km", "affinity"), [(14.5, 2), (15.5, 0)])
def test_towns_are_nearby_up_to_the_same_place_distance_and_no_further(km, affinity):
    town = _place("Gusau", 12.17, geonames_id=1)
    other = _north_of(town, km, name="Elsewhere", geonames_id=2)
    assert abs(distance_km(town.lat, town.lon, other.lat, other.lon) - km) < 0.1
    assert place_affinity(town, other) == affinity


def test_an_area_counts_as_a_point_beside_a_town_and_a_region_does_not():
    town = _place("Gusau", 12.17, geonames_id=1)
    valley = _north_of(town, 5, name="a valley", precision="area", geonames_id=7)
    region = _place("Zamfara", 12.17, precision="admin1", geonames_id=9)
    assert place_affinity(town, valley) == place_affinity(valley, town) == 2
    assert place_affinity(valley, _place("a valley", valley.lat, "area", geonames_id=7)) == 3
    assert place_affinity(town, region) == 1  # a town and its region


def test_no_place_on_both_reports_fits_and_a_place_on_one_only_does_not():
    town = _place("Gusau", 12.17, geonames_id=1)
    assert place_affinity(None, None) == 1
    assert place_affinity(town, None) == 0
    assert place_affinity(None, town) == 0


def test_an_event_keeps_at_most_twelve_distinct_evidence_sentences():
    first = _ganja_report()
    sentences = [f"Sentence {n} of the report." for n in range(17)]
    reports = [
        first.model_copy(update={"evidence": sentences[:8], "mention_id": "m1"}),
        first.model_copy(update={"evidence": [sentences[0], *sentences[8:]], "mention_id": "m2"}),
    ]
    event = build_event("e", 1, reports, [])
    assert event.evidence == sentences[:12]


def test_a_town_fits_its_region_given_by_name_alone_and_not_another_region():
    town = _place("Gusau", 12.17, geonames_id=1)
    region = _place("Zamfara", 12.17, precision="admin1", admin1=None)
    other_region = _place("Katsina", 12.99, precision="admin1", admin1=None)
    assert place_affinity(town, region) == place_affinity(region, town) == 1
    assert place_affinity(town, other_region) == place_affinity(other_region, town) == 0


@pytest.mark.parametrize(
    "unnamed", ["Unidentified gunmen", "Civilians (Nigeria)", "Protesters (Iran)", "Rioters"]
)
def test_an_unnamed_perpetrator_contradicts_no_named_one(unnamed):
    assert not actors_conflict(unnamed, "Boko Haram")
    assert not actors_conflict("Boko Haram", unnamed)
    assert actors_conflict("Boko Haram", "Ansaru")


def _open_event(report, *, days=0, sub_event_type=None, location=..., actor1=None):
    return Summary(
        event_id="e",
        sub_event_type=sub_event_type or report.sub_event_type,
        event_date=report.event_date + dt.timedelta(days=days),
        location=report.location if location is ... else location,
        actor1=actor1,
        first_seen=report.published,
    )


def test_a_match_scores_four_per_place_two_for_the_same_type_and_one_for_the_same_day():
    report = _ganja_report()
    nearby = _north_of(report.location, 5, geonames_id=1)
    assert match_score(report, _open_event(report)) == 4 * 3 + 2 + 1
    assert match_score(report, _open_event(report, sub_event_type=S.AIR_DRONE_STRIKE)) == 12 + 1
    assert match_score(report, _open_event(report, location=nearby)) == 4 * 2 + 2 + 1
    assert match_score(report, _open_event(report, days=1)) == 12 + 2
    assert match_score(report, _open_event(report, days=-1)) == 12 + 2


def test_no_match_across_types_places_or_a_day_without_the_same_town_and_type():
    report = _ganja_report()
    nearby = _north_of(report.location, 5, geonames_id=1)
    far = _north_of(report.location, 100, geonames_id=2)
    assert match_score(report, _open_event(report, sub_event_type=S.SUICIDE_BOMB)) == 0
    assert match_score(report, _open_event(report, location=far)) == 0
    assert match_score(report, _open_event(report, location=None)) == 0
    assert match_score(report, _open_event(report, days=1, location=nearby)) == 0
    assert match_score(report, _open_event(report, days=2)) == 0
    assert match_score(report, _open_event(report, days=-2)) == 0
    assert match_score(report, _open_event(report, days=1, sub_event_type=S.AIR_DRONE_STRIKE)) == 0


def test_named_perpetrators_that_differ_match_only_on_town_type_and_day_together():
    report = _ganja_report()  # names the Armenian forces
    other = "Military Forces of Azerbaijan"
    nearby = _north_of(report.location, 5, geonames_id=1)
    assert match_score(report, _open_event(report, actor1=other)) == 15
    assert match_score(report, _open_event(report, actor1=other, days=1)) == 0
    assert match_score(report, _open_event(report, actor1=other, location=nearby)) == 0
    drone = S.AIR_DRONE_STRIKE
    assert match_score(report, _open_event(report, actor1=other, sub_event_type=drone)) == 0


def test_an_event_id_is_the_same_in_every_version_of_wirewatch():
    """Stored events are keyed by it: a new formula would split every open event."""
    report = _ganja_report().model_copy(update={"mention_id": "m1"})
    assert event_id_for(report) == "43854082fcef78adbd5ae9d5"


def _reports_of(report, *changes):
    """Reports of one incident: REPORT with each change, an hour apart in that order."""
    return [
        report.model_copy(
            update={
                "mention_id": f"m{n}",
                "article_id": f"{n:032x}",
                "published": report.published + dt.timedelta(hours=n),
                **change,
            }
        )
        for n, change in enumerate(changes, start=1)
    ]


def test_the_high_figure_is_credited_to_the_first_report_that_gave_it():
    reports = _reports_of(
        _ganja_report(),
        {"fatalities": 7, "source": "First Outlet"},
        {"fatalities": 9, "source": "Second Outlet"},
        {"fatalities": 9, "source": "Third Outlet"},
        {"fatalities": 8, "source": "Fourth Outlet"},
    )
    high = build_event("e", 1, reports, []).fatalities_range.high
    assert (high.value, high.source) == (9, "Second Outlet")


def test_the_event_is_placed_at_a_town_when_any_report_names_one():
    report = _ganja_report()
    region = report.location.model_copy(update={"precision": "admin1", "name": "Gǝncǝ"})
    reports = _reports_of(report, {"location": region}, {"location": region}, {})
    assert build_event("e", 1, reports, []).location == report.location
    only_regions = _reports_of(report, {"location": region})
    assert build_event("e", 1, only_regions, []).location == region


def test_copies_add_their_outlets_in_the_order_they_were_published():
    [report] = _reports_of(_ganja_report(), {})

    def copy(n: int, source: str, hours: int) -> ArticleCopy:
        return ArticleCopy(
            article_id=f"{100 + n:032x}",
            original_id=report.article_id,
            source=source,
            url=f"https://example.org/{n}",
            published=report.published + dt.timedelta(hours=hours),
            similarity=0.9,
        )

    copies = [copy(1, "Later Copy", 5), copy(2, "Earlier Copy", 2)]
    event = build_event("e", 1, [report], copies)
    assert event.sources == [report.source, "Earlier Copy", "Later Copy"]
    # every report with its address, in publication order, the copies marked
    assert [(r.source, r.url, r.republished) for r in event.reports] == [
        (report.source, report.url, False),
        ("Earlier Copy", "https://example.org/2", True),
        ("Later Copy", "https://example.org/1", True),
    ]


@pytest.mark.parametrize("days", [-1, 1])
def test_a_report_dated_a_day_either_side_finds_the_open_event(days):
    first, later = _reports_of(_ganja_report(), {}, {"source": "Second Outlet"})
    shifted = later.model_copy(update={"event_date": first.event_date + dt.timedelta(days=days)})
    index = IncidentIndex()
    opened = index.add_mention(first)
    joined = index.add_mention(shifted)
    assert (opened.version, joined.version) == (1, 2)
    assert joined.event_id == opened.event_id and len(index.events) == 1


def test_an_emptied_record_in_the_state_hides_no_other_open_event():
    first, later = _reports_of(_ganja_report(), {}, {"source": "Second Outlet"})
    index = IncidentIndex(events={"deleted": {}})  # a tombstone read back from the changelog
    opened = index.add_mention(first)
    index.forget_day_index()  # rebuilt from the records, as after a rebalance
    assert index.add_mention(later).event_id == opened.event_id
