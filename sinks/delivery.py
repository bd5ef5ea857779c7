"""Delivering alerts: webhooks, email, files, with their state in SQL.

- **Webhooks** get a JSON POST. Its ``Idempotency-Key`` header is the alert id, the same
  on every attempt, and ``X-Wirewatch-Signature: sha256=<hex>`` is an HMAC-SHA256 of the
  exact body with the subscription's secret. Timeouts, connection errors, 5xx and 429
  are retried with exponential backoff and jitter (``Retry-After`` is honoured); other
  4xx are not.
- **Email** goes over SMTP, with STARTTLS when the server offers it, in plain text and
  HTML.
- **Files** get one JSON line per alert.

After the last attempt an alert is ``dead``: the reason is kept, and ``wirewatch
alerts retry`` sends it again. Webhook targets are untrusted: private, loopback and
link-local addresses are refused unless ``WIREWATCH_ALLOW_PRIVATE_ADDRESSES`` is set.

The ``deliveries`` table holds each alert's state: ``pending`` (recorded before
sending), ``delivered`` or ``dead``. A restarted sink sends the pending ones again and
skips the delivered ones, so nothing is lost. A receiver may see one alert twice only
if the sink died between the receiver's answer and the write that follows; the
idempotency key lets it tell.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import hashlib
import hmac
import html
import json
import random
import smtplib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
from prometheus_client import Histogram
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    select,
    update,
)

from infra.db import Migration, make_engine, migrate, upsertable_insert
from infra.http import guarded_client, parse_retry_after
from infra.netguard import BlockedURLError, check_url
from schemas.alert import Alert, Subscription

if TYPE_CHECKING:
    from infra.settings import Settings

SIGNATURE_HEADER = "X-Wirewatch-Signature"
LATENCY = Histogram(
    "wirewatch_alert_latency_seconds",
    "From the article entering articles.raw to its alert leaving the delivery sink.",
    buckets=(0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30, 60, 300),
)
USER_AGENT = "wirewatch-alerts/1 (+https://github.com/wirewatch)"

metadata = MetaData()

deliveries_table = Table(
    "deliveries",
    metadata,
    Column("alert_id", String(64), primary_key=True),
    Column("subscription_id", String(64), nullable=False, index=True),
    Column("event_id", String(64), nullable=False),
    Column("event_version", Integer, nullable=False),
    Column("reason", String(32), nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("received_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("delivered_at", DateTime(timezone=True)),
    Column("latency_seconds", Float),
    Column("record", JSON, nullable=False),
)


def _create_v1(engine: Engine) -> None:
    metadata.create_all(engine, tables=[deliveries_table])


MIGRATIONS: tuple[Migration, ...] = ((1, _create_v1),)


def connect(url: str) -> Engine:
    engine = make_engine(url)
    migrate(engine, "deliveries", MIGRATIONS)
    return engine


@dataclass(frozen=True)
class Delivery:
    alert_id: str
    subscription_id: str
    event_id: str
    event_version: int
    reason: str
    status: str
    attempts: int
    last_error: str | None
    received_at: dt.datetime | None
    created_at: dt.datetime
    delivered_at: dt.datetime | None
    latency_seconds: float | None


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


@functools.cache
def _insert_pending(dialect: str) -> Any:
    """Built once; each call binds its row."""
    return upsertable_insert(dialect, deliveries_table).on_conflict_do_nothing(
        index_elements=["alert_id"]
    )


def record_pending(engine: Engine, alert: Alert) -> bool:
    """Remember an alert before sending it; False when it is known already."""
    row = {
        "alert_id": alert.alert_id,
        "subscription_id": alert.subscription_id,
        "event_id": alert.event_id,
        "event_version": alert.event_version,
        "reason": alert.reason,
        "status": "pending",
        "attempts": 0,
        "last_error": None,
        "received_at": alert.received_at,
        "created_at": alert.created_at,
        "delivered_at": None,
        "latency_seconds": None,
        "record": alert.model_dump(mode="json"),
    }
    with engine.begin() as connection:
        result = connection.execute(_insert_pending(engine.dialect.name), row)
        return bool(result.rowcount)


def status_of(engine: Engine, alert_id: str) -> str | None:
    with engine.connect() as connection:
        return connection.execute(
            select(deliveries_table.c.status).where(deliveries_table.c.alert_id == alert_id)
        ).scalar_one_or_none()


_MARK = (
    update(deliveries_table)
    .where(deliveries_table.c.alert_id == bindparam("id"))
    .values(
        status=bindparam("status"),
        attempts=bindparam("attempts"),
        last_error=bindparam("last_error"),
        delivered_at=bindparam("delivered_at"),
        latency_seconds=bindparam("latency_seconds"),
    )
)


def mark(
    engine: Engine,
    alert_id: str,
    status: str,
    attempts: int,
    error: str | None = None,
    latency: float | None = None,
) -> None:
    delivered = status == "delivered"
    with engine.begin() as connection:
        connection.execute(
            _MARK,
            {
                "id": alert_id,
                "status": status,
                "attempts": attempts,
                "last_error": error,
                "delivered_at": dt.datetime.now(dt.UTC) if delivered else None,
                "latency_seconds": latency if delivered else None,
            },
        )


def list_deliveries(engine: Engine, status: str | None = None, limit: int = 100) -> list[Delivery]:
    query = select(deliveries_table).order_by(deliveries_table.c.created_at.desc()).limit(limit)
    if status:
        query = query.where(deliveries_table.c.status == status)
    with engine.connect() as connection:
        rows = connection.execute(query).mappings().all()
    return [
        Delivery(
            alert_id=row["alert_id"],
            subscription_id=row["subscription_id"],
            event_id=row["event_id"],
            event_version=row["event_version"],
            reason=row["reason"],
            status=row["status"],
            attempts=row["attempts"],
            last_error=row["last_error"],
            received_at=_aware(row["received_at"]),
            created_at=_aware(row["created_at"]),  # type: ignore[arg-type]
            delivered_at=_aware(row["delivered_at"]),
            latency_seconds=row["latency_seconds"],
        )
        for row in rows
    ]


def alerts_with_status(engine: Engine, status: str) -> Iterator[Alert]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(deliveries_table.c.record).where(deliveries_table.c.status == status)
        ).scalars()
        for record in rows:
            yield Alert.model_validate_json(json.dumps(record))


# --- sending ---------------------------------------------------------------------------


class PermanentFailure(Exception):
    """The target refused the alert in a way that retrying will not change."""


class TemporaryFailure(Exception):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, secret: str, signature: str) -> bool:
    """What a receiver does: recompute the signature and compare in constant time."""
    return hmac.compare_digest(sign(body, secret), signature)


def webhook_client(timeout: float, allow_private: bool) -> httpx.AsyncClient:
    """The HTTP client for webhooks: it connects to public addresses only, unless allowed."""
    return guarded_client(timeout, allow_private=allow_private)


def alert_body(alert: Alert) -> bytes:
    return alert.model_dump_json().encode()


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0
    timeout: float = 10.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Exponential backoff, each wait drawn from the upper half of its step (so retries
        spread out but never come sooner than half the step); Retry-After wins when set."""
        if retry_after is not None:
            return min(retry_after, self.max_delay)
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)


