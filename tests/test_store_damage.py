"""A store that cannot be written (issue 23, item 4), without a broker: the SQLite file
checked after each write, the worker's SQL thread naming the store until it is back,
the stage loop waiting rather than dead-lettering, and the commands' one line."""

from __future__ import annotations

import asyncio
import functools
import os
import shutil
import struct
import subprocess

import pytest

from harness.services import free_port, invoke_wirewatch, wirewatch_command
from infra.db import StoreDamaged, StoreUnavailable, check_file, header_problem
from infra.settings import Settings
from processors.stages import Step
from processors.stream import runner as loop
from processors.stream.sql import SqlThread
from schemas.topics import EVENTS
from sinks.storage import connect, count_versions, upsert_events
from tests.stage_doubles import StreamEvent, Topic
from tests.test_merge_and_storage import GANJA, _index, _mentions


@functools.cache
def _versions():
    """Two versions of one event (the Ganja strike, reported twice)."""
    _, versions = _index(_mentions(*GANJA))
    return versions


def _event(version: int):
    return _versions()[version - 1]


def _header(pages: int, page_size: int = 4096, counter: int = 3, valid_for: int = 3) -> bytes:
    header = bytearray(b"SQLite format 3\x00" + bytes(84))
    header[16:18] = struct.pack(">H", page_size)
    header[24:32] = struct.pack(">II", counter, pages)
    header[92:96] = struct.pack(">I", valid_for)
    return bytes(header)


def test_a_header_tells_a_missing_or_short_file():
    assert header_problem(_header(10), 10 * 4096) is None
    assert header_problem(_header(10), 11 * 4096) is None  # longer: pages in the log
    assert "no SQLite header" in header_problem(b"", 0)
    assert "no SQLite header" in header_problem(os.urandom(100), 4096)
    assert "truncated" in header_problem(_header(10), 5 * 4096)
    # a size the header does not vouch for (an old change counter) is not judged
    assert header_problem(_header(10, valid_for=2), 5 * 4096) is None
    assert header_problem(_header(2, page_size=1), 2 * 65536) is None


@pytest.mark.parametrize("damage", ["truncated", "overwritten", "replaced", "removed"])
def test_a_write_into_a_file_damaged_under_the_engine_is_not_reported_stored(tmp_path, damage):
    """SQLite takes the write into its log and says nothing: it failed on today's code
    (upsert_events returned True, and a new reader found the file unreadable)."""
    path = tmp_path / "events.db"
    engine = connect(f"sqlite:///{path}")
    assert upsert_events(engine, [_event(version=1)]) == [True]
    if damage == "truncated":
        os.truncate(path, 0)
    elif damage == "overwritten":
        path.write_bytes(os.urandom(path.stat().st_size))
    elif damage == "replaced":
        shutil.copy(path, tmp_path / "copy.db")
        os.replace(tmp_path / "copy.db", path)
    else:
        path.unlink()
    with pytest.raises(StoreDamaged) as damaged:
        upsert_events(engine, [_event(version=2)])
    assert str(path) in str(damaged.value) and "restore it from a backup" in str(damaged.value)


def test_a_sound_file_passes_the_check(tmp_path):
    engine = connect(f"sqlite:///{tmp_path / 'events.db'}")
    upsert_events(engine, [_event(version=1)])
    check_file(engine)


def _checkpoint(engine) -> None:
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def test_the_sql_thread_names_the_store_until_it_is_back(tmp_path):
    path = tmp_path / "events.db"
    sql = SqlThread(f"sqlite:///{path}")

    async def run():
        assert await sql(upsert_events, [_event(version=1)]) == [True]
        await sql(_checkpoint)  # all in the file, nothing in its log to rebuild it from
        shutil.copy(path, tmp_path / "backup.db")
        os.truncate(path, 0)
        with pytest.raises(StoreUnavailable):
            await sql(upsert_events, [_event(version=2)])
        assert str(path) in sql.problem
        with pytest.raises(StoreUnavailable):  # opened anew: still not a database
            await sql(upsert_events, [_event(version=2)])
        for leftover in ("-wal", "-shm"):
            (tmp_path / f"events.db{leftover}").unlink(missing_ok=True)
        shutil.copy(tmp_path / "backup.db", path)
        assert await sql(upsert_events, [_event(version=2)]) == [True]
        assert sql.problem is None

    asyncio.run(run())
    assert count_versions(connect(f"sqlite:///{path}")) == 2


