"""Language detection on labelled real text: how many non-English items are skipped (and
under their own language), how many English ones would be lost, and what it costs.

    .venv/bin/python bench/languages.py [EVAL_DIR]

EVAL_DIR defaults to shared/eval/real beside the repository, or beside the folder of
worktrees it is in (its README says where
each folder comes from; nothing of it is copied here). The other-language folders carry
each item's language in ``truth.language``; the English folders are headlines and
Wikipedia items. Floors: >= 98 % of the non-English items skipped, and no more than
0.05 % of the English ones. Note: the Spanish, French, Ukrainian and Russian folders were
selected upstream with py3langid itself (the same model), so their figures flatter it;
the ITN blurbs (language = the Wikipedia edition) are the independent test. Says so and
exits 0 when the folder is absent.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from infra.language import detect_language, is_read

ROOT = Path(__file__).resolve().parents[1]
OTHER = (
    "ucdp-ged-mexico-es",
    "ucdp-ged-car-fr",
    "viina-ukraine-2022-2023",
    "itn-blurbs-multilingual",
)
ENGLISH = (
    "ucdp-ged-syria-2016-2019",
    "ucdp-ged-myanmar",
    "ucdp-ged-nigeria",
    "wcep-current-events-2010-2020",
)
ENGLISH_BASED = {"sco"}  # Scots blurbs: read as English, rightly; left out of the shares
SKIPPED_FLOOR = 0.98
LOST_CEILING = 0.0005


def items(folder: Path) -> list[dict]:
    with (folder / "articles.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def main() -> int:
    beside = [up / "shared" / "eval" / "real" for up in (ROOT.parent, ROOT.parent.parent)]
    base = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else next((path for path in beside if path.is_dir()), beside[0])
    )
    if not all((base / name / "articles.jsonl").is_file() for name in OTHER + ENGLISH):
        print(f"{base}: the labelled folders are not there; nothing measured")
        return 0
    detect_language("warm the model up before timing")
    seconds = 0.0
    count = 0
    print(f"{'folder':34} {'items':>6} {'skipped':>8} {'as labelled':>11}")
    skipped_all = labelled_all = total_other = 0
    for name in OTHER:
        found = Counter()
        skipped = labelled = total = 0
        for item in items(base / name):
            truth = item["truth"]["language"]
            start = time.process_time()
            language = detect_language(item["title"], item.get("text") or "")
            seconds += time.process_time() - start
            count += 1
            if truth in ENGLISH_BASED:
                continue
            total += 1
            if not is_read(language):
                skipped += 1
                labelled += language == truth.split("-")[0]
                found[language] += 1
        print(f"{name:34} {total:>6} {skipped / total:>8.2%} {labelled / total:>11.2%}")
        skipped_all, labelled_all, total_other = (
            skipped_all + skipped,
            labelled_all + labelled,
            total_other + total,
        )
    lost_all = total_english = 0
    for name in ENGLISH:
        lost = Counter()
        folder = items(base / name)
        for item in folder:
            start = time.process_time()
            language = detect_language(item["title"], item.get("text") or "")
            seconds += time.process_time() - start
            count += 1
            if not is_read(language):
                lost[language] += 1
        total_english += len(folder)
        lost_all += sum(lost.values())
        shown = ", ".join(f"{k} {v}" for k, v in lost.most_common()) or "none"
        print(f"{name:34} {len(folder):>6} {sum(lost.values()) / len(folder):>8.2%}   ({shown})")
    skipped_share = skipped_all / total_other
    lost_share = lost_all / total_english
    print(
        f"non-English skipped: {skipped_share:.2%} of {total_other} (floor {SKIPPED_FLOOR:.0%}); "
        f"under their labelled language: {labelled_all / total_other:.2%}"
    )
    print(
        f"English skipped (lost): {lost_all} of {total_english} = {lost_share:.3%} "
        f"(ceiling {LOST_CEILING:.2%})"
    )
    print(f"detection: {seconds / count * 1000:.3f} ms of CPU per item on average ({count} items)")
    return 0 if skipped_share >= SKIPPED_FLOOR and lost_share <= LOST_CEILING else 1


if __name__ == "__main__":
    sys.exit(main())
