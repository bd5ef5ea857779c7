import datetime as dt
import itertools

import pytest

from ingest.seeds import load_seed
from processors.extraction import extract_events
from processors.merge import event_id_for, merge_mentions
from sinks.storage import connect, count_versions, list_events, upsert_event
from tests.conftest import SEEDS


def _mentions(*names):
    return [m for name in names for m in extract_events(load_seed(SEEDS / name))]


def test_reports_of_one_incident_share_an_event_id_and_merge_in_any_order():
    mentions = _mentions(
        "ganja-missile-strike-meridian.md", "ganja-missile-strike-caspian-daily.md"
    )
    assert len({event_id_for(m) for m in mentions}) == 1
    merged = {
        merge_mentions("e1", order).model_dump_json() for order in itertools.permutations(mentions)
    }
    assert len(merged) == 1
    event = merge_mentions("e1", mentions)
    assert (event.fatalities, event.injured) == (9, 34)  # as first reported
    assert event.version == 2
    assert event.sources == ["Caspian Daily", "Meridian Wire"]
    assert event.first_seen < event.last_updated
    assert [(r.value, r.source) for r in event.history if r.field == "fatalities"] == [
        (9, "Caspian Daily"),
        (10, "Meridian Wire"),
    ]


def test_different_incidents_get_different_ids():
    ids = {
        event_id_for(m)
        for m in _mentions(
            "ganja-missile-strike-caspian-daily.md", "barda-rocket-attack-northgate.md"
        )
    }
    assert len(ids) == 2


def test_a_mention_counted_twice_is_one_report():
    [mention] = _mentions("yerevan-protest.md")
    assert merge_mentions("e", [mention, mention]).version == 1


def _check_upserts(url):
    engine = connect(url)
    mentions = _mentions(
        "ganja-missile-strike-caspian-daily.md", "ganja-missile-strike-meridian.md"
    )
    first = merge_mentions("ganja", mentions[:1])
    second = merge_mentions("ganja", mentions)
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
    upsert_event(engine, merge_mentions("x", _mentions("idlib-airstrike.md")))
    assert next(list_events(engine)).event_date == dt.date(2021, 10, 20)
