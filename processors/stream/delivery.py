"""The deliver stage (keyed by subscription): each alert recorded as pending in SQL
(`sinks.alerts.state`), then sent by its channel (`sinks.alerts`) in a task of its own,
so that a slow webhook holds up no other alert; the sender bounds how many run at once,
and per subscription. An alert recorded already (delivered, dead, or pending and
resumed at start) is not sent again; alerts still pending when a previous worker
stopped are sent when this one starts."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import faust
from faust.types import EventT

from infra.settings import DeliverySection
from processors.stages import Step
from processors.stream.runner import Runtime
from processors.stream.sql import SqlThread, Subscriptions
from schemas.alert import Alert
from schemas.topics import StageSpec
from sinks.alerts import state as delivery_state
from sinks.alerts import subscriptions as subscription_store
from sinks.alerts.channels import webhook_client
from sinks.alerts.deliver import deliver as deliver_and_record
from sinks.alerts.sender import Sender

log = logging.getLogger("wirewatch.worker")


class Delivery:
    """Alerts handed to their channels, each in a task; the tasks still running."""

    def __init__(
        self,
        section: DeliverySection,
        sql: SqlThread,
        subscriptions: Subscriptions,
        runtime: Runtime,
    ) -> None:
        self.section = section
        self.sql = sql
        self.subscriptions = subscriptions
        self.metrics = runtime.metrics
        self.sending: set[asyncio.Task[None]] = set()
        self._sender: Sender | None = None

    def sender(self) -> Sender:
        if self._sender is None:  # built on the event loop, at the first alert
            client = webhook_client(self.section.timeout, self.section.allow_private_addresses)
            self._sender = Sender.from_section(self.section, client)
        return self._sender

    async def mark(self, *outcome: Any) -> None:
        await self.sql(delivery_state.mark, *outcome)
        if self.metrics is not None:
            self.metrics.alerts.labels(outcome[1]).inc()  # (alert id, status, ...)

    async def deliver(self, alert: Alert) -> None:
        sub = (await self.subscriptions.current()).subscriptions.get(alert.subscription_id)
        if sub is None:
            sub = await self.sql(subscription_store.get, alert.subscription_id)
        if sub is None:
            await self.mark(alert.alert_id, "dead", 0, "subscription removed", None)
            return
        outcome = await deliver_and_record(alert, sub, self.sender(), self.mark)
        if outcome.latency is not None and self.metrics is not None:
            self.metrics.alert_latency.observe(outcome.latency)

    def spawn(self, alert: Alert) -> None:
        async def run() -> None:
            try:
                await self.deliver(alert)
            except Exception:  # the alert stays pending; the next start sends it again
                log.exception("delivering alert %s", alert.alert_id)

        task = asyncio.create_task(run())
        self.sending.add(task)
        task.add_done_callback(self.sending.discard)

    async def resume_pending(self) -> None:
        """Alerts recorded but not delivered when a previous sink stopped: send them now."""
        pending = await self.sql(
            lambda engine: list(delivery_state.alerts_with_status(engine, "pending"))
        )
        for alert in pending:
            self.spawn(alert)

    async def record(self, event: EventT) -> Step:
        """The stage's handler: the alert recorded as pending, its sending started once
        the runner is done with the message."""
        alert = Alert.from_json_bytes(event.value)
        fresh = await self.sql(delivery_state.record_pending, alert)
        if fresh and self.metrics is not None:
            self.metrics.alerts.labels("pending").inc()
        # recorded already: delivered, dead, or resumed at start
        return Step(remember=(lambda: self.spawn(alert)) if fresh else None)


def add_delivery(
    app: faust.App,
    spec: StageSpec,
    topic: faust.TopicT,
    runtime: Runtime,
    delivery: Delivery,
) -> None:
    """The agent of the deliver stage SPEC, reading TOPIC, and the task that resumes
    the alerts left pending."""

    async def deliver(stream: faust.StreamT) -> None:
        await runtime.run(stream, spec, delivery.record, None)

    async def resume_pending() -> None:
        await delivery.resume_pending()

    app.agent(topic, name=spec.agent)(deliver)
    app.task(resume_pending)
