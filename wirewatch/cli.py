"""The ``wirewatch`` command line: the root group, gathering one module per command
group (`wirewatch.commands`); each command is thin wiring from options to the stages."""

from __future__ import annotations

import os
import sys

import click

from wirewatch.commands import (
    alerts,
    dlq,
    events,
    extraction,
    feeds,
    kafka,
    pipeline,
    schema,
    serve,
    status,
    subscriptions,
)
from wirewatch.render import printable


class _OneLineErrors(click.Group):
    """The command line's one error policy: what an operator meets on day one (no
    broker, a bad setting, an unreachable database) is one line saying what is wrong and
    exit status 1; the traceback only with --debug (or WIREWATCH_DEBUG=1). A file the
    operator wrote (feeds, seeds, gold annotations) that is wrong is one of those: its
    error names the file and the line."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except Exception as error:
            problem = _operator_problem(error)
            if problem is None or ctx.params.get("debug") or os.environ.get("WIREWATCH_DEBUG"):
                raise
            shown = printable(problem)  # it may quote a letter, a feed or a file
            click.echo(f"Error: {shown} (run with --debug for the traceback)", err=True)
            sys.exit(1)


def _operator_problem(error: Exception) -> str | None:
    """ERROR in one line if it is one an operator fixes (not a bug); None otherwise."""
    from pydantic import ValidationError
    from sqlalchemy.exc import OperationalError

    from infra.errors import OperatorError

    if isinstance(error, OperatorError):
        return str(error)
    if isinstance(error, ValidationError) and error.title == "Settings":
        first = error.errors()[0]
        if not first["loc"]:  # settings that do not fit together: the message names them
            # (its input would be every setting, secrets too: not shown)
            return f"settings: {first['msg'].removeprefix('Value error, ')}"
        name = "WIREWATCH_" + "_".join(str(part) for part in first["loc"]).upper()
        return f"setting {name}: {first['msg']} (got {first.get('input')!r})"
    if isinstance(error, OperationalError):
        return f"the database cannot be used: {str(error.orig).splitlines()[0]}"
    return None


@click.group(cls=_OneLineErrors)
@click.version_option(package_name="wirewatch")
@click.option("--debug", is_flag=True, help="show the traceback of an error")
def main(debug: bool) -> None:
    """wirewatch: armed-conflict events from the news, as they are published."""


for command in (
    kafka.kafka,
    schema.schemas,
    feeds.feeds,
    feeds.collect,
    feeds.replay,
    pipeline.worker,
    pipeline.up,
    extraction.extract,
    extraction.evaluate,
    events.events,
    serve.serve,
    subscriptions.subscriptions,
    alerts.alerts,
    dlq.dlq,
    status.status,
):
    main.add_command(command)
