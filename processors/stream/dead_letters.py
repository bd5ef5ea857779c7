"""The one error policy of the stream: a message a stage cannot handle goes, with its
original bytes and the reason, to the dead-letter topic of the topic it came from, and
the stage goes on. A letter always fits in a message: an original over 512 kB is kept
in a file under <state_dir>/dead-letters (`deadletters.apart`), named in the letter.
Every agent runs its handler through the stage runner (`processors.stream.runner`),
which sends here what fails, so the policy is written once."""

from __future__ import annotations

import logging
from pathlib import Path

import faust
from faust.types import EventT

from deadletters.apart import apart_path, store_apart
from infra.settings import KafkaSection
from processors.stages import StageFailed
from schemas.dead_letter import MAX_INLINE_BYTES, MAX_KEY_BYTES, dead_letter
from schemas.topics import TopicSpec

log = logging.getLogger("wirewatch.worker")


class DeadLetters:
    """The dead-letter topics, one per source topic, named as KAFKA names them; an
    original too large for a letter is kept in FOLDER (<state_dir>/dead-letters)."""

    def __init__(self, kafka: KafkaSection, folder: Path, topics: dict[str, faust.TopicT]) -> None:
        self.kafka = kafka
        self.folder = folder
        self.topics = topics  # source topic name (unprefixed) -> its .dlq topic

    async def send(self, spec: TopicSpec, stage: str, event: EventT, error: Exception) -> None:
        if isinstance(error, StageFailed):  # the handler at fault, within a composed step
            stage, error = error.stage, error.error
        message = event.message
        log.warning(
            "%s: message at %s[%s]@%s sent to %s: %s",
            stage,
            message.topic,
            message.partition,
            message.offset,
            self.kafka.topic(spec.name + ".dlq"),
            error,
        )
        value = message.value or b""
        apart = None
        if len(value) > MAX_INLINE_BYTES:
            apart = self._store_apart(message.topic, message.partition, message.offset, value)
        letter = dead_letter(
            topic=message.topic,
            stage=stage,
            error=error,
            key=message.key,
            value=value,
            partition=message.partition,
            offset=message.offset,
            stored_apart=apart,
        )
        key = message.key[:MAX_KEY_BYTES] if message.key is not None else None
        await self.topics[spec.name].send(key=key, value=letter.to_json_bytes())

    def _store_apart(self, topic: str, partition: int, offset: int, value: bytes) -> str | None:
        """Keep an original too large for a letter under <state_dir>/dead-letters
        (`deadletters.apart`) and return its path; None (the letter then carries it
        cut) when it cannot be written."""
        folder = self.folder
        where = apart_path(folder, topic, partition, offset)
        try:
            path = store_apart(folder, topic, partition, offset, value)
        except OSError as error:
            log.error("%s: cannot keep a dead letter's %d bytes: %s", where, len(value), error)
            return None
        log.warning(
            "%s[%s]@%s: %d bytes kept apart in %s", topic, partition, offset, len(value), where
        )
        return path
