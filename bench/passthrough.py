"""The framework's floor: a faust app whose agents only forward each message to the next
topic, with the worker's broker settings. bench/pipeline.py runs it beside the pipeline,
so the pipeline's cost per article can be read against what faust itself costs per hop.

    python bench/passthrough.py BOOTSTRAP PREFIX TOPICS   # runs one worker until stopped
"""

from __future__ import annotations

import itertools
import sys

import faust


def passthrough_app(bootstrap: str, prefix: str, topics: int, partitions: int = 3) -> faust.App:
    """Agents forwarding PREFIX0 -> PREFIX1 -> ... -> PREFIX{TOPICS-1}, raw bytes."""
    app = faust.App(
        f"{prefix}app",
        broker=f"kafka://{bootstrap}",
        store="memory://",
        topic_partitions=partitions,
        topic_replication_factor=1,
        producer_acks=-1,
        consumer_auto_offset_reset="earliest",
        web_enabled=False,
        autodiscover=False,
    )
    chain = [
        app.topic(
            f"{prefix}{n}",
            key_type=bytes,
            value_type=bytes,
            key_serializer="raw",
            value_serializer="raw",
            partitions=partitions,
        )
        for n in range(topics)
    ]
    for source, target in itertools.pairwise(chain):
        app.agent(source, name=f"forward-{source.get_topic_name()}")(_forwarder(target))
    return app


def _forwarder(target: faust.TopicT):
    async def forward(stream: faust.StreamT) -> None:
        async for event in stream.events():
            await target.send(key=event.key, value=event.value)

    return forward


if __name__ == "__main__":
    bootstrap, prefix, topics = sys.argv[1], sys.argv[2], int(sys.argv[3])
    worker = faust.Worker(
        passthrough_app(bootstrap, prefix, topics), loglevel="warning", quiet=True
    )
    worker.spinner = None
    worker.execute_from_commandline()