async def post_webhook(
    client: httpx.AsyncClient, alert: Alert, sub: Subscription, allow_private: bool
) -> None:
    url = sub.delivery.target
    try:
        await check_url(url, allow_private)
    except BlockedURLError as error:
        raise PermanentFailure(str(error)) from error
    body = alert_body(alert)
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": alert.alert_id,
        "User-Agent": USER_AGENT,
    }
    if sub.delivery.secret:
        headers[SIGNATURE_HEADER] = sign(body, sub.delivery.secret)
    try:
        response = await client.post(url, content=body, headers=headers, follow_redirects=False)
    except BlockedURLError as error:  # the name resolved elsewhere when connecting
        raise PermanentFailure(str(error)) from error
    except httpx.TimeoutException as error:
        raise TemporaryFailure(f"timeout: {error.__class__.__name__}") from error
    except httpx.TransportError as error:
        raise TemporaryFailure(f"connection: {error}") from error
    if response.status_code < 300:
        return
    message = f"HTTP {response.status_code} from {urlsplit(url).netloc}"
    if response.status_code == 429 or response.status_code >= 500:
        raise TemporaryFailure(message, parse_retry_after(response.headers.get("retry-after")))
    raise PermanentFailure(message)


def email_message(alert: Alert, sender: str, recipient: str) -> EmailMessage:
    event = alert.event
    place = event.location.name if event.location else event.country
    subject = (
        f"[wirewatch] {event.sub_event_type.value.replace('_', ' ')} in {place}, "
        f"{event.event_date}: {event.fatalities if event.fatalities is not None else '?'} killed"
    )
    lines = [
        f"{event.event_type.value.replace('_', ' ')} / {event.sub_event_type.value.replace('_', ' ')}",
        f"Where: {place} ({event.country})",
        f"When: {event.event_date}",
        f"Killed: {event.fatalities}  Injured: {event.injured}",
        f"Sources: {', '.join(event.sources)}",
        f"Why you get this: {alert.reason.replace('_', ' ')} (subscription {alert.subscription_id})",
        "",
        *event.evidence[:3],
    ]
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = recipient
    message["Message-ID"] = f"<{alert.alert_id}@wirewatch>"
    message.set_content("\n".join(lines))
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines if line)
    message.add_alternative(f"<html><body><ul>{items}</ul></body></html>", subtype="html")
    return message


