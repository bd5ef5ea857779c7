"""Which corpus items the real-text gold set annotates, and which half each is in.

    python3 bench/gold_real/pick.py [CORPUS] > ids.tsv

Rule: per folder (and per WCEP group / WikiTimes category) a fixed number of items,
spread evenly over the strata (the year of the event, or the WikiTimes category): each
stratum gets an equal share, capped at its size, the surplus going to the others; within a
stratum the items are drawn with random.Random(SEED + stratum). The drawn items of each
stratum are then shuffled again and dealt alternately to "dev" and "heldout", so both
halves have the same mix. Prints "id<TAB>folder<TAB>stratum<TAB>split" lines, ids only.
Re-running it on the same corpus gives the same list.
"""

from __future__ import annotations

import json
import random
import sys
from collections import defaultdict
from pathlib import Path

SEED = 24
# ../shared/eval/real beside the repository (a worktree may sit one level deeper)
DEFAULT_CORPUS = next(
    (
        up / "shared" / "eval" / "real"
        for up in Path(__file__).resolve().parents[2:]
        if (up / "shared" / "eval" / "real").is_dir()
    ),
    Path(__file__).resolve().parents[3] / "shared" / "eval" / "real",
)

# (folder, group selector, how many, stratum of an item)
PLAN = (
    ("wcep-current-events-2010-2020", "conflict", 220, "year"),
    ("wcep-current-events-2010-2020", "negative", 40, "year"),
    ("wcep-current-events-2010-2020", "protest_keyword", 44, "year"),
    ("ucdp-ged-myanmar", None, 80, "year"),
    ("ucdp-ged-nigeria", None, 80, "year"),
    ("ucdp-ged-23.1-car", None, 40, "year"),
    ("wikitimes-cep-2015-09", "War_Conflict", 16, "category"),
    ("wikitimes-cep-2015-09", "other", 18, "category"),
)


def stratum_of(item: dict, how: str) -> str:
    truth = item.get("truth") or {}
    if how == "category":
        return str(truth.get("category"))
    return str(truth.get("portal_date") or truth.get("date_start") or "")[:4]


def in_group(item: dict, group: str | None) -> bool:
    truth = item.get("truth") or {}
    if group is None:
        return True
    if "group" in truth:
        return truth["group"] == group
    category = truth.get("category")
    return category == group if group != "other" else category != "War_Conflict"


def allocate(sizes: dict[str, int], total: int) -> dict[str, int]:
    """Equal shares over the strata, capped at each stratum's size (sorted keys first)."""
    shares = dict.fromkeys(sizes, 0)
    left = min(total, sum(sizes.values()))
    while left > 0:
        open_ = [key for key in sorted(sizes) if shares[key] < sizes[key]]
        for key in open_:
            if left == 0:
                break
            shares[key] += 1
            left -= 1
    return shares


def pick(corpus: Path) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    for folder, group, total, how in PLAN:
        strata: dict[str, list[str]] = defaultdict(list)
        with (corpus / folder / "articles.jsonl").open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    item = json.loads(line)
                    if in_group(item, group):
                        strata[stratum_of(item, how)].append(str(item["id"]))
        shares = allocate({key: len(ids) for key, ids in strata.items()}, total)
        for key in sorted(strata):
            label = f"{group or 'all'}/{key}"
            rng = random.Random(f"{SEED}/{folder}/{label}")
            chosen = rng.sample(sorted(strata[key]), shares[key])
            rng.shuffle(chosen)
            first = rng.choice(("dev", "heldout"))
            second = "heldout" if first == "dev" else "dev"
            for index, ident in enumerate(chosen):
                rows.append((ident, folder, label, first if index % 2 == 0 else second))
    return rows


if __name__ == "__main__":
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS
    for row in pick(corpus):
        print("\t".join(row))
