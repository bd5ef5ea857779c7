"""The stage runner: every agent's loop, so that what a stage does with a message's
outcome is written once. A message goes through its handler; the records of the step
are sent on with the message's timestamp, then its state remembered; a message the
handler fails on goes to the dead letters (`processors.stream.dead_letters`), once, and
the stage goes on; the stage's messages, records and time are counted
(`WorkerMetrics`). A sink that writes a batch in one go runs through `run_batches`.

A store that cannot be written (`infra.db.StoreUnavailable`) is no message's fault: the
stage tries the same message (or batch) again, waiting longer each time up to
`RETRY_MAX_SECONDS`, and goes on only once it is written. Until then nothing of it is
acknowledged, so its offset is not committed and a restarted worker reads it again:
each message holds a reference of its own (faust acknowledges a message when its
reference count falls to zero) that is given up only once the stage is done with it.
When the worker stops or rebalances meanwhile, the stage gives up waiting and lets go
of the message unacknowledged (`_let_go`: faust waits for every message it handed out
before it stops or rebalances), so a stop takes seconds, not forever."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

import faust
from faust.types import EventT

from infra.db import StoreUnavailable
from processors.stages import Step
from processors.state_records import StateRecordError
from processors.stream.dead_letters import DeadLetters
from processors.stream.metrics import WorkerMetrics
from schemas.topics import StageSpec, TopicSpec

log = logging.getLogger("wirewatch.worker")

Handler = Callable[[EventT], Awaitable[Step]]
BatchHandler = Callable[[Sequence[EventT]], Awaitable[None]]
Outputs = faust.TopicT | Mapping[str, faust.TopicT] | None
T = TypeVar("T")
RETRY_FIRST_SECONDS = 1.0
RETRY_MAX_SECONDS = 30.0


@dataclass(frozen=True)
class Runtime:
    """What every agent of one worker runs with."""

    dead_letters: DeadLetters
    fatal: Callable[[BaseException], Awaitable[None]]  # stops the worker (app.crash)
    metrics: WorkerMetrics | None = None
    giving_up: Callable[[], bool] = lambda: False  # the worker stops or rebalances
    took: Callable[[], None] | None = None  # a stage took a message (the pacer counts them)

    async def run(
        self, stream: faust.StreamT, spec: StageSpec, handle: Handler, out: Outputs
    ) -> None:
        """`run_stage` of the stage SPEC with this worker's dead letters and metrics;
        each message told to TOOK first."""
        took = self.took
        if took is not None:
            inner = handle

            async def handle(event: EventT) -> Step:
                took()
                return await inner(event)

        await run_stage(
            stream,
            spec.name,
            spec.input,
            handle,
            out,
            self.dead_letters,
            self.fatal,
            self.metrics,
            self.giving_up,
        )


async def run_stage(
    stream: faust.StreamT,
    stage: str,
    source: TopicSpec,
    handle: Handler,
    out: Outputs,
    dead_letters: DeadLetters,
    fatal: Callable[[BaseException], Awaitable[None]],
    metrics: WorkerMetrics | None = None,
    giving_up: Callable[[], bool] = lambda: False,
) -> None:
    """Each message through HANDLE: its records sent to OUT (one topic, or the topic
    each record names, by unprefixed name) with the message's timestamp (the moment the
    article entered the pipeline), then its state remembered; a failure sent to the dead
    letters instead, and the stream goes on. A stage whose own state is unreadable
    (StateRecordError) is no message's fault: FATAL stops the worker, rather than let a
    restarted agent drop message after message. METRICS, when given, count the messages
    in, the records out by topic, the dead letters, and time each handler call. A store
    that cannot be written is waited for, until GIVING_UP (the worker stopping or
    rebalancing): the message is then left unacknowledged, to be read again."""
    running = _Running.of(stage, source, dead_letters, fatal, metrics, giving_up)
    async for event in stream.events():
        running.counted.came(1)
        event.message.incref()  # given up once the stage is done with the message
        if await _one(event, handle, out, running):
            event.message.decref()
        else:
            _let_go([event])


async def _one(event: EventT, handle: Handler, out: Outputs, running: _Running) -> bool:
    """`run_stage`'s work on one message: whether it is done with (handled or
    dead-lettered), not given up with the store unavailable."""
    began = time.perf_counter()
    step, error = await _until_stored(running, partial(handle, event))
    running.counted.took(time.perf_counter() - began)
    if isinstance(error, StoreUnavailable):
        return False
    if error is None:
        await _send_on(step, event, out, running.counted)
        return True
    # any other failure goes to the DLQ, never stops the stage
    await running.dead_letter(event, error)
    return True


async def _send_on(step: Step, event: EventT, out: Outputs, counted: _Counted) -> None:
    """STEP's records sent on to OUT, then its state remembered."""
    if out is not None:
        for record in step.records:
            target = out if record.to is None else out[record.to.name]  # type: ignore[index]
            await target.send(key=record.key, value=record.value, timestamp=event.message.timestamp)
            counted.sent(target)
    if step.remember is not None:
        # Remembered only once the records are handed to the producer, so a worker
        # killed before that sends them again (harmless downstream). Both writes are
        # buffered by the producer and flushed before the input offset is committed;
        # waiting for each ack here instead stalls the stage (docs/architecture.md, known limits).
        step.remember()


