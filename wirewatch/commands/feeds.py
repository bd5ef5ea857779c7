"""``wirewatch feeds ...``, ``collect`` and ``replay``: getting articles into articles.raw."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from pydantic import ValidationError

from infra.settings import get_settings
from ingest.feed_catalogue import REGIONS
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
    kafka = settings.kafka
    ensure_topics(kafka)
    with Progress(disable=not sys.stderr.isatty(), transient=True) as progress:
        task = progress.add_task(f"replaying {directory}", total=len(paths))
        report = run_replay(
            paths,
            kafka,
            settings.max_article_bytes,
            on_progress=lambda *_: progress.advance(task),
        )
    for error in report.failed:
        click.echo(f"skipped {error.path}: {error.reason}", err=True)
    click.echo(
        f"replayed {render.counted(len(report.sent), 'article')} from {directory} to "
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
    """The list of feeds to poll (a YAML file, WIREWATCH_FEEDS_FILE).

    To start: `wirewatch feeds catalogue` lists public news feeds that report armed
    conflict, `wirewatch feeds add --catalogue REGION` adds them; `wirewatch feeds
    import FILE.opml` takes another feed reader's list."""


def _look_up(urls: list[str], allow_private: bool) -> dict[str, Exception | None]:
    """URL -> why the collector would not fetch it, None when it would (`wirewatch.reach`:
    the check `subscriptions add` makes of a webhook)."""
    from wirewatch.reach import look_up

    return look_up(urls, allow_private)


def _collector_refusal(url: str, allow_private: bool) -> str | None:
    """Why the collector would not fetch URL with these settings, as a warning line;
    None when it would."""
    from wirewatch.reach import refusal

    return refusal(
        url,
        allow_private,
        shown=url,
        refused="the collector will refuse to fetch it",
        try_now="`wirewatch feeds poll`",
        failures="the collector keeps trying and `wirewatch feeds list` shows its failures",
    )


@feeds.command("add")
@click.argument("url", required=False)
@click.option("--name", help="source name to put on its articles (default: the feed's title)")
@click.option("--interval", "interval_minutes", type=float, help="poll interval in minutes")
@click.option(
    "--catalogue",
    "from_catalogue",
    metavar="REGION|NAME|all",
    help="add the catalogue's feeds of a region, or one by name (`feeds catalogue`)",
)
def feeds_add(
    url: str | None, name: str | None, interval_minutes: float | None, from_catalogue: str | None
) -> None:
    """Add a feed (comments and order of the feeds file are kept), or with --catalogue
    the starter feeds of a region (africa, americas, asia-pacific, europe, middle-east,
    world), one of them by name, or all; those already in the file are left as they are.

    A URL the collector will refuse (a loopback, private or link-local address, unless
    WIREWATCH_FEEDS_ALLOW_PRIVATE_ADDRESSES is set) or whose host does not resolve is added
    with a warning saying so.
    """
    from ingest.feeds_config import FeedConfig, add_feed, load_feeds

    if (url is None) == (from_catalogue is None):
        raise click.UsageError("give either a feed URL or --catalogue REGION|NAME")
    settings = get_settings()
    path = settings.resolved_feeds_file
    current = load_feeds(path)
    if from_catalogue is not None:
        if name or interval_minutes:
            raise click.UsageError("--name and --interval go with a URL, not --catalogue")
        _add_from_catalogue(path, current, from_catalogue)
        return
    try:
        feed = FeedConfig(url=url, name=name, interval_minutes=interval_minutes)
    except ValidationError as error:
        raise click.ClickException(error.errors()[0]["msg"]) from error
    if any(existing.url == feed.url for existing in current):
        raise click.ClickException(f"{feed.url} is already in {path}")
    add_feed(path, feed)
    click.echo(f"added {feed.url} to {path}")
    warning = _collector_refusal(feed.url, settings.collect.allow_private_addresses)
    if warning:
        click.echo(warning, err=True)


def _not_read_line(languages: list[str]) -> str | None:
    """A note on the languages among LANGUAGES that the extractor does not read."""
    from collections import Counter

    from infra.language import READ

    other = Counter(language for language in languages if language not in READ)
    if not other:
        return None
    counts = ", ".join(f"{language} {count}" for language, count in other.most_common())
    feeds_word = "feed is" if other.total() == 1 else "feeds are"
    return (
        f"note: {other.total()} {feeds_word} in a language the extractor does not read yet "
        f"({counts}); their articles are counted and skipped (`wirewatch feeds list`)"
    )


