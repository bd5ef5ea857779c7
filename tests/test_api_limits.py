"""What a client may make a real `wirewatch serve` hold or answer (issue 23): a body
over the cap is refused unread, wrong tokens are throttled, the cookie can be cleared,
a weak or placeholder token is refused at start, a foreign Host is refused, and idle
sockets neither starve the server of files nor are kept for ever."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest

from harness.services import api_server, free_port, serve_env, wirewatch_command
from sinks.storage import connect, upsert_events
from tests.test_api import SEED_VERSIONS

TOKEN = "a-test-token-long-enough"


@pytest.fixture
def database(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'events.db'}"
    upsert_events(connect(url), SEED_VERSIONS)
    return url


@pytest.fixture(scope="module")
def guarded(tmp_path_factory) -> Iterator[str]:
    """One server with a token for the tests that use it: each leaves no client record
    behind (every one ends with the right token, which clears the record, or never
    gives a wrong one), so each meets the server as new."""
    home = tmp_path_factory.mktemp("guarded")
    url = f"sqlite:///{home / 'events.db'}"
    upsert_events(connect(url), SEED_VERSIONS)
    with api_server(url, home / "state", WIREWATCH_API_TOKEN=TOKEN) as base:
        yield base


def _raw(base: str, head: str, timeout: float = 5.0) -> socket.socket:
    """A socket to BASE that has sent HEAD (a request line and headers, no blank line)."""
    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=timeout)
    sock.sendall(head.encode() + b"\r\n")
    return sock


def _status(sock: socket.socket) -> str:
    """The status line answered on SOCK (a timeout fails the test)."""
    answer = b""
    while b"\r\n" not in answer:
        piece = sock.recv(4096)
        if not piece:
            break
        answer += piece
    return answer.split(b"\r\n")[0].decode()


def test_a_large_login_body_is_refused_before_it_is_read(guarded):
    port = guarded.rsplit(":", 1)[1]
    declared = _raw(
        guarded,
        f"POST /login HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {10 * 1024 * 1024}\r\n",
    )
    with declared:
        declared.sendall(b"token=" + b"a" * 65536)  # of the 10 MB declared: the rest never comes
        assert _status(declared).endswith("413 Request Entity Too Large")
    chunked = _raw(
        guarded,
        f"POST /login HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n",
    )
    with chunked:
        for _ in range(8):  # 256 KiB in chunks, no last chunk: counted as it comes
            chunked.sendall(b"8000\r\n" + b"a" * 0x8000 + b"\r\n")
        assert _status(chunked).endswith("413 Request Entity Too Large")
    # a login of ordinary size still works
    right = httpx.post(f"{guarded}/login", data={"token": TOKEN}, follow_redirects=False)
    assert right.status_code == 303


def test_wrong_tokens_make_a_client_wait_and_logout_clears_the_cookie(guarded):
    # one kept-alive connection: the three requests after the fifth wrong token must
    # come within its 1 s wait, without a connection's setup each on a loaded machine
    with httpx.Client(base_url=guarded) as client:
        for _ in range(5):  # the free tries
            wrong = client.post("/login", data={"token": "guess"}, follow_redirects=False)
            assert wrong.status_code == 401
        throttled = client.post("/login", data={"token": TOKEN}, follow_redirects=False)
        assert throttled.status_code == 429  # even the right token, while it must wait
        wait = int(throttled.headers["retry-after"])
        assert 1 <= wait <= 2
        bearer = client.get("/api/events", headers={"Authorization": "Bearer guess"})
        assert bearer.status_code == 429 and bearer.headers["retry-after"]
        cookie = client.get("/", headers={"Cookie": f"wirewatch_token={TOKEN}"})
        assert 'action="/login"' in cookie.text  # a right cookie is no way round the wait
    time.sleep(wait)
    with httpx.Client(base_url=guarded) as browser:
        signed_in = browser.post("/login", data={"token": TOKEN}, follow_redirects=False)
        assert signed_in.status_code == 303 and "Secure" not in signed_in.headers["set-cookie"]
        assert browser.get("/api/events").status_code == 200  # the cookie
        out = browser.post("/logout", follow_redirects=False)
        assert out.status_code == 303 and out.headers["location"] == "/"
        assert out.headers["set-cookie"].startswith('wirewatch_token="";')
        assert "Max-Age=0" in out.headers["set-cookie"]
        assert "wirewatch_token" not in browser.cookies
        assert browser.get("/api/events").status_code == 401


def test_with_a_token_metrics_and_the_description_need_it_and_probes_name_nothing(guarded):
    for path in ("/metrics", "/openapi.json", "/docs"):
        assert httpx.get(f"{guarded}{path}").status_code == 401, path
        signed = httpx.get(f"{guarded}{path}", headers={"Authorization": f"Bearer {TOKEN}"})
        assert signed.status_code == 200, path
    assert httpx.get(f"{guarded}/healthz").status_code == 200
    ready = httpx.get(f"{guarded}/readyz")  # open to probes; the broker (port 1) not asked
    assert ready.status_code == 200 and ready.json() == {"status": "ready", "database": "ok"}
    assert "127.0.0.1:1" not in ready.text


def test_the_cookie_is_secure_when_the_setting_says_so(database, tmp_path):
    with api_server(
        database,
        tmp_path / "state",
        WIREWATCH_API_TOKEN=TOKEN,
        WIREWATCH_API_COOKIE_SECURE="always",
    ) as base:
        right = httpx.post(f"{base}/login", data={"token": TOKEN}, follow_redirects=False)
        assert right.status_code == 303 and "Secure" in right.headers["set-cookie"]
        out = httpx.post(f"{base}/logout", follow_redirects=False)
        assert "Secure" in out.headers["set-cookie"]


@pytest.mark.parametrize(
    ("host", "token", "problem"),
    [
        ("192.0.2.1", "short", "at least 16 characters"),  # TEST-NET: never bound
        ("127.0.0.1", "CHANGE-ME-a-long-random-string", "placeholder"),
    ],
)
def test_a_weak_or_placeholder_token_is_refused_in_one_line(
    database, tmp_path, host, token, problem
):
    refused = subprocess.run(
        wirewatch_command("serve", "--host", host, "--port", str(free_port())),
        env=serve_env(database, tmp_path / "state", WIREWATCH_API_TOKEN=token),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode != 0
    [line] = refused.stderr.strip().splitlines()
    assert problem in line and "WIREWATCH_API_TOKEN" in line and token not in line


def test_a_foreign_host_is_refused_and_links_do_not_repeat_the_host(database, tmp_path):
    with api_server(database, tmp_path / "state") as base:
        port = base.rsplit(":", 1)[1]
        rebound = httpx.get(f"{base}/api/events", headers={"Host": f"attacker.example:{port}"})
        assert rebound.status_code == 400
        assert rebound.json()["parameter"] == "Host" and "attacker" not in rebound.text
        for host in (f"localhost:{port}", f"127.0.0.1:{port}", "localhost"):
            page = httpx.get(f"{base}/api/events", params={"limit": 2}, headers={"Host": host})
            assert page.status_code == 200, host
            assert page.headers["link"].startswith("</api/events?limit=2&cursor=")
        # the names configured are answered, and no others
    with api_server(
        database, tmp_path / "state", WIREWATCH_API_ALLOWED_HOSTS="events.example"
    ) as base:
        assert httpx.get(f"{base}/healthz").status_code == 400  # 127.0.0.1 not listed
        named = httpx.get(f"{base}/healthz", headers={"Host": "events.example"})
        assert named.status_code == 200


def test_idle_sockets_neither_starve_the_server_nor_stay_open(database, tmp_path):
    with api_server(
        database, tmp_path / "state", open_files=256, WIREWATCH_API_HEADER_TIMEOUT_SECONDS="2"
    ) as base:
        host, port = base.removeprefix("http://").split(":")
        idle = [socket.create_connection((host, int(port)), timeout=10) for _ in range(300)]
        try:
            # more silent sockets than the server has files: it still answers
            assert httpx.get(f"{base}/healthz", timeout=10).json() == {"status": "ok"}
            # and a silent socket is closed once its time to send a request is up
            late = socket.create_connection((host, int(port)), timeout=10)
            with late:
                late.sendall(b"GET /healthz HTTP/1.1\r\n")  # a head never finished
                assert late.recv(1024) == b""  # closed by the server, without an answer
        finally:
            for sock in idle:
                sock.close()
