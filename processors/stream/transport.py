"""faust's aiokafka transport, with three changes wirewatch needs on every worker:

- acks=all and an idempotent producer, always. faust turns idempotence on only inside
  transactions; wirewatch wants every stage's writes deduplicated by the broker when
  the producer retries.
- a consumer that stops within seconds when the broker is gone (was 60 s).
- fetches that wait for a batch (``StreamSection``): faust asks the broker for one byte
  at least, so under load each fetch carries a message or two, and fetching takes a
  large share of the worker's and the broker's CPU. faust has no setting for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from faust.transport.drivers import aiokafka as faust_aiokafka

from infra.settings import StreamSection

SHUTDOWN_SECONDS = 8.0


class IdempotentProducer(faust_aiokafka.Producer):
    def _settings_extra(self) -> Mapping[str, Any]:
        return {**super()._settings_extra(), "acks": "all", "enable_idempotence": True}


class BatchingConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    # how long a stopping worker waits for its consumer thread to leave the group and
    # commit: under a second with a broker; with none, mode's default (60 s) was spent
    # waiting for a broker that is gone. What a stop cannot commit is read again after a
    # restart, and every stage takes a message twice without a second result.
    shutdown_timeout = SHUTDOWN_SECONDS

    def _create_worker_consumer(self, transport: Any) -> Any:
        consumer = super()._create_worker_consumer(transport)
        stream: StreamSection | None = getattr(self.app, "stream_section", None)
        if stream is not None and stream.fetch_batch is not None:
            if not hasattr(consumer, "_fetch_min_bytes") or not hasattr(
                consumer, "_fetch_max_wait_ms"
            ):  # the names aiokafka 0.14 reads them by: fail loudly if they change
                raise RuntimeError("this aiokafka has no fetch batching to set")
            # read by aiokafka when the consumer starts, which is after this
            consumer._fetch_min_bytes, consumer._fetch_max_wait_ms = stream.fetch_batch
        return consumer


class BatchingConsumer(faust_aiokafka.Consumer):
    def _new_consumer_thread(self) -> BatchingConsumerThread:
        return BatchingConsumerThread(self, loop=self.loop, beacon=self.beacon)


class IdempotentTransport(faust_aiokafka.Transport):
    Producer = IdempotentProducer
    Consumer = BatchingConsumer