def test_the_stage_loop_waits_for_the_store_and_dead_letters_nothing(monkeypatch):
    """A store that cannot be written is no message's fault: the batch is tried again
    (it went to the dead letters on today's code), and its messages stay held until
    it is written; a worker stopping meanwhile leaves them held (not acknowledged)."""
    monkeypatch.setattr(loop, "RETRY_FIRST_SECONDS", 0.01)
    settings = Settings(_env_file=None, topic_prefix="p.")
    letters = Topic("p.events.dlq")
    dead_letters = loop.DeadLetters(
        settings.kafka, settings.dead_letter_dir, {EVENTS.name: letters}
    )
    batch = [StreamEvent(b"one", "p.events"), StreamEvent(b"two", "p.events")]
    tries, held, failing = [], [], [2]

    class Stream:
        async def take_events(self, size, within):
            yield batch

        async def events(self):
            for event in batch:
                yield event

    async def store(events):
        tries.append(len(events))
        held.append([event.message.refcount for event in events])
        if len(tries) <= failing[0]:
            raise StoreUnavailable("the database at x cannot be written: disk I/O error")

    async def handle(event):
        await store([event])
        return Step()

    async def fatal(error: BaseException) -> None:
        raise AssertionError(error)

    asyncio.run(loop.run_batches(Stream(), "store", EVENTS, store, dead_letters, fatal, 10, 0.1))
    assert tries == [2, 2, 2] and letters.sent == []
    assert held[0] == [2, 2]  # a reference of the loop's own while it is tried
    assert [event.message.refcount for event in batch] == [1, 1]  # given up once written
    tries.clear()
    asyncio.run(loop.run_stage(Stream(), "deliver", EVENTS, handle, None, dead_letters, fatal))
    assert tries == [1, 1, 1, 1] and letters.sent == []

    # the worker stopping while the store is away: the stage lets go, holding the batch
    tries.clear()
    failing[0] = 100
    stopping = iter([False, False, True])
    asyncio.run(
        loop.run_batches(
            Stream(),
            "store",
            EVENTS,
            store,
            dead_letters,
            fatal,
            10,
            0.1,
            None,
            lambda: next(stopping, True),
        )
    )
    assert tries == [2, 2] and letters.sent == []
    # let go, done for faust, never acknowledged (faust's ack is through the refcount)
    assert [(e.message.acked, e.message.refcount) for e in batch] == [(True, 2), (True, 2)]


def _cli(tmp_path, *args: str, database) -> subprocess.CompletedProcess:
    """The command on DATABASE: `serve` as its own process (were it to serve, the run
    stops at the timeout instead of hanging), the others in this one."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("WIREWATCH_", "KAFKA_"))},
        "WIREWATCH_STATE_DIR": str(tmp_path / "state"),
        "WIREWATCH_KAFKA_PORT": str(free_port()),  # no broker: the rest is still shown
        "WIREWATCH_DATABASE_URL": f"sqlite:///{database}",
    }
    if args[0] != "serve":
        return invoke_wirewatch(env, *args)
    return subprocess.run(
        wirewatch_command(*args), env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("command", [("events", "list"), ("serve",), ("events", "export")])
@pytest.mark.parametrize("damage", ["junk", "truncated"])
def test_a_command_on_a_damaged_store_says_so_in_one_line(tmp_path, command, damage):
    """They printed a traceback (sqlite3.DatabaseError) on today's code."""
    database = tmp_path / "events.db"
    engine = connect(f"sqlite:///{database}")
    upsert_events(engine, [_event(version=1)])
    engine.dispose()
    if damage == "junk":
        database.write_bytes(os.urandom(8192))
        expected = "is not a valid SQLite file (file is not a database)"
    else:
        os.truncate(database, 8192)
        expected = "is damaged (database disk image is malformed)"
    done = _cli(tmp_path, *command, database=database)
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert f"the database at {database} {expected}" in line, line
    assert "restore it from a backup or move it away" in line


def test_the_status_names_a_damaged_store(tmp_path):
    database = tmp_path / "events.db"
    database.write_bytes(os.urandom(8192))
    done = _cli(tmp_path, "status", "--format", "json", database=database)
    assert f"the database at {database} is not a valid SQLite file" in done.stdout
