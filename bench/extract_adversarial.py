"""Extraction time of adversarial 20 kB articles, beside a normal 20 kB article.

    .venv/bin/python bench/extract_adversarial.py

The target (from the issue): no article of 20 kB or less takes more than 50 ms. Each
adversarial article is one short unit repeated to 20 kB (number words, toll words,
"and", "a", "were", capitalized and Arabic-article names, 5,000-digit runs,
punctuation runs), with a trigger sentence in the middle so every stage of the
extractor runs on it; "one " * 5,000 is also timed on its own, as the issue reported it.
The normal article is the gold set's and the seeds' copy, one paragraph per article,
joined to 20 kB.

Each article's time is the fastest of ROUNDS runs on one core, after the gazetteer is
loaded (a worker loads it once at start-up) and the text caches emptied. Prints every article's time, the worst
beside the normal one, and whether the target holds; exits 1 when it does not.
tests/test_extraction_properties.py checks the same shapes against a looser budget.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.seeds import load_seed, seed_files
from processors.extraction import extract_events
from processors.extraction.gazetteer import get_gazetteer
from processors.extraction.textcache import forget_texts
from schemas.article import Article

ROOT = Path(__file__).resolve().parents[1]
SIZE = 20_000  # bytes
TARGET_SECONDS = 0.050
ROUNDS = 3
TITLE = "Gunmen kill 12 villagers in Zamfara"
TRIGGER = " Gunmen killed 12 villagers in Zamfara state on Monday, police said. "
UNITS = {
    "number word": "one ",
    "number words": "two hundred and ",
    "vague count": "dozens of ",
    "toll word": "killed ",
    "count and toll": "one killed ",
    "toll words": "killed and wounded and ",
    "at least": "at least ",
    "no one": "no one ",
    "and": "and ",
    "a": "a ",
    "were": "were ",
    "a were": "a were ",
    "were killed": "were killed ",
    "seven soldiers and": "seven soldiers and ",
    "capitalized names": "Ganja Kyiv Debre Markos ",
    "capitalized word": "Ab ",
    "capitals": "AB ",
    "Al": "Al ",
    "al-": "al-",
    "al-Name": "al-Sham ",
    "al-Name-": "al-Sham-",
    "Name-": "Sham-",
    "Name-el-": "Sham-el-",
    "apostrophe name": "Sa' ",
    "apostrophe names chained": "Sa'",
    "In Place,": "In Kherson, ",
    "Separately,": "Separately, ",
    "since Sept. 27": "since Sept. 27 ",
    "on Sunday": "on Sunday ",
    "region": "Zamfara state ",
    "dateline": "IMPHAL - ",
    "5,000 digits": "9" * 5000 + " ",
    "digits and commas": "1,",
    "full stops": ". ",
    "commas": ",",
    "dashes": "- ",
    "parentheses": "(",
    "apostrophes": "'",
    "newlines": "\n",
    "trigger sentence": TRIGGER.lstrip(),
}


def _fill(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _article(title: str, text: str) -> Article:
    text = text.encode("utf-8")[:SIZE].decode("utf-8", errors="ignore")
    return Article(
        id="c" * 32,
        url="https://bench.invalid/adversarial",
        title=title,
        text=text,
        source="bench",
        published=dt.datetime(2024, 3, 12, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))),
    )


def adversarial_articles() -> dict[str, Article]:
    articles = {"'one ' * 5000, alone": _article(TITLE, "one " * 5000)}
    for name, unit in UNITS.items():
        half = _fill(unit, (SIZE - len(TRIGGER)) // 2)
        articles[name] = _article(TITLE, half + TRIGGER + half)
    return articles


def normal_article() -> Article:
    seeds = [
        load_seed(path)
        for directory in (ROOT / "tests" / "gold", ROOT / "seeds")
        for path in seed_files(directory)
    ]
    paragraphs = [" ".join(seed.text.split()) for seed in seeds if seed.text.strip()]
    text = ""
    while len(text.encode("utf-8")) < SIZE:
        text += "\n".join(paragraphs) + "\n"
    return _article(seeds[0].title, text)


def seconds(article: Article) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        forget_texts()  # what a worker pays for a text it has never read
        start = time.perf_counter()
        extract_events(article)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    get_gazetteer()
    normal = normal_article()
    extract_events(normal)  # warm-up: patterns compiled, caches filled

    times = {name: seconds(article) for name, article in adversarial_articles().items()}
    normal_seconds = seconds(normal)
    width = max(map(len, times))
    print(
        f"{len(times)} adversarial articles of {SIZE:,} bytes, fastest of {ROUNDS} runs each, one core"
    )
    for name, value in sorted(times.items(), key=lambda item: -item[1]):
        print(f"  {name:<{width}}  {1000 * value:8.1f} ms")
    worst_name = max(times, key=times.__getitem__)
    worst = times[worst_name]
    print(f"worst adversarial article: {1000 * worst:8.1f} ms ({worst_name})")
    print(f"normal 20 kB article     : {1000 * normal_seconds:8.1f} ms")
    verdict = "holds" if worst <= TARGET_SECONDS else "missed"
    print(f"target <= {1000 * TARGET_SECONDS:.0f} ms per article: {verdict}")
    sys.exit(0 if worst <= TARGET_SECONDS else 1)


if __name__ == "__main__":
    main()
