"""The extractor on real third-party news, before and after: the working tree beside a
baseline revision, over the corpus in ../shared/eval/real (kept outside the repository).

    .venv/bin/python bench/eval_real.py [--baseline REV] [--only NAME] [--limit N]
                                        [--labels FILE] [--keep DIR] [--misses N] [--strict]

Each folder's articles.jsonl is extracted twice, once by the code at REV (default
5822043, before the current extraction work; exported with git archive into a temporary
directory) and once by the working tree, each in its own process with the same
interpreter, the two side by side. The outputs are scored by the corpus's own score.py
and printed as one table per folder, before and after:

  * every folder: the share of items with at least one event, events per item, the
    top sub-event types, lines that failed, and articles/s (extract_events alone, the
    gazetteer loaded before timing; rough, as the two sides share the machine);
  * UCDP GED folders (ucdp-*), each over all truth items: country, date within one
    day, place within 50 km, fatalities == best, and country + date + 50 km on one
    event, with score.py's exact dates and with the ±1 day the acceptance figure uses
    (the latter computed here, as score.py reports only the strict one); and the right
    country among the items with an event;
  * folders with conflict labels: items with at least one event, by label.

The hand-annotated gold set (bench/gold_real/labels.jsonl: ids and labels only; the text
is read from the corpus) is run as one more input, whole even under --limit, and scored
by bench/gold_score.py on each side: per split (dev, heldout), per folder and per country,
the event found rate, false events, sub-type right and macro F1 given an event, place
within 50 km, admin1 and country right. `--only gold` runs the gold set alone (about two
minutes); `--only NAME` without "gold" leaves it out.

An acceptance block for the working tree ends the report: issue 24's floors (FLOORS
below: UCDP Syria, Myanmar and Nigeria; the gold heldout split; WCEP conflict; false
events on WCEP negatives, WikiTimes non-conflict and Wikinews). It is informational: the
exit status is 0 unless --strict is given and a check fails. --misses N prints N Syria
items and N WCEP conflict items the working tree found no event in, picked at random
with a fixed seed.

If the corpus folder is absent the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gold_score import GoldScores, score_gold
from revision import BEFORE_EXTRACTION_WORK, export_revision, resolve_revision, revision_env

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from infra.geo import distance_km

ROOT = Path(__file__).resolve().parents[1]
# ../shared/eval/real beside the repository; a worktree may sit a level deeper
DEFAULT_CORPUS = next(
    (
        up / "shared" / "eval" / "real"
        for up in ROOT.parents
        if (up / "shared" / "eval" / "real").is_dir()
    ),
    ROOT.parent / "shared" / "eval" / "real",
)
GOLD = "gold"  # the annotated items, run as one more folder
GOLD_LABELS = ROOT / "bench" / "gold_real" / "labels.jsonl"
GOLD_SPLITS = ("dev", "heldout")
MIN_PER_COUNTRY = 8  # labelled events a country needs for its own rows
SIDES = ("before", "after")
NEAR_KM = 50.0
TOP_SUB_EVENTS = 5
LABEL_WIDTH = 56
COLUMN_WIDTH = 9

# Run by each side's interpreter with that side's tree first on PYTHONPATH.
# argv: side name, the tree it must import from, jobs JSON, stats JSON.
WORKER = r"""
import hashlib, json, sys, time
from pathlib import Path
from urllib.parse import quote

side, tree, jobs_path, stats_path = sys.argv[1:5]
import processors.extraction
from processors.extraction import extract_events
from processors.extraction.gazetteer import get_gazetteer
from schemas.article import Article

where = Path(processors.extraction.__file__).resolve()
if not where.is_relative_to(Path(tree).resolve()):
    sys.exit(f"[{side}] imported the extractor from {where}, not from {tree}")
get_gazetteer()  # loaded before any timing
HEX = set("0123456789abcdef")


def say(message):  # one write per line: the two sides share the terminal
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


