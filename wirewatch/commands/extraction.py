"""``wirewatch extract`` and ``wirewatch evaluate``: extraction and merging offline, and their scores."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections import Counter
from pathlib import Path

import click

from infra.settings import get_settings
from wirewatch import render


@click.command()
@click.argument("source", default="-", type=click.File("rb"))
@click.option(
    "--merge",
    is_flag=True,
    help="also drop repeated articles and merge reports of one incident: print canonical events",
)
def extract(source, merge: bool) -> None:
    """Extract events from articles given as JSON Lines (FILE or - for stdin).

    Each input line: {"id", "title", "text", "published" (RFC 3339), "url"?, "source"?}.
    A line that cannot be read (not UTF-8, not JSON, a missing or bad field) or whose
    extraction fails or takes longer than WIREWATCH_EXTRACT_BUDGET_SECONDS is reported on
    stderr with its number; the rest are processed, and the exit status is then 1.
    An article in a language the extractor does not read (English only) is skipped, not
    failed: its line says "skipped", and stderr ends with one line counting them.
    Each output line: {"id": ..., "events": [EventMention, ...]}; with --merge, one
    canonical Event per line (with event_id, version, article_ids, sources), after the
    whole file is read in order, with the stream's own dedup and merge functions.
    """
    from processors.budgeted_extraction import budgeted_extractor
    from processors.offline import InProcessPipeline, extract_lines, merge_lines, skip_summary

    settings = get_settings()
    # an article over the budget: its line is reported
    extractor = budgeted_extractor(settings.extractor, settings.extract_budget_seconds)
    if merge:
        pipeline = InProcessPipeline(
            threshold=settings.state.dedup_threshold,
            window=dt.timedelta(days=settings.state.window_days),
            extract=extractor,
        )
        canonical, errors = merge_lines(source, pipeline)
        for number, message in errors:
            click.echo(f"line {number}: {message}", err=True)
        languages: Counter[str] = Counter()
        for (_, language), count in pipeline.extracted.skipped.items():
            languages[language] += count
        if summary := skip_summary(languages):
            click.echo(summary, err=True)
        for event in canonical:
            click.echo(event.model_dump_json())
        sys.exit(1 if errors else 0)

    failures = 0
    skipped: Counter[str] = Counter()
    for line_number, output in extract_lines(source, extractor):
        if isinstance(output, str):
            failures += 1
            click.echo(f"line {line_number}: {output}", err=True)
        else:
            if "skipped" in output:
                skipped[output["language"]] += 1
            click.echo(json.dumps(output, ensure_ascii=False))
    if summary := skip_summary(skipped):
        click.echo(summary, err=True)
    sys.exit(1 if failures else 0)


@click.command()
@click.argument(
    "gold", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option("--show-misses", is_flag=True, help="list each missed, extra or wrong event")
@click.option(
    "--merge",
    is_flag=True,
    help="score merging instead: do the articles that share an incident label end up in one event?",
)
def evaluate(gold: tuple[Path, ...], show_misses: bool, merge: bool) -> None:
    """Score the extractor against hand-annotated articles in GOLD... (events in front matter)."""
    from processors.evaluation import ACTOR_FIELDS, FIELDS, GoldError, evaluate_merge, load_gold
    from processors.evaluation import evaluate as run_evaluation

    articles = []
    try:
        for directory in gold:
            articles.extend(load_gold(directory))
    except GoldError as error:
        raise click.ClickException(str(error)) from error
    if not articles:
        where = ", ".join(str(directory) for directory in gold)
        raise click.ClickException(f"no annotated articles (front matter with 'events') in {where}")
    if merge:
        merged = evaluate_merge(articles)
        click.echo(
            f"articles {merged.articles}, canonical events {merged.events}, "
            f"same-incident pairs expected {len(merged.gold_pairs)}, found {len(merged.predicted_pairs)}"
        )
        click.echo(
            f"pairwise  precision {merged.precision:.3f}  recall {merged.recall:.3f}  F1 {merged.f1:.3f}"
        )
        if show_misses:
            for line in merged.misses:
                click.echo(f"  - {line}")
        return
    report = run_evaluation(articles)
    expected = report.true_positives + report.false_negatives
    click.echo(
        f"articles {len(articles)}, expected events {expected}, "
        f"found {report.true_positives + report.false_positives}"
    )
    click.echo(
        f"detection  precision {report.precision:.3f}  recall {report.recall:.3f}  F1 {report.f1:.3f}"
    )
    click.echo(f"over {render.counted(report.true_positives, 'matched event')}, accuracy of:")
    for name in FIELDS:
        click.echo(f"  {name:<15} {report.accuracy(name):.3f}")
    for name in ACTOR_FIELDS:
        checked = report.actors_checked[name]
        click.echo(f"  {name:<15} {report.actor_accuracy(name):.3f}  (over {checked} annotated)")
    click.echo(f"over all {render.counted(expected, 'expected event')}, paired or not:")
    click.echo(
        f"  {'country_any':<15} {report.country_any:.3f}  "
        f"({report.country_any_found}/{expected} with their country among the article's predicted)"
    )
    click.echo("recall by event type:")
    for name in sorted(report.expected_by_type):
        click.echo(
            f"  {name:<29} {report.recall_of_type(name):.3f}  "
            f"({report.found_by_type.get(name, 0)}/{report.expected_by_type[name]})"
        )
    if show_misses:
        for line in report.misses:
            click.echo(f"  - {line}")
