"""Table records carry their format's version: the current one and the unversioned one
written before are read; one from a newer wirewatch is refused with a clear message."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.seeds import load_seed
from processors import stages
from processors.alerting import Sent
from processors.dedup import IndexEntry, signature_of
from processors.extraction import extract_events
from processors.merge import IncidentIndex
from processors.state_records import VERSION_KEY, StateRecordError
from processors.window import Retention
from tests.conftest import SEEDS

ARTICLE = load_seed(SEEDS / "chuhuiv-shelling-wire.md")


def _entry() -> IndexEntry:
    return IndexEntry(
        ARTICLE.id, ARTICLE.content_hash, signature_of(ARTICLE.text), "S", ARTICLE.published
    )


def _newer(record: dict) -> dict:
    return {**record, VERSION_KEY: 99}


def _unversioned(record: dict) -> dict:
    return {k: v for k, v in record.items() if k != VERSION_KEY}


def test_each_record_is_stamped_and_read_back():
    entry = _entry()
    assert entry.to_record()[VERSION_KEY] == 1
    assert IndexEntry.from_record(entry.article_id, entry.to_record()) == entry
    sent = Sent(9, 43, "shelling_artillery_missile_attack", 2)
    assert Sent.from_record(sent.to_record()) == sent
    extracted = stages.Extracted(("UA",), ARTICLE.published.isoformat())
    assert stages.Extracted.from_record(extracted.to_record()) == extracted


def test_a_record_written_before_versions_is_read_as_version_one():
    entry = _entry()
    assert IndexEntry.from_record(entry.article_id, _unversioned(entry.to_record())) == entry
    sent = Sent(9, 43, "attack", 2)
    assert Sent.from_record(_unversioned(sent.to_record())) == sent


@pytest.mark.parametrize(
    ("table", "read"),
    [
        ("dedup", lambda: IndexEntry.from_record("a", _newer(_entry().to_record()))),
        ("route", lambda: Sent.from_record(_newer(Sent(1, 1, "attack", 1).to_record()))),
        (
            "extract",
            lambda: stages.Extracted.from_record(_newer({"c": ["UA"], "p": "2024-01-01"})),
        ),
    ],
)
def test_a_record_from_a_newer_wirewatch_is_refused_with_the_table_named(table, read):
    with pytest.raises(StateRecordError, match=rf"the {table} state .* version 99"):
        read()


def test_merge_refuses_an_open_event_written_by_a_newer_wirewatch():
    index = IncidentIndex()
    [mention] = extract_events(ARTICLE)
    [event_id] = [index.add_mention(mention).event_id]
    index.events[event_id] = _newer(index.events[event_id])
    index.forget_day_index()
    with pytest.raises(StateRecordError, match="the merge state"):
        index.add_mention(mention.model_copy(update={"mention_id": "another"}))


def test_a_stage_with_unreadable_state_raises_rather_than_blaming_the_message():
    """The runtime lets StateRecordError stop the stage instead of dead-lettering the
    message: the handler raises it, whatever the message."""
    state = stages.ExtractState(
        {ARTICLE.id: {"c": ["UA"], "p": "2024-01-01", VERSION_KEY: 99}},
        Retention(dt.timedelta(days=14)),
    )
    copy = load_seed(SEEDS / "chuhuiv-shelling-republished.md")
    notice = stages.dedup(
        stages.DedupState(
            {ARTICLE.id: _entry().to_record()}, Retention(dt.timedelta(days=14)), 0.6
        ),
        copy.to_json_bytes(),
    ).records[0]
    with pytest.raises(StateRecordError):
        stages.extract(state, notice.value)


def test_an_articles_events_are_read_from_a_versioned_record_or_an_older_bare_list():
    index = IncidentIndex()
    [mention] = extract_events(ARTICLE)
    event = index.add_mention(mention)
    record = index.articles[ARTICLE.id]
    assert record[VERSION_KEY] == 1 and index.event_ids_of(ARTICLE.id) == [event.event_id]
    index.articles[ARTICLE.id] = [event.event_id]  # as written before records had versions
    assert index.event_ids_of(ARTICLE.id) == [event.event_id]
    index.articles[ARTICLE.id] = _newer(record)
    with pytest.raises(StateRecordError, match="the merge state"):
        index.event_ids_of(ARTICLE.id)
