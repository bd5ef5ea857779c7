"""Extraction speed on one core, the working tree beside the code before the extraction
work, in one go.

    .venv/bin/python bench/extract.py [REPEAT_TO] [--baseline REV | --no-baseline]

Uses the gold set (tests/gold/) and seeds/ of the working tree, repeated to at least
REPEAT_TO articles (default 2,000). Each side (the working tree, and REV exported with git
archive; default 5822043, before issue 11) runs in its own process pinned to the same
core, with its gazetteer loaded before timing (a worker loads it once at start-up). The
sides take turns, round by round, so a noisy moment on the machine falls on both; each
figure is the median of its rounds. The text caches are emptied before each article, as
a worker never reads the same text twice. Beside extraction, the cost of only parsing and
re-serializing the same articles as JSON (the floor any stage pays) is timed too.
Rates are given per second of wall time and per second of the side's own CPU time; the
floor is judged on the latter, which other processes sharing the core do not inflate.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from revision import BEFORE_EXTRACTION_WORK, export_revision, resolve_revision, revision_env

from ingest.seeds import load_seed, seed_files

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 5
FLOOR = 500  # articles/s on one core (issue 11)

# Run by each side's interpreter with that side's tree first on PYTHONPATH. It reads the
# articles, says "ready", then times one round per command read from stdin ("json" or
# "extract") and answers each with a JSON line.
SIDE = r"""
import json, sys, time
from processors.extraction import extract_events
from processors.extraction.gazetteer import get_gazetteer
from schemas.article import Article

try:  # a worker never reads a text twice: each repeat of an article is timed cold
    from processors.extraction.textcache import forget_texts
except ImportError:  # a tree from before the text caches has nothing to forget
    def forget_texts():
        pass

lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
get_gazetteer()
print("ready", flush=True)
for command in sys.stdin:
    start, cpu = time.perf_counter(), time.process_time()
    events = 0
    if command.strip() == "json":
        for line in lines:
            Article.model_validate_json(line).model_dump_json()
    else:
        for line in lines:
            forget_texts()
            found = extract_events(Article.model_validate_json(line))
            events += len(found)
            json.dumps([m.model_dump(mode="json") for m in found])
    print(json.dumps({
        "seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu, "events": events,
    }), flush=True)
"""


class Side:
    """One tree's process, answering timing requests."""

    def __init__(self, name: str, tree: Path, commit: str | None, lines: Path, core: int) -> None:
        self.name = name
        self.process = subprocess.Popen(
            [sys.executable, "-c", SIDE, str(lines)],
            cwd=tree,
            env=revision_env(tree, commit),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            preexec_fn=lambda: os.sched_setaffinity(0, {core}),
        )
        self.times: dict[str, list[float]] = {"json": [], "extract": []}
        self.cpu: dict[str, list[float]] = {"json": [], "extract": []}
        self.events = 0
        if self._read() != "ready":
            raise SystemExit(f"bench/extract: the {name} side did not start (see above)")

    def _read(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"bench/extract: the {self.name} side stopped (see above)")
        return line.strip()

    def time(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        answer = json.loads(self._read())
        self.times[command].append(answer["seconds"])
        self.cpu[command].append(answer["cpu"])
        self.events = max(self.events, answer["events"])

    def rate(self, command: str, articles: int) -> float:
        return articles / statistics.median(self.times[command])

    def cpu_rate(self, command: str, articles: int) -> float:
        """Articles per second of the side's own CPU time: what the core gives it, even
        when other processes share that core (wall time then counts their turns too)."""
        return articles / statistics.median(self.cpu[command])

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=30)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repeat_to", nargs="?", type=int, default=2000)
    parser.add_argument("--baseline", default=BEFORE_EXTRACTION_WORK, help="git revision")
    parser.add_argument("--no-baseline", action="store_true", help="time the working tree only")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    seeds = [
        load_seed(path)
        for directory in (ROOT / "tests" / "gold", ROOT / "seeds")
        for path in seed_files(directory)
    ]
    lines = [seed.model_dump_json(exclude_none=True) for seed in seeds] * (
        args.repeat_to // len(seeds) + 1
    )
    lines = lines[: max(args.repeat_to, len(seeds))]
    core = min(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory(prefix="wirewatch-bench-extract-") as work:
        articles = Path(work) / "articles.jsonl"
        articles.write_text("\n".join(lines) + "\n", encoding="utf-8")
        trees: list[tuple[str, Path, str | None]] = []
        if not args.no_baseline:
            commit = resolve_revision(args.baseline, "bench/extract")
            tree = Path(work) / "baseline"
            export_revision(commit, tree, "bench/extract")
            trees.append((f"before ({args.baseline})", tree, commit))
        trees.append(("after (working tree)", ROOT, None))
        print(f"bench/extract: {len(lines)} articles, {ROUNDS} rounds per side, core {core}")
        sides = [Side(name, tree, commit, articles, core) for name, tree, commit in trees]
        try:
            for number in range(1, ROUNDS + 1):
                for side in sides:
                    side.time("json")
                    side.time("extract")
                print(f"  round {number}/{ROUNDS} done", file=sys.stderr, flush=True)
        finally:
            for side in sides:
                side.close()
    width = max(len(side.name) for side in sides) + 2
    print(f"{'':34}" + "".join(f"{side.name:>{width}}" for side in sides))
    rows = (
        ("events found", lambda side: f"{side.events}"),
        ("JSON parse + serialize, articles/s", lambda s: f"{s.rate('json', len(lines)):.0f}"),
        ("extraction, articles/s", lambda s: f"{s.rate('extract', len(lines)):.0f}"),
        ("extraction, articles/CPU-s", lambda s: f"{s.cpu_rate('extract', len(lines)):.0f}"),
        (
            "per article, ms",
            lambda s: f"{1000 * statistics.median(s.times['extract']) / len(lines):.2f}",
        ),
    )
    for label, cell in rows:
        print(f"{label:34}" + "".join(f"{cell(side):>{width}}" for side in sides))
    after = sides[-1].cpu_rate("extract", len(lines))
    verdict = "PASS" if after >= FLOOR else "FAIL"
    print(
        f"floor: working tree >= {FLOOR} articles/s of one core's CPU time: {after:.0f}  {verdict}"
    )
    if os.getloadavg()[0] > 1.5:
        print(
            f"note: load average {os.getloadavg()[0]:.1f}: the wall-clock rates count other processes' turns"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
