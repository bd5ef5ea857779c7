"""Extraction in a child process with a budget per article (issue 14, item 1): a slow
article is stopped at the budget and fails with the reason, the event loop keeps
running meanwhile, and the next article is extracted by a new child."""

from __future__ import annotations

import asyncio
import time

import pytest

from ingest.seeds import load_seed
from processors.stream.extraction_process import (
    ExtractionFailed,
    ExtractionOverBudget,
    ExtractionProcess,
)
from tests.conftest import SEEDS

SEED = load_seed(SEEDS / "idlib-airstrike.md")


def test_a_slow_article_is_stopped_at_the_budget_and_the_loop_runs_on():
    async def scenario():
        process = ExtractionProcess(budget=1.5, extractor="tests.slow_extractor:slow_on_request")
        try:
            first = await process.extract(SEED)  # starts the child, then a real extraction
            ticks = 0

            async def tick():
                nonlocal ticks
                while True:
                    await asyncio.sleep(0.05)
                    ticks += 1

            ticker = asyncio.create_task(tick())
            began = time.monotonic()
            with pytest.raises(ExtractionOverBudget, match=r"longer than 1\.5 s"):
                await process.extract(SEED.model_copy(update={"title": "slow 60"}))
            waited = time.monotonic() - began
            ticker.cancel()
            again = await process.extract(SEED)  # a new child, after the old was killed
            with pytest.raises(ExtractionFailed, match="ValueError: asked to fail"):
                await process.extract(SEED.model_copy(update={"title": "fail"}))
            after_failure = await process.extract(SEED)  # the same child goes on
            return first, waited, ticks, again, after_failure, process.restarts
        finally:
            process.close()

    first, waited, ticks, again, after_failure, restarts = asyncio.run(scenario())
    assert first and [m.event_type for m in first] == [m.event_type for m in again]
    assert after_failure == again
    assert 1.5 <= waited < 4, waited
    assert ticks >= 20, f"the event loop ran {ticks} times in {waited:.1f} s"
    assert restarts == 1
