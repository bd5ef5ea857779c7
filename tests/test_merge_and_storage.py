"""Merging reports into canonical events (pure), and storing them (SQLite, PostgreSQL)."""

import datetime as dt
import itertools

import pytest

from ingest.seeds import load_seed
from processors.extraction import extract_events
from processors.merge import (
    IncidentIndex,
    Summary,
    build_event,
    compatible_types,
    event_id_for,
    match_score,
    place_affinity,
)
from schemas.article import ArticleCopy
from schemas.event import Location
from schemas.taxonomy import SubEventType as S
from sinks.storage import connect, count_versions, list_events, upsert_event
from tests.conftest import SEEDS

GANJA = ("ganja-missile-strike-caspian-daily.md", "ganja-missile-strike-meridian.md")


def _mentions(*names):
    return [m for name in names for m in extract_events(load_seed(SEEDS / name))]


def _index(mentions):
    index = IncidentIndex()
    versions = [index.add_mention(m) for m in mentions]
    return index, versions


def test_reports_of_one_incident_become_one_event_in_any_order():
    mentions = _mentions(*GANJA)
    finals = set()
    for order in itertools.permutations(mentions):
        index, versions = _index(order)
        assert len(index.events) == 1
        event = versions[-1]
        finals.add(event.model_dump_json(exclude={"event_id"}))
    assert len(finals) == 1
    assert event.version == 2
    assert event.sources == event.independent_sources == ["Caspian Daily", "Meridian Wire"]


def test_figures_keep_low_high_and_the_latest_report_as_best():
    _, versions = _index(_mentions(*GANJA))
    event = versions[-1]
    # 9 killed / 34 injured at 09:40, then 10 / 40 at 18:05 the same day
    assert (event.fatalities, event.injured) == (10, 40)
    assert event.fatalities_range.low.value == 9
    assert event.fatalities_range.low.source == "Caspian Daily"
    assert event.fatalities_range.high.value == event.fatalities_range.best.value == 10
    assert event.fatalities_range.best.source == "Meridian Wire"
    assert [(r.value, r.source) for r in event.history if r.field == "fatalities"] == [
        (9, "Caspian Daily"),
        (10, "Meridian Wire"),
    ]
    first = versions[0]
    assert (first.version, first.fatalities) == (1, 9)


def test_reports_are_never_summed():
    [mention] = _mentions("idlib-airstrike.md")
    copies = [
        mention.model_copy(update={"mention_id": f"m{i}", "article_id": f"a{i}", "source": f"S{i}"})
        for i in range(10)
    ]
    event = build_event("e", 1, copies, [])
    assert event.fatalities == mention.fatalities
    assert len(event.independent_sources) == 10


def test_a_report_counted_twice_makes_no_new_version():
    """The same report delivered twice (same mention id) changes nothing; a second,
    distinct report of the same incident does make a new version."""
    [mention] = _mentions("yerevan-protest.md")
    _, versions = _index([mention, mention])
    assert versions[0].version == 1 and versions[1] is None
    second = mention.model_copy(
        update={"mention_id": "second-report", "article_id": "second-article", "source": "Other"}
    )
    _, versions = _index([mention, second])
    assert versions[1] is not None and versions[1].version == 2
    assert "Other" in versions[1].sources


def test_different_incidents_stay_apart():
    index, _ = _index(
        _mentions("ganja-missile-strike-caspian-daily.md", "barda-rocket-attack-northgate.md")
    )
    assert len(index.events) == 2


def test_same_city_same_day_but_different_kinds_stay_apart():
    [bombing] = _mentions("mogadishu-roadside-bomb.md")
    mortar = bombing.model_copy(
        update={
            "mention_id": "mortar",
            "article_id": "mortar-article",
            "sub_event_type": S.SHELLING_ARTILLERY_MISSILE_ATTACK,
            "cameo_code": "19",
        }
    )
    index, _ = _index([bombing, mortar])
    assert len(index.events) == 2


def test_types_places_and_dates_that_fit_one_incident():
    assert compatible_types(S.SHELLING_ARTILLERY_MISSILE_ATTACK, S.AIR_DRONE_STRIKE)
    assert compatible_types(S.ATTACK, S.ABDUCTION_FORCED_DISAPPEARANCE)
    assert not compatible_types(S.SUICIDE_BOMB, S.SHELLING_ARTILLERY_MISSILE_ATTACK)
    gusau = Location(
        name="Gusau",
        admin1="Zamfara",
        lat=12.17,
        lon=6.66,
        geonames_id=2339354,
        precision="locality",
    )
    zamfara = Location(name="Zamfara", admin1="Zamfara", lat=12.29, lon=6.45, precision="admin1")
    kano = Location(
        name="Kano", admin1="Kano", lat=12.0, lon=8.52, geonames_id=2335204, precision="locality"
    )
    assert place_affinity(gusau, gusau) == 3
    assert place_affinity(gusau, zamfara) == 1
    assert place_affinity(gusau, kano) == 0
    [mention] = _mentions("ganja-missile-strike-caspian-daily.md")
    summary = Summary(
        "e", mention.sub_event_type, mention.event_date, mention.location, None, mention.published
    )
    assert match_score(mention, summary) > 0
    next_day = summary.__class__(
        **{**summary.__dict__, "event_date": mention.event_date + dt.timedelta(days=1)}
    )
    assert match_score(mention, next_day) > 0  # same town, same kind: either side of midnight
    two_days = summary.__class__(
        **{**summary.__dict__, "event_date": mention.event_date + dt.timedelta(days=2)}
    )
    assert match_score(mention, two_days) == 0
    other_group = summary.__class__(
        **{**summary.__dict__, "actor1": "Al Shabaab", "sub_event_type": S.AIR_DRONE_STRIKE}
    )
    assert match_score(mention.model_copy(update={"actor1": "Islamic State"}), other_group) == 0


