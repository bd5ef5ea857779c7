"""A dead-letter topic read back: its letters parsed, a few found where they are, and a
letter's original given back only when it can be exactly. Pure functions parse and
choose; the shells read a `.dlq` topic (one partition, as every dead-letter topic has).

A letter is untrusted: the file it names is read only through `deadletters.apart`
(a regular file inside <state_dir>/dead-letters, no larger than the letter says), and
given back only when it matches the letter's SHA-256; a letter that fails any of that is
named with one line. Asked for some offsets, the reader seeks to them rather than
reading the topic from its start."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from kafka import KafkaConsumer, TopicPartition

from deadletters.apart import read_apart
from infra.errors import OperatorError
from infra.kafka_admin import require_broker
from infra.kafka_security import ClientOptions, kafka_python_options
from infra.settings import KafkaSection
from schemas.dead_letter import DeadLetter, OriginalUnavailable, describe_error
from schemas.topics import PIPELINE_TOPICS, TopicSpec, dead_letter_topic

READ_TIMEOUT_SECONDS = 60.0  # reading a whole dead-letter topic stops here, saying so

log = logging.getLogger("wirewatch.dlq")


class DeadLetterProblem(OperatorError, ValueError):
    """A dead-letter request that cannot be met (unknown topic, no such offset, an
    original that cannot be given back): one line naming the topic and offset."""


def source_topic(name: str, prefix: str = "") -> TopicSpec:
    """The pipeline topic NAME names: its own name or its dead-letter topic's, with or
    without the topic prefix ("articles.raw", "articles.raw.dlq", "t1.articles.raw")."""
    bare = name.removeprefix(prefix) if prefix else name
    bare = bare.removesuffix(".dlq")
    for spec in PIPELINE_TOPICS:
        if spec.name == bare:
            return spec
    known = ", ".join(dead_letter_topic(spec).name for spec in PIPELINE_TOPICS)
    raise DeadLetterProblem(f"unknown topic {name!r}: the dead-letter topics are {known}")


@dataclass(frozen=True)
class StoredLetter:
    """One message of a dead-letter topic: its offset and time there, and the letter it
    holds (None, with the reason, when it holds no readable letter)."""

    topic: str  # the dead-letter topic, prefixed
    offset: int
    at: dt.datetime
    letter: DeadLetter | None
    problem: str | None = None

    @property
    def where(self) -> str:
        return f"{self.topic}@{self.offset}"


def parse_letter(topic: str, offset: int, timestamp_ms: int, value: bytes | None) -> StoredLetter:
    """The message at OFFSET of TOPIC as a StoredLetter; one that is not a DeadLetter is
    kept with its reason rather than dropped."""
    at = dt.datetime.fromtimestamp(timestamp_ms / 1000, dt.UTC)
    try:
        return StoredLetter(topic, offset, at, DeadLetter.from_json_bytes(value or b""))
    except ValueError as error:  # pydantic.ValidationError too
        return StoredLetter(topic, offset, at, None, f"not a dead letter: {describe_error(error)}")


def original_of(stored: StoredLetter, folder: Path) -> bytes:
    """The exact original bytes of a stored letter (checked against its SHA-256), a
    file it names read only from FOLDER (see `read_apart`); DeadLetterProblem naming
    the letter when they cannot be given back."""
    if stored.letter is None:
        raise DeadLetterProblem(f"{stored.where}: {stored.problem}")
    try:
        return stored.letter.checked_original(lambda name, size: read_apart(folder, name, size))
    except OriginalUnavailable as error:
        raise DeadLetterProblem(f"{stored.where}: {error}") from None


def select(
    letters: Sequence[StoredLetter], offsets: Sequence[int] = (), stage: str | None = None
) -> list[StoredLetter]:
    """The letters at OFFSETS (all when none are given) of STAGE (any when None);
    DeadLetterProblem naming the offsets that hold no letter, before anything is sent."""
    if offsets:
        held = {stored.offset for stored in letters}
        missing = sorted(set(offsets) - held)
        if missing:
            topic = letters[0].topic if letters else "the topic"
            raise DeadLetterProblem(
                f"no letter at offset {', '.join(map(str, missing))} of {topic} "
                f"({_span(sorted(held))})"
            )
    return [
        stored
        for stored in letters
        if (not offsets or stored.offset in offsets)
        and (stage is None or (stored.letter is not None and stored.letter.stage == stage))
    ]


def _span(offsets: Sequence[int]) -> str:
    return f"it holds offsets {offsets[0]} to {offsets[-1]}" if offsets else "it holds no letters"


def read_letters(
    kafka: KafkaSection, spec: TopicSpec, timeout: float = READ_TIMEOUT_SECONDS
) -> Iterator[StoredLetter]:
    """Every letter on SPEC's dead-letter topic, oldest first."""
    yield from _read(kafka, spec, None, timeout)


