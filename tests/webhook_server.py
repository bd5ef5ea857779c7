"""A local webhook receiver (127.0.0.1) that records every request and can fail on purpose."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int

    @property
    def alert(self) -> dict:
        return json.loads(self.body)


@dataclass
class WebhookServer:
    """``fail_first[path] = n`` answers 503 to the first n requests on that path;
    ``status[path]`` answers that status always; ``delay[path]`` waits that many seconds
    before answering (a slow receiver)."""

    received: list[Received] = field(default_factory=list)
    fail_first: dict[str, int] = field(default_factory=dict)
    status: dict[str, int] = field(default_factory=dict)
    delay: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        receiver = self
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                time.sleep(receiver.delay.get(self.path, 0.0))
                with lock:
                    failures = receiver.fail_first.get(self.path, 0)
                    if self.path in receiver.status:
                        code = receiver.status[self.path]
                    elif failures > 0:
                        receiver.fail_first[self.path] = failures - 1
                        code = 503
                    else:
                        code = 200
                    receiver.received.append(
                        Received(self.path, dict(self.headers.items()), body, code)
                    )
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def delivered(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path == path and r.status < 300]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
