"""How many letters each dead-letter topic holds now: those written less those the
broker's retention has already deleted. `dlq list` shows each topic's count and
`wirewatch status` the topics that exist; the arithmetic is pure (`dead_letters_held`)."""

from __future__ import annotations

from dataclasses import dataclass

from kafka import TopicPartition

from deadletters.reading import letters_consumer, partition_bounds
from infra.kafka_admin import require_broker
from infra.kafka_status import status_consumer
from infra.settings import KafkaSection
from schemas.topics import PIPELINE_TOPICS, dead_letter_topic


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


def count_letters(kafka: KafkaSection) -> list[LetterCount]:
    """Every dead-letter topic of the pipeline with its count (0 for one not created)."""
    require_broker(kafka)
    consumer = letters_consumer(kafka)
    try:
        existing = consumer.topics()
        counts = []
        for spec in PIPELINE_TOPICS:
            name = kafka.topic(dead_letter_topic(spec).name)
            first = end = 0
            if name in existing:
                first, end = partition_bounds(consumer, TopicPartition(name, 0))
            counts.append(
                LetterCount(name, kafka.topic(spec.name), end - first, first, end, name in existing)
            )
        return counts
    finally:
        consumer.close()


def dead_letters_held(start: int, end: int) -> int:
    """Letters in a dead-letter partition: those written (END) less those the broker's
    retention has already deleted (START)."""
    return max(end - start, 0)


def letters_held(kafka: KafkaSection) -> dict[str, int]:
    """The letters held in each dead-letter topic of the pipeline that exists, by its
    (prefixed) name, read as `wirewatch status` reads the broker: with its short request
    timeout, and kafka.errors.KafkaError when the broker does not answer."""
    consumer = status_consumer(kafka)
    try:
        partitions = [
            TopicPartition(topic, partition)
            for topic in (kafka.topic(dead_letter_topic(s).name) for s in PIPELINE_TOPICS)
            for partition in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        if not partitions:
            return {}
        starts = consumer.beginning_offsets(partitions)
        ends = consumer.end_offsets(partitions)
        return {
            tp.topic: dead_letters_held(starts[tp], ends[tp])
            for tp in sorted(partitions, key=lambda tp: tp.topic)
        }
    finally:
        consumer.close()
