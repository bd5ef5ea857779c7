"""The originals of dead letters sent back to the topic they came from, after a fix:
`plan_replay` (pure) chooses what to send and says why each letter it cannot is
skipped, the others still going; `send_back` produces them."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kafka.errors import KafkaError

from deadletters.reading import DeadLetterProblem, StoredLetter, original_of
from infra.kafka_admin import require_broker
from infra.kafka_producer import make_producer
from infra.settings import KafkaSection
from schemas.dead_letter import OriginalUnavailable


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


def send_back(
    kafka: KafkaSection, resends: Sequence[Resend], timeout: float = 60.0
) -> list[Exception | None]:
    """Send each original to its topic under its key; per resend, None once Kafka
    acknowledged it, or the error why not (the others still go)."""
    if not resends:
        return []
    require_broker(kafka)
    producer = make_producer(kafka, client_id=f"{kafka.app_id}-dlq-replay")
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
