"""Parse every third-party feed in ../shared/eval/feeds and say what the collector makes of it.

Not a test (the material stays outside the repository); a check to run by hand:

    .venv/bin/python bench/eval_feeds.py [DIR]

Each file is parsed as the collector would (entity declarations refused, feedparser on
the bytes) and its entries normalized into Articles; the script prints a line per
failure, then totals, and exits 1 if anything crashed (a crash is a bug; a refusal or
a feed without usable entries is a verdict).
"""

from __future__ import annotations

import datetime as dt
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.feed_parse import FeedParseError, parse_feed
from ingest.normalize import EntryError, normalize_entry

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "feeds"


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    files = sorted(
        p for p in root.rglob("*") if p.is_file() and p.suffix in (".xml", ".rss", ".atom", ".rdf")
    )
    totals = {
        "files": 0,
        "feeds": 0,
        "refused": 0,
        "articles": 0,
        "entries_unusable": 0,
        "crashes": 0,
    }
    now = dt.datetime.now(dt.UTC)
    start = time.perf_counter()
    for path in files:
        totals["files"] += 1
        try:
            parsed = parse_feed(path.read_bytes(), f"https://eval.example/{path.name}")
        except FeedParseError as error:
            totals["refused"] += 1
            print(f"refused  {path.relative_to(root)}: {error}")
            continue
        except Exception:
            totals["crashes"] += 1
            print(f"CRASH    {path.relative_to(root)}\n{traceback.format_exc()}")
            continue
        totals["feeds"] += 1
        for entry in parsed.entries:
            try:
                normalize_entry(
                    entry,
                    source=parsed.title or "",
                    feed_url="https://eval.example/",
                    feed_language=parsed.language,
                    fetched_at=now,
                )
                totals["articles"] += 1
            except EntryError:
                totals["entries_unusable"] += 1
            except Exception:
                totals["crashes"] += 1
                print(f"CRASH    {path.relative_to(root)} entry\n{traceback.format_exc()}")
    elapsed = time.perf_counter() - start
    print(" ".join(f"{k}={v}" for k, v in totals.items()), f"seconds={elapsed:.1f}")
    return 1 if totals["crashes"] else 0


if __name__ == "__main__":
    sys.exit(main())