def test_towns_a_few_km_apart_are_one_place_and_towns_40_km_apart_are_not():
    """Suburbs and a city are reported as one another; the next town is another place."""

    def town(name: str, lat: float, lon: float, geonames_id: int) -> Location:
        return Location(
            name=name,
            admin1="Zamfara",
            lat=lat,
            lon=lon,
            geonames_id=geonames_id,
            precision="locality",
        )

    gusau = town("Gusau", 12.17, 6.66, 1)
    suburb = town("Tudun Wada", 12.23, 6.66, 2)  # about 7 km north
    next_town = town("Tsafe", 12.17, 7.03, 3)  # about 40 km east
    assert place_affinity(gusau, suburb) == 2
    assert place_affinity(gusau, next_town) == 0


def test_a_copy_adds_a_source_but_not_an_independent_one():
    index, versions = _index(_mentions("chuhuiv-shelling-wire.md"))
    original = load_seed(SEEDS / "chuhuiv-shelling-wire.md")
    copy = load_seed(SEEDS / "chuhuiv-shelling-republished.md")
    [event] = index.add_copy(
        ArticleCopy(
            article_id=copy.id,
            original_id=original.id,
            source=copy.source,
            url=copy.url,
            published=copy.published,
            similarity=0.9,
        )
    )
    assert event.version == versions[0].version + 1
    assert copy.source in event.sources and copy.source not in event.independent_sources
    assert copy.id in event.article_ids


def test_old_events_are_evicted_and_their_articles_forgotten():
    mentions = _mentions(*GANJA, "yerevan-protest.md")
    index, _ = _index(mentions)
    assert index.evict(dt.date(2020, 11, 1)) == 1  # Ganja (11 Oct) goes, Yerevan (11 Nov) stays
    assert len(index.events) == 1
    assert all(record["date"] >= "2020-11-01" for record in index.events.values())
    assert {m.article_id for m in mentions[:2]}.isdisjoint(index.articles)
    # the day index forgot Ganja too: a late report of it opens a new event
    late = index.add_mention(mentions[1])
    assert late.version == 1 and len(index.events) == 2


@pytest.mark.parametrize("legacy", [False, True], ids=["summaries", "state-without-summaries"])
def test_a_restarted_index_rebuilds_its_day_index_from_the_events(legacy):
    first, second = _mentions(*GANJA)
    before, [opened] = _index([first])
    events = {key: dict(record) for key, record in before.events.items()}
    if legacy:  # state written before the summary was stored in each event
        for record in events.values():
            del record["summary"]
    restarted = IncidentIndex(events, dict(before.articles))  # a new process, same tables
    merged = restarted.add_mention(second)
    assert (merged.event_id, merged.version) == (opened.event_id, 2)
    assert len(restarted.events) == 1


def test_the_day_index_follows_events_written_under_it():
    """A table recovered or reassigned under a live index: it is rebuilt, not trusted."""
    first, second = _mentions(*GANJA)
    source, [opened] = _index([first])
    index = IncidentIndex()
    index.add_mention(_mentions("yerevan-protest.md")[0])  # builds the (empty of Ganja) index
    index.events.update(source.events)  # the Ganja event arrives from elsewhere
    index.articles.update(source.articles)
    assert index.add_mention(second).event_id == opened.event_id


def test_event_ids_are_stable():
    [mention] = _mentions("idlib-airstrike.md")
    assert event_id_for(mention) == event_id_for(mention.model_copy())
    _, [event] = _index([mention])
    assert event.event_id == event_id_for(mention)


def _check_upserts(url):
    engine = connect(url)
    _, (first, second) = _index(_mentions(*GANJA))
    assert upsert_event(engine, first) is True
    assert upsert_event(engine, first) is False  # idempotent
    assert upsert_event(engine, second) is True
    assert upsert_event(engine, first) is False  # a late older version does not win
    [stored] = list(list_events(engine))
    assert stored == second
    assert count_versions(engine) == 2
    # Migrations are applied once: connecting again changes nothing.
    assert list(list_events(connect(url))) == [second]


def test_storage_upserts_are_idempotent_on_sqlite(tmp_path):
    _check_upserts(f"sqlite:///{tmp_path / 'events.db'}")


@pytest.mark.postgres
def test_storage_upserts_are_idempotent_on_postgresql(postgres_url):
    _check_upserts(postgres_url)


def test_stored_dates_are_plain_dates(tmp_path):
    engine = connect(f"sqlite:///{tmp_path / 'e.db'}")
    _, [event] = _index(_mentions("idlib-airstrike.md"))
    upsert_event(engine, event)
    assert next(list_events(engine)).event_date == dt.date(2021, 10, 20)


def test_an_empty_record_does_not_rebuild_the_day_index_on_every_call():
    index, _ = _index(_mentions(*GANJA)[:1])
    index.events["blank"] = {}  # a table value with nothing in it
    built = index._day_index()
    assert index._day_index() is built
