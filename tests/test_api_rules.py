"""The API's pure rules (issue 23): which Host names are answered, how long wrong
tokens make a client wait and how many clients are remembered, how many connections
are kept under an open-file limit."""

from __future__ import annotations

import pytest

from api.auth import GuessThrottle, delay_after
from api.hosts import host_allowed, host_name
from api.limits import declared_length
from api.server import connection_cap
from infra.settings import Settings


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("localhost:8765", "localhost"),
        ("LOCALHOST", "localhost"),
        ("[::1]:8765", "::1"),
        ("[::1]", "::1"),
        ("127.0.0.1", "127.0.0.1"),
        ("events.example.", "events.example"),
        ("[::1", ""),
    ],
)
def test_the_name_in_a_host_header(header, name):
    assert host_name(header) == name


def test_only_the_allowed_names_are_answered():
    allowed = ("localhost", "127.0.0.1", "::1", "*.events.example")
    assert host_allowed("localhost:1", allowed) and host_allowed("[::1]:1", allowed)
    assert host_allowed("api.events.example", allowed)
    for foreign in ("attacker.example", "localhost.attacker.example", "events.example", "", None):
        assert not host_allowed(foreign, allowed), foreign
    assert host_allowed("anything", ("*",))


def test_the_default_hosts_are_loopback_and_the_bind_host_any_on_a_wildcard():
    assert Settings(api_host="127.0.0.1").api.allowed_hosts == ("localhost", "127.0.0.1", "::1")
    assert "10.0.0.5" in Settings(api_host="10.0.0.5").api.allowed_hosts
    assert Settings(api_host="0.0.0.0").api.allowed_hosts == ("*",)
    given = Settings(api_allowed_hosts=" Events.Example , localhost").api.allowed_hosts
    assert given == ("events.example", "localhost")


def test_wrong_tokens_earn_a_doubling_wait_up_to_the_ceiling():
    assert [delay_after(n, 3, 10) for n in range(1, 9)] == [0, 0, 1, 2, 4, 8, 10, 10]
    now = [0.0]
    throttle = GuessThrottle(free=2, ceiling=60, clock=lambda: now[0])
    throttle.failed("a")
    assert throttle.wait("a") == 0
    throttle.failed("a")
    assert throttle.wait("a") == 1 and throttle.wait("b") == 0
    now[0] += 1.0
    assert throttle.wait("a") == 0
    throttle.failed("a")
    assert throttle.wait("a") == 2
    throttle.succeeded("a")
    assert throttle.wait("a") == 0


def test_the_clients_remembered_are_bounded_the_oldest_dropped():
    throttle = GuessThrottle(free=1, ceiling=60, clock=lambda: 0.0, max_clients=3)
    for client in ("a", "b", "c", "d"):
        throttle.failed(client)
    assert len(throttle._records) == 3
    assert throttle.wait("a") == 0 and throttle.wait("d") == 1


def test_a_declared_length_and_the_connections_kept_under_the_file_limit():
    assert declared_length([(b"content-length", b"12")]) == 12
    assert declared_length([(b"content-length", b"x")]) is None
    assert declared_length([]) is None
    assert connection_cap(1000, 256) == 192
    assert connection_cap(100, 1_048_576) == 100
    assert connection_cap(1000, 40) == 8
