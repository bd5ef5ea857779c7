"""``wirewatch dlq ...``: the dead letters each stage left, seen and sent back after a fix."""

from __future__ import annotations

import json
import sys

import click

from infra.settings import Settings, get_settings
from wirewatch import render

FORMAT = click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "jsonl"]),
    default=None,
    help="table on a terminal, jsonl otherwise",
)


def _settings() -> Settings:
    """The settings; with WIREWATCH_LOG_LEVEL=debug, what each command read of a topic
    (how many messages and bytes, at which offsets) on stderr. Otherwise stderr holds
    only the commands' one-line results, as scripts read them."""
    settings = get_settings()
    if settings.log_level.lower() == "debug":
        import logging

        from infra.logs import configure

        configure(settings.log_level, settings.log_format)
        # kafka-python's debug lines hold the raw requests, a SASL password among them
        logging.getLogger("kafka").setLevel(logging.WARNING)
    return settings


@click.group()
def dlq() -> None:
    """Dead letters: what a stage could not handle, with its original bytes and why.

    TOPIC is a pipeline topic or its dead-letter topic (articles.raw or
    articles.raw.dlq), without the topic prefix."""


@dlq.command("list")
@click.argument("topic", required=False)
@FORMAT
def dlq_list(topic: str | None, output_format: str | None) -> None:
    """The dead-letter topics and their counts, or TOPIC's letters, oldest first."""
    from deadletters.reading import read_letters, source_topic
    from deadletters.status import count_letters

    settings = _settings()
    as_table = render.chosen_format(output_format) == "table"
    if topic is None:
        counts = count_letters(settings.kafka)
        if as_table:
            render.dead_letter_counts_table(counts)
            return
        for count in counts:
            click.echo(json.dumps(count.__dict__))
        return
    letters = read_letters(settings.kafka, source_topic(topic, settings.topic_prefix))
    if as_table:
        render.dead_letters_table(list(letters))
        return
    for stored in letters:
        click.echo(json.dumps(render.dead_letter_row(stored)))


@dlq.command("show")
@click.argument("topic")
@click.argument("offset", type=click.IntRange(min=0))
@click.option(
    "--original",
    is_flag=True,
    help="write the exact original bytes to stdout (checked against the letter's SHA-256)",
)
def dlq_show(topic: str, offset: int, original: bool) -> None:
    """The letter at OFFSET of TOPIC's dead-letter topic, in full (JSON)."""
    from deadletters.reading import DeadLetterProblem, original_of, read_letter, source_topic

    settings = _settings()
    stored = read_letter(settings.kafka, source_topic(topic, settings.topic_prefix), offset)
    if original:
        data = original_of(stored, settings.dead_letter_dir)
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    if stored.letter is None:
        raise DeadLetterProblem(f"{stored.where}: {stored.problem}")
    click.echo(stored.letter.model_dump_json(indent=2 if sys.stdout.isatty() else None))


@dlq.command("replay")
@click.argument("topic")
@click.option(
    "--offset",
    "offsets",
    type=click.IntRange(min=0),
    multiple=True,
    help="only the letter at this offset; repeatable (default: every letter)",
)
@click.option(
    "--stage", help="only the letters of this stage, as `dlq list` shows it (dedup, extract, ...)"
)
@click.option("--dry-run", is_flag=True, help="say what would be sent, and send nothing")
def dlq_replay(topic: str, offsets: tuple[int, ...], stage: str | None, dry_run: bool) -> None:
    """Send the originals of TOPIC's dead letters back to TOPIC, under their keys.

    A letter whose original cannot be given back exactly (truncated, its file missing or
    altered) is skipped with the reason; the exit status is then 1."""
    from deadletters.reading import read_letters, read_letters_at, select, source_topic
    from deadletters.replay import plan_replay, send_back

    settings = _settings()
    spec = source_topic(topic, settings.topic_prefix)
    source = settings.topic(spec.name)
    kafka = settings.kafka
    letters = read_letters_at(kafka, spec, offsets) if offsets else read_letters(kafka, spec)
    chosen = select(list(letters), offsets, stage)
    plan = plan_replay(chosen, source, settings.dead_letter_dir)
    for offset, why in plan.skipped:
        click.echo(f"offset {offset}: skipped: {render.printable(why)}", err=True)
    if dry_run:
        for resend in plan.send:
            click.echo(
                f"offset {resend.offset}: would send {len(resend.value):,} byte"
                + ("" if len(resend.value) == 1 else "s")
            )
        click.echo(
            f"would send {len(plan.send)} of {render.counted(len(chosen), 'letter')} back to {source}; "
            f"{len(plan.skipped)} skipped (--dry-run: nothing sent)"
        )
        sys.exit(1 if plan.skipped else 0)
    failed = 0
    for resend, error in zip(plan.send, send_back(kafka, plan.send), strict=True):
        if error is not None:
            click.echo(f"offset {resend.offset}: not sent: {error}", err=True)
            failed += 1
    click.echo(
        f"sent {len(plan.send) - failed} of {render.counted(len(chosen), 'letter')} back to {source} on "
        f"{settings.bootstrap_servers}; {len(plan.skipped)} skipped, {failed} failed"
    )
    sys.exit(1 if plan.skipped or failed else 0)
