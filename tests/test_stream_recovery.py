"""A recovery's last resume keeps the input messages already queued
(processors/stream/recovery.py): checked on the worker's own app and a real faust
stream queue, without a broker. The kill-and-restart test in test_pipeline_e2e.py is
the end-to-end check."""

from __future__ import annotations

import asyncio

from infra.settings import Settings
from processors.stream.app import create_app
from processors.stream.recovery import FlowKeptWhenRunning


def _queue_with(app, *items):
    queue = app.FlowControlQueue(maxsize=10, clear_on_resume=True)
    for item in items:
        queue.put_nowait(item)
    return queue


def test_the_worker_app_uses_the_flow_control_that_keeps_queues(tmp_path):
    app = create_app(Settings(state_dir=tmp_path))
    assert isinstance(app.flow_control, FlowKeptWhenRunning)


def test_resuming_a_running_flow_keeps_what_is_queued(tmp_path):
    async def run() -> None:
        app = create_app(Settings(state_dir=tmp_path))
        app.flow_control.resume()  # recovery start: the changelogs flow
        queue = _queue_with(app, "input message fetched after the partitions resumed")
        app.flow_control.resume()  # recovery end
        assert queue.qsize() == 1

    asyncio.run(run())


def test_resuming_after_a_suspension_or_a_rebalance_still_empties_the_queues(tmp_path):
    async def run() -> None:
        app = create_app(Settings(state_dir=tmp_path))
        app.flow_control.resume()
        queue = _queue_with(app, "queued before the rebalance")
        app.flow_control.suspend()
        app.flow_control.resume()
        assert queue.qsize() == 0
        queue.put_nowait("queued before the next rebalance")
        app.flow_control.clear()  # what faust does when partitions are revoked
        assert queue.qsize() == 0

    asyncio.run(run())
