"""What each stage handler keeps in its state, and when it lets it go: the boundaries
a mutation run of `processors/stages.py` found untested."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from ingest.seeds import load_seed
from processors import stages
from processors.alerting import SubscriptionIndex
from processors.merge import IncidentIndex
from processors.window import Retention
from schemas.article import Article, ArticleCopy
from schemas.event import Event, EventMention
from tests.conftest import SEEDS
from tests.test_stages import WINDOW, _sub

DAY = dt.timedelta(days=1)


def _article(name: str, published: dt.datetime | None = None) -> Article:
    article = load_seed(SEEDS / name)
    return article if published is None else article.model_copy(update={"published": published})


def _run(step: stages.Step) -> list[stages.Record]:
    if step.remember is not None:
        step.remember()
    return step.records


def test_dedup_rebuilds_its_index_when_its_table_changed_under_it():
    """Partitions move, or another worker evicts: the table is the truth."""
    state = stages.DedupState({}, Retention(WINDOW), 0.6)
    article = _article("idlib-airstrike.md")
    assert _run(stages.dedup(state, article.to_json_bytes()))
    del state.articles[article.id]  # gone from the table, not from the index
    assert _run(stages.dedup(state, article.to_json_bytes()))  # new again, not a repeat


def test_dedup_keeps_what_it_remembers_for_a_restarted_worker():
    table: dict = {}
    article = _article("idlib-airstrike.md")
    _run(stages.dedup(stages.DedupState(table, Retention(WINDOW), 0.6), article.to_json_bytes()))
    restarted = stages.DedupState(table, Retention(WINDOW), 0.6)  # recovered from the changelog
    assert stages.dedup(restarted, article.to_json_bytes()).records == []  # a repeat


def test_dedup_forgets_articles_older_than_the_window_and_keeps_the_rest():
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    state = stages.DedupState({}, Retention(dt.timedelta(days=3), every=1), 0.6)
    old = _article("idlib-airstrike.md", start)
    recent = _article("el-fasher-clashes.md", start + 2 * DAY)
    newest = _article("zamfara-village-attack.md", start + 5 * DAY)
    for article in (old, recent, newest):
        _run(stages.dedup(state, article.to_json_bytes()))
    assert set(state.articles) == {recent.id, newest.id}


def test_extraction_forgets_countries_older_than_the_window_and_keeps_the_rest():
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    state = stages.ExtractState({}, Retention(dt.timedelta(days=3), every=1))
    old = _article("idlib-airstrike.md", start)
    edge = _article("el-fasher-clashes.md", start + 2 * DAY)  # exactly on the horizon: kept
    newest = _article("zamfara-village-attack.md", start + 5 * DAY)
    for article in (old, edge, newest):
        stages.extract(state, article.to_json_bytes())
    assert set(state.articles) == {edge.id, newest.id}


def test_a_copy_that_changes_nothing_sends_the_current_versions_again():
    """After a crash between saving and sending, the notice comes again: its events'
    versions must go out again too."""
    pipeline_dedup = stages.DedupState({}, Retention(WINDOW), 0.6)
    extract = stages.ExtractState({}, Retention(WINDOW))
    merge = stages.MergeState(IncidentIndex(), Retention(WINDOW))
    wire = _article("chuhuiv-shelling-wire.md").to_json_bytes()
    copy = _article("chuhuiv-shelling-republished.md").to_json_bytes()
    for value in (wire, copy):
        for mention in _run(stages.dedup_and_extract(pipeline_dedup, extract, value)):
            notice = mention.value
            first = stages.merge(merge, notice).records
    assert ArticleCopy.model_validate_json(notice).original_id  # the last one was the copy
    again = stages.merge(merge, notice).records
    assert [r.value for r in again] == [r.value for r in first]


def _event(version: int = 1, date: dt.date = dt.date(2026, 1, 10)) -> Event:
    merge = stages.MergeState(IncidentIndex(), Retention(WINDOW))
    article = _article("ganja-missile-strike-caspian-daily.md")
    mention = EventMention.model_validate_json(
        stages.extract(stages.ExtractState({}, Retention(WINDOW)), article.to_json_bytes())
        .records[0]
        .value
    )
    [record] = stages.merge(merge, mention.to_json_bytes()).records
    event = Event.from_json_bytes(record.value)
    return event.model_copy(update={"version": version, "event_date": date})


def test_routing_tells_every_subscription_the_event_is_news_to():
    """One subscription already told of this version does not stop the next one's alert."""
    told, fresh = _sub(countries=["AZ"]), _sub(countries=["AZ"])
    told = told.model_copy(update={"id": "a-told"})
    fresh = fresh.model_copy(update={"id": "b-fresh"})
    state = stages.RouteState({}, Retention(WINDOW))
    event = _event()
    now = dt.datetime(2026, 1, 10, tzinfo=dt.UTC)
    _run(stages.route(state, SubscriptionIndex([told]), event.to_json_bytes(), now, now))
    records = _run(
        stages.route(state, SubscriptionIndex([told, fresh]), event.to_json_bytes(), now, now)
    )
    assert [json.loads(r.value)["subscription_id"] for r in records] == ["b-fresh"]


