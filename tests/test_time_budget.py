"""The time budget around one piece of work (infra/time_budget.py) and the worker's
extraction within it (issue 14, item 1: one article must not hold the worker)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import re
import signal
import threading
import time

import pytest

from infra.settings import SettingUnusable
from infra.time_budget import OverBudget, time_budget, within_budget
from processors.budgeted_extraction import budgeted_extractor, named_extractor
from schemas.article import Article, article_id_for

RUNAWAY = re.compile(r"(a+)+$")


def _article(title: str, text: str = "") -> Article:
    url = f"https://example.org/{abs(hash(title))}"
    return Article(
        id=article_id_for(url),
        url=url,
        title=title,
        text=text or "Shelling killed two civilians in Kharkiv on Monday, officials said.",
        source="test",
        published=dt.datetime(2024, 5, 7, tzinfo=dt.UTC),
    )


def test_a_runaway_regular_expression_is_stopped_at_the_budget():
    began = time.monotonic()
    with pytest.raises(OverBudget, match="too slow"), time_budget(0.3, "too slow"):
        RUNAWAY.match("a" * 40 + "b")  # hours, if nothing stopped it
    assert time.monotonic() - began < 2
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_work_that_swallows_every_exception_is_stopped_all_the_same():
    def stubborn() -> None:
        while True:
            with contextlib.suppress(Exception):
                sum(range(10_000))

    with pytest.raises(OverBudget):
        within_budget(stubborn, 0.2, "stubborn")()


def test_work_within_the_budget_returns_its_value_and_leaves_no_timer():
    assert within_budget(lambda x: x * 2, 5.0, "never")(21) == 42
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    time.sleep(0.05)  # no late interruption


def test_each_budget_counts_afresh_after_one_was_exceeded():
    with pytest.raises(OverBudget), time_budget(0.1, "first"):
        time.sleep(5)
    with time_budget(1.0, "second"):
        time.sleep(0.2)  # within the new budget: not interrupted by the old one


def test_an_inner_budget_leaves_the_outer_one_counting():
    with pytest.raises(OverBudget, match="outer"), time_budget(0.3, "outer"):
        with time_budget(10.0, "inner"):
            time.sleep(0.1)
        time.sleep(5)


def test_off_the_main_thread_the_work_runs_without_a_budget():
    outcome: list[object] = []

    def run() -> None:
        with time_budget(0.05, "off the main thread"):
            time.sleep(0.2)
        outcome.append("done")

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(5)
    assert outcome == ["done"]


def test_the_event_loop_is_held_no_longer_than_the_budget():
    """The worker extracts in its event loop's thread: a slow article holds the loop
    until the budget stops it, then every other task runs on."""

    async def scenario() -> list[float]:
        ticks: list[float] = []

        async def ticker() -> None:
            while True:
                ticks.append(time.monotonic())
                await asyncio.sleep(0.02)

        task = asyncio.create_task(ticker())
        await asyncio.sleep(0.1)
        with pytest.raises(OverBudget):
            within_budget(RUNAWAY.match, 0.5, "slow")("a" * 40 + "b")
        await asyncio.sleep(0.2)
        task.cancel()
        return ticks

    ticks = asyncio.run(scenario())
    gaps = [later - earlier for earlier, later in itertools.pairwise(ticks)]
    assert 0.45 < max(gaps) < 1.5
    assert len(ticks) > 10


def test_the_repeated_word_article_of_the_probe_is_read_within_the_budget():
    """Issue 14's probe: 'one ' a thousand times took 97 s and froze the worker."""
    extract = budgeted_extractor("processors.extraction:extract_events", 5)
    assert extract(_article("one " * 50, "one " * 1000)) == []


def test_the_worker_s_extractor_stops_a_slow_article_and_reads_the_next():
    extract = budgeted_extractor("tests.slow_extractor:slow_on_request", 0.5)
    with pytest.raises(OverBudget, match=r"longer than 0\.5 s"):
        extract(_article("slow loop"))
    [mention] = extract(_article("Shelling in Kharkiv"))
    assert mention.location is not None and mention.location.name == "Kharkiv"


def test_the_budget_lets_work_just_under_it_finish_and_stops_work_just_over_it():
    """The budget's edge is the setting's, not a multiple of it: with 2 s, an article
    taking 1.2 s is read and one taking 3 s is stopped (a budget counted double, or
    half, would get one of them wrong). The margins leave room for a busy machine."""
    extract = budgeted_extractor("tests.slow_extractor:sleeps_as_titled", 2)
    assert extract(_article("sleep 1.2")) == []
    with pytest.raises(OverBudget, match=r"longer than 2 s"):
        extract(_article("sleep 3"))
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_an_extractor_that_does_not_load_is_a_setting_error():
    with pytest.raises(SettingUnusable, match="WIREWATCH_EXTRACTOR"):
        named_extractor("tests.no_such_module:extract")
    with pytest.raises(SettingUnusable, match="WIREWATCH_EXTRACTOR"):
        named_extractor("tests.slow_extractor:no_such_function")