async def run_batches(
    stream: faust.StreamT,
    stage: str,
    source: TopicSpec,
    handle: BatchHandler,
    dead_letters: DeadLetters,
    fatal: Callable[[BaseException], Awaitable[None]],
    size: int,
    within: float,
    metrics: WorkerMetrics | None = None,
    giving_up: Callable[[], bool] = lambda: False,
) -> None:
    """Messages through HANDLE a batch at a time (up to SIZE, or what came within WITHIN
    seconds), for a sink that writes a batch in one go. The policy is the same: a batch
    that fails is handled again one message at a time, and only a message that fails
    alone goes to the dead letters. The batch's offsets are committed once it is done.
    METRICS, when given, count as `run_stage` does (the time is a batch's); a store that
    cannot be written is waited for as there."""
    running = _Running.of(stage, source, dead_letters, fatal, metrics, giving_up)
    async for batch in stream.take_events(size, within=within):
        running.counted.came(len(batch))
        for event in batch:  # given up once the stage is done with the batch
            event.message.incref()
        if await _batch(batch, handle, running):
            for event in batch:
                event.message.decref()
        else:
            _let_go(batch)


def _let_go(events: Sequence[EventT]) -> None:
    """EVENTS given up on, the store unavailable and the worker stopping or rebalancing:
    marked done for faust, which would otherwise wait for them before it stops or
    rebalances, but never acknowledged to the consumer, so their offsets are not
    committed and they are read again."""
    for event in events:
        event.message.acked = True


async def _batch(batch: Sequence[EventT], handle: BatchHandler, running: _Running) -> bool:
    """`run_batches`' work on one batch: whether it is done with (written, or its
    messages at fault dead-lettered), not given up with the store unavailable."""
    if len(batch) > 1:
        began = time.perf_counter()
        _, error = await _until_stored(running, partial(handle, batch))
        running.counted.took(time.perf_counter() - began)
        if error is None:
            return True
        if isinstance(error, StoreUnavailable):
            return False
    for event in batch:  # find the message at fault
        began = time.perf_counter()
        _, error = await _until_stored(running, partial(handle, [event]))
        running.counted.took(time.perf_counter() - began)
        if isinstance(error, StoreUnavailable):
            return False
        if error is not None:
            await running.dead_letter(event, error)
    return True


