"""Extraction speed on one core: articles/s, beside the cost of only parsing and
re-serializing the same articles as JSON (the floor any stage pays).

    .venv/bin/python bench/extract.py [REPEAT_TO]

Uses the gold set (tests/gold/) and seeds/, repeated to at least REPEAT_TO articles
(default 2,000), on one core. The gazetteer is loaded before timing (a worker loads it
once at start-up).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.seeds import load_seed, seed_files
from processors.extraction import extract_events
from processors.extraction.gazetteer import get_gazetteer
from schemas.article import Article

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 3


def main() -> None:
    target = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    seeds = [
        load_seed(path)
        for directory in (ROOT / "tests" / "gold", ROOT / "seeds")
        for path in seed_files(directory)
    ]
    lines = [seed.model_dump_json() for seed in seeds] * (target // len(seeds) + 1)
    lines = lines[: max(target, len(seeds))]
    get_gazetteer()

    def baseline_round() -> float:
        start = time.perf_counter()
        for line in lines:
            Article.model_validate_json(line).model_dump_json()
        return time.perf_counter() - start

    def extraction_round() -> tuple[float, int]:
        start = time.perf_counter()
        found_events = 0
        for line in lines:
            found = extract_events(Article.model_validate_json(line))
            found_events += len(found)
            json.dumps([m.model_dump(mode="json") for m in found])
        return time.perf_counter() - start, found_events

    # median of three rounds each, interleaved, so one noisy moment does not decide
    baselines, extractions = [], []
    for _ in range(ROUNDS):
        baselines.append(baseline_round())
        seconds, events = extraction_round()
        extractions.append(seconds)
    baseline = statistics.median(baselines)
    extraction = statistics.median(extractions)

    print(
        f"articles                       : {len(lines)} ({events} events), median of {ROUNDS} rounds"
    )
    print(f"JSON parse + serialize baseline: {len(lines) / baseline:10.0f} articles/s")
    print(f"extraction (parse+extract+dump): {len(lines) / extraction:10.0f} articles/s")
    print(f"per article                    : {1000 * extraction / len(lines):10.2f} ms")


if __name__ == "__main__":
    main()
