"""faust's aiokafka transport, with three changes wirewatch needs on every worker:

- acks=all and an idempotent producer, always. faust turns idempotence on only inside
  transactions; wirewatch wants every stage's writes deduplicated by the broker when
  the producer retries.
- a consumer that stops within seconds when the broker is gone (was 60 s).
- fetches and sends that wait for a batch while the worker is busy, and not while it
  has time to spare (``pacing.StreamPacer``): faust asks the broker for one byte at
  least and has no setting for it, so under load each fetch carried a message or two,
  and fetching took a large share of the worker's and the broker's CPU.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from faust.transport.drivers import aiokafka as faust_aiokafka

from processors.stream.pacing import StreamPacer

SHUTDOWN_SECONDS = 8.0


def _pacer(app: Any) -> StreamPacer | None:
    return getattr(app, "stream_pacer", None)


class IdempotentProducer(faust_aiokafka.Producer):
    def _settings_extra(self) -> Mapping[str, Any]:
        return {**super()._settings_extra(), "acks": "all", "enable_idempotence": True}

    async def on_start(self) -> None:
        await super().on_start()
        pacer = _pacer(self.app)
        if pacer is not None and self._producer is not None:
            pacer.watch_producer(self._producer)


class BatchingConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    # how long a stopping worker waits for its consumer thread to leave the group and
    # commit: under a second with a broker; with none, mode's default (60 s) was spent
    # waiting for a broker that is gone. What a stop cannot commit is read again after a
    # restart, and every stage takes a message twice without a second result.
    shutdown_timeout = SHUTDOWN_SECONDS

    def _create_worker_consumer(self, transport: Any) -> Any:
        consumer = super()._create_worker_consumer(transport)
        pacer = _pacer(self.app)
        if pacer is not None:  # read by aiokafka when the consumer starts, after this
            pacer.watch_consumer(consumer)
        return consumer


class BatchingConsumer(faust_aiokafka.Consumer):
    def _new_consumer_thread(self) -> BatchingConsumerThread:
        return BatchingConsumerThread(self, loop=self.loop, beacon=self.beacon)


class IdempotentTransport(faust_aiokafka.Transport):
    Producer = IdempotentProducer
    Consumer = BatchingConsumer