def test_routing_forgets_what_it_told_of_events_older_than_the_window():
    state = stages.RouteState({}, Retention(dt.timedelta(days=3), every=1))
    subs = SubscriptionIndex([_sub(countries=["AZ"])])
    now = dt.datetime(2026, 1, 20, tzinfo=dt.UTC)
    old = _event(date=dt.date(2026, 1, 1)).model_copy(update={"event_id": "old"})
    edge = _event(date=dt.date(2026, 1, 4)).model_copy(update={"event_id": "edge"})
    newest = _event(date=dt.date(2026, 1, 7)).model_copy(update={"event_id": "newest"})
    for event in (old, edge, newest):
        _run(stages.route(state, subs, event.to_json_bytes(), now, now))
    assert set(state.told) == {"s|edge", "s|newest"}
    assert all(record["d"] for record in state.told.values())


class _Broken(IncidentIndex):
    def add_mention(self, mention):
        raise RuntimeError("merge broke")


class _BrokenSubscriptions(SubscriptionIndex):
    def matching(self, event):
        raise RuntimeError("routing broke")


@pytest.mark.parametrize(
    ("stage", "merge_index", "subscriptions", "value"),
    [
        ("merge", IncidentIndex(), SubscriptionIndex(), b"{not json"),
        ("merge", _Broken(), SubscriptionIndex(), None),
        ("route", IncidentIndex(), _BrokenSubscriptions(), None),
    ],
)
def test_merge_and_route_names_the_handler_that_failed(stage, merge_index, subscriptions, value):
    article = _article("ganja-missile-strike-caspian-daily.md")
    mention = stages.extract(stages.ExtractState({}, Retention(WINDOW)), article.to_json_bytes())
    value = value or mention.records[0].value
    merge = stages.MergeState(merge_index, Retention(WINDOW))
    route = stages.RouteState({}, Retention(WINDOW))
    now = dt.datetime(2026, 1, 10, tzinfo=dt.UTC)
    with pytest.raises(stages.StageFailed) as failed:
        stages.merge_and_route(merge, route, subscriptions, value, now, now)
    assert failed.value.stage == stage


def test_dedup_and_extract_names_dedup_when_its_own_step_fails():
    state = stages.DedupState({"x": {"_v": 1}}, Retention(WINDOW), 0.6)  # a record missing fields
    extract = stages.ExtractState({}, Retention(WINDOW))
    with pytest.raises(stages.StageFailed) as failed:
        stages.dedup_and_extract(state, extract, _article("idlib-airstrike.md").to_json_bytes())
    assert failed.value.stage == "dedup"
