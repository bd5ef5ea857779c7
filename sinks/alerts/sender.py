"""Sending an alert through its channel with retries, within concurrency gates: at most
``concurrency`` attempts at once, and at most ``per_subscription`` for any one
subscription, so a slow or failing receiver delays its own alerts and not everyone's;
each webhook attempt ends within ``timeout`` seconds, answer included. After the last
attempt the alert is given up (``dead``), and at once when retrying cannot help: a
refusal, or an error no channel expected (a bug, input nothing will fix), which would
otherwise leave the alert pending and sent again, to fail again, at every start."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from infra.policies import RetryPolicy
from schemas.alert import Alert, Subscription
from sinks.alerts.channels import (
    PermanentFailure,
    TemporaryFailure,
    append_to_file,
    post_webhook,
    redacted,
    send_email,
)

if TYPE_CHECKING:
    from infra.settings import DeliverySection

log = logging.getLogger("wirewatch.alerts")


def _unexpected(error: Exception) -> str:
    """The error's one-line text, from inside the group a task group wraps it in."""
    while isinstance(error, ExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    return f"unexpected {error.__class__.__name__}: {error}"


@dataclass
class _Gate:
    semaphore: asyncio.Semaphore
    users: int = 0  # attempts running or waiting


@dataclass
class Sender:
    """Sends alerts with retries; one instance per sink, sharing one HTTP client.

    At most ``concurrency`` attempts run at once, and at most ``per_subscription`` for
    any one subscription, so a slow or failing receiver delays its own alerts and not
    everyone's. Waits between attempts hold no slot.
    """

    client: httpx.AsyncClient
    policy: RetryPolicy
    allow_private: bool = False
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_sender: str = "wirewatch@localhost"
    concurrency: int = 32
    per_subscription: int = 4
    files_dir: Path | None = None  # file subscriptions write only here; None: they fail
    _slots: asyncio.Semaphore | None = field(default=None, init=False, repr=False)
    _gates: dict[str, _Gate] = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def from_section(cls, delivery: DeliverySection, client: httpx.AsyncClient) -> Sender:
        if delivery.notice is not None:
            log.warning("%s", delivery.notice)
        return cls(
            client=client,
            policy=delivery.retry,
            allow_private=delivery.allow_private_addresses,
            smtp_host=delivery.smtp_host,
            smtp_port=delivery.smtp_port,
            smtp_sender=delivery.smtp_sender,
            concurrency=delivery.concurrency,
            per_subscription=delivery.per_subscription,
            files_dir=delivery.files_dir,
        )

    @contextlib.asynccontextmanager
    async def _slot(self, sub: Subscription) -> AsyncIterator[None]:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.concurrency)
        gate = self._gates.get(sub.id)
        if gate is None:
            gate = self._gates[sub.id] = _Gate(asyncio.Semaphore(self.per_subscription))
        gate.users += 1
        try:
            async with gate.semaphore, self._slots:
                yield
        finally:
            gate.users -= 1
            if gate.users == 0:  # forgotten when idle: subscriptions come and go
                del self._gates[sub.id]

    async def send_once(self, alert: Alert, sub: Subscription) -> None:
        kind = sub.delivery.kind
        if kind == "webhook":
            await post_webhook(self.client, alert, sub, self.allow_private, self.policy.timeout)
        elif kind == "email":
            await asyncio.to_thread(
                send_email,
                alert,
                sub,
                self.smtp_host,
                self.smtp_port,
                self.smtp_sender,
                self.policy.timeout,
            )
        else:
            await asyncio.to_thread(append_to_file, alert, sub, self.files_dir)

    async def send(self, alert: Alert, sub: Subscription) -> tuple[bool, int, str | None]:
        """(delivered, attempts made, last error)."""
        error: str | None = None
        for attempt in range(1, self.policy.attempts + 1):
            try:
                async with self._slot(sub):
                    await self.send_once(alert, sub)
                return True, attempt, None
            except PermanentFailure as failure:
                return False, attempt, redacted(str(failure), sub)
            except TemporaryFailure as failure:
                error = redacted(str(failure), sub)
                if attempt < self.policy.attempts:
                    await asyncio.sleep(self.policy.delay(attempt, failure.retry_after))
            except Exception as failure:  # not CancelledError: a stop leaves it pending
                log.exception("alert %s to %s: unexpected error", alert.alert_id, sub.id)
                return False, attempt, redacted(_unexpected(failure), sub)
        return False, self.policy.attempts, error
