"""POST /api/subscriptions ("Alert me about this view") and GET /api/countries, on a
real SQLite store: a subscription is checked as `wirewatch subscriptions add` checks
one, saved where the delivery stage reads it, never replaces another, and needs the
token when one is set; a loopback webhook is refused unless private addresses are
allowed; only JSON from this origin is read."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_api
from infra.settings import Settings
from sinks.alerts import subscriptions as store
from sinks.storage import connect

GANJA_BOX = {"west": 45.9, "south": 40.4, "east": 46.8, "north": 40.9}


def _client(tmp_path, **extra) -> tuple[TestClient, str]:
    url = f"sqlite:///{tmp_path / 'events.db'}"
    settings = Settings(
        database_url=url,
        state_dir=tmp_path / "state",
        kafka_bootstrap_servers="127.0.0.1:1",
        **{"api_allowed_hosts": "testserver", **extra},
    )
    return TestClient(create_api(settings, connect(url))), url


def _file_subscription(**fields) -> dict:
    return {
        "id": "az-view",
        "name": "Azerbaijan, on the map",
        "countries": ["AZ"],
        "event_types": ["explosions_remote_violence"],
        "bbox": GANJA_BOX,
        "min_fatalities": 1,
        "delivery": {"kind": "file", "target": "az.jsonl"},
        **fields,
    }


def test_a_view_becomes_a_subscription_the_delivery_stage_reads(tmp_path):
    client, url = _client(tmp_path)
    made = client.post("/api/subscriptions", json=_file_subscription())
    assert made.status_code == 201, made.text
    assert made.json()["warning"] is None
    saved = store.get(store.connect(url), "az-view")
    assert saved is not None
    assert saved.countries == ["AZ"]
    assert (saved.bbox.west, saved.bbox.south, saved.bbox.east, saved.bbox.north) == (
        45.9,
        40.4,
        46.8,
        40.9,
    )
    assert saved.min_fatalities == 1 and saved.delivery.target == "az.jsonl"
    # the same id again: refused, the first one kept
    again = client.post(
        "/api/subscriptions", json=_file_subscription(countries=["UA"], name="other")
    )
    assert again.status_code == 409
    assert again.json()["parameter"] == "id" and "choose another id" in again.json()["problem"]
    assert store.get(store.connect(url), "az-view").countries == ["AZ"]


@pytest.mark.parametrize(
    ("fields", "parameter", "words"),
    [
        ({"countries": ["XX"]}, "countries", "XX"),
        ({"event_types": ["picnics"]}, "event_types.0", "expected one of"),
        ({"bbox": {**GANJA_BOX, "south": 50}}, "bbox", "south"),
        ({"delivery": {"kind": "file", "target": "../../etc/x"}}, "delivery.target", "alert"),
        ({"delivery": {"kind": "email", "target": "nobody"}}, "delivery", "not an email address"),
        ({"delivery": {"kind": "file", "target": "a", "secret": "k"}}, "delivery", "webhooks"),
        ({"id": "no spaces allowed"}, "id", "should match pattern"),
    ],
)
def test_bad_input_is_refused_naming_the_field(tmp_path, fields, parameter, words):
    client, url = _client(tmp_path)
    refused = client.post("/api/subscriptions", json=_file_subscription(**fields))
    assert refused.status_code == 400, refused.text
    body = refused.json()
    # the schema's own words, as `subscriptions add` prints them
    assert body["parameter"] == parameter and words in body["problem"], body
    assert list(store.list_subscriptions(store.connect(url))) == []


def test_a_loopback_webhook_is_refused_unless_private_addresses_are_allowed(tmp_path):
    hook = {"kind": "webhook", "target": "http://127.0.0.1:9/hook", "secret": "k3y"}
    client, url = _client(tmp_path)
    refused = client.post("/api/subscriptions", json=_file_subscription(delivery=hook))
    assert refused.status_code == 400
    assert "WIREWATCH_ALLOW_PRIVATE_ADDRESSES" in refused.json()["problem"]
    named = {**hook, "target": "http://localhost:9/hook"}
    assert (
        client.post("/api/subscriptions", json=_file_subscription(delivery=named)).status_code
        == 400
    )

    allowed, url = _client(tmp_path / "allowed", allow_private_addresses=True)
    made = allowed.post("/api/subscriptions", json=_file_subscription(delivery=hook))
    assert made.status_code == 201, made.text
    assert made.json()["subscription"]["delivery"]["secret"] == "(hidden)"  # not echoed
    assert store.get(store.connect(url), "az-view").delivery.secret == "k3y"


def test_only_json_from_this_origin_is_read(tmp_path):
    client, _ = _client(tmp_path)
    form = client.post(
        "/api/subscriptions",
        content=b'{"id": "x", "delivery": {"kind": "file", "target": "x"}}',
        headers={"Content-Type": "text/plain"},
    )
    assert form.status_code == 415
    elsewhere = client.post(
        "/api/subscriptions",
        json=_file_subscription(),
        headers={"Origin": "https://evil.example"},
    )
    assert elsewhere.status_code == 403
    assert "WIREWATCH_API_ALLOWED_HOSTS" in elsewhere.json()["problem"]
    here = client.post(
        "/api/subscriptions", json=_file_subscription(), headers={"Origin": "http://testserver"}
    )
    assert here.status_code == 201
    broken = client.post(
        "/api/subscriptions",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert broken.status_code == 400 and broken.json()["problem"]


def test_the_token_is_needed_when_one_is_set(tmp_path):
    client, _ = _client(tmp_path, api_token="s3cret-token")
    assert client.post("/api/subscriptions", json=_file_subscription()).status_code == 401
    assert client.get("/api/countries").status_code == 401
    made = client.post(
        "/api/subscriptions",
        json=_file_subscription(),
        headers={"Authorization": "Bearer s3cret-token"},
    )
    assert made.status_code == 201


def test_countries_are_offered_by_english_name(tmp_path):
    client, _ = _client(tmp_path)
    listed = client.get("/api/countries").json()["countries"]
    by_name = {country["name"]: country["code"] for country in listed}
    assert by_name["Azerbaijan"] == "AZ" and by_name["Ukraine"] == "UA"
    names = [country["name"] for country in listed]
    assert names == sorted(names) and len(listed) > 240
    assert all(name == name.strip() for name in names)  # GeoNames has one with a space after


def test_behind_a_proxy_that_rewrites_host_the_public_name_is_this_origin(tmp_path):
    client, _ = _client(tmp_path, api_allowed_hosts="testserver,events.example.org")
    proxied = client.post(
        "/api/subscriptions",
        json=_file_subscription(),
        headers={"Origin": "https://events.example.org"},
    )
    assert proxied.status_code == 201, proxied.text