async def _until_stored(
    running: _Running, call: Callable[[], Awaitable[T]]
) -> tuple[T, None] | tuple[None, Exception]:
    """`_attempt` of CALL, made again, later each time, while the store is unavailable;
    StoreUnavailable as the error only once the stage is giving up (checked every half
    second)."""
    stage, giving_up = running.stage, running.giving_up
    delay = RETRY_FIRST_SECONDS
    while True:
        result, error = await _attempt(stage, running.fatal, call())
        if not isinstance(error, StoreUnavailable):
            return result, error  # type: ignore[return-value]
        if giving_up():
            log.error("%s: %s; nothing acknowledged, read again later", stage, error)
            return None, error
        log.error("%s: %s; nothing acknowledged, trying again in %.0f s", stage, error, delay)
        waited = 0.0
        while waited < delay and not giving_up():
            await asyncio.sleep(min(0.5, delay - waited))
            waited += 0.5
        delay = min(delay * 2, RETRY_MAX_SECONDS)


@dataclass(frozen=True)
class _Running:
    """One running stage: what its runner hands each message's (or batch's) work besides
    the message, the handler and the outputs, built once when the stage starts."""

    stage: str
    source: TopicSpec
    dead_letters: DeadLetters
    fatal: Callable[[BaseException], Awaitable[None]]  # stops the worker
    counted: _Counted
    giving_up: Callable[[], bool]  # the worker stops or rebalances

    @classmethod
    def of(
        cls,
        stage: str,
        source: TopicSpec,
        dead_letters: DeadLetters,
        fatal: Callable[[BaseException], Awaitable[None]],
        metrics: WorkerMetrics | None,
        giving_up: Callable[[], bool],
    ) -> _Running:
        """The stage STAGE reading SOURCE, its counters made from METRICS."""
        counted = _Counted(stage, metrics, dead_letters, source)
        return cls(stage, source, dead_letters, fatal, counted, giving_up)

    async def dead_letter(self, event: EventT, error: Exception) -> None:
        """EVENT sent to the dead letters with the ERROR the handler failed on, counted."""
        await self.dead_letters.send(self.source, self.stage, event, error)
        self.counted.dead_letter()


class _Counted:
    """One stage's counters (nothing, without metrics)."""

    def __init__(
        self,
        stage: str,
        metrics: WorkerMetrics | None,
        dead_letters: DeadLetters | None,
        source: TopicSpec,
    ) -> None:
        self.metrics = metrics
        self.stage = stage
        if metrics is None:
            return
        self.messages_in = metrics.messages_in.labels(stage)
        self.seconds = metrics.seconds.labels(stage)
        letters = source.name + ".dlq"
        if dead_letters is not None:
            letters = dead_letters.kafka.topic(letters)
        self.letters = metrics.dead_letters.labels(stage, letters)

    def came(self, count: int) -> None:
        if self.metrics is not None:
            self.messages_in.inc(count)

    def took(self, seconds: float) -> None:
        if self.metrics is not None:
            self.seconds.observe(seconds)

    def dead_letter(self) -> None:
        if self.metrics is not None:
            self.letters.inc()

    def sent(self, target: faust.TopicT) -> None:
        if self.metrics is not None:
            self.metrics.messages_out.labels(self.stage, target.get_topic_name()).inc()


async def _attempt(
    stage: str, fatal: Callable[[BaseException], Awaitable[None]], call: Awaitable[T]
) -> tuple[T, None] | tuple[None, Exception]:
    """CALL's result, or the exception it failed with. A StateRecordError is no
    message's fault: FATAL is asked to stop the worker, and the error goes on up."""
    try:
        return await call, None
    except StateRecordError as error:
        await _stop(stage, error, fatal)
        raise
    except Exception as error:
        return None, error


async def _stop(
    stage: str, error: StateRecordError, fatal: Callable[[BaseException], Awaitable[None]]
) -> None:
    log.critical("%s: cannot read its own state, stopping the worker: %s", stage, error)
    await fatal(error)
