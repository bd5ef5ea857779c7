"""The HTTP API over a real event store (SQLite, and the suite's PostgreSQL), filled with
the events the pipeline's own stages make of seeds/: filters, pages, formats, the event
in full, health, and a 400 naming the parameter for every kind of bad input."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.app import ApiRefused, check_binding, create_api
from harness.services import api_server, invoke_wirewatch, serve_env
from infra.settings import Settings
from ingest.seeds import load_seed, seed_files
from processors.offline import InProcessPipeline
from schemas.event import Event
from sinks.event_formats import CSV_COLUMNS
from sinks.storage import connect, upsert_events
from tests.conftest import SEEDS


def _seed_versions() -> list[Event]:
    """Every event version the pipeline makes of the seeds, in the order made."""
    pipeline = InProcessPipeline()
    versions: list[Event] = []
    for path in seed_files(SEEDS):
        versions += pipeline.feed(load_seed(path))
    return versions


SEED_VERSIONS = _seed_versions()
LATEST = {event.event_id: event for event in SEED_VERSIONS}  # the last version of each


@pytest.fixture
def engine(database_url):
    engine = connect(database_url)
    upsert_events(engine, SEED_VERSIONS)
    yield engine
    engine.dispose()


def _settings(database_url: str, **extra) -> Settings:
    # a broker port nothing listens on: readiness must not depend on it; TestClient's Host
    extra = {"api_allowed_hosts": "testserver", **extra}
    return Settings(database_url=database_url, kafka_bootstrap_servers="127.0.0.1:1", **extra)


@pytest.fixture
def client(engine, database_url) -> TestClient:
    return TestClient(create_api(_settings(database_url), engine))


def _ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [event["event_id"] for event in response.json()["events"]]


def _all(client: TestClient, **params) -> list[dict]:
    response = client.get("/api/events", params={"limit": 1000, **params})
    assert response.status_code == 200, response.text
    return response.json()["events"]


def test_the_seeds_make_events_in_several_countries_to_query():
    assert len(LATEST) >= 8
    assert len({event.country for event in LATEST.values()}) >= 5
    assert any(event.version > 1 for event in LATEST.values())


def test_every_event_is_listed_once_newest_event_date_first(client):
    events = _all(client)
    assert sorted(e["event_id"] for e in events) == sorted(LATEST)
    dates = [e["event_date"] for e in events]
    assert dates == sorted(dates, reverse=True)
    # the latest version of each, not an earlier one
    assert {e["event_id"]: e["version"] for e in events} == {
        i: e.version for i, e in LATEST.items()
    }


def test_filters_each_narrow_to_the_events_that_hold(client):
    some = next(e for e in LATEST.values() if e.location and e.fatalities)
    by_country = _all(client, country=some.country)
    assert {e["country"] for e in by_country} == {some.country}
    assert len(by_country) == sum(e.country == some.country for e in LATEST.values())
    two = sorted({e.country for e in LATEST.values()})[:2]
    assert {e["country"] for e in _all(client, country=",".join(two))} == set(two)
    assert {e["country"] for e in _all(client, country=[two[0], two[1].lower()])} == set(two)

    assert {e["event_type"] for e in _all(client, type=some.event_type.value)} == {
        some.event_type.value
    }
    assert {e["sub_event_type"] for e in _all(client, sub_type=some.sub_event_type.value)} == {
        some.sub_event_type.value
    }
    killed = _all(client, min_killed=some.fatalities)
    assert some.event_id in {e["event_id"] for e in killed}
    assert all(e["fatalities"] >= some.fatalities for e in killed)
    assert all(
        (e["fatalities"] or 0) + (e["injured"] or 0) >= 5 for e in _all(client, min_casualties=5)
    )
    day = some.event_date.isoformat()
    assert {e["event_date"] for e in _all(client, date_from=day, date_to=day)} == {day}
    assert some.event_id in {e["event_id"] for e in _all(client, source=some.sources[0])}
    assert all(some.sources[0] in e["sources"] for e in _all(client, source=some.sources[0]))


def test_a_place_filter_finds_what_lies_inside_and_nothing_outside(client):
    placed = [e for e in LATEST.values() if e.location]
    some = placed[0]
    lat, lon = some.location.lat, some.location.lon
    box = f"{lon - 0.5},{lat - 0.5},{lon + 0.5},{lat + 0.5}"
    inside = _all(client, bbox=box)
    assert some.event_id in {e["event_id"] for e in inside}
    for event in inside:
        assert abs(event["location"]["lat"] - lat) <= 0.5
    near = _all(client, near=f"{lat},{lon}", km=25)
    assert some.event_id in {e["event_id"] for e in near}
    far = [e for e in placed if abs(e.location.lat - lat) > 5 or abs(e.location.lon - lon) > 5]
    assert far and not {e.event_id for e in far} & {e["event_id"] for e in near}
    # a box across the antimeridian holds nothing of these, and is not refused
    assert _all(client, bbox="170,-10,-170,10") == []


def test_words_are_found_in_the_evidence_and_in_the_actors(client):
    some = next(e for e in LATEST.values() if e.location)
    word = some.location.name.split()[0]
    found = {e["event_id"] for e in _all(client, q=word)}
    assert some.event_id in found
    assert all(word.lower() in json.dumps(LATEST[i].model_dump(mode="json")).lower() for i in found)
    assert _all(client, q="zzyzx qqqq") == []
    acted = next(e for e in LATEST.values() if e.actor1)
    part = acted.actor1[1:5].upper()
    found = _all(client, actor=part)
    assert acted.event_id in {e["event_id"] for e in found}
    assert all(part.lower() in f"{e['actor1']} {e['actor2']}".lower() for e in found)


def test_an_actor_is_found_in_any_case_and_any_script(client, engine):
    some = next(e for e in LATEST.values() if e.actor1)
    foreign = some.model_copy(update={"event_id": "etat", "actor1": "État Islamique (Ürdün)"})
    upsert_events(engine, [foreign])
    for asked in ("état", "ÉTAT", "islamique (ü", "ÜRDÜN"):
        assert "etat" in {e["event_id"] for e in _all(client, actor=asked)}, asked
    assert "etat" not in {e["event_id"] for e in _all(client, actor="etas")}


def test_pages_follow_each_other_and_stay_stable_while_events_arrive(client, engine):
    first = client.get("/api/events", params={"limit": 3})
    page_one = _ids(first)
    cursor = first.json()["next_cursor"]
    assert len(page_one) == 3 and cursor
    assert 'rel="next"' in first.headers["link"]
    # an event arrives, dated after every other: it belongs before the pages already read
    newest = max(LATEST.values(), key=lambda e: e.event_date)
    arrived = newest.model_copy(
        update={"event_id": "arrived-meanwhile", "event_date": newest.event_date + dt.timedelta(1)}
    )
    upsert_events(engine, [arrived])
    seen = list(page_one)
    while cursor:
        response = client.get("/api/events", params={"limit": 3, "cursor": cursor})
        seen += _ids(response)
        cursor = response.json()["next_cursor"]
    assert sorted(seen) == sorted(LATEST)  # every one once: none repeated, none skipped
    for sort in ("date", "-killed", "killed", "updated", "-updated"):
        order, cursor = [], None
        while True:
            params = {"limit": 2, "sort": sort, **({"cursor": cursor} if cursor else {})}
            response = client.get("/api/events", params=params)
            order += _ids(response)
            cursor = response.json()["next_cursor"]
            if not cursor:
                break
        assert sorted(order) == sorted([*LATEST, "arrived-meanwhile"]), sort


def test_csv_has_acled_columns_and_labels_and_an_unknown_toll_left_empty(client):
    response = client.get("/api/events/export", params={"format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == len(LATEST)
    by_id = {row["wirewatch_event_id"]: row for row in rows}
    for event_id, event in LATEST.items():
        row = by_id[event_id]
        assert row["event_date"] == event.event_date.isoformat()
        assert row["year"] == str(event.event_date.year)
        assert row["fatalities"] == ("" if event.fatalities is None else str(event.fatalities))
        assert row["cameo_code"] == event.cameo_code
        if event.location:
            assert float(row["latitude"]) == event.location.lat
            expected = {"locality": "1", "area": "2", "admin2": "2", "admin1": "3", "country": "3"}
            assert row["geo_precision"] == expected[event.location.precision]
    labels = {row["event_type"] for row in rows}
    assert labels <= {
        "Battles",
        "Explosions/Remote violence",
        "Violence against civilians",
        "Protests",
        "Riots",
        "Strategic developments",
    }
    shelled = next(e for e in LATEST.values() if e.sub_event_type.value.startswith("shelling"))
    assert by_id[shelled.event_id]["sub_event_type"] == "Shelling/artillery/missile attack"
    assert by_id[shelled.event_id]["country"] == "Azerbaijan" or shelled.country != "AZ"
    unknown = next(e for e in LATEST.values() if e.fatalities is None)
    assert by_id[unknown.event_id]["fatalities"] == ""


def test_geojson_and_json_lines_hold_one_item_per_event(client):
    collection = client.get("/api/events/export", params={"format": "geojson"}).json()
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == len(LATEST)
    for feature in collection["features"]:
        event = LATEST[feature["id"]]
        if event.location:
            assert feature["geometry"]["coordinates"] == [event.location.lon, event.location.lat]
        else:
            assert feature["geometry"] is None
    lines = client.get("/api/events/export", params={"format": "jsonl"}).text.splitlines()
    assert sorted(Event.model_validate_json(line).event_id for line in lines) == sorted(LATEST)
    page = client.get("/api/events", params={"format": "geojson", "limit": 2})
    assert len(page.json()["features"]) == 2 and "link" in page.headers


def test_one_event_in_full_with_every_version_stored(client):
    revised = next(e for e in LATEST.values() if e.version > 1)
    body = client.get(f"/api/events/{revised.event_id}").json()
    assert body["event"]["event_id"] == revised.event_id
    assert body["event"]["evidence"] == revised.evidence
    assert body["event"]["sources"] == revised.sources
    stored = [e.version for e in SEED_VERSIONS if e.event_id == revised.event_id]
    assert [v["version"] for v in body["versions"]] == sorted(set(stored))
    assert body["versions"][-1]["fatalities"] == revised.fatalities
    missing = client.get("/api/events/no-such-event")
    assert missing.status_code == 404


BAD_INPUT = [
    ({"country": "Azerbajan"}, "country"),
    ({"country": "A'; DROP TABLE events; --"}, "country"),
    ({"type": "war"}, "type"),
    ({"sub_type": "battles"}, "sub_type"),
    ({"date_from": "yesterday"}, "date_from"),
    ({"date_from": "2026-02-30"}, "date_from"),
    ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "date_from"),
    ({"updated_since": "not a time"}, "updated_since"),
    ({"bbox": "1,2,3"}, "bbox"),
    ({"bbox": "10,50,20,40"}, "bbox"),
    ({"bbox": "a,b,c,d"}, "bbox"),
    ({"bbox": "0,0,200,10"}, "bbox"),
    ({"bbox": "nan,0,1,1"}, "bbox"),
    ({"near": "40.6,47.1"}, "km"),
    ({"km": "10"}, "near"),
    ({"near": "91,0", "km": "5"}, "near"),
    ({"near": "40,47", "km": "-3"}, "km"),
    ({"near": "40,47", "km": "nan"}, "km"),
    ({"min_killed": "-1"}, "min_killed"),
    ({"min_killed": "9" * 5000}, "min_killed"),
    ({"min_killed": "lots"}, "min_killed"),
    ({"actor": "x" * 5000}, "actor"),
    ({"q": "%%%"}, "q"),
    ({"sort": "fatalities"}, "sort"),
    ({"limit": "0"}, "limit"),
    ({"limit": "10000"}, "limit"),
    ({"cursor": "not-a-cursor"}, "cursor"),
    ({"cursor": "W1wiLWRhdGVcIiwgMSwgMl0"}, "cursor"),
    ({"format": "xlsx"}, "format"),
    ({"updated_since": "0001-01-01T00:00:00+05:00"}, "updated_since"),
    ({"updated_since": "9999-12-31T23:00:00-05:00"}, "updated_since"),
    ({"actor": "a\x00b"}, "actor"),
    ({"source": "Wire\x00"}, "source"),
    ({"q": " ".join(["word"] * 21)}, "q"),
    ({"sort": "-killed", "cursor": "WyIta2lsbGVkIiwgdHJ1ZSwgImEiXQ"}, "cursor"),
    (
        {"sort": "-killed", "cursor": "WyIta2lsbGVkIiwgMTAwMDAwMDAwMDAwMDAwMDAwMDAwLCAiYSJd"},
        "cursor",
    ),
    ({"countries": "AZ"}, "countries"),
]


@pytest.mark.parametrize(("params", "parameter"), BAD_INPUT)
def test_bad_input_is_a_400_naming_the_parameter_never_a_500(client, params, parameter):
    response = client.get("/api/events", params=params)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["parameter"] == parameter
    assert body["problem"]


def test_a_cursor_of_another_order_and_pages_asked_of_an_export_are_refused(client):
    cursor = client.get("/api/events", params={"limit": 1}).json()["next_cursor"]
    response = client.get("/api/events", params={"limit": 1, "cursor": cursor, "sort": "date"})
    assert response.status_code == 400 and response.json()["parameter"] == "cursor"
    response = client.get("/api/events/export", params={"limit": 5})
    assert response.status_code == 400 and response.json()["parameter"] == "limit"
    response = client.get("/api/events/export", params={"format": "json"})
    assert response.status_code == 400 and response.json()["parameter"] == "format"


def test_health_readiness_metrics_and_docs_work_offline(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200  # the database answers; no broker on port 1, none needed
    assert ready.json() == {"status": "ready", "database": "ok"}
    client.get("/api/events")
    metrics = client.get("/metrics").text
    assert 'wirewatch_api_requests_total{route="/api/events",status="200"}' in metrics
    docs = client.get("/docs").text
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
    spec = client.get("/openapi.json").json()
    assert {"/api/events", "/api/events/export", "/api/events/{event_id}"} <= set(spec["paths"])


def test_not_ready_while_the_database_does_not_answer(tmp_path, database_url):
    """The one thing the API reads: a database that cannot be opened is a 503."""
    from sqlalchemy import create_engine

    away = create_engine(f"sqlite:///{tmp_path / 'no-such-directory' / 'events.db'}")
    ready = TestClient(create_api(_settings(database_url), away)).get("/readyz")
    assert ready.status_code == 503
    assert ready.json() == {"status": "not ready", "database": "failed"}


def test_docs_without_swagger_ui_installed_say_how_to_install_it(monkeypatch, tmp_path):
    import api.ui

    monkeypatch.setattr(api.ui, "DASHBOARD", tmp_path)  # no node_modules there
    page = api.ui.docs_page("/openapi.json", "wirewatch API")
    assert page.status_code == 503 and b"make install" in page.body


def test_with_a_token_every_api_request_must_carry_it(engine, database_url):
    client = TestClient(create_api(_settings(database_url, api_token="s3cret"), engine))
    assert client.get("/api/events").status_code == 401
    wrong = client.get("/api/events", headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 401
    right = client.get("/api/events", headers={"Authorization": "Bearer s3cret"})
    assert right.status_code == 200
    assert client.get("/healthz").status_code == 200


def test_with_a_token_the_dashboard_signs_in_once_and_its_cookie_opens_the_api(
    engine, database_url
):
    client = TestClient(create_api(_settings(database_url, api_token="s3cret"), engine))
    page = client.get("/")
    assert page.status_code == 200 and 'action="/login"' in page.text
    wrong = client.post("/login", data={"token": "guess"}, follow_redirects=False)
    assert wrong.status_code == 401 and "wirewatch_token" not in wrong.headers.get("set-cookie", "")
    right = client.post("/login", data={"token": "s3cret"}, follow_redirects=False)
    assert right.status_code == 303 and right.headers["location"] == "/"
    cookie = right.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert client.get("/api/events").status_code == 200  # the cookie, no header
    assert 'action="/login"' not in client.get("/").text
    client.cookies.clear()
    assert client.get("/api/events").status_code == 401


def test_listening_beyond_loopback_needs_a_token():
    with pytest.raises(ApiRefused, match="WIREWATCH_API_TOKEN"):
        check_binding(Settings(api_host="0.0.0.0").api)
    check_binding(Settings(api_host="0.0.0.0", api_token="t" * 16).api)
    check_binding(Settings(api_host="127.0.0.1").api)
    check_binding(Settings(api_host="::1").api)
    check_binding(Settings(api_host="127.0.0.1", api_token="t").api)  # short, on loopback
    with pytest.raises(ApiRefused, match="at least 16 characters"):
        check_binding(Settings(api_host="0.0.0.0", api_token="t" * 15).api)
    for host in ("127.0.0.1", "0.0.0.0"):  # the manifests' placeholder, anywhere
        with pytest.raises(ApiRefused, match="placeholder"):
            check_binding(Settings(api_host=host, api_token="CHANGE-ME-a-long-random-string").api)


def test_wirewatch_serve_answers_over_http(tmp_path):
    database = f"sqlite:///{tmp_path / 'events.db'}"
    upsert_events(connect(database), SEED_VERSIONS)
    refused = invoke_wirewatch(
        serve_env(database, tmp_path / "state"), "serve", "--host", "0.0.0.0"
    )
    assert refused.returncode != 0 and "WIREWATCH_API_TOKEN" in refused.stderr
    with api_server(database, tmp_path / "state") as base:
        assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
        events = httpx.get(f"{base}/api/events", params={"limit": 1000}).json()["events"]
        assert len(events) == len(LATEST)


def test_a_store_made_before_the_query_columns_is_upgraded_and_searchable(database_url):
    """A database written by the version before (events without the query columns)
    gets them filled from its records, and its text indexed, when first opened."""
    from sqlalchemy import MetaData, Table

    from infra.db import make_engine, migrate
    from sinks import storage

    engine = make_engine(database_url)
    migrate(engine, "events", storage.MIGRATIONS[:1])
    version_1 = Table("events", MetaData(), autoload_with=engine)
    assert "search_text" not in version_1.c
    now = dt.datetime.now(dt.UTC)
    rows = [storage._row(event, now) for event in LATEST.values()]
    with engine.begin() as connection:
        connection.execute(
            version_1.insert(), [{c.name: row[c.name] for c in version_1.c} for row in rows]
        )
    engine.dispose()
    upgraded = connect(database_url)
    client = TestClient(create_api(_settings(database_url), upgraded))
    some = next(e for e in LATEST.values() if e.actor1 and e.location)
    assert some.event_id in {e["event_id"] for e in _all(client, q=some.location.name.split()[0])}
    assert some.event_id in {e["event_id"] for e in _all(client, actor=some.actor1)}
    # and a version stored after the upgrade is found by its new words
    changed = some.model_copy(update={"version": some.version + 1, "evidence": ["Qwertyuiop."]})
    upsert_events(upgraded, [changed])
    assert [e["event_id"] for e in _all(client, q="qwertyuiop")] == [some.event_id]
    assert some.event_id not in {
        e["event_id"] for e in _all(client, q=some.evidence[0].split()[0] + " qwertyuiopx")
    }


def test_text_a_spreadsheet_would_run_as_a_formula_is_written_as_text():
    from sinks.event_formats import acled_row

    event = next(iter(LATEST.values()))
    planted = event.model_copy(update={"actor1": '=HYPERLINK("http://x")', "sources": ["@src"]})
    row = acled_row(planted)
    assert row["actor1"].startswith("'=") and row["source"] == "'@src"
    for sneaky in ("  =1+1", "\n=1+1", "\uff1d1+1", "\uff20src"):
        assert acled_row(event.model_copy(update={"actor2": sneaky}))["actor2"] == "'" + sneaky
    if event.location:
        assert row["longitude"] == event.location.lon  # numbers stay numbers


def test_stats_count_the_filtered_events_by_day_country_and_type(client):
    whole = client.get("/api/stats").json()
    assert whole["total"] == len(LATEST)
    by_country = {row["country"]: row for row in whole["by_country"]}
    for country in {e.country for e in LATEST.values()}:
        mine = [e for e in LATEST.values() if e.country == country]
        assert by_country[country]["events"] == len(mine)
        assert by_country[country]["fatalities"] == sum(e.fatalities or 0 for e in mine)
    days = [row["day"] for row in whole["by_day"]]
    assert days == sorted(days) and sum(row["events"] for row in whole["by_day"]) == len(LATEST)
    assert sum(row["events"] for row in whole["by_type"]) == len(LATEST)
    narrowed = client.get("/api/stats", params={"country": "AZ"}).json()
    assert narrowed["total"] == sum(e.country == "AZ" for e in LATEST.values())
    assert [row["country"] for row in narrowed["by_country"]] == ["AZ"]
    assert client.get("/api/stats", params={"bbox": "x"}).status_code == 400


def test_places_across_the_antimeridian_are_found_by_box_and_by_radius(client, engine):
    """Through the spatial index and on both sides of the 180th meridian."""
    some = next(e for e in LATEST.values() if e.location)
    east_of_line = some.model_copy(
        update={
            "event_id": "fiji-east",
            "location": some.location.model_copy(update={"lat": -17.8, "lon": 179.9}),
        }
    )
    west_of_line = some.model_copy(
        update={
            "event_id": "samoa-west",
            "location": some.location.model_copy(update={"lat": -17.8, "lon": -179.9}),
        }
    )
    upsert_events(engine, [east_of_line, west_of_line])
    across = {e["event_id"] for e in _all(client, bbox="179.5,-18,-179.5,-17")}
    assert across == {"fiji-east", "samoa-west"}
    assert {e["event_id"] for e in _all(client, bbox="179.5,-18,180,-17")} == {"fiji-east"}
    near = {e["event_id"] for e in _all(client, near="-17.8,-179.95", km=30)}
    assert near == {"fiji-east", "samoa-west"}  # 16 and 5 km away, across the line
    assert {e["event_id"] for e in _all(client, near="-17.8,-179.95", km=8)} == {"samoa-west"}
    # moved: the index follows the stored place
    moved = east_of_line.model_copy(
        update={
            "version": some.version + 1,
            "location": some.location.model_copy(update={"lat": 10.0, "lon": 10.0}),
        }
    )
    upsert_events(engine, [moved])
    assert {e["event_id"] for e in _all(client, bbox="179.5,-18,-179.5,-17")} == {"samoa-west"}


def test_a_radius_reaches_as_far_east_and_west_as_the_circle_does(client, engine):
    """Far from the equator a circle reaches wider in longitude than km / cos(lat):
    the index's box around it must not cut off its edge."""
    some = next(e for e in LATEST.values() if e.location)
    north = some.model_copy(
        update={
            "event_id": "far-north-east",
            "location": some.location.model_copy(update={"lat": 65.6, "lon": 37.5}),
        }
    )
    upsert_events(engine, [north])
    # 1,971 km from (60, 0): inside 2,000 km, outside 1,950
    assert "far-north-east" in {e["event_id"] for e in _all(client, near="60,0", km=2000)}
    assert "far-north-east" not in {e["event_id"] for e in _all(client, near="60,0", km=1950)}