def read_letters_at(
    kafka: KafkaSection,
    spec: TopicSpec,
    offsets: Iterable[int],
    timeout: float = READ_TIMEOUT_SECONDS,
) -> list[StoredLetter]:
    """The letters at OFFSETS of SPEC's dead-letter topic, by offset, each read where it
    is (the consumer seeks to it): a few letters of a long topic of large ones cost a
    few reads. DeadLetterProblem naming the offsets that hold none, before any read."""
    return list(_read(kafka, spec, sorted(set(offsets)), timeout))


def read_letter(kafka: KafkaSection, spec: TopicSpec, offset: int) -> StoredLetter:
    """The letter at OFFSET of SPEC's dead-letter topic; DeadLetterProblem when none."""
    [stored] = read_letters_at(kafka, spec, [offset])
    return stored


def _read(
    kafka: KafkaSection, spec: TopicSpec, only: Sequence[int] | None, timeout: float
) -> Iterator[StoredLetter]:
    """The letters at ONLY (ascending), or every letter when None."""
    require_broker(kafka)
    name = kafka.topic(dead_letter_topic(spec).name)
    consumer = letters_consumer(kafka, few=only is not None)
    read: list[int] = []
    size = 0
    try:
        if name not in consumer.topics():
            raise DeadLetterProblem(
                f"{name} does not exist on {kafka.bootstrap_servers}: no worker or replay "
                "has created this pipeline's topics (is WIREWATCH_TOPIC_PREFIX right?)"
            )
        partition = TopicPartition(name, 0)
        first, end = partition_bounds(consumer, partition)
        starts = range(first, end)[:1] if only is None else only  # where to seek
        missing = [offset for offset in only or () if not first <= offset < end]
        if missing:
            raise DeadLetterProblem(
                f"no letter at offset {', '.join(map(str, missing))} of {name} "
                f"({_span(range(first, end))})"
            )
        consumer.assign([partition])
        deadline = time.monotonic() + timeout
        for offset in starts:
            if consumer.position(partition) != offset:
                consumer.seek(partition, offset)
            stop = end if only is None else offset + 1
            while consumer.position(partition) < stop:
                if time.monotonic() > deadline:
                    raise DeadLetterProblem(
                        f"{name}: reading stopped at offset {consumer.position(partition)} "
                        f"of {stop} after {timeout:.0f} s"
                    )
                batch = consumer.poll(timeout_ms=500, max_records=1 if only else 100)
                for record in batch.get(partition, []):
                    read.append(record.offset)
                    size += len(record.value or b"")
                    if record.offset >= stop:
                        break
                    if only is not None and record.offset != offset:
                        raise DeadLetterProblem(f"no letter at offset {offset} of {name}")
                    yield parse_letter(name, record.offset, record.timestamp, record.value)
    finally:
        log.debug(
            "%s: read %d message(s), %s bytes, at offsets %s",
            name,
            len(read),
            f"{size:,}",
            ", ".join(map(str, read[:20])) + (", ..." if len(read) > 20 else ""),
        )
        consumer.close()


def letters_consumer(kafka: KafkaSection, few: bool = False) -> KafkaConsumer:
    """A consumer of no group (nothing committed, no worker's offsets touched). It does
    not check each record's CRC: kafka-python does that in pure Python, about 0.2 s per
    large letter, which made a topic of a few hundred of them unreadable within the
    deadline; an original is given back only when it matches the letter's SHA-256.
    FEW: one record batch a fetch (the broker still sends a larger one whole), for
    reading a few letters where they are rather than the megabytes after them."""
    return KafkaConsumer(**letters_consumer_options(kafka, few))


def letters_consumer_options(kafka: KafkaSection, few: bool = False) -> ClientOptions:
    """`letters_consumer`'s options, the cluster's SASL/TLS options among them."""
    fetch_bytes = 1 if few else 4 * 1024 * 1024
    options = kafka_python_options(kafka)
    options.update(
        client_id=f"{kafka.app_id}-dlq",
        group_id=None,
        enable_auto_commit=False,
        check_crcs=False,
        fetch_max_bytes=fetch_bytes if few else 8 * 1024 * 1024,
        max_partition_fetch_bytes=fetch_bytes,
    )
    return options


def partition_bounds(consumer: KafkaConsumer, partition: TopicPartition) -> tuple[int, int]:
    return (
        consumer.beginning_offsets([partition])[partition],
        consumer.end_offsets([partition])[partition],
    )