def _add_from_catalogue(path: Path, current, wanted: str) -> None:
    from ingest.feed_catalogue import NOT_REACHABLE_NOTE, choose, load_catalogue
    from ingest.feeds_config import FeedConfig, add_feeds

    try:
        chosen = choose(load_catalogue(), wanted)
    except LookupError as error:
        raise click.ClickException(str(error.args[0])) from error
    present = {feed.url for feed in current}
    new = [entry for entry in chosen if entry.url not in present]
    if new:
        add_feeds(path, [FeedConfig(url=entry.url, name=entry.publisher) for entry in new])
    already = len(chosen) - len(new)
    click.echo(
        f"added {render.counted(len(new), 'feed', 'feeds')} of the catalogue "
        f"({wanted}) to {path}; {already} already there"
    )
    for entry in new:
        click.echo(f"  {entry.name}: {entry.url}")
    note = _not_read_line([entry.language for entry in new])
    if note:
        click.echo(note, err=True)
    if new:
        click.echo(NOT_REACHABLE_NOTE, err=True)


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
@click.option(
    "--catalogue",
    "from_catalogue",
    metavar="REGION|NAME|all",
    help="check the catalogue's feeds of a region (or one by name), without adding them",
)
def feeds_check(url: str | None, from_catalogue: str | None) -> None:
    """Fetch and parse a feed (or every feed) now, pushing nothing: one line each with
    the HTTP status and content type it answered, its articles and unusable entries, and
    the date of its newest entry. The exit status is 1 when any failed."""
    from ingest.feeds_config import FeedConfig, load_feeds
    from ingest.service import check_feeds

    settings = get_settings()
    if url is not None and from_catalogue is not None:
        raise click.UsageError("give a feed URL or --catalogue REGION|NAME, not both")
    if from_catalogue is not None:
        from ingest.feed_catalogue import choose, load_catalogue

        try:
            chosen = choose(load_catalogue(), from_catalogue)
        except LookupError as error:
            raise click.ClickException(str(error.args[0])) from error
        feeds = [FeedConfig(url=entry.url, name=entry.publisher) for entry in chosen]
    else:
        feeds = [f for f in load_feeds(settings.resolved_feeds_file) if url in (None, f.url)]
        if url is not None and not feeds:
            try:
                feeds = [FeedConfig(url=url)]
            except ValidationError as error:
                raise click.ClickException(error.errors()[0]["msg"]) from error
    if not feeds:
        click.echo(f"no feeds in {settings.resolved_feeds_file}: see `wirewatch feeds add`")
        return
    concurrency = settings.collector_concurrency
    sys.exit(check_feeds(settings.collect, concurrency, feeds, say=click.echo))


@feeds.command("catalogue")
@click.option("--region", type=click.Choice(REGIONS), help="only this region's feeds")
@click.option("--language", help="only feeds in this language (ISO 639-1 code, e.g. fr)")
@click.option("--format", "output_format", type=click.Choice(["table", "jsonl"]), default=None)
def feeds_catalogue(region: str | None, language: str | None, output_format: str | None) -> None:
    """A starter set of public news feeds that report armed conflict (UN News, ReliefWeb,
    public broadcasters, Wikinews), by region and language, each with its publisher and
    a note on its terms of use. Add them with `wirewatch feeds add --catalogue REGION`.

    The addresses cannot be reached from a machine without internet: run `wirewatch
    feeds check --catalogue REGION` online to see what each answers.
    """
    from infra.language import READ
    from ingest.feed_catalogue import LANGUAGES, NOT_REACHABLE_NOTE, filtered, load_catalogue

    if language is not None and language.strip().lower() not in LANGUAGES:
        known = ", ".join(f"{code} ({name})" for code, name in LANGUAGES.items())
        raise click.BadParameter(f"{language!r} is not one of {known}", param_hint="--language")
    chosen = filtered(load_catalogue(), region, language and language.strip().lower())
    if render.chosen_format(output_format) == "jsonl":
        for entry in chosen:
            record = {**vars(entry), "extractor_reads": entry.language in READ}
            click.echo(json.dumps(record, ensure_ascii=False))
    else:
        render.catalogue_table(chosen, READ)
        if not chosen:
            click.echo("no feed of the catalogue has that region and language")
    click.echo(NOT_REACHABLE_NOTE, err=True)


