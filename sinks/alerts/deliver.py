"""One path from an alert to its recorded outcome, for the worker and the command line
alike: send it through the sender (retries, gates), then mark it delivered, with its
article-to-delivery latency, or dead, with the last error. The latency is returned in
the Outcome too, for the worker's histogram (`processors.stream.metrics`)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from infra.settings import DeliverySection
from schemas.alert import Alert, Subscription
from sinks.alerts import state as delivery_state
from sinks.alerts.channels import webhook_client
from sinks.alerts.sender import Sender

log = logging.getLogger("wirewatch.alerts")

# mark(alert_id, status, attempts, error, latency): records the outcome where it is kept
Mark = Callable[[str, str, int, "str | None", "float | None"], Awaitable[None]]


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    attempts: int
    error: str | None
    latency: float | None


async def deliver(
    alert: Alert, sub: Subscription, sender: Sender, mark: Mark, measure_latency: bool = True
) -> Outcome:
    """Send the alert, record what happened, and say it. A re-send of an old alert (a
    retry by hand) records no latency: hours after the article it would say nothing of
    the pipeline and skew every latency figure."""
    ok, attempts, error = await sender.send(alert, sub)
    latency = None
    if ok and measure_latency and alert.received_at is not None:
        latency = (dt.datetime.now(dt.UTC) - alert.received_at).total_seconds()
    await mark(alert.alert_id, "delivered" if ok else "dead", attempts, error, latency)
    if ok:
        log.info("alert %s delivered to %s in %.3f s", alert.alert_id, sub.id, latency or 0.0)
    else:
        log.warning(
            "alert %s to %s failed after %d attempts: %s", alert.alert_id, sub.id, attempts, error
        )
    return Outcome(ok, attempts, error, latency)


async def send_now(
    section: DeliverySection, alert: Alert, sub: Subscription, record: Engine | None
) -> Outcome:
    """One alert sent from the command line, through the worker's own path (its client,
    sender and retries), its outcome marked in RECORD's deliveries table; a test send
    (no RECORD) is not recorded, and no send from here records a latency."""

    async def mark(*outcome: Any) -> None:
        if record is not None:
            delivery_state.mark(record, *outcome)

    async with webhook_client(section.timeout, section.allow_private_addresses) as client:
        sender = Sender.from_section(section, client)
        return await deliver(alert, sub, sender, mark, measure_latency=False)
