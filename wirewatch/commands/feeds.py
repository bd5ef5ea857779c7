"""``wirewatch feeds ...``, ``collect`` and ``replay``: getting articles into articles.raw."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from pydantic import ValidationError

from infra.settings import get_settings
from wirewatch import render


@click.command()
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

    settings = get_settings()
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


@click.command()
@click.option("--once", is_flag=True, help="poll every feed once, then exit")
def collect(once: bool) -> None:
    """Poll the configured feeds forever and push new entries to articles.raw."""
    from ingest.service import run_collector

    sys.exit(run_collector(get_settings(), once=once))


@click.group()
def feeds() -> None:
    """The list of feeds to poll (a YAML file, WIREWATCH_FEEDS_FILE)."""


# how long `feeds add` waits for a name to resolve before saying it could not tell
LOOKUP_SECONDS = 5.0


def _collector_refusal(url: str, allow_private: bool) -> str | None:
    """Why the collector would not fetch URL with these settings, as a warning line;
    None when it would. Run in a thread of its own, so a resolver that hangs delays
    `feeds add` by LOOKUP_SECONDS at most."""
    import asyncio
    import threading

    from infra.netguard import BlockedURLError, UnresolvedHostError, check_reachable

    outcome: list[BlockedURLError] = []

    def look() -> None:
        try:
            asyncio.run(check_reachable(url, allow_private))
        except BlockedURLError as error:
            outcome.append(error)

    thread = threading.Thread(target=look, daemon=True)
    thread.start()
    thread.join(LOOKUP_SECONDS)
    if thread.is_alive():
        return (
            f"warning: could not look up the host of {url} within {LOOKUP_SECONDS:g} s; "
            "`wirewatch feeds poll` tries it now"
        )
    if not outcome:
        return None
    error = outcome[0]
    if isinstance(error, UnresolvedHostError):
        return (
            f"warning: {error} (DNS down, or a wrong name?); the collector keeps trying "
            "and `wirewatch feeds list` shows its failures"
        )
    return f"warning: the collector will refuse to fetch it: {error}"


@feeds.command("add")
@click.argument("url")
@click.option("--name", help="source name to put on its articles (default: the feed's title)")
@click.option("--interval", "interval_minutes", type=float, help="poll interval in minutes")
def feeds_add(url: str, name: str | None, interval_minutes: float | None) -> None:
    """Add a feed (comments and order of the feeds file are kept).

    A URL the collector will refuse (a loopback, private or link-local address, unless
    WIREWATCH_ALLOW_PRIVATE_ADDRESSES is set) or whose host does not resolve is added
    with a warning saying so.
    """
    from ingest.feeds_config import FeedConfig, add_feed, load_feeds

    settings = get_settings()
    path = settings.resolved_feeds_file
    current = load_feeds(path)
    try:
        feed = FeedConfig(url=url, name=name, interval_minutes=interval_minutes)
    except ValidationError as error:
        raise click.ClickException(error.errors()[0]["msg"]) from error
    if any(existing.url == feed.url for existing in current):
        raise click.ClickException(f"{feed.url} is already in {path}")
    add_feed(path, feed)
    click.echo(f"added {feed.url} to {path}")
    warning = _collector_refusal(feed.url, settings.allow_private_addresses)
    if warning:
        click.echo(warning, err=True)


@feeds.command("remove")
@click.argument("url")
def feeds_remove(url: str) -> None:
    """Remove a feed (and the comment above it) and forget its state."""
    from ingest.feed_store import FeedStore
    from ingest.feeds_config import remove_feed

    settings = get_settings()
    path = settings.resolved_feeds_file
    if not remove_feed(path, url.strip()):
        raise click.ClickException(f"{url} is not in {path}")
    FeedStore(settings.resolved_collector_database_url).forget_feed(url.strip())
    click.echo(f"removed {url}")


@feeds.command("poll")
@click.argument("feed")
def feeds_poll(feed: str) -> None:
    """Poll FEED (its URL or name in the feeds file) now, once, as the collector does:
    new entries are pushed to articles.raw and its health recorded. Prints what
    happened; the exit status is 1 when the poll failed."""
    from ingest.collector import describe_poll
    from ingest.feeds_config import FeedNotFound, find_feed, load_feeds
    from ingest.service import poll_once

    settings = get_settings()
    try:
        chosen = find_feed(load_feeds(settings.resolved_feeds_file), feed)
    except FeedNotFound as error:
        raise click.ClickException(str(error)) from error
    result = poll_once(settings, chosen)
    click.echo(describe_poll(result))
    sys.exit(0 if result.ok else 1)


@feeds.command("list")
@click.option("--format", "output_format", type=click.Choice(["table", "jsonl"]), default=None)
def feeds_list(output_format: str | None) -> None:
    """Feeds with their health: last success, last error, failures, entries seen, and the
    articles skipped as not English (the extractor reads English only), by language."""
    from ingest.feed_store import FeedStore
    from ingest.feeds_config import load_feeds

    settings = get_settings()
    configured = load_feeds(settings.resolved_feeds_file)
    store = FeedStore(settings.resolved_collector_database_url)
    rows = [(feed, store.health(feed.url)) for feed in configured]
    not_read = store.not_read()
    if render.chosen_format(output_format) == "jsonl":
        for feed, health in rows:
            record = {**feed.model_dump(), **{k: v for k, v in vars(health).items() if k != "url"}}
            record["not_english"] = not_read.get(feed.url, {})
            click.echo(json.dumps(record, default=str))
        return
    render.feeds_table(rows, not_read=not_read)


@feeds.command("check")
@click.argument("url", required=False)
def feeds_check(url: str | None) -> None:
    """Fetch and parse a feed (or every feed) now, without pushing anything."""
    from ingest.service import check_feeds

    sys.exit(check_feeds(get_settings(), url))