def test_an_event_id_with_a_control_character_is_a_400(client):
    response = client.get("/api/events/abc%00def")
    assert response.status_code == 400 and response.json()["parameter"] == "event_id"
    assert client.get("/api/events/" + "a" * 65).status_code == 400


@pytest.mark.parametrize(
    ("sort", "index"),
    [
        ("-killed", "ix_events_toll_order"),
        ("killed", "ix_events_toll_order"),
        ("-date", "ix_events_date_order"),
        ("date", "ix_events_date_order"),
        ("-updated", "ix_events_updated_order"),
        ("updated", "ix_events_updated_order"),
    ],
)
def test_each_order_reads_its_index_and_sorts_nothing(engine, sort, index):
    """A page in any order, on no other filter, walks the index of that order with its
    ties (migrations 5 and 7): no sort of every row, nor of every event of one day."""
    from sinks.event_query import EventQuery, _statement

    statement = _statement(EventQuery(sort=sort), engine.dialect.name, None).limit(101)
    compiled = statement.compile(engine)  # with its parameters bound, as it runs
    sqlite = engine.dialect.name == "sqlite"
    params = tuple(compiled.params[n] for n in compiled.positiontup) if sqlite else compiled.params
    explain = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
    with engine.connect() as connection:
        if not sqlite:
            connection.execute(text("SET enable_seqscan = off"))  # a tiny table: ask
        rows = connection.exec_driver_sql(explain + str(compiled), params)
        plan = " ".join(str(row) for row in rows)
    assert index in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan
