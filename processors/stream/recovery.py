"""Resuming a stream flow that is already running keeps what its queues hold, so a
worker that starts or rebalances never reads a message and then throws it away.

faust (faust-streaming 0.15; its issue #596) ends a recovery by resuming the input
partitions, seeking them to their committed offsets, and then resuming its flow
control, which empties every stream's queue. When tables were recovered, the flow was
already running (it carried their changelogs), so the input messages fetched in
between were already queued: they were dropped and not fetched again, never processed
nor acknowledged. The group's committed offset then stays below them, and moves past
them for good once a later message of their partition is committed. Seen in the
kill-and-restart test: the restarted worker took the last reports of two
`events.mentions` partitions off the broker and never merged them.

A suspended flow still empties the queues when it resumes (what was queued before a
rebalance belongs to the old assignment), and a rebalance still empties them
explicitly. Only the resume of a running flow keeps them. What was fetched before the
seek may then be handled twice, which every stage already tolerates (at least once).
"""

from __future__ import annotations

from mode.utils.queues import FlowControlEvent


class FlowKeptWhenRunning(FlowControlEvent):
    """faust's flow control, whose resume empties the queues only after a suspension."""

    def resume(self) -> None:
        if self.is_active():
            return  # running already: nothing queued is stale
        super().resume()
