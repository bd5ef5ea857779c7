"""The event clock every stateful stage shares (pure)."""

import datetime as dt

import pytest

from processors.window import EventClock

DAY = dt.timedelta(days=1)


def test_the_clock_follows_the_latest_event_time_and_never_goes_back():
    clock = EventClock(14 * DAY)
    start = dt.datetime(2020, 10, 11, 9, tzinfo=dt.UTC)
    clock.note(start)
    clock.note(start - 3 * DAY)  # a late report
    assert clock.latest == start
    assert clock.horizon == start - 14 * DAY
    clock.note(start + DAY)
    assert clock.horizon == start - 13 * DAY


def test_a_time_past_tomorrow_counts_as_tomorrow():
    clock = EventClock(14 * DAY)
    clock.note(dt.datetime(2999, 1, 1, tzinfo=dt.UTC))
    tomorrow = dt.datetime.now(dt.UTC) + DAY
    assert abs((clock.latest - tomorrow).total_seconds()) < 60


def test_no_horizon_before_any_time_is_noted():
    with pytest.raises(ValueError, match="no event time"):
        _ = EventClock(DAY).horizon


def test_retention_asks_for_an_eviction_scan_every_n_messages_and_keeps_the_clock():
    from processors.window import Retention

    retention = Retention(14 * DAY, every=4)
    start = dt.datetime(2020, 10, 11, 9, tzinfo=dt.UTC)
    answers = [retention.advance(start + n * DAY) for n in range(9)]
    assert [n for n, scan in enumerate(answers, start=1) if scan] == [4, 8]
    assert retention.latest == start + 8 * DAY
    assert retention.horizon == start - 6 * DAY
