"""The three ways an alert leaves: a webhook, an email, a line in a file. Each raises
`PermanentFailure` when retrying cannot help and `TemporaryFailure` when it may.

- **Webhooks** get a JSON POST. Its ``Idempotency-Key`` header is the alert id, the same
  on every attempt, and ``X-Wirewatch-Signature: t=<unix seconds>,v1=<hex>`` is an
  HMAC-SHA256, with the subscription's secret, of the time of the attempt, a dot and the
  exact body: a receiver that checks the time too (`verify`) refuses a request replayed
  later, and a body moved to another time. Timeouts, connection errors, 5xx and 429
  are temporary (``Retry-After`` is passed on); other 4xx are permanent. Targets are
  untrusted: the one guarded HTTP client refuses private, loopback and link-local
  addresses unless ``WIREWATCH_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES`` is set. A receiver's answer is
  untrusted too: its status is what counts, only its first `ANSWER_BYTES` are read (for
  the error text), and the whole attempt, answer included, has one deadline, so a huge,
  endless or dripping answer costs neither memory nor more than that time.
- **Email** goes over SMTP, with STARTTLS when the server offers it, in plain text and
  HTML; anything from an event goes into a header on one line (no CR/LF can add one).
- **Files** get one JSON line per alert, only inside the alert files directory, opened
  relative to it without following any link, and only if it is a regular file.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hashlib
import hmac
import html
import os
import re
import smtplib
import stat
import time
from dataclasses import dataclass, field
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


# how much of a receiver's answer is read: its status is what counts, and the first
# bytes say why it refused; the rest is never read (a 300 MB or endless answer would
# otherwise be held whole in memory)
ANSWER_BYTES = 4096
# how much of those bytes an error's text quotes
ANSWER_QUOTED = 200


def one_line(text: str, limit: int | None = None) -> str:
    """TEXT with every control character (CR and LF among them) turned into a space and
    runs of spaces closed up, cut to LIMIT characters: untrusted text fit for a header
    or a log line."""
    flat = " ".join(re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", " ", text).split())
    return flat if limit is None or len(flat) <= limit else flat[: limit - 1] + "\u2026"


@dataclass
class _Answer:
    """What a receiver said, as far as it got before the deadline."""

    status: int | None = None
    retry_after: str | None = None
    start: bytearray = field(default_factory=bytearray)


async def _post(
    client: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str], answer: _Answer
) -> None:
    """One POST, its answer's status, Retry-After and first `ANSWER_BYTES` of body (as
    sent: not decompressed, so a small gzip bomb stays small) kept in ANSWER as they
    come. A small answer is read to its end, so that its connection can be used again;
    a longer one is left unread and its connection closed."""
    async with client.stream(
        "POST", url, content=body, headers=headers, follow_redirects=False
    ) as response:
        answer.status = response.status_code
        answer.retry_after = response.headers.get("retry-after")
        async for chunk in response.aiter_raw():
            answer.start += chunk[: ANSWER_BYTES - len(answer.start)]
            if len(answer.start) >= ANSWER_BYTES:
                break


def _failed_attempt(error: Exception, deadline: float) -> str:
    if isinstance(error, TimeoutError):
        return f"timeout: no answer within {deadline:g} s"
    if isinstance(error, httpx.TimeoutException):
        return f"timeout: {error.__class__.__name__}"
    return f"connection: {error}"


async def post_webhook(
    client: httpx.AsyncClient,
    alert: Alert,
    sub: Subscription,
    allow_private: bool,
    deadline: float,
) -> None:
    """One attempt, which ends within DEADLINE seconds whatever the receiver does: the
    name's lookup, the connection, the request and the answer's first bytes together
    (httpx's own timeout is per read, and a byte a second never trips it)."""
    url = sub.delivery.target
    body = alert_body(alert)
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": alert.alert_id,
        "User-Agent": USER_AGENT,
    }
    if sub.delivery.secret:
        headers[SIGNATURE_HEADER] = sign(body, sub.delivery.secret, int(time.time()))
    answer = _Answer()
    try:
        async with asyncio.timeout(deadline):
            await check_url(url, allow_private)
            await _post(client, url, body, headers, answer)
    except BlockedURLError as error:  # also a name that resolved elsewhere when connecting
        raise PermanentFailure(str(error)) from error
    except (TimeoutError, httpx.TransportError) as error:
        if answer.status is None:  # else the status came whole: the body does not count
            raise TemporaryFailure(_failed_attempt(error, deadline)) from error
    status = answer.status
    assert status is not None
    if status < 300:
        return
    said = one_line(answer.start.decode("utf-8", "replace"), ANSWER_QUOTED)
    message = f"HTTP {status} from {shown_url(url)}" + (f": {said}" if said else "")
    if status == 429 or status >= 500:
        raise TemporaryFailure(message, parse_retry_after(answer.retry_after))
    raise PermanentFailure(message)


