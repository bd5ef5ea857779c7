"""How long the worker lets records gather, set by its input: no wait while the input is
quiet, batches only while it backs up.

A fixed batch window (fetch up to 32 kB or WIREWATCH_STREAM_BATCH_MS, linger as long
before a send) saves requests under load, but at the few articles a second real news
brings every wait is pure delay, paid at each hop. So each fetch's answer says which
mode the next one takes:

- **quiet** (the start): the consumer's own fetch (faust's: one byte, a long poll that
  answers as soon as a record comes) and no producer linger.
- **batching**: fetches wait for 32 kB or the batch window, the producer lingers as
  long.

A fetch that finds `BACKED_UP` records or more waiting (across the partitions it asks
for; counted from the broker's high-water marks) switches to batching: records piled
up between two fetches, so the worker is not keeping up one record at a time. A
batched fetch that finds fewer than `QUIET` switches back: the input came slower than
QUIET records per window (at 50 ms, 160 a second). The gap between the two keeps a
rate near the line from flapping. `next_batching` is the rule; `StreamPacer` applies
it to aiokafka's fetcher and producers, which have no setting that adapts.
"""

from __future__ import annotations

import logging
from typing import Any

from aiokafka.structs import TopicPartition

from infra.settings import StreamSection

log = logging.getLogger("wirewatch.worker")

BACKED_UP = 16  # records found by one fetch: the input backs up, batch
QUIET = 8  # records found by one batched fetch, fewer: the input is quiet, stop batching


def next_batching(batching: bool, found: int) -> bool:
    """Whether the next fetch (and send) batches, after a fetch that found FOUND records
    waiting while the worker was BATCHING or not."""
    if found >= BACKED_UP:
        return True
    if found < QUIET:
        return False
    return batching


def records_found(assignment: Any, request: Any) -> int:
    """Records the broker held from a fetch REQUEST's offsets on, by the high-water marks
    its answer left in ASSIGNMENT (aiokafka's FetchRequest: topics, then partition,
    offset and size for each)."""
    found = 0
    for topic, partitions in request.topics:
        for partition, offset, *_ in partitions:
            state = assignment.state_value(TopicPartition(topic, partition))
            if state is not None and state.highwater is not None:
                found += max(0, state.highwater - offset)
    return found


class StreamPacer:
    """The mode one worker is in, applied to its consumer's fetcher and its producers.

    The fetcher runs on the consumer's thread, the producers on the worker's loop; each
    change is a pair of attribute assignments, read by aiokafka when it builds its next
    fetch request or opens its next batch."""

    def __init__(self, section: StreamSection) -> None:
        self.section = section
        self.batching = False
        self.fetchers: list[tuple[Any, tuple[int, int]]] = []  # with its own (quiet) values
        self.producers: list[Any] = []

    @property
    def adapts(self) -> bool:
        """A batch window of 0: always quiet, nothing to adapt."""
        return self.section.fetch_batch is not None

    def watch_fetches(self, fetcher: Any) -> None:
        """Count what each fetch of FETCHER (an aiokafka Fetcher, started) finds, and set
        its next fetch's minimum bytes and wait by the mode."""
        if not self.adapts:
            return
        for name in ("_fetch_min_bytes", "_fetch_max_wait_ms", "_proc_fetch_request"):
            if not hasattr(fetcher, name):  # the names aiokafka 0.14 uses: fail loudly
                raise RuntimeError(f"this aiokafka's fetcher has no {name} to pace")
        own = (fetcher._fetch_min_bytes, fetcher._fetch_max_wait_ms)
        self.fetchers.append((fetcher, own))
        fetch = fetcher._proc_fetch_request

        async def counted(assignment: Any, node_id: Any, request: Any) -> Any:
            result = await fetch(assignment, node_id, request)
            if assignment.active:
                self.fetched(records_found(assignment, request))
            return result

        fetcher._proc_fetch_request = counted  # the fetch loop looks it up at each fetch
        self._apply()

    def watch_sends(self, producer: Any) -> None:
        """Set the linger of PRODUCER (an aiokafka producer, started) by the mode."""
        if not self.adapts:
            return
        accumulator = getattr(producer, "_message_accumulator", None)
        if accumulator is None or not hasattr(accumulator, "_linger_time"):
            raise RuntimeError("this aiokafka's producer has no linger to pace")
        self.producers.append(accumulator)
        self._apply()

    def fetched(self, found: int) -> None:
        batching = next_batching(self.batching, found)
        if batching != self.batching:
            self.batching = batching
            log.debug("stream pacing: %s (a fetch found %d records)", self.mode, found)
            self._apply()

    @property
    def mode(self) -> str:
        return "batching" if self.batching else "quiet"

    def _apply(self) -> None:
        batch = self.section.fetch_batch
        for fetcher, own in self.fetchers:
            wanted = batch if self.batching and batch is not None else own
            fetcher._fetch_min_bytes, fetcher._fetch_max_wait_ms = wanted
        linger = self.section.batch_seconds if self.batching else 0.0
        for accumulator in self.producers:
            accumulator._linger_time = linger
