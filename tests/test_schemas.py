import datetime as dt
import json

import pytest
from pydantic import ValidationError

from schemas import Article, EventMention, Location
from schemas.export import EXPORTED_MODELS, export_json_schemas
from schemas.taxonomy import SUB_EVENT_TYPES, EventType, SubEventType
from schemas.topics import ALL_TOPICS, EVENTS

BAKU = dt.timezone(dt.timedelta(hours=4))


def _mention(**overrides) -> EventMention:
    fields = dict(
        mention_id="m1",
        article_id="a1",
        source="Caspian Daily",
        published=dt.datetime(2020, 10, 11, 9, 40, tzinfo=BAKU),
        event_type="explosions_remote_violence",
        sub_event_type="shelling_artillery_missile_attack",
        cameo_code="19",
        event_date="2020-10-11",
        country="AZ",
        location={
            "name": "Ganja",
            "lat": 40.68,
            "lon": 46.36,
            "geonames_id": 586523,
            "precision": "locality",
        },
        fatalities=9,
        injured=34,
        evidence=["At least nine people were killed."],
        confidence=0.9,
    )
    fields.update(overrides)
    return EventMention.model_validate_json(json.dumps(fields, default=str))


def test_taxonomy_has_six_types_and_25_sub_types_each_with_a_cameo_root():
    assert len(EventType) == 6
    assert len(SubEventType) == 25
    assert set(SUB_EVENT_TYPES) == set(SubEventType)
    assert {event_type for event_type, _ in SUB_EVENT_TYPES.values()} == set(EventType)
    assert all(len(code) == 2 and code.isdigit() for _, code in SUB_EVENT_TYPES.values())


def test_mention_round_trips_through_json_unchanged():
    mention = _mention()
    assert EventMention.from_json_bytes(mention.to_json_bytes()) == mention
    assert mention.location == Location(
        name="Ganja", lat=40.68, lon=46.36, geonames_id=586523, precision="locality"
    )


def test_article_keeps_the_outlets_offset():
    article = Article(
        id="0" * 32,
        url="https://x.example/a",
        title="t",
        text="",
        source="S",
        published=dt.datetime(2020, 10, 11, 9, 40, tzinfo=BAKU),
    )
    again = Article.from_json_bytes(article.to_json_bytes())
    assert again.published.utcoffset() == dt.timedelta(hours=4)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"fatalities": "9"}, "fatalities", "valid integer"),
        ({"fatalities": -1}, "fatalities", "greater than or equal to 0"),
        ({"country": "Azerbaijan"}, "country", "should match pattern"),
        ({"sub_event_type": "drone_strike"}, "sub_event_type", "Input should be"),
        ({"evidence": []}, "evidence", "at least 1 item"),
        ({"surprise": 1}, "surprise", "Extra inputs are not permitted"),
    ],
)
def test_malformed_mention_names_the_field(overrides, field, message):
    with pytest.raises(ValidationError) as caught:
        _mention(**overrides)
    errors = caught.value.errors()
    assert any(field in map(str, error["loc"]) and message in error["msg"] for error in errors), (
        errors
    )


def test_sub_type_must_belong_to_its_type_and_carry_its_cameo_root():
    with pytest.raises(ValidationError, match="belongs to event_type 'explosions_remote_violence'"):
        _mention(event_type="battles")
    with pytest.raises(
        ValidationError, match="cameo_code for 'shelling_artillery_missile_attack' is '19'"
    ):
        _mention(cameo_code="18")


def test_topic_registry_compacts_events_and_gives_every_topic_a_dead_letter_topic():
    names = {spec.name for spec in ALL_TOPICS}
    assert {"articles.raw", "events.mentions", "events", "alerts"} <= names
    assert {"articles.raw.dlq", "events.mentions.dlq", "events.dlq", "alerts.dlq"} <= names
    assert EVENTS.kafka_config()["cleanup.policy"] == "compact"


def test_schema_export_writes_one_valid_json_schema_per_model(tmp_path):
    paths = export_json_schemas(tmp_path)
    assert {p.name for p in paths} == {f"{m.__name__}.schema.json" for m in EXPORTED_MODELS}
    article = json.loads((tmp_path / "Article.schema.json").read_text())
    assert "published" in article["required"]
    assert article["properties"]["schema_version"]["const"] == 1