def email_message(alert: Alert, sender: str, recipient: str) -> EmailMessage:
    event = alert.event
    # the place comes from a feed: one line, or a CR/LF in it would end the header
    place = one_line(event.location.name if event.location else event.country, 200)
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
        *(one_line(line) for line in event.evidence[:3]),
    ]
    message = EmailMessage()
    message["Subject"] = one_line(subject)
    message["From"] = one_line(sender)
    message["To"] = one_line(recipient)
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


def _relative_parts(target: str, files_dir: Path) -> tuple[str, ...]:
    """TARGET's path below FILES_DIR, as written (no link looked at); ValueError when it
    has none."""
    path = Path(target)
    if path.is_absolute():
        for base in (files_dir.absolute(), files_dir.resolve()):
            if path.is_relative_to(base):
                path = path.relative_to(base)
                break
        else:
            raise ValueError(f"file target {target!r} lies outside the alert files directory")
    parts = path.parts
    if not parts or ".." in parts:
        raise ValueError(f"file target {target!r} lies outside the alert files directory")
    return parts


class _NotAFile(Exception):
    """The target, or a folder on its way, is a link or not a regular file or folder."""


# what opening a link with O_NOFOLLOW, a file as a folder, a folder or a FIFO with no
# reader as a file says
_REFUSED = {errno.ELOOP, errno.ENOTDIR, errno.EISDIR, errno.ENXIO, errno.EMLINK}


def _open_for_append(files_dir: Path, parts: tuple[str, ...]) -> int:
    """A descriptor to append to FILES_DIR/PARTS, created if missing, each step opened
    relative to the one before without following a link: a link swapped in after the
    target was checked is refused, not followed out of the directory."""
    nofollow = os.O_NOFOLLOW | os.O_CLOEXEC
    folder = os.open(files_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for name in parts[:-1]:
            with contextlib.suppress(FileExistsError):
                os.mkdir(name, dir_fd=folder)
            inner = os.open(name, os.O_RDONLY | os.O_DIRECTORY | nofollow, dir_fd=folder)
            os.close(folder)
            folder = inner
        # O_NONBLOCK: a FIFO planted here is refused at once instead of waiting for a reader
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK | nofollow
        handle = os.open(parts[-1], flags, 0o666, dir_fd=folder)
    except OSError as error:
        if error.errno in _REFUSED:
            raise _NotAFile(os.strerror(error.errno or 0)) from error
        raise
    finally:
        os.close(folder)
    if not stat.S_ISREG(os.fstat(handle).st_mode):
        os.close(handle)
        raise _NotAFile("not a regular file")
    return handle


def append_to_file(alert: Alert, sub: Subscription, files_dir: Path | None) -> None:
    if files_dir is None:
        raise PermanentFailure("file: no alert files directory is set")
    target = sub.delivery.target
    try:
        file_target(target, files_dir)
        parts = _relative_parts(target, files_dir)
    except ValueError as error:  # saved before targets were checked, or the setting moved
        raise PermanentFailure(str(error)) from error
    line = (alert.model_dump_json() + "\n").encode()
    try:
        files_dir.mkdir(parents=True, exist_ok=True)
        handle = _open_for_append(files_dir, parts)
    except _NotAFile as error:
        raise PermanentFailure(
            f"file: {target!r} in the alert files directory is a link or not a regular "
            f"file ({error}); refused"
        ) from error
    except OSError as error:
        raise TemporaryFailure(f"file: {error}") from error
    try:
        view = memoryview(line)
        while view:  # O_APPEND: each write lands at the end, whoever else appends
            view = view[os.write(handle, view) :]
    except OSError as error:
        raise TemporaryFailure(f"file: {error}") from error
    finally:
        os.close(handle)
