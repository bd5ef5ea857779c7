"""The three ways an alert leaves: a webhook, an email, a line in a file. Each raises
`PermanentFailure` when retrying cannot help and `TemporaryFailure` when it may.

- **Webhooks** get a JSON POST. Its ``Idempotency-Key`` header is the alert id, the same
  on every attempt, and ``X-Wirewatch-Signature: t=<unix seconds>,v1=<hex>`` is an
  HMAC-SHA256, with the subscription's secret, of the time of the attempt, a dot and the
  exact body: a receiver that checks the time too (`verify`) refuses a request replayed
  later, and a body moved to another time. Timeouts, connection errors, 5xx and 429
  are temporary (``Retry-After`` is passed on); other 4xx are permanent. Targets are
  untrusted: the one guarded HTTP client refuses private, loopback and link-local
  addresses unless ``WIREWATCH_ALLOW_PRIVATE_ADDRESSES`` is set.
- **Email** goes over SMTP, with STARTTLS when the server offers it, in plain text and
  HTML.
- **Files** get one JSON line per alert, only inside the alert files directory.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import smtplib
import time
from email.message import EmailMessage
from pathlib import Path

import httpx

from infra.http import guarded_client, parse_retry_after
from infra.netguard import BlockedURLError, check_url
from infra.redact import redact, shown_url
from schemas.alert import Alert, Subscription

SIGNATURE_HEADER = "X-Wirewatch-Signature"
USER_AGENT = "wirewatch-alerts/1 (+https://github.com/wirewatch)"


class PermanentFailure(Exception):
    """The target refused the alert in a way that retrying will not change."""


class TemporaryFailure(Exception):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


# how far a signature's time may lie from the receiver's clock (seconds): the default of
# `verify`, as a receiver would choose it
SIGNATURE_TOLERANCE = 300


def sign(body: bytes, secret: str, timestamp: int) -> str:
    """The signature header's value for BODY sent at TIMESTAMP (unix seconds)."""
    signed = str(timestamp).encode() + b"." + body
    return f"t={timestamp},v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def verify(
    body: bytes,
    secret: str,
    header: str,
    now: float | None = None,
    tolerance: float = SIGNATURE_TOLERANCE,
) -> bool:
    """What a receiver does: read ``t`` and every ``v1`` from the header, refuse a time
    further than TOLERANCE seconds from now, recompute the HMAC of ``t.body`` and compare
    it with each ``v1`` in constant time."""
    fields = [part.partition("=") for part in header.split(",")]
    times = [value for key, _, value in fields if key.strip() == "t"]
    signatures = [value.strip() for key, _, value in fields if key.strip() == "v1"]
    if len(times) != 1 or not times[0].strip().isdigit() or not signatures:
        return False
    timestamp = int(times[0])
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = sign(body, secret, timestamp).rpartition("v1=")[2]
    return any(hmac.compare_digest(expected, signature) for signature in signatures)


def shown_target(sub: Subscription) -> str:
    """Where a subscription's alerts go, as logs and listings may show it: a webhook
    without its credentials, path or query (`infra.redact`)."""
    target = sub.delivery.target
    return shown_url(target) if sub.delivery.kind == "webhook" else target


def redacted(text: str, sub: Subscription) -> str:
    """TEXT about a delivery to SUB with its webhook's secret parts and its signing
    secret hidden: what may be logged and stored."""
    url = sub.delivery.target if sub.delivery.kind == "webhook" else None
    return redact(text, url, [sub.delivery.secret])


def webhook_client(timeout: float, allow_private: bool) -> httpx.AsyncClient:
    """The HTTP client for webhooks: it connects to public addresses only, unless allowed."""
    return guarded_client(timeout, allow_private=allow_private)


def alert_body(alert: Alert) -> bytes:
    return alert.model_dump_json().encode()


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
        headers[SIGNATURE_HEADER] = sign(body, sub.delivery.secret, int(time.time()))
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
    message = f"HTTP {response.status_code} from {shown_url(url)}"
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


def file_target(target: str, files_dir: Path) -> Path:
    """Where a file subscription writes: TARGET inside FILES_DIR (a relative path is
    taken from it); ValueError for a path anywhere else (``..``, a symlink out, another
    directory): a subscription file is untrusted input."""
    base = files_dir.resolve()
    path = Path(target)
    resolved = (path if path.is_absolute() else base / path).resolve()
    if resolved == base or not resolved.is_relative_to(base):
        raise ValueError(
            f"file target {target!r} lies outside the alert files directory {base} "
            "(WIREWATCH_ALERT_FILES_DIR)"
        )
    return resolved


def append_to_file(alert: Alert, sub: Subscription, files_dir: Path | None) -> None:
    if files_dir is None:
        raise PermanentFailure("file: no alert files directory is set")
    try:
        path = file_target(sub.delivery.target, files_dir)
    except ValueError as error:  # saved before targets were checked, or the setting moved
        raise PermanentFailure(str(error)) from error
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(alert.model_dump_json() + "\n")
    except OSError as error:
        raise TemporaryFailure(f"file: {error}") from error
