"""The ``wirewatch`` command line: thin wiring from options to the stages."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from infra.settings import Settings, get_settings


def _settings() -> Settings:
    return get_settings()


def _broker(settings: Settings):
    from infra.broker import LocalBroker

    return LocalBroker.from_settings(settings)


@click.group()
@click.version_option(package_name="wirewatch")
def main() -> None:
    """wirewatch: armed-conflict events from the news, as they are published."""


# --- kafka ---------------------------------------------------------------------------


@main.group()
def kafka() -> None:
    """Run the local single-node Kafka broker (KRaft) that wirewatch provisions."""


@kafka.command("start")
def kafka_start() -> None:
    """Fetch the broker's jars if needed, format storage once, start, wait until ready."""
    from infra.broker import BrokerError, pinned_kafka_version
    from infra.kafka_admin import ensure_topics

    settings = _settings()
    if not settings.uses_own_broker:
        raise click.ClickException(
            f"KAFKA_BOOTSTRAP_SERVERS is set ({settings.bootstrap_servers}): that broker is used"
        )
    broker = _broker(settings)
    click.echo(
        f"starting Apache Kafka {pinned_kafka_version()} on {broker.bootstrap_servers} ...",
        err=True,
    )
    try:
        broker.start()
    except BrokerError as error:
        raise click.ClickException(str(error)) from error
    created = ensure_topics(settings)
    click.echo(broker.status())
    if created:
        click.echo(f"created topics: {', '.join(created)}")


@kafka.command("stop")
def kafka_stop() -> None:
    """Stop the local broker."""
    broker = _broker(_settings())
    click.echo("stopped" if broker.stop() else "the broker was not running")


@kafka.command("status")
def kafka_status() -> None:
    """Say whether the local broker runs and where its state lives."""
    settings = _settings()
    if not settings.uses_own_broker:
        click.echo(f"using the broker at {settings.bootstrap_servers} (KAFKA_BOOTSTRAP_SERVERS)")
        return
    broker = _broker(settings)
    click.echo(broker.status())
    sys.exit(0 if broker.is_running() else 3)


# --- schemas -------------------------------------------------------------------------


@main.group()
def schemas() -> None:
    """Message contracts."""


@schemas.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def schemas_export(directory: Path) -> None:
    """Write a JSON Schema file per message model into DIRECTORY."""
    from schemas.export import export_json_schemas

    for path in export_json_schemas(directory):
        click.echo(path)


# --- ingest --------------------------------------------------------------------------


