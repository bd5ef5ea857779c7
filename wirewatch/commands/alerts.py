"""``wirewatch alerts ...``: what was sent, and sending again."""

from __future__ import annotations

import asyncio
import json
import sys

import click

from infra.settings import get_settings
from sinks.alerts.deliver import send_now
from wirewatch import render


@click.group()
def alerts() -> None:
    """Alerts sent, their delivery and latency."""


@alerts.command("list")
@click.option("--status", type=click.Choice(["pending", "delivered", "dead"]), default=None)
@click.option("--limit", type=int, default=50)
@click.option("--format", "output_format", type=click.Choice(["table", "jsonl"]), default=None)
def alerts_list(status: str | None, limit: int, output_format: str | None) -> None:
    """Recent alerts, newest first: status, attempts, article-to-delivery latency."""
    from sinks.alerts import state as delivery_state

    rows = delivery_state.list_deliveries(
        delivery_state.connect(get_settings().resolved_database_url), status, limit
    )
    if render.chosen_format(output_format) == "jsonl":
        for row in rows:
            click.echo(json.dumps(row.__dict__, default=str))
        return
    render.alerts_table(rows)


@alerts.command("retry")
@click.argument("alert_ids", nargs=-1)
@click.option("--all", "retry_all", is_flag=True, help="every dead alert")
def alerts_retry(alert_ids: tuple[str, ...], retry_all: bool) -> None:
    """Send dead alerts again (after their target was fixed)."""
    from sinks.alerts import state as delivery_state
    from sinks.alerts import subscriptions as store

    if not alert_ids and not retry_all:
        raise click.UsageError("give alert ids, or --all")
    settings = get_settings()
    engine = delivery_state.connect(settings.resolved_database_url)
    dead = [
        a
        for a in delivery_state.alerts_with_status(engine, "dead")
        if retry_all or a.alert_id in alert_ids
    ]
    unknown = set(alert_ids) - {a.alert_id for a in dead}
    for alert_id in sorted(unknown):
        click.echo(f"{alert_id}: not a dead alert", err=True)
    subs = store.connect(settings.resolved_database_url)
    failures = len(unknown)
    for alert in dead:
        sub = store.get(subs, alert.subscription_id)
        if sub is None:
            click.echo(
                f"{alert.alert_id}: subscription {alert.subscription_id} no longer exists", err=True
            )
            failures += 1
            continue
        outcome = asyncio.run(send_now(settings.delivery, alert, sub, record=engine))
        if outcome.delivered:
            click.echo(f"{alert.alert_id}: delivered")
        else:
            click.echo(f"{alert.alert_id}: failed again: {outcome.error}")
        failures += not outcome.delivered
    sys.exit(1 if failures else 0)
