"""A local webhook receiver (127.0.0.1) that records every request and can fail on purpose,
or answer as a hostile receiver would: a huge body, an endless one, a byte at a time."""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MB = 1 << 20


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int
    answered: bool = False  # the status line and headers went out whole

    @property
    def alert(self) -> dict:
        return json.loads(self.body)


@dataclass(frozen=True)
class Hostile:
    """How a hostile receiver answers: ``huge`` (a Content-Length of SIZE bytes, sent
    until the client stops reading), ``endless`` (a chunked body with no end: SIZE is
    only where the receiver gives up), ``drip`` (the whole answer, a byte every
    INTERVAL seconds), ``slow_body`` (the status and headers at once, then the body a
    byte every INTERVAL seconds). STATUS is the status it answers with; the body starts with PREFIX."""

    kind: str
    status: int = 200
    size: int = 300 * MB
    interval: float = 1.0
    prefix: bytes = b"hostile receiver says: "


class _Server(ThreadingHTTPServer):
    """The HTTP server of one `WebhookServer`: its handlers reach the receiver's
    settings and records through it, under one lock for all their threads."""

    daemon_threads = True

    def __init__(self, receiver: WebhookServer) -> None:
        self.receiver = receiver
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request, client_address) -> None:
        """A client that hung up (a worker killed, an attempt abandoned) is no error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_POST(self) -> None:
        receiver = self.server.receiver
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        time.sleep(receiver.delay.get(self.path, 0.0))
        hostile = receiver.hostile.get(self.path)
        record = self._record(body, hostile)
        if hostile is not None:
            sent = self._hostile(hostile, record)
            with self.server.lock:
                receiver.sent_each[self.path].append(sent)
            self.close_connection = True
            return
        self.send_response(record.status)
        if record.status == 503 and self.path in receiver.retry_after:
            self.send_header("Retry-After", receiver.retry_after[self.path])
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _record(self, body: bytes, hostile: Hostile | None) -> Received:
        """Choose the status and record the request, under the lock: concurrent requests
        on one path count down its ``fail_first`` once each."""
        receiver = self.server.receiver
        with self.server.lock:
            failures = receiver.fail_first.get(self.path, 0)
            if hostile is not None:
                code = hostile.status
            elif self.path in receiver.status:
                code = receiver.status[self.path]
            elif failures > 0:
                receiver.fail_first[self.path] = failures - 1
                code = 503
            else:
                code = 200
            # a plain answer is marked sent before it goes, so that a test that
            # checks right after the client's return finds it
            record = Received(self.path, dict(self.headers.items()), body, code, hostile is None)
            receiver.received.append(record)
        return record

    def _hostile(self, hostile: Hostile, record: Received) -> int:
        """Answer as HOSTILE says; the bytes that went out before the client left."""
        reason = self.responses.get(hostile.status, ("",))[0]
        head = f"HTTP/1.1 {hostile.status} {reason}\r\n".encode()
        if hostile.kind in ("drip", "slow_body"):
            return self._slow(hostile, record, head)
        return self._flood(hostile, record, head)

    def _slow(self, hostile: Hostile, record: Received, head: bytes) -> int:
        """A short answer sent slowly: all of it a byte at a time (``drip``), or the
        head at once and the body a byte at a time (``slow_body``)."""
        body = hostile.prefix + b"drip"
        head += f"Content-Length: {len(body)}\r\n\r\n".encode()
        if hostile.kind == "drip":
            return self._drip(head + body, len(head), hostile.interval, record)
        record.answered = True
        try:
            self.wfile.write(head)
        except OSError:
            return 0
        return len(head) + self._drip(body, 0, hostile.interval, record)

    def _flood(self, hostile: Hostile, record: Received, head: bytes) -> int:
        """A body of SIZE bytes as fast as the client reads, announced by its length
        (``huge``) or chunked with no last chunk (``endless``)."""
        if hostile.kind == "huge":
            head += f"Content-Length: {hostile.size}\r\n\r\n".encode()
        else:
            head += b"Transfer-Encoding: chunked\r\n\r\n"
        sent = 0
        try:
            record.answered = True
            self.wfile.write(head)
            self.wfile.flush()
            sent = len(head)
            piece = hostile.prefix + b"x" * (64 * 1024 - len(hostile.prefix))
            body = 0
            while body < hostile.size:
                piece = piece[: hostile.size - body]
                if hostile.kind == "endless":
                    chunk = b"%x\r\n%s\r\n" % (len(piece), piece)
                else:
                    chunk = piece
                self.wfile.write(chunk)
                body += len(piece)
                sent += len(chunk)
                piece = b"x" * len(piece)
        except OSError:  # the client hung up
            pass
        return sent

    def _drip(self, data: bytes, head: int, interval: float, record: Received) -> int:
        """DATA a byte every INTERVAL s, its first HEAD bytes the status and headers."""
        sent = 0
        try:
            for byte in data:
                if sent == head - 1:  # the headers' last byte: the answer is out
                    record.answered = True
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                sent += 1
                time.sleep(interval)
        except OSError:
            pass
        return sent

    def log_message(self, *args) -> None:
        pass


@dataclass
class WebhookServer:
    """``fail_first[path] = n`` answers 503 to the first n requests on that path;
    ``status[path]`` answers that status always; ``delay[path]`` waits that many seconds
    before answering (a slow receiver); ``hostile[path]`` answers as `Hostile` says, and
    ``sent[path]`` counts the bytes of answer that went out on that path before the
    client hung up (``sent_each[path]``: the same, per request); ``retry_after[path]``
    is sent as the Retry-After header of that path's 503 answers."""

    received: list[Received] = field(default_factory=list)
    fail_first: dict[str, int] = field(default_factory=dict)
    status: dict[str, int] = field(default_factory=dict)
    delay: dict[str, float] = field(default_factory=dict)
    retry_after: dict[str, str] = field(default_factory=dict)
    hostile: dict[str, Hostile] = field(default_factory=dict)
    sent_each: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def __post_init__(self) -> None:
        self.server = _Server(self)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def delivered(self, path: str) -> list[Received]:
        """The requests on PATH answered 2xx, that answer's status line and headers sent
        whole (a receiver cut off mid-answer has not told the client it took the alert)."""
        return [r for r in self.received if r.path == path and r.status < 300 and r.answered]

    def sent(self, path: str) -> int:
        return sum(self.sent_each.get(path, []))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
