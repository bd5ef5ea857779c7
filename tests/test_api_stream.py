"""The live stream (Server-Sent Events) from a real `wirewatch serve`, over SQLite and
the suite's PostgreSQL: a version stored while a reader listens reaches it within 2 s,
only if its event matches the reader's filters, and a reader that reconnects with its
last id gets what was stored meanwhile, once."""

from __future__ import annotations

import asyncio
import json
import queue
import subprocess
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from harness.services import (
    api_server,
    free_port,
    port_is_open,
    serve_env,
    wait_until,
    wirewatch_command,
)
from sinks.storage import connect, upsert_events
from tests.conftest import fresh_postgres_database
from tests.test_api import LATEST, SEED_VERSIONS


class SseReader:
    """Reads a stream on a thread; ``next(timeout)`` gives its next event as a dict."""

    def __init__(self, url: str, params: dict, headers: dict | None = None) -> None:
        self.blocks: queue.Queue = queue.Queue()
        self._client = httpx.Client(timeout=httpx.Timeout(5.0, read=None))
        self._response = self._client.send(
            self._client.build_request("GET", url, params=params, headers=headers or {}),
            stream=True,
        )
        assert self._response.status_code == 200, self._response.read()
        assert self._response.headers["content-type"].startswith("text/event-stream")
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        block: dict = {}
        try:
            for line in self._response.iter_lines():
                if not line:
                    if "data" in block:
                        self.blocks.put(block)
                    block = {}
                elif not line.startswith(":"):
                    name, _, value = line.partition(": ")
                    block[name] = value
        except httpx.HTTPError:
            pass  # closed

    def next(self, timeout: float) -> dict | None:
        try:
            return self.blocks.get(timeout=timeout)
        except queue.Empty:
            return None

    def close(self) -> None:
        self._response.close()
        self._client.close()


def _serve(url: str, tmp_path, **settings: str) -> Iterator[str]:
    upsert_events(connect(url), SEED_VERSIONS)
    with api_server(url, tmp_path / "state", **settings) as base:
        yield base


@pytest.fixture
def server(database_url, tmp_path) -> Iterator[str]:
    yield from _serve(database_url, tmp_path)


def test_live_streams_beyond_the_cap_are_refused_until_one_closes(tmp_path):
    url = f"sqlite:///{tmp_path / 'events.db'}"
    for base in _serve(url, tmp_path, WIREWATCH_API_MAX_STREAMS="1"):
        with httpx.stream("GET", f"{base}/api/events/stream", timeout=5) as first:
            assert first.status_code == 200
            lines = first.iter_lines()  # kept: a dropped iterator closes the stream
            next(lines)  # the stream is open
            with httpx.stream("GET", f"{base}/api/events/stream", timeout=5) as refused:
                assert refused.status_code == 503
                assert "WIREWATCH_API_MAX_STREAMS" in refused.read().decode()
                assert refused.headers["retry-after"] == "30"
        deadline = time.monotonic() + 5
        while True:  # the server notices the reader gone at its next poll
            with httpx.stream("GET", f"{base}/api/events/stream", timeout=5) as again:
                if again.status_code == 200:
                    break
            assert time.monotonic() < deadline, "the closed stream still counted"
            time.sleep(0.3)


def _revised(country: str, version_step: int = 1):
    event = next(e for e in LATEST.values() if e.country == country)
    return event.model_copy(
        update={
            "version": event.version + version_step,
            "fatalities": (event.fatalities or 0) + version_step,
        }
    )


def test_a_stored_version_reaches_a_listening_reader_within_two_seconds(server, database_url):
    engine = connect(database_url)
    everything = SseReader(f"{server}/api/events/stream", {})
    only_sudan = SseReader(f"{server}/api/events/stream", {"country": "SD"})
    try:
        assert everything.next(1.0) is None  # what was stored before is not news
        revised = _revised("AZ")
        stored_at = time.monotonic()
        upsert_events(engine, [revised])
        block = everything.next(2.0)
        assert block is not None, "nothing within 2 s"
        assert time.monotonic() - stored_at < 2.0
        assert block["event"] == "version"
        got = json.loads(block["data"])
        assert (got["event_id"], got["version"]) == (revised.event_id, revised.version)
        assert only_sudan.next(1.5) is None  # another country's event
        sudan = _revised("SD")
        upsert_events(engine, [sudan])
        assert json.loads(only_sudan.next(2.0)["data"])["event_id"] == sudan.event_id
        assert json.loads(everything.next(2.0)["data"])["event_id"] == sudan.event_id
        last_id = block["id"]
    finally:
        everything.close()
        only_sudan.close()
    # while no one listens, two more versions are stored; a reader resuming from the
    # first one's id gets the Sudan version and those two, in order, once each
    later = [_revised("UA"), _revised("AZ", 2)]
    upsert_events(engine, later)
    resumed = SseReader(f"{server}/api/events/stream", {}, {"Last-Event-ID": last_id})
    try:
        got = []
        while (block := resumed.next(2.0)) is not None:
            event = json.loads(block["data"])
            got.append((event["event_id"], event["version"]))
        assert got == [(sudan.event_id, sudan.version)] + [(e.event_id, e.version) for e in later]
    finally:
        resumed.close()