def send_email(
    alert: Alert, sub: Subscription, host: str, port: int, sender: str, timeout: float
) -> None:
    message = email_message(alert, sender, sub.delivery.target)
    try:
        with smtplib.SMTP(host, port, timeout=timeout) as smtp:
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls()
                smtp.ehlo()
            smtp.send_message(message)
    except smtplib.SMTPResponseException as error:
        if 400 <= error.smtp_code < 500:
            raise TemporaryFailure(f"SMTP {error.smtp_code}") from error
        raise PermanentFailure(f"SMTP {error.smtp_code}: {error.smtp_error!r}") from error
    except (OSError, smtplib.SMTPException) as error:
        raise TemporaryFailure(f"SMTP: {error}") from error


def append_to_file(alert: Alert, sub: Subscription) -> None:
    path = Path(sub.delivery.target)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(alert.model_dump_json() + "\n")
    except OSError as error:
        raise TemporaryFailure(f"file: {error}") from error


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
    _slots: asyncio.Semaphore | None = field(default=None, init=False, repr=False)
    _gates: dict[str, _Gate] = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings, client: httpx.AsyncClient) -> Sender:
        return cls(
            client=client,
            policy=RetryPolicy(
                attempts=settings.delivery_attempts,
                base_delay=settings.delivery_base_delay,
                timeout=settings.delivery_timeout,
            ),
            allow_private=settings.allow_private_addresses,
            smtp_host=settings.smtp_host,
            smtp_port=settings.smtp_port,
            smtp_sender=settings.smtp_sender,
            concurrency=settings.delivery_concurrency,
            per_subscription=settings.delivery_per_subscription,
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
            await post_webhook(self.client, alert, sub, self.allow_private)
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
            await asyncio.to_thread(append_to_file, alert, sub)

    async def send(self, alert: Alert, sub: Subscription) -> tuple[bool, int, str | None]:
        """(delivered, attempts made, last error)."""
        error: str | None = None
        for attempt in range(1, self.policy.attempts + 1):
            try:
                async with self._slot(sub):
                    await self.send_once(alert, sub)
                return True, attempt, None
            except PermanentFailure as failure:
                return False, attempt, str(failure)
            except TemporaryFailure as failure:
                error = str(failure)
                if attempt < self.policy.attempts:
                    await asyncio.sleep(self.policy.delay(attempt, failure.retry_after))
        return False, self.policy.attempts, error