stats = {}
for job in json.loads(Path(jobs_path).read_text()):
    name = job["name"]
    say(f"[{side}] {name}: {job['items']} items ...")
    done = failed = 0
    seconds = 0.0
    with open(job["input"], encoding="utf-8") as src, open(job["output"], "w", encoding="utf-8") as out:
        for number, line in enumerate(src, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                raw = str(record["id"])
                fields = {key: record[key] for key in ("title", "text", "published", "url", "source")
                          if record.get(key) is not None}
                # As `wirewatch extract` does: Article wants a 32-hex id and a URL, and
                # corpus ids are not hex and most items have no URL.
                fields["id"] = raw if len(raw) == 32 and set(raw) <= HEX else hashlib.sha256(
                    f"offline:{raw}".encode()).hexdigest()[:32]
                fields.setdefault("url", "https://offline.invalid/" + quote(raw, safe=""))
                article = Article.model_validate_json(json.dumps(fields))
                start = time.perf_counter()
                mentions = extract_events(article)
                seconds += time.perf_counter() - start
                events = [mention.model_dump(mode="json") for mention in mentions]
            except Exception as error:
                failed += 1
                message = " ".join(f"{type(error).__name__}: {error}".split())[:300]
                say(f"[{side}] {name}:{number}: {message}")
                continue
            out.write(json.dumps({"id": record["id"], "events": events}, ensure_ascii=False) + "\n")
            done += 1
    stats[name] = {"done": done, "failed": failed, "seconds": seconds}
    Path(stats_path).write_text(json.dumps(stats))
    rate = done / seconds if seconds else 0.0
    say(f"[{side}] {name}: done, {done} extracted, {failed} failed, {rate:.0f} articles/s")
"""


def note(message: str) -> None:
    sys.stderr.write(f"eval_real: {message}\n")
    sys.stderr.flush()


@dataclass
class Folder:
    name: str
    source: Path  # the corpus's articles.jsonl
    input: Path  # what both sides read and score.py scores (source, or its first N lines)
    items: int
    reports: dict[str, dict[str, Any]] = field(default_factory=dict)
    stats: dict[str, dict[str, float]] = field(default_factory=dict)
    outputs: dict[str, Path] = field(default_factory=dict)


# --- running the two sides -------------------------------------------------------------


def start_worker(
    side: str, tree: Path, jobs: Path, stats: Path, commit: str | None
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, side, str(tree), str(jobs), str(stats)],
        cwd=tree,
        env=revision_env(tree, commit),
        stdout=subprocess.DEVNULL,
    )


def run_sides(folders: list[Folder], trees: dict[str, Path], work: Path, commit: str) -> None:
    """Both sides at once, each over every folder in turn; fills each folder's stats."""
    processes: dict[str, subprocess.Popen[bytes]] = {}
    stats_files: dict[str, Path] = {}
    try:
        for side in SIDES:
            jobs = work / f"jobs-{side}.json"
            jobs.write_text(
                json.dumps(
                    [
                        {
                            "name": f.name,
                            "items": f.items,
                            "input": str(f.input),
                            "output": str(f.outputs[side]),
                        }
                        for f in folders
                    ]
                )
            )
            stats_files[side] = work / f"stats-{side}.json"
            exported = commit if side == "before" else None
            processes[side] = start_worker(side, trees[side], jobs, stats_files[side], exported)
        broken = [side for side, process in processes.items() if process.wait() != 0]
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
                process.wait()
    if broken:
        raise SystemExit(f"eval_real: the {' and '.join(broken)} worker failed (see above)")
    for side in SIDES:
        stats = json.loads(stats_files[side].read_text())
        for folder in folders:
            folder.stats[side] = stats[folder.name]


def python3() -> str:
    return shutil.which("python3") or sys.executable


def score(folders: list[Folder], scorer: Path, keep: Path | None) -> None:
    """score.py --json on every output, two at a time."""
    tasks = [(folder, side) for folder in folders for side in SIDES]
    lock = threading.Lock()
    errors: list[str] = []

    def work() -> None:
        while True:
            with lock:
                if not tasks:
                    return
                folder, side = tasks.pop(0)
            done = subprocess.run(
                [python3(), scorer.name, str(folder.input), str(folder.outputs[side]), "--json"],
                cwd=scorer.parent,
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                errors.append(f"{folder.name} ({side}): {done.stderr.strip()}")
                continue
            folder.reports[side] = json.loads(done.stdout)
            if keep is not None:
                (keep / f"{folder.name}.{side}.score.json").write_text(done.stdout)

    note(f"scoring {len(tasks)} outputs with {scorer}")
    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit("eval_real: score.py failed:\n" + "\n".join(errors))


# --- reading the outputs ---------------------------------------------------------------


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def events_by_id(path: Path) -> dict[str, list[dict[str, Any]]]:
    return {str(row.get("id")): row.get("events") or [] for row in read_jsonl(path)}


def day(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def ged_on_one_event(
    items: list[dict[str, Any]], events: dict[str, list[dict[str, Any]]], slack_days: int
) -> tuple[int, int]:
    """(items, GED truth items) where one event has the country, a date within
    date_start - slack .. date_end + slack, and a place within 50 km of the truth."""
    slack = dt.timedelta(days=slack_days)
    hits = total = 0
    for item in items:
        truth = item.get("truth") or {}
        if not truth.get("date_start"):
            continue
        total += 1
        start, end = day(truth["date_start"]), day(truth.get("date_end") or truth["date_start"])
        if start is None or end is None:
            continue
        accept = truth.get("country_iso2_accept") or [truth.get("country_iso2")]
        for event in events.get(str(item["id"])) or []:
            when, place = day(event.get("event_date")), event.get("location")
            if (
                event.get("country") in accept
                and when is not None
                and start - slack <= when <= end + slack
                and place
                and distance_km(place["lat"], place["lon"], truth["latitude"], truth["longitude"])
                <= NEAR_KM
            ):
                hits += 1
                break
    return hits, total


# --- the table ---------------------------------------------------------------------------

RATIO = re.compile(r"^\s*(\d+)/(\d+)")


def ratio(value: object, key: str = "of all truth items") -> tuple[int, int] | None:
    """score.py's "n/d = p%" as (n, d); of a {key: "n/d = p%"} block, the one under KEY."""
    if isinstance(value, dict):
        value = value.get(key)
    match = RATIO.match(value) if isinstance(value, str) else None
    return (int(match[1]), int(match[2])) if match else None


def share(value: tuple[int, int] | None) -> float | None:
    return 100.0 * value[0] / value[1] if value and value[1] else None


@dataclass
class Row:
    label: str
    before: float | None
    after: float | None
    kind: str = "pct"  # pct, count, mean, rate, or "" for a heading

    def render(self) -> str:
        if not self.kind:
            return self.label
        cells = [self.cell(self.before), self.cell(self.after), self.change()]
        return f"{self.label:<{LABEL_WIDTH}}" + "".join(f"{c:>{COLUMN_WIDTH}}" for c in cells)

    def cell(self, value: float | None) -> str:
        if value is None:
            return "-"
        return {
            "pct": f"{value:.1f}%",
            "count": f"{value:.0f}",
            "mean": f"{value:.3f}",
            "rate": f"{value:,.0f}",
        }[self.kind]

    def change(self) -> str:
        if self.before is None or self.after is None or self.kind == "rate":
            return ""
        delta = self.after - self.before
        return {"pct": f"{delta:+.1f}", "count": f"{delta:+.0f}", "mean": f"{delta:+.3f}"}[
            self.kind
        ]


def pair(
    folder: Folder, read: Callable[[dict[str, Any]], float | None]
) -> tuple[float | None, float | None]:
    """One figure of score.py's report, before and after."""
    return read(folder.reports["before"]), read(folder.reports["after"])


STRICT_KEY = "country+date+50 km on one event"


def ged_block(report: dict[str, Any]) -> dict[str, Any]:
    return report.get("UCDP GED truth (any extracted event may match)") or {}


def folder_rows(folder: Folder, items: list[dict[str, Any]]) -> list[Row]:
    rows = [
        Row(
            "  items with >=1 event",
            *pair(folder, lambda r: share(ratio(r.get("items with >=1 event")))),
        ),
        Row("  events per item", *pair(folder, lambda r: r.get("events per item (mean)")), "mean"),
    ]
    if folder.name.startswith("ucdp-") and ged_block(folder.reports["after"]):
        truth_items = ged_block(folder.reports["after"]).get("truth items")
        rows.append(
            Row(f"  UCDP GED truth, share of all {truth_items} truth items:", None, None, "")
        )
        for label, key in (
            ("country", "country match"),
            ("date within date_start-1..date_end+1", "date within date_start-1..date_end+1"),
            ("place within 50 km", "location within 50 km"),
            ("fatalities == best", "fatalities == best"),
            ("country+exact date+50 km on one event", STRICT_KEY),
        ):
            rows.append(
                Row(
                    f"    {label}",
                    *pair(folder, lambda r, k=key: share(ratio(ged_block(r).get(k)))),
                )
            )
        rows.append(
            Row(
                "    country, of items with an event",
                *pair(
                    folder,
                    lambda r: share(
                        ratio(ged_block(r).get("country match"), "of items with events")
                    ),
                ),
            )
        )
        lenient = []
        for side in SIDES:
            events = events_by_id(folder.outputs[side])
            # the exact-date count must agree with score.py's, or the ±1 one is suspect
            theirs = ratio(ged_block(folder.reports[side]).get(STRICT_KEY))
            if theirs and ged_on_one_event(items, events, 0)[0] != theirs[0]:
                note(f"{folder.name} ({side}): country+date+50 km differs from score.py's")
            lenient.append(share(ged_on_one_event(items, events, 1)))
        rows.append(Row("    country+date(±1)+50 km on one event", *lenient))
    labels = {
        side: {
            g: ratio(v)
            for g, v in (folder.reports[side].get("items with >=1 event, by label") or {}).items()
        }
        for side in SIDES
    }
    if labels["after"]:
        rows.append(Row("  items with >=1 event, by label:", None, None, ""))
        for group, value in labels["after"].items():
            size = value[1] if value else "?"
            rows.append(
                Row(f"    {group} ({size})", share(labels["before"].get(group)), share(value))
            )
    subs = {side: folder.reports[side].get("sub_event_type (all events)") or {} for side in SIDES}
    top = {name for side in SIDES for name in list(subs[side])[:TOP_SUB_EVENTS]}
    if top:
        rows.append(Row(f"  top {TOP_SUB_EVENTS} sub_event_types (events):", None, None, ""))
        for name in sorted(
            top, key=lambda n: (-subs["after"].get(n, 0), -subs["before"].get(n, 0), n)
        ):
            rows.append(
                Row(f"    {name}", subs["before"].get(name, 0), subs["after"].get(name, 0), "count")
            )
    rates = [
        s["done"] / s["seconds"] if s["seconds"] else None
        for s in (folder.stats[side] for side in SIDES)
    ]
    rows.append(Row("  articles/s (extract_events only)", *rates, "rate"))
    rows.append(Row("  lines that failed", *(folder.stats[s]["failed"] for s in SIDES), "count"))
    return rows


def print_table(folder: Folder, rows: list[Row]) -> None:
    title = f"{folder.name} ({folder.items} items)"
    header = "".join(f"{c:>{COLUMN_WIDTH}}" for c in ("before", "after", "change"))
    print(f"{title:<{LABEL_WIDTH}}{header}")
    for row in rows:
        print(row.render())
    print()


# --- acceptance and misses ----------------------------------------------------------------


def find(folders: list[Folder], prefix: str) -> Folder | None:
    return next((f for f in folders if f.name.startswith(prefix)), None)


# (name, table, row label prefix, op, bound): the floors of issue 24, on the working tree
FLOORS: tuple[tuple[str, str, str, str, float], ...] = (
    ("UCDP Syria: country+date(±1)+50 km", "ucdp-ged-syria", "country+date(±1)+50 km", ">=", 70),
    ("UCDP Syria: event found", "ucdp-ged-syria", "items with >=1 event", ">=", 87),
    ("UCDP Myanmar: event found", "ucdp-ged-myanmar", "items with >=1 event", ">=", 80),
    ("UCDP Myanmar: country, given an event", "ucdp-ged-myanmar", "country, of items", ">=", 90),
    ("UCDP Myanmar: country+date(±1)+50 km", "ucdp-ged-myanmar", "country+date(±1)", ">=", 40),
    ("UCDP Nigeria: event found", "ucdp-ged-nigeria", "items with >=1 event", ">=", 80),
    ("UCDP Nigeria: country, given an event", "ucdp-ged-nigeria", "country, of items", ">=", 90),
    ("UCDP Nigeria: country+date(±1)+50 km", "ucdp-ged-nigeria", "country+date(±1)", ">=", 40),
    ("gold heldout: sub-type, given an event", "gold heldout", "sub-type right", ">=", 85),
    ("gold heldout: place within 50 km", "gold heldout", "place within 50 km", ">=", 85),
    ("gold heldout: admin1 right", "gold heldout", "admin1 right", ">=", 90),
    ("WCEP conflict: event found", "wcep-", "conflict (", ">=", 76),
    ("WCEP negatives: false events", "wcep-", "negative (", "<=", 2),
    ("WikiTimes non-conflict: false events", "wikitimes-", "non-conflict (", "<=", 5),
    ("Wikinews: false events", "wikinews-", "items with >=1 event", "<=", 1.1),
)


def find_row(tables: dict[str, list[Row]], table: str, label: str) -> Row | None:
    """The first figure row whose label starts with LABEL, in the table named TABLE (or
    whose name starts with it)."""
    name = next((n for n in tables if n == table or n.startswith(table)), None)
    rows = tables[name] if name else []
    return next((r for r in rows if r.kind and r.label.strip().startswith(label)), None)


def acceptance(tables: dict[str, list[Row]], limited: bool) -> bool:
    """Print the floors on the working tree (before for reference); True when none fails.

    A figure meets its floor at the printed precision (0.1 %)."""
    title = "acceptance (working tree" + (", --limit items only)" if limited else ")")
    print(f"{title:<{LABEL_WIDTH}}{'before':>{COLUMN_WIDTH}}{'after':>{COLUMN_WIDTH}}")
    passed = True
    for name, table, label, op, bound in FLOORS:
        row = find_row(tables, table, label)
        text = f"  {name} {op} {bound:g}%"
        if row is None or row.after is None:
            print(f"{text:<{LABEL_WIDTH}}{'-':>{COLUMN_WIDTH}}{'-':>{COLUMN_WIDTH}}  n/a (not run)")
            continue
        shown = round(row.after, 1)  # compared as printed: 1/90 = 1.1 % meets "<= 1.1 %"
        ok = shown >= bound if op == ">=" else shown <= bound
        passed = passed and ok
        print(
            f"{text:<{LABEL_WIDTH}}{row.cell(row.before):>{COLUMN_WIDTH}}"
            f"{row.cell(row.after):>{COLUMN_WIDTH}}  {'PASS' if ok else 'FAIL'}"
        )
    return passed


# --- the annotated gold set ----------------------------------------------------------------


@dataclass
class Gold:
    labels: list[dict[str, Any]]
    truths: dict[str, dict[str, Any]]  # corpus truth of each labelled id (UCDP coordinates)
    folder: Folder


def load_gold(corpus: Path, labels_path: Path, work: Path) -> Gold | None:
    """The labelled items' corpus records, written as one input file both sides read."""
    if not labels_path.is_file():
        note(f"no gold labels at {labels_path}; skipping the gold set")
        return None
    labels = list(read_jsonl(labels_path))
    wanted = {str(label["id"]) for label in labels}
    records: dict[str, dict[str, Any]] = {}
    for name in sorted({str(label["folder"]) for label in labels}):
        source = corpus / name / "articles.jsonl"
        if not source.is_file():
            note(f"gold: {source} is missing; its labelled items are skipped")
            continue
        for record in read_jsonl(source):
            if str(record.get("id")) in wanted:
                records[str(record["id"])] = record
    missing = len(wanted) - len(records)
    if missing:
        note(f"gold: {missing} labelled ids not found in the corpus; they are skipped")
    labels = [label for label in labels if str(label["id"]) in records]
    target = work / "input" / f"{GOLD}.jsonl"
    target.parent.mkdir(exist_ok=True)
    with target.open("w", encoding="utf-8") as out:
        for label in labels:
            out.write(json.dumps(records[str(label["id"])], ensure_ascii=False) + "\n")
    truths = {ident: record.get("truth") or {} for ident, record in records.items()}
    return Gold(labels, truths, Folder(GOLD, labels_path, target, len(labels)))


def gold_figures(scores: dict[str, GoldScores], indent: str = "  ") -> list[Row]:
    """Rows of one set of labels, before and after; counts are the working tree's."""
    before, after = scores["before"], scores["after"]

    def row(label: str, read: Callable[[GoldScores], tuple[int, int]]) -> Row:
        hits, total = read(after)
        return Row(f"{indent}{label} ({hits}/{total})", share(read(before)), share(read(after)))

    f1 = [s.macro_f1 * 100 if s.macro_f1 is not None else None for s in (before, after)]
    return [
        row("event found", lambda s: s.found),
        row("false events", lambda s: s.false_events),
        row("sub-type right, given an event", lambda s: s.sub_type),
        Row(f"{indent}sub-type macro F1 x100, given an event", *f1, "mean"),
        row("place within 50 km, given an event", lambda s: s.place),
        row("admin1 right, given an event", lambda s: s.admin1),
        row("country right, given an event", lambda s: s.country),
    ]


def gold_tables(gold: Gold) -> dict[str, list[Row]]:
    """One table per split, then per folder and per country (both splits together)."""
    events = {side: events_by_id(gold.folder.outputs[side]) for side in SIDES}

    def scores(labels: list[dict[str, Any]]) -> dict[str, GoldScores]:
        return {side: score_gold(labels, events[side], gold.truths) for side in SIDES}

    tables = {
        f"{GOLD} {split}": gold_figures(scores([g for g in gold.labels if g["split"] == split]))
        for split in GOLD_SPLITS
    }
    by_folder: list[Row] = []
    for name in sorted({str(g["folder"]) for g in gold.labels}):
        chosen = [g for g in gold.labels if g["folder"] == name]
        by_folder.append(Row(f"  {name} ({len(chosen)})", None, None, ""))
        by_folder += gold_figures(scores(chosen), "    ")
    tables[f"{GOLD} by folder, dev+heldout"] = by_folder
    counts: dict[str, int] = {}
    for label in gold.labels:
        if label.get("event") and label.get("country"):
            counts[label["country"]] = counts.get(label["country"], 0) + 1
    by_country: list[Row] = []
    for country in sorted(counts, key=lambda c: (-counts[c], c)):
        if counts[country] < MIN_PER_COUNTRY:
            continue
        chosen = [g for g in gold.labels if g.get("event") and g.get("country") == country]
        by_country.append(Row(f"  {country} ({len(chosen)} with an event)", None, None, ""))
        figures = gold_figures(scores(chosen), "    ")
        by_country += [r for r in figures if not r.label.strip().startswith("false events")]
    tables[f"{GOLD} by country (>= {MIN_PER_COUNTRY} events), dev+heldout"] = by_country
    return tables


def print_rows(title: str, rows: list[Row]) -> None:
    header = "".join(f"{c:>{COLUMN_WIDTH}}" for c in ("before", "after", "change"))
    print(f"{title:<{LABEL_WIDTH}}{header}")
    for row in rows:
        print(row.render())
    print()


def print_misses(folders: list[Folder], count: int, seed: int) -> None:
    picks = (
        ("UCDP GED Syria", "ucdp-ged-syria", lambda truth: True),
        ("WCEP conflict", "wcep-", lambda truth: truth.get("group") == "conflict"),
    )
    for title, prefix, wanted in picks:
        folder = find(folders, prefix)
        if folder is None:
            print(f"{title}: folder not run\n")
            continue
        events = events_by_id(folder.outputs["after"])
        pool = [
            item
            for item in read_jsonl(folder.input)
            if wanted(item.get("truth") or {}) and not events.get(str(item["id"]))
        ]
        chosen = random.Random(seed).sample(pool, min(count, len(pool)))
        print(
            f"{title}: {len(pool)} items without an event in the working tree; "
            f"{len(chosen)} at random (seed {seed}):"
        )
        for item in chosen:
            print(f"  - {item.get('title')}")
        print()


# --- main --------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the corpus folder")
    parser.add_argument(
        "--baseline", default=BEFORE_EXTRACTION_WORK, help="git revision to compare with"
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help=f"folders to run (name or prefix; repeat or separate with commas); "
        f"{GOLD} = the annotated items",
    )
    parser.add_argument(
        "--limit", type=int, default=0, metavar="N", help="first N items per folder"
    )
    parser.add_argument(
        "--labels", type=Path, default=GOLD_LABELS, help="the annotated gold labels (JSONL)"
    )
    parser.add_argument("--keep", type=Path, metavar="DIR", help="write outputs and scores here")
    parser.add_argument(
        "--misses", type=int, default=0, metavar="N", help="show N items without events"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for --misses")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when an acceptance check fails"
    )
    return parser.parse_args(argv)


def wanted_names(only: list[str]) -> list[str]:
    return [n.strip() for entry in only for n in entry.split(",") if n.strip()]


def pick_folders(corpus: Path, only: list[str]) -> list[tuple[str, Path]]:
    """The corpus folders named by --only (all when none is; "gold" is no folder)."""
    found = sorted((p.parent.name, p) for p in corpus.glob("*/articles.jsonl"))
    names = wanted_names(only)
    if not names:
        return found
    folders = [w for w in names if w != GOLD]
    chosen = [(n, p) for n, p in found if any(n == w or n.startswith(w) for w in folders)]
    unknown = [w for w in folders if not any(n == w or n.startswith(w) for n, _ in found)]
    if unknown:
        known = ", ".join(n for n, _ in found)
        raise SystemExit(
            f"eval_real: no folder {', '.join(unknown)} in {corpus} "
            f"(there are: {known}, and {GOLD} for the annotated items)"
        )
    return chosen


def prepare_input(name: str, source: Path, limit: int, work: Path) -> tuple[Path, int]:
    """The file both sides read: the corpus file, or a temporary copy of its first N items."""
    if limit <= 0:
        with source.open(encoding="utf-8") as handle:
            return source, sum(1 for line in handle if line.strip())
    target = work / "input" / f"{name}.jsonl"
    target.parent.mkdir(exist_ok=True)
    kept = 0
    with source.open(encoding="utf-8") as src, target.open("w", encoding="utf-8") as out:
        for line in src:
            if kept >= limit:
                break
            if line.strip():
                out.write(line)
                kept += 1
    return target, kept


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    corpus: Path = args.corpus.resolve()
    if not corpus.is_dir():
        print(f"eval_real: no corpus at {corpus}; nothing to measure (see --corpus).")
        return 0
    scorer = corpus / "score.py"
    if not scorer.is_file():
        raise SystemExit(f"eval_real: {scorer} is missing")
    chosen = pick_folders(corpus, args.only)
    with_gold = not wanted_names(args.only) or GOLD in wanted_names(args.only)
    if not chosen and not with_gold:
        print(f"eval_real: no */articles.jsonl under {corpus}; nothing to measure.")
        return 0
    commit = resolve_revision(args.baseline, "eval_real")
    print(f"eval_real: reading the corpus at {corpus}")

    with tempfile.TemporaryDirectory(prefix="wirewatch-eval-real-") as temporary:
        work = Path(temporary)
        outputs = args.keep.resolve() if args.keep else work / "output"
        outputs.mkdir(parents=True, exist_ok=True)
        folders = []
        for name, source in chosen:
            path, items = prepare_input(name, source, args.limit, work)
            folder = Folder(name, source, path, items)
            folder.outputs = {side: outputs / f"{name}.{side}.jsonl" for side in SIDES}
            folders.append(folder)
        gold = load_gold(corpus, args.labels, work) if with_gold else None
        if gold is not None:
            gold.folder.outputs = {side: outputs / f"{GOLD}.{side}.jsonl" for side in SIDES}
        extracted = folders + ([gold.folder] if gold is not None else [])
        if not extracted:
            print("eval_real: nothing to extract.")
            return 0

        baseline_tree = work / "baseline"
        note(f"exporting {args.baseline} ({commit[:12]}) to {baseline_tree}")
        export_revision(commit, baseline_tree, "eval_real")
        note(f"extracting {len(extracted)} input(s): before = {commit[:12]}, after = working tree")
        run_sides(extracted, {"before": baseline_tree, "after": ROOT}, work, commit)
        if folders:
            score(folders, scorer, args.keep.resolve() if args.keep else None)

        print(f"before = {commit[:12]} ({args.baseline}), after = working tree of {ROOT}")
        if args.limit > 0:
            print(f"first {args.limit} items of each folder only (the gold set is run whole)")
        print()
        tables: dict[str, list[Row]] = {}
        for folder in folders:
            items = list(read_jsonl(folder.input)) if folder.name.startswith("ucdp-") else []
            tables[folder.name] = folder_rows(folder, items)
            print_table(folder, tables[folder.name])
        if gold is not None:
            splits = ", ".join(
                f"{sum(g['split'] == s for g in gold.labels)} {s}" for s in GOLD_SPLITS
            )
            print(f"annotated gold set: {len(gold.labels)} items ({splits}), {args.labels}")
            print()
            for title, rows in gold_tables(gold).items():
                print_rows(title, rows)
                tables[title] = rows
        passed = acceptance(tables, args.limit > 0)
        if args.misses > 0:
            print()
            print_misses(folders, args.misses, args.seed)
        if args.keep:
            print(f"outputs and scores kept in {args.keep.resolve()}")
    return 1 if args.strict and not passed else 0


if __name__ == "__main__":
    sys.exit(main())