@main.command()
@click.argument(
    "directory",
    required=False,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
def replay(directory: Path | None) -> None:
    """Send the archived articles in DIRECTORY (default: seeds/) to articles.raw.

    A file that is not a valid article is reported with its reason and skipped; the
    exit status is 1 when any file failed.
    """
    from rich.progress import Progress

    from infra.kafka_admin import ensure_topics
    from ingest.replay import replay as run_replay
    from ingest.seeds import seed_files

    settings = _settings()
    directory = directory or settings.seeds_dir
    paths = seed_files(directory)
    ensure_topics(settings)
    with Progress(disable=not sys.stderr.isatty(), transient=True) as progress:
        task = progress.add_task(f"replaying {directory}", total=len(paths))
        report = run_replay(paths, settings, on_progress=lambda *_: progress.advance(task))
    for error in report.failed:
        click.echo(f"skipped {error.path}: {error.reason}", err=True)
    click.echo(
        f"replayed {len(report.sent)} articles from {directory} to "
        f"{settings.topic('articles.raw')} on {settings.bootstrap_servers}; {len(report.failed)} failed"
    )
    sys.exit(0 if report.ok else 1)


@main.command()
@click.option("--once", is_flag=True, help="poll every feed once, then exit")
def collect(once: bool) -> None:
    """Poll the configured feeds forever and push new entries to articles.raw."""
    from ingest.service import run_collector

    sys.exit(run_collector(_settings(), once=once))


@main.group()
def feeds() -> None:
    """The list of feeds to poll (a YAML file, WIREWATCH_FEEDS_FILE)."""


@feeds.command("add")
@click.argument("url")
@click.option("--name", help="source name to put on its articles (default: the feed's title)")
@click.option("--interval", "interval_minutes", type=float, help="poll interval in minutes")
def feeds_add(url: str, name: str | None, interval_minutes: float | None) -> None:
    """Add a feed."""
    from pydantic import ValidationError

    from ingest.feeds_config import FeedConfig, load_feeds, save_feeds

    path = _settings().resolved_feeds_file
    current = load_feeds(path)
    try:
        feed = FeedConfig(url=url, name=name, interval_minutes=interval_minutes)
    except ValidationError as error:
        raise click.ClickException(error.errors()[0]["msg"]) from error
    if any(existing.url == feed.url for existing in current):
        raise click.ClickException(f"{feed.url} is already in {path}")
    save_feeds(path, [*current, feed])
    click.echo(f"added {feed.url} to {path}")


@feeds.command("remove")
@click.argument("url")
def feeds_remove(url: str) -> None:
    """Remove a feed and forget its state."""
    from ingest.feed_store import FeedStore
    from ingest.feeds_config import load_feeds, save_feeds

    settings = _settings()
    path = settings.resolved_feeds_file
    current = load_feeds(path)
    kept = [feed for feed in current if feed.url != url]
    if len(kept) == len(current):
        raise click.ClickException(f"{url} is not in {path}")
    save_feeds(path, kept)
    FeedStore(settings.resolved_collector_database_url).forget_feed(url)
    click.echo(f"removed {url}")


@feeds.command("list")
@click.option("--format", "output_format", type=click.Choice(["table", "jsonl"]), default=None)
def feeds_list(output_format: str | None) -> None:
    """Feeds with their health: last success, last error, failures, entries seen."""
    from ingest.feed_store import FeedStore
    from ingest.feeds_config import load_feeds
    from wirewatch.render import feeds_table

    settings = _settings()
    configured = load_feeds(settings.resolved_feeds_file)
    store = FeedStore(settings.resolved_collector_database_url)
    rows = [(feed, store.health(feed.url)) for feed in configured]
    if (output_format or ("table" if sys.stdout.isatty() else "jsonl")) == "jsonl":
        for feed, health in rows:
            record = {**feed.model_dump(), **{k: v for k, v in vars(health).items() if k != "url"}}
            click.echo(json.dumps(record, default=str))
        return
    feeds_table(rows)


@feeds.command("check")
@click.argument("url", required=False)
def feeds_check(url: str | None) -> None:
    """Fetch and parse a feed (or every feed) now, without pushing anything."""
    from ingest.service import check_feeds

    sys.exit(check_feeds(_settings(), url))


# --- processors ----------------------------------------------------------------------


@main.command()
def worker() -> None:
    """Run the stream processors (extract, merge, store) until interrupted."""
    from processors.stream.app import run_worker

    run_worker(_settings())


@main.command()
@click.argument("source", default="-", type=click.File("r", encoding="utf-8"))
@click.option(
    "--merge",
    is_flag=True,
    help="also drop repeated articles and merge reports of one incident: print canonical events",
)
def extract(source, merge: bool) -> None:
    """Extract events from articles given as JSON Lines (FILE or - for stdin).

    Each input line: {"id", "title", "text", "published" (RFC 3339), "url"?, "source"?}.
    Each output line: {"id": ..., "events": [EventMention, ...]}; with --merge, one
    canonical Event per line (with event_id, version, article_ids, sources), after the
    whole file is read in order, with the stream's own dedup and merge functions.
    """
    from processors.offline import InProcessPipeline, extract_lines, merge_lines

    if merge:
        settings = _settings()
        pipeline = InProcessPipeline(
            threshold=settings.dedup_threshold,
            window=dt.timedelta(days=settings.state_window_days),
        )
        canonical, errors = merge_lines(source, pipeline)
        for number, message in errors:
            click.echo(f"line {number}: {message}", err=True)
        for event in canonical:
            click.echo(event.model_dump_json())
        sys.exit(1 if errors else 0)

    failures = 0
    for line_number, output in extract_lines(source):
        if isinstance(output, str):
            failures += 1
            click.echo(f"line {line_number}: {output}", err=True)
        else:
            click.echo(json.dumps(output, ensure_ascii=False))
    sys.exit(1 if failures else 0)


@main.command()
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
    click.echo(f"over {report.true_positives} matched events, accuracy of:")
    for name in FIELDS:
        click.echo(f"  {name:<15} {report.accuracy(name):.3f}")
    for name in ACTOR_FIELDS:
        checked = report.actors_checked[name]
        click.echo(f"  {name:<15} {report.actor_accuracy(name):.3f}  (over {checked} annotated)")
    click.echo(f"over all {expected} expected events, paired or not:")
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


# --- sinks ---------------------------------------------------------------------------


@main.group()
def events() -> None:
    """Stored canonical events."""


@events.command("list")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "jsonl"]),
    default=None,
    help="table on a terminal, jsonl otherwise",
)
@click.option("--limit", type=int, default=None, help="at most this many events, newest first")
def events_list(output_format: str | None, limit: int | None) -> None:
    """Print stored events."""
    from sinks.storage import connect, list_events

    settings = _settings()
    stored = list(list_events(connect(settings.resolved_database_url), limit))
    output_format = output_format or ("table" if sys.stdout.isatty() else "jsonl")
    if output_format == "jsonl":
        for item in stored:
            click.echo(item.model_dump_json())
        return
    from wirewatch.render import events_table

    events_table(stored)


def _register_alert_commands() -> None:
    from wirewatch.cli_alerts import alerts, subscriptions

    main.add_command(subscriptions)
    main.add_command(alerts)


_register_alert_commands()


@main.command()
def up() -> None:
    """Start Kafka and the worker, replay seeds/, show events as they are stored.

    Ctrl-C stops everything this command started.
    """
    from wirewatch.up import run_up

    sys.exit(run_up(_settings()))