def test_a_malformed_resume_id_is_a_400(server):
    response = httpx.get(f"{server}/api/events/stream", headers={"Last-Event-ID": "x1"})
    assert response.status_code == 400
    assert response.json()["parameter"] == "last_event_id"


@pytest.mark.postgres
def test_a_version_committed_after_a_later_numbered_one_is_not_skipped(postgres_url):
    """Two writers side by side: the first takes its sequence number, the second commits
    first. A reader between the two commits gets neither; after both, both, in the
    order their transactions began: neither is stepped over."""
    import datetime as dt

    from sinks.event_changes import changes_after, current_position
    from sinks.event_query import EventQuery
    from sinks.storage import event_versions_table

    engine = connect(fresh_postgres_database(postgres_url))
    upsert_events(engine, SEED_VERSIONS)
    start = current_position(engine)
    first, second = list(LATEST.values())[:2]

    def row(event, version):
        return {
            "event_id": event.event_id,
            "version": version,
            "record": event.model_dump(mode="json"),
            "stored_at": dt.datetime.now(dt.UTC),
        }

    slow = engine.connect()
    slow_transaction = slow.begin()
    slow.execute(event_versions_table.insert(), [row(first, 90)])  # numbered first, still open
    with engine.begin() as fast:
        fast.execute(event_versions_table.insert(), [row(second, 91)])  # committed first
    changes, position = changes_after(engine, start, EventQuery())
    assert changes == [] and position == start  # held back while the first is open
    slow_transaction.commit()
    slow.close()
    changes, _ = changes_after(engine, position, EventQuery())  # as a reader goes on
    assert [c.event.event_id for c in changes] == [first.event_id, second.event_id]


async def _open_at_once(url: str, count: int) -> list[int]:
    """COUNT streams opened at once, each held until every one has its status."""
    statuses: list[int] = []
    answered = asyncio.Event()
    limits = httpx.Limits(max_connections=count + 10)
    async with httpx.AsyncClient(timeout=10, limits=limits) as client:

        async def open_one() -> None:
            async with client.stream("GET", url) as response:
                statuses.append(response.status_code)
                if len(statuses) == count:
                    answered.set()
                await answered.wait()

        await asyncio.gather(*(open_one() for _ in range(count)))
    return statuses


def test_concurrent_opens_are_admitted_up_to_the_cap_and_no_further(tmp_path):
    url = f"sqlite:///{tmp_path / 'events.db'}"
    for base in _serve(url, tmp_path, WIREWATCH_API_MAX_STREAMS="5"):
        statuses = asyncio.run(_open_at_once(f"{base}/api/events/stream", 60))
        assert statuses.count(200) == 5 and statuses.count(503) == 55


def test_a_stop_ends_an_open_stream_cleanly(tmp_path):
    """`wirewatch serve` told to stop while a reader listens ends the stream with its
    closing chunk: the reader sees the stream end, not a connection cut mid-body (as
    when the stream ran on until uvicorn's graceful timeout closed it)."""
    url = f"sqlite:///{tmp_path / 'events.db'}"
    port = free_port()
    process = subprocess.Popen(
        wirewatch_command("serve", "--port", str(port)),
        env=serve_env(url, tmp_path / "state"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: port_is_open("127.0.0.1", port), 120, 0.2, "the server")
        with httpx.stream("GET", f"http://127.0.0.1:{port}/api/events/stream", timeout=30) as got:
            lines = got.iter_lines()
            assert next(lines)  # the stream is open: its first line came
            process.terminate()
            rest = list(lines)  # a body cut short raises httpx.RemoteProtocolError
        assert all(not line.startswith(("data", "event")) for line in rest)
        process.wait(30)  # it stops (uvicorn exits by the signal it was sent)
    finally:
        process.kill()
        process.wait(30)
