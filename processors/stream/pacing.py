"""When the worker lets records gather: never while it has time to spare, in batches
only while it is busy.

A batch window (a fetch waits for 32 kB or WIREWATCH_STREAM_BATCH_MS, a send lingers as
long) saves requests when records come faster than the worker would fetch them one or
two at a time, and with them a share of its CPU and the broker's. At the few articles a
second real news brings, every wait is pure delay, paid at each hop: at 50 articles/s
with 50 ms windows, alerts took 0.23 s at the median against 0.03 s without
(bench/alerts.py).

Two signals say the worker backs up, read about once a second (`tick`):

- **busy**: the share of a core its process used. At `BUSY` or more it is near what a
  core gives, and requests of one record each would cost it the rate it sustains.
- **many**: the messages its stages took a second. At `MANY` or more, one request a
  record is a wake-up of the consumer's thread, the loop and the broker for each: on a
  machine shared with other work each waits for a turn of the CPU, and a worker taking
  each record at once fell behind at 100 articles/s with its own CPU half idle
  (alerts 4 s late at the median, against 0.24 s with the window).

Either one: fetches wait for the window, sends linger as long. Neither (under `IDLE`
and `FEW`): no wait, a fetch answers when a record comes and a send leaves at once.
In between the mode stays as it was, so a load near a line does not flap. Two signals
that were tried and dropped: the records each fetch found waiting (a burst tripped it,
and alerts got slower), and how late the messages taken were (the lateness a worker
sees is mostly the hops before it, so one worker's batching made the next one batch).

`next_batching` is the rule; `StreamPacer` applies it to aiokafka's fetcher and
producer, which have no setting that adapts.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from infra.settings import StreamSection

log = logging.getLogger("wirewatch.worker")

BUSY = 0.7  # share of a core at or over which fetches and sends batch
# share under which they may stop batching: a worker taking each record at once uses
# about a third more CPU than one batching (bench/alerts.py: 12.6 against 9.1 ms an
# article), so the band between the two lines is wide enough not to flap, and narrow
# enough that a worker near 45 % of a core after a burst goes back to no wait
IDLE = 0.5
MANY = 150.0  # messages a second, over the worker's stages, at which they batch
FEW = 100.0  # messages a second under which they may stop batching


@dataclass(frozen=True)
class Load:
    """What one second of the worker's work looked like."""

    busy: float  # share of a core its process used
    rate: float  # messages its stages took, a second


def next_batching(batching: bool, load: Load) -> bool:
    """Whether fetches and sends batch next, after a second of LOAD while BATCHING or not."""
    if load.busy >= BUSY or load.rate >= MANY:
        return True
    if load.busy < IDLE and load.rate < FEW:
        return False
    return batching


def busy_share(cpu_seconds: float, wall_seconds: float) -> float:
    """The share of one core used: CPU_SECONDS of the process over WALL_SECONDS."""
    return cpu_seconds / wall_seconds if wall_seconds > 0 else 0.0


@dataclass
class StreamPacer:
    """The mode one worker is in, applied to its consumer and its producer.

    The consumer's fetcher runs on the consumer's thread, the producer on the worker's
    loop; a change is a pair of attribute assignments each, read by aiokafka when it
    builds its next fetch request or opens its next batch of records."""

    section: StreamSection
    batching: bool = False
    _consumers: list[tuple[Any, tuple[int, int]]] = field(default_factory=list)
    _accumulators: list[Any] = field(default_factory=list)
    _last: tuple[float, float] | None = None  # (wall, CPU) at the last tick
    _taken: int = 0  # messages since the last tick

    @property
    def adapts(self) -> bool:
        """A batch window of 0: never batch, nothing to adapt."""
        return self.section.fetch_batch is not None

    def watch_consumer(self, consumer: Any) -> None:
        """Pace the fetches of CONSUMER (an aiokafka consumer, started or not)."""
        if not self.adapts:
            return
        for name in ("_fetch_min_bytes", "_fetch_max_wait_ms"):
            if not hasattr(consumer, name):  # the names aiokafka 0.14 uses: fail loudly
                raise RuntimeError(f"this aiokafka's consumer has no {name} to pace")
        own = (consumer._fetch_min_bytes, consumer._fetch_max_wait_ms)
        self._consumers.append((consumer, own))
        self._apply()

    def watch_producer(self, producer: Any) -> None:
        """Pace the sends of PRODUCER (an aiokafka producer, started)."""
        if not self.adapts:
            return
        accumulator = getattr(producer, "_message_accumulator", None)
        if accumulator is None or not hasattr(accumulator, "_linger_time"):
            raise RuntimeError("this aiokafka's producer has no linger to pace")
        self._accumulators.append(accumulator)
        self._apply()

    def took(self) -> None:
        """A stage took a message."""
        self._taken += 1

    def tick(self, wall: float | None = None, cpu: float | None = None) -> None:
        """Called about once a second: the mode for the next second, from how busy the
        process was since the last call and how many messages its stages took."""
        wall = time.monotonic() if wall is None else wall
        cpu = time.process_time() if cpu is None else cpu
        last, self._last = self._last, (wall, cpu)
        taken, self._taken = self._taken, 0
        if last is None or not self.adapts:
            return
        seconds = wall - last[0]
        if seconds <= 0:
            return
        load = Load(busy=busy_share(cpu - last[1], seconds), rate=taken / seconds)
        batching = next_batching(self.batching, load)
        if batching != self.batching:
            self.batching = batching
            log.info(
                "stream pacing: %s (%.0f%% of a core, %.0f messages a second)",
                self.mode,
                load.busy * 100,
                load.rate,
            )
            self._apply()

    @property
    def mode(self) -> str:
        return "batching" if self.batching else "at once"

    def _apply(self) -> None:
        window = self.section.fetch_batch
        for consumer, own in self._consumers:
            wanted = window if self.batching and window is not None else own
            consumer._fetch_min_bytes, consumer._fetch_max_wait_ms = wanted
            fetcher = getattr(consumer, "_fetcher", None)  # made when the consumer starts
            if fetcher is not None:
                fetcher._fetch_min_bytes, fetcher._fetch_max_wait_ms = wanted
        linger = self.section.batch_seconds if self.batching else 0.0
        for accumulator in self._accumulators:
            accumulator._linger_time = linger
