"""A local HTTP server (127.0.0.1) that serves the fixture feeds and misbehaves on purpose."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "feeds"  # the suite's
LAST_MODIFIED = "Mon, 11 Mar 2024 09:00:00 GMT"


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {}
        self.requests: Counter[str] = Counter()
        self.not_modified: Counter[str] = Counter()
        self.stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                server.requests[path] += 1
                route = server.routes.get(path)
                if route is None:
                    self.send_error(404)
                    return
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    route(self)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    # --- routes ---------------------------------------------------------------------

    def static(
        self,
        path: str,
        body: bytes,
        content_type: str = "application/rss+xml",
        gzip_it: bool = False,
        extra_headers: dict[str, str] | None = None,
    ) -> None:
        """A document with an ETag and Last-Modified, answering 304 when unchanged."""
        holder = {"body": body}

        def handle(request: BaseHTTPRequestHandler) -> None:
            current = holder["body"]
            etag = '"' + hashlib.sha1(current).hexdigest() + '"'
            if request.headers.get("If-None-Match") == etag:
                self.not_modified[path] += 1
                request.send_response(304)
                request.send_header("ETag", etag)
                request.send_header("Content-Length", "0")
                request.end_headers()
                return
            payload = gzip.compress(current) if gzip_it else current
            request.send_response(200)
            request.send_header("Content-Type", content_type)
            request.send_header("ETag", etag)
            request.send_header("Last-Modified", LAST_MODIFIED)
            if gzip_it:
                request.send_header("Content-Encoding", "gzip")
            for key, value in (extra_headers or {}).items():
                request.send_header(key, value)
            request.send_header("Content-Length", str(len(payload)))
            request.end_headers()
            request.wfile.write(payload)

        handle.holder = holder  # type: ignore[attr-defined]
        self.routes[path] = handle

    def replace(self, path: str, body: bytes) -> None:
        self.routes[path].holder["body"] = body  # type: ignore[attr-defined]

    def fixture(self, path: str, name: str, **kwargs) -> str:
        content_type = (
            "text/html; charset=utf-8" if name.endswith(".html") else "application/rss+xml"
        )
        self.static(path, (FIXTURES / name).read_bytes(), content_type, **kwargs)
        return self.url(path)

    def huge(self, path: str, megabytes: int = 50) -> str:
        """A response of the given size, streamed without Content-Length."""

        def handle(request: BaseHTTPRequestHandler) -> None:
            request.send_response(200)
            request.send_header("Content-Type", "application/rss+xml")
            request.send_header("Transfer-Encoding", "chunked")
            request.end_headers()
            chunk = b"<rss>" + b"x" * (1024 * 1024 - 5)
            for _ in range(megabytes):
                if self.stopping.is_set():
                    return
                request.wfile.write(f"{len(chunk):X}\r\n".encode() + chunk + b"\r\n")
            request.wfile.write(b"0\r\n\r\n")

        self.routes[path] = handle
        return self.url(path)

    def never_answers(self, path: str) -> str:
        def handle(request: BaseHTTPRequestHandler) -> None:
            self.stopping.wait(120)

        self.routes[path] = handle
        return self.url(path)

    def redirect(self, path: str, to: str) -> str:
        def handle(request: BaseHTTPRequestHandler) -> None:
            request.send_response(302)
            request.send_header("Location", to)
            request.send_header("Content-Length", "0")
            request.end_headers()

        self.routes[path] = handle
        return self.url(path)

    def status(self, path: str, code: int, headers: dict[str, str] | None = None) -> str:
        def handle(request: BaseHTTPRequestHandler) -> None:
            request.send_response(code)
            for key, value in (headers or {}).items():
                request.send_header(key, value)
            request.send_header("Content-Length", "0")
            request.end_headers()

        self.routes[path] = handle
        return self.url(path)

    def slow(self, path: str, body: bytes, delay: float) -> str:
        def handle(request: BaseHTTPRequestHandler) -> None:
            time.sleep(delay)
            request.send_response(200)
            request.send_header("Content-Type", "application/rss+xml")
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            request.wfile.write(body)

        self.routes[path] = handle
        return self.url(path)


def rss_with_items(
    count: int, prefix: str = "item", text: str = "Body text.", start: int = 0
) -> bytes:
    items = "".join(
        f"<item><title>{prefix} {i}</title><link>https://many.example/{prefix}/{i}</link>"
        f"<guid>{prefix}-{i}</guid><pubDate>Mon, 11 Mar 2024 {i % 24:02d}:00:00 +0000</pubDate>"
        f"<description>{text} number {i}</description></item>"
        for i in range(start, start + count)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Many</title>'
        f"<link>https://many.example/</link><description>generated</description>{items}</channel></rss>"
    ).encode()
