"""Dead letters read back from their topics, and their originals sent again: after a fix,
what a stage could not handle goes back through the pipeline from the topic it came
from. Pure functions choose what to send and say why a letter is skipped; the shells
read a `.dlq` topic (one partition, as every dead-letter topic has) and produce.

A letter is untrusted: the file it names is read only when it is a regular file inside
<state_dir>/dead-letters (symlinks resolved first), no larger than the letter says, and
given back only when it matches the letter's SHA-256; a letter that fails any of that is
skipped with one line and the others still go. Asked for some offsets, the reader seeks
to them rather than reading the topic from its start."""

from __future__ import annotations

import datetime as dt
import logging
import os
import stat
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from infra.errors import OperatorError
from infra.kafka_admin import require_broker
from infra.settings import Settings
from ingest.producer import make_producer
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


def read_apart(folder: Path, name: str, size: int) -> bytes:
    """The bytes of the file NAME (a letter's stored_apart; a relative one from the
    current directory, as it was written) when it is a regular file inside FOLDER once
    every symlink is resolved, of at most SIZE bytes (the letter's value_bytes), no more
    than SIZE read; OriginalUnavailable saying why not. It is opened without following a
    symlink and without blocking, so a FIFO or a device is refused, never waited on or
    read from."""
    if "\x00" in name:
        raise OriginalUnavailable("the original's file name holds a NUL byte: refused")
    root = os.path.realpath(folder)
    path = os.path.realpath(name)
    if os.path.commonpath([root, path]) != root or path == root:
        raise OriginalUnavailable(f"the original's file {name} is not inside {root}: refused")
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    descriptor = os.open(path, flags)  # OSError: the caller names the file
    with open(descriptor, "rb", buffering=0, closefd=True) as handle:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise OriginalUnavailable(f"the original's file {name} is not a regular file: refused")
        if info.st_size > size:
            raise OriginalUnavailable(
                f"the original's file {name} holds {info.st_size:,} bytes, the letter says "
                f"{size:,}: refused"
            )
        chunks, left = [], size + 1  # one more: a file grown since the stat shows it
        while left > 0 and (chunk := handle.read(min(left, 1 << 20))):
            chunks.append(chunk)
            left -= len(chunk)
    data = b"".join(chunks)
    if len(data) > size:
        raise OriginalUnavailable(f"the original's file {name} is over {size:,} bytes: refused")
    return data


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


@dataclass(frozen=True)
class Resend:
    """One original to send back: where it came from, its key and bytes."""

    offset: int  # of its letter in the dead-letter topic
    topic: str
    key: bytes | None
    value: bytes


@dataclass
class ReplayPlan:
    send: list[Resend] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (offset, why)


def plan_replay(letters: Iterable[StoredLetter], source: str, folder: Path) -> ReplayPlan:
    """What to send back to SOURCE (the prefixed source topic) of LETTERS, and each
    letter that cannot be, with why: unreadable, from another topic, or an original that
    cannot be given back exactly (truncated, not base64, its file missing, outside
    FOLDER, not a plain file, or altered)."""
    plan = ReplayPlan()
    for stored in letters:
        letter = stored.letter
        if letter is not None and letter.source_topic != source:
            plan.skipped.append((stored.offset, f"came from {letter.source_topic}, not {source}"))
            continue
        try:
            value = original_of(stored, folder)
            assert letter is not None  # original_of refused an unreadable one
            key = letter.key
        except (DeadLetterProblem, OriginalUnavailable) as error:
            plan.skipped.append((stored.offset, str(error).removeprefix(f"{stored.where}: ")))
            continue
        plan.send.append(Resend(stored.offset, source, key, value))
    return plan


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


# --- the broker --------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterCount:
    """A dead-letter topic and how many letters it holds now (retention may have
    removed older ones: `first` is the oldest offset still there)."""

    topic: str
    source: str
    letters: int
    first: int
    end: int
    exists: bool


def count_letters(settings: Settings) -> list[LetterCount]:
    """Every dead-letter topic of the pipeline with its count (0 for one not created)."""
    require_broker(settings)
    consumer = _consumer(settings)
    try:
        existing = consumer.topics()
        counts = []
        for spec in PIPELINE_TOPICS:
            name = settings.topic(dead_letter_topic(spec).name)
            first = end = 0
            if name in existing:
                first, end = _bounds(consumer, TopicPartition(name, 0))
            counts.append(
                LetterCount(
                    name, settings.topic(spec.name), end - first, first, end, name in existing
                )
            )
        return counts
    finally:
        consumer.close()


