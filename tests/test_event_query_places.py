"""Pages of a box or a radius in date order (`sinks.event_query.find_events`), on the
real SQLite and PostgreSQL stores: the spatial index narrows such a page to the dates it
can reach (migration 8). Narrowed or not, every page must be exactly what the plain
query gives: same events, same order, nothing skipped or repeated across pages, with
other filters, date ranges, ties on a date, the antimeridian, and both directions."""

from __future__ import annotations

import datetime as dt
import math
import random

import pytest

from schemas.event import Event
from schemas.taxonomy import SubEventType, event_type_of
from sinks import event_query
from sinks.event_query import EventQuery, find_events, query_of
from sinks.storage import connect, upsert_events
from tests.conftest import fresh_postgres_database
from tests.test_api import LATEST

TEMPLATE = next(e for e in LATEST.values() if e.location is not None)
FIRST_DAY = dt.date(2026, 1, 1)
# a dense town, a second one inside the box around the first's radius but outside the
# radius, and one on the antimeridian
PLACES = {"dense": (10.0, 20.0), "corner": (10.6, 20.6), "dateline": (-17.0, 179.95)}


def _events(count: int = 360) -> list[Event]:
    rng = random.Random(5)
    events = []
    for number in range(count):
        name = rng.choice(["dense", "dense", "corner", "dateline"])
        lat, lon = PLACES[name]
        lon = lon + rng.uniform(-0.1, 0.1)
        lon = (lon + 540) % 360 - 180  # the dateline town lies on both sides
        location = TEMPLATE.location.model_copy(
            update={"name": name, "lat": lat + rng.uniform(-0.1, 0.1), "lon": lon}
        )
        sub = rng.choice([SubEventType.ARMED_CLASH, SubEventType.AIR_DRONE_STRIKE])
        events.append(
            TEMPLATE.model_copy(
                update={
                    "event_id": f"place{number:04d}",
                    "event_type": event_type_of(sub),
                    "sub_event_type": sub,
                    # 40 days for 360 events: many share a date, so ties decide
                    "event_date": FIRST_DAY + dt.timedelta(days=rng.randrange(40)),
                    "location": location if number % 17 else None,
                }
            )
        )
    return events


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def store(request, tmp_path_factory):
    """The events in a store of each kind, filled once: every test here only reads."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('places') / 'events.db'}"
    else:
        url = fresh_postgres_database(request.getfixturevalue("postgres_url"))
    engine = connect(url)
    upsert_events(engine, _events())
    yield engine
    engine.dispose()


QUERIES = [
    {"bbox": "19.8,9.8,20.2,10.2"},
    {"bbox": "19.5,9.5,21,11"},
    {"near": "10,20", "km": 40},  # its box holds the corner town, its circle does not
    {"bbox": "19.5,9.5,21,11", "type": "battles"},
    {"bbox": "19.5,9.5,21,11", "date_from": "2026-01-10", "date_to": "2026-01-25"},
    {"bbox": "179.8,-17.2,-179.8,-16.8"},  # across the antimeridian
    {"bbox": "19.5,9.5,21,11", "country": "NZ"},  # no event: every narrowing fails
]


def _pages(engine, query: EventQuery, limit: int, total: int) -> list[str]:
    """Every page's ids, following the cursors. TOTAL events fit in total // limit + 1
    pages (the last possibly empty): a cursor that does not advance fails the test at
    the next page instead of paging forever."""
    ids, cursor = [], None
    most = total // limit + 1
    for _ in range(most):
        page = find_events(engine, query, limit, cursor)
        ids += [event.event_id for event in page.events]
        if page.next_cursor is None:
            return ids
        cursor = page.next_cursor
    raise AssertionError(f"{total} events, {limit} a page: still a next page after {most}")


@pytest.mark.parametrize("sort", ["-date", "date"])
@pytest.mark.parametrize("params", QUERIES, ids=lambda p: ",".join(p))
def test_narrowed_pages_are_the_plain_query_page_by_page(store, monkeypatch, params, sort):
    query = query_of(**params, sort=sort)
    whole = find_events(store, query, 1000).events  # more than the box holds: not narrowed
    expected = [event.event_id for event in whole]
    narrowed = []
    original = event_query._narrowed_by_place

    def watched(*args):
        found = original(*args)
        narrowed.append(found)
        return found

    monkeypatch.setattr(event_query, "_narrowed_by_place", watched)
    for limit in (1, 4, 9):
        assert _pages(store, query, limit, len(expected)) == expected, limit
    if params.get("country") != "NZ":
        assert expected and any(narrowed), "the pages were never narrowed: nothing was tested"
    keys = [(e.event_date, e.event_id) for e in whole]
    assert keys == sorted(keys, reverse=sort.startswith("-"))


def test_the_plain_query_finds_what_the_box_and_the_radius_hold(store):
    every = _events()

    def inside(event: Event, west: float, south: float, east: float, north: float) -> bool:
        place = event.location
        return place is not None and south <= place.lat <= north and west <= place.lon <= east

    def within(event: Event, km: float) -> bool:
        place = event.location
        if place is None:
            return False
        lat1, lon1, lat2, lon2 = map(math.radians, (10, 20, place.lat, place.lon))
        half = (
            math.sin((lat2 - lat1) / 2) ** 2
            + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
        )
        return 2 * 6371.0088 * math.asin(math.sqrt(half)) <= km

    found = {e.event_id for e in find_events(store, query_of(bbox="19.5,9.5,21,11"), 1000).events}
    assert found == {e.event_id for e in every if inside(e, 19.5, 9.5, 21, 11)}
    near = {e.event_id for e in find_events(store, query_of(near="10,20", km=40), 1000).events}
    assert near == {e.event_id for e in every if within(e, 40)}
    assert not any(e.location.name == "corner" for e in every if e.event_id in near)
    across = query_of(bbox="179.8,-17.2,-179.8,-16.8")
    dateline = {e.event_id for e in find_events(store, across, 1000).events}
    assert dateline == {e.event_id for e in every if e.location and e.location.name == "dateline"}


def test_a_box_page_reads_its_dates_from_the_spatial_index(store):
    """The narrowed query of a dense box in date order: SQLite's R*Tree is asked for the
    dates (its third dimension), and the page holds what the plain query's does."""
    query = query_of(bbox="19.5,9.5,21,11")
    with store.connect() as connection:
        narrowed = event_query._narrowed_by_place(
            connection, query, store.dialect.name, None, wanted=5
        )
    assert narrowed is not None and narrowed.date_from is not None
    statement = event_query._statement(narrowed, store.dialect.name, None)
    sql = str(statement.compile(store))
    if store.dialect.name == "sqlite":
        assert "max_day >=" in sql  # the dates go into the R*Tree's test
    page = find_events(store, query, 4)
    assert [e.event_id for e in page.events] == [
        e.event_id for e in find_events(store, query, 1000).events[:4]
    ]
    assert all(e.event_date >= narrowed.date_from for e in page.events)
