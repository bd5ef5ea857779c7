"""``wirewatch subscriptions ...``: what people watch, and where alerts about it go."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path

import click
from pydantic import ValidationError

from infra.redact import HIDDEN
from infra.settings import get_settings
from schemas.alert import Subscription
from schemas.dead_letter import describe_error
from schemas.inputs import country_list, parse_box, parse_floats
from sinks.alerts.deliver import send_now
from wirewatch import render


@click.group()
def subscriptions() -> None:
    """What people watch, and where alerts about it go."""


@subscriptions.command("add")
@click.argument("subscription_id")
@click.option("--name", default=None)
@click.option(
    "--country", "countries", multiple=True, help="ISO 3166 code or English name; repeatable"
)
@click.option("--near", default=None, help="LAT,LON of a place to watch (with --km)")
@click.option("--km", type=float, default=None, help="radius around --near")
@click.option("--bbox", default=None, help="WEST,SOUTH,EAST,NORTH in degrees (as GeoJSON)")
@click.option("--type", "event_types", multiple=True, help="event type slug, e.g. battles")
@click.option("--sub-type", "sub_event_types", multiple=True, help="sub-event type slug")
@click.option("--actor", "actors", multiple=True, help="part of an actor's name")
@click.option("--min-killed", type=int, default=None)
@click.option("--min-casualties", type=int, default=None, help="killed + injured")
@click.option("--keyword", "keywords", multiple=True)
@click.option("--webhook", default=None, help="URL to POST alerts to")
@click.option("--secret", default=None, help="HMAC-SHA256 key for the webhook signature")
@click.option("--email", default=None, help="address to mail alerts to")
@click.option("--file", "file_path", default=None, help="file to append alerts to (JSON Lines)")
def subscriptions_add(
    subscription_id: str,
    name: str | None,
    countries: tuple[str, ...],
    near: str | None,
    km: float | None,
    bbox: str | None,
    event_types: tuple[str, ...],
    sub_event_types: tuple[str, ...],
    actors: tuple[str, ...],
    min_killed: int | None,
    min_casualties: int | None,
    keywords: tuple[str, ...],
    webhook: str | None,
    secret: str | None,
    email: str | None,
    file_path: str | None,
) -> None:
    """Add a subscription (or replace the one with this id)."""
    from sinks.alerts import subscriptions as store

    targets = [
        (kind, value)
        for kind, value in (("webhook", webhook), ("email", email), ("file", file_path))
        if value
    ]
    if len(targets) != 1:
        raise click.UsageError("give exactly one of --webhook, --email, --file")
    if (near is None) != (km is None):
        raise click.UsageError("--near and --km go together")
    try:
        codes = country_list(list(countries))
    except ValueError as error:  # worded as `events list` words it
        raise click.BadParameter(str(error), param_hint="--country") from None
    record: dict[str, object] = {
        "id": subscription_id,
        "name": name,
        "countries": codes,
        "event_types": list(event_types),
        "sub_event_types": list(sub_event_types),
        "actors": list(actors),
        "min_fatalities": min_killed,
        "min_casualties": min_casualties,
        "keywords": list(keywords),
        "delivery": {"kind": targets[0][0], "target": targets[0][1], "secret": secret},
    }
    if near is not None:
        try:
            lat, lon = parse_floats(near, 2, "lat,lon")
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--near") from None
        record["radius"] = {"lat": lat, "lon": lon, "km": km}
    if bbox is not None:
        try:
            record["bbox"] = parse_box(bbox).model_dump()
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--bbox") from None
    try:
        subscription = Subscription.model_validate_json(json.dumps(record))
    except ValidationError as error:
        raise click.ClickException(describe_error(error)) from error
    settings = get_settings()
    try:
        store.check_targets([subscription], settings.delivery.files_dir)
    except store.SubscriptionFileError as error:
        raise click.ClickException(str(error)) from error
    store.save(store.connect(settings.resolved_database_url), subscription)
    click.echo(f"saved subscription {subscription.id}")
    warning = _sender_refusal(subscription, settings.delivery.allow_private_addresses)
    if warning:
        click.echo(warning, err=True)


def _sender_refusal(subscription: Subscription, allow_private: bool) -> str | None:
    """Why the alert sender would not post to SUBSCRIPTION's webhook, as a warning line
    (its address with the secret parts hidden), the check `feeds add` makes; None when
    it would, or when alerts go elsewhere."""
    from sinks.alerts.channels import shown_target
    from wirewatch.reach import refusal

    if subscription.delivery.kind != "webhook":
        return None
    return refusal(
        subscription.delivery.target,
        allow_private,
        shown=shown_target(subscription),
        refused=f"alerts to {shown_target(subscription)} will not be sent",
        try_now=f"`wirewatch subscriptions test {subscription.id} --send`",
        failures="each alert is retried and `wirewatch alerts list` shows the failures",
    )


@subscriptions.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def subscriptions_load(path: Path) -> None:
    """Add or replace every subscription in a YAML file."""
    from sinks.alerts import subscriptions as store

    settings = get_settings()
    try:
        loaded = store.load_yaml(path)
        store.check_targets(loaded, settings.delivery.files_dir)
    except store.SubscriptionFileError as error:
        raise click.ClickException(str(error)) from error
    engine = store.connect(settings.resolved_database_url)
    for subscription in loaded:
        store.save(engine, subscription)
    click.echo(f"saved {render.counted(len(loaded), 'subscription')} from {path}")
    for subscription in loaded:
        warning = _sender_refusal(subscription, settings.delivery.allow_private_addresses)
        if warning:
            click.echo(f"{warning} (subscription {subscription.id})", err=True)


@subscriptions.command("list")
@click.option("--format", "output_format", type=click.Choice(["table", "jsonl"]), default=None)
@click.option(
    "--show-secrets",
    is_flag=True,
    help="print webhook URLs in full and signing secrets (hidden by default: they are passwords)",
)
def subscriptions_list(output_format: str | None, show_secrets: bool) -> None:
    """Print the subscriptions (webhook credentials and signing secrets hidden)."""
    from sinks.alerts import subscriptions as store
    from sinks.alerts.channels import shown_target

    found = list(store.list_subscriptions(store.connect(get_settings().resolved_database_url)))
    if not show_secrets:
        found = [
            sub.model_copy(
                update={
                    "delivery": sub.delivery.model_copy(
                        update={
                            "target": shown_target(sub),
                            "secret": HIDDEN if sub.delivery.secret else None,
                        }
                    )
                }
            )
            for sub in found
        ]
    if render.chosen_format(output_format) == "jsonl":
        for subscription in found:
            click.echo(subscription.model_dump_json())
        return
    render.subscriptions_table(found)


@subscriptions.command("remove")
@click.argument("subscription_id")
def subscriptions_remove(subscription_id: str) -> None:
    """Delete a subscription."""
    from sinks.alerts import subscriptions as store

    if not store.remove(store.connect(get_settings().resolved_database_url), subscription_id):
        raise click.ClickException(f"no subscription {subscription_id!r}")
    click.echo(f"removed subscription {subscription_id}")


@subscriptions.command("test")
@click.argument("subscription_id")
@click.option(
    "--send", is_flag=True, help="also deliver the newest matching event to the target, as a test"
)
@click.option("--limit", type=int, default=20)
def subscriptions_test(subscription_id: str, send: bool, limit: int) -> None:
    """Show which stored events this subscription matches (and, with --send, try its target)."""
    from processors.alerting import build_alert, matches
    from sinks.alerts import subscriptions as store
    from sinks.alerts.channels import shown_target
    from sinks.storage import connect, list_events
    from wirewatch.render import event_line

    settings = get_settings()
    sub = store.get(store.connect(settings.resolved_database_url), subscription_id)
    if sub is None:
        raise click.ClickException(f"no subscription {subscription_id!r}")
    matched = [e for e in list_events(connect(settings.resolved_database_url)) if matches(sub, e)]
    click.echo(
        f"{render.counted(len(matched), 'stored event matches', 'stored events match')} "
        f"{sub.id} ({render.describe_subscription(sub)})"
    )
    for event in matched[:limit]:
        click.echo(f"  {event_line(event)}")
    if not send:
        return
    if not matched:
        raise click.ClickException("nothing to send: no stored event matches")
    alert = build_alert(sub, matched[0], "new", dt.datetime.now(dt.UTC), id_suffix="-test")
    outcome = asyncio.run(send_now(settings.delivery, alert, sub, record=None))
    if not outcome.delivered:
        raise click.ClickException(
            f"test delivery failed after {render.counted(outcome.attempts, 'attempt')}: {outcome.error}"
        )
    click.echo(f"test alert delivered to {sub.delivery.kind} {shown_target(sub)}")