def read_letters(
    settings: Settings, spec: TopicSpec, timeout: float = READ_TIMEOUT_SECONDS
) -> Iterator[StoredLetter]:
    """Every letter on SPEC's dead-letter topic, oldest first."""
    yield from _read(settings, spec, None, timeout)


def read_letters_at(
    settings: Settings,
    spec: TopicSpec,
    offsets: Iterable[int],
    timeout: float = READ_TIMEOUT_SECONDS,
) -> list[StoredLetter]:
    """The letters at OFFSETS of SPEC's dead-letter topic, by offset, each read where it
    is (the consumer seeks to it): a few letters of a long topic of large ones cost a
    few reads. DeadLetterProblem naming the offsets that hold none, before any read."""
    return list(_read(settings, spec, sorted(set(offsets)), timeout))


def read_letter(settings: Settings, spec: TopicSpec, offset: int) -> StoredLetter:
    """The letter at OFFSET of SPEC's dead-letter topic; DeadLetterProblem when none."""
    [stored] = read_letters_at(settings, spec, [offset])
    return stored


def _read(
    settings: Settings, spec: TopicSpec, only: Sequence[int] | None, timeout: float
) -> Iterator[StoredLetter]:
    """The letters at ONLY (ascending), or every letter when None."""
    require_broker(settings)
    name = settings.topic(dead_letter_topic(spec).name)
    consumer = _consumer(settings, few=only is not None)
    read: list[int] = []
    size = 0
    try:
        if name not in consumer.topics():
            raise DeadLetterProblem(
                f"{name} does not exist on {settings.bootstrap_servers}: no worker or replay "
                "has created this pipeline's topics (is WIREWATCH_TOPIC_PREFIX right?)"
            )
        partition = TopicPartition(name, 0)
        first, end = _bounds(consumer, partition)
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


def _consumer(settings: Settings, few: bool = False) -> KafkaConsumer:
    """A consumer of no group (nothing committed, no worker's offsets touched). It does
    not check each record's CRC: kafka-python does that in pure Python, about 0.2 s per
    large letter, which made a topic of a few hundred of them unreadable within the
    deadline; an original is given back only when it matches the letter's SHA-256.
    FEW: one record batch a fetch (the broker still sends a larger one whole), for
    reading a few letters where they are rather than the megabytes after them."""
    fetch_bytes = 1 if few else 4 * 1024 * 1024
    return KafkaConsumer(
        bootstrap_servers=settings.bootstrap_servers,
        client_id=f"{settings.app_id}-dlq",
        group_id=None,
        enable_auto_commit=False,
        check_crcs=False,
        fetch_max_bytes=fetch_bytes if few else 8 * 1024 * 1024,
        max_partition_fetch_bytes=fetch_bytes,
    )


def _bounds(consumer: KafkaConsumer, partition: TopicPartition) -> tuple[int, int]:
    return (
        consumer.beginning_offsets([partition])[partition],
        consumer.end_offsets([partition])[partition],
    )


def send_back(
    settings: Settings, resends: Sequence[Resend], timeout: float = 60.0
) -> list[Exception | None]:
    """Send each original to its topic under its key; per resend, None once Kafka
    acknowledged it, or the error why not (the others still go)."""
    if not resends:
        return []
    require_broker(settings)
    producer = make_producer(settings, client_id=f"{settings.app_id}-dlq-replay")
    try:
        futures: list = []
        for resend in resends:
            try:
                futures.append(producer.send(resend.topic, key=resend.key, value=resend.value))
            except KafkaError as error:
                futures.append(error)
        outcomes: list[Exception | None] = []
        deadline = time.monotonic() + timeout
        for future in futures:
            if isinstance(future, Exception):
                outcomes.append(future)
                continue
            try:
                future.get(timeout=max(deadline - time.monotonic(), 0.0))
                outcomes.append(None)
            except KafkaError as error:
                outcomes.append(error)
        return outcomes
    finally:
        producer.close(timeout=10)