@feeds.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def feeds_import(file: Path) -> None:
    """Add the feeds of an OPML file (exported by another feed reader).

    Each outline left out (no feed address, a link to another list, a scheme other
    than http/https, an address the collector refuses) is reported in one line with
    its line number, and the rest are added; the exit status is then 1. A feed listed
    in several folders is added once; one already in the feeds file is left as it is.
    A file that is not well-formed XML, or that declares XML entities, is refused whole.
    """
    from infra.netguard import UnresolvedHostError
    from ingest.feeds_config import FeedConfig, add_feeds, load_feeds
    from ingest.opml import MAX_OPML_BYTES, OpmlError, read_opml, shown

    settings = get_settings()
    path = settings.resolved_feeds_file
    current = load_feeds(path)
    try:
        with file.open("rb") as handle:
            data = handle.read(MAX_OPML_BYTES + 1)
        reading = read_opml(data)
    except OSError as error:
        raise click.ClickException(f"{file}: cannot be read: {error.strerror}") from error
    except OpmlError as error:
        raise click.ClickException(f"{file}: {error}") from error
    problems = list(reading.problems)
    candidates: list[tuple[int, FeedConfig]] = []
    for item in reading.feeds:
        name = " ".join((item.title or "").split())[:200] or None
        try:
            candidates.append((item.line, FeedConfig(url=item.url, name=name)))
        except ValidationError as error:
            message = error.errors()[0]["msg"].removeprefix("Value error, ")
            problems.append(f"line {item.line}: {shown(item.url)}: {message}; skipped")
    present = {feed.url for feed in current}
    fresh = [(line, feed) for line, feed in candidates if feed.url not in present]
    looked_up = _look_up([feed.url for _, feed in fresh], settings.collect.allow_private_addresses)
    unresolved = 0
    accepted: list[FeedConfig] = []
    for line, feed in fresh:
        error = looked_up.get(feed.url)
        if error is not None and not isinstance(error, UnresolvedHostError):
            problems.append(
                f"line {line}: {shown(feed.url)}: the collector refuses it: {error}; skipped"
            )
            continue
        unresolved += feed.url not in looked_up or error is not None
        accepted.append(feed)
    for problem in sorted(problems, key=_line_number):
        click.echo(f"{file}, {problem}", err=True)
    if accepted:
        add_feeds(path, accepted)
    if reading.repeats:
        lines = ", ".join(str(line) for line in reading.repeats[:10])
        more = ", ..." if len(reading.repeats) > 10 else ""
        click.echo(
            f"{file}: {render.counted(len(reading.repeats), 'outline repeats', 'outlines repeat')} "
            f"a feed listed before ({'line' if len(reading.repeats) == 1 else 'lines'} "
            f"{lines}{more}); each feed is added once",
            err=True,
        )
    already = len(candidates) - len(fresh)
    click.echo(
        f"imported {render.counted(len(accepted), 'feed', 'feeds')} from {file} "
        f"to {path}; {already} already there, {len(problems)} left out"
    )
    if unresolved:
        click.echo(
            f"warning: the hosts of {render.counted(unresolved, 'imported feed', 'imported feeds')} "
            "could not be looked up now "
            "(no DNS here, or wrong names?); the collector keeps trying, and "
            "`wirewatch feeds list` shows the failures",
            err=True,
        )
    sys.exit(1 if problems else 0)


def _line_number(problem: str) -> int:
    """The line a ``line N: ...`` problem is about, for printing them in file order."""
    head = problem.removeprefix("line ").split(":", 1)[0]
    return int(head) if head.isdigit() else 0


@feeds.command("export")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
def feeds_export(file: Path | None) -> None:
    """Write the feeds as an OPML 2.0 list, to FILE or to the standard output, for
    another feed reader or another wirewatch (`wirewatch feeds import`)."""
    import datetime as dt

    from ingest.feeds_config import load_feeds
    from ingest.opml import write_opml

    configured = load_feeds(get_settings().resolved_feeds_file)
    document = write_opml(
        [(feed.url, feed.name) for feed in configured],
        title="wirewatch feeds",
        created=dt.datetime.now(dt.UTC),
    )
    if file is None or str(file) == "-":
        click.echo(document, nl=False)
        return
    try:
        file.write_bytes(document)
    except OSError as error:
        raise click.ClickException(f"{file}: cannot be written: {error.strerror}") from error
    click.echo(f"exported {len(configured)} feeds to {file}")
