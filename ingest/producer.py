"""How a collector pushes articles through the Kafka producer (`infra.kafka_producer`)."""

from __future__ import annotations

import time
from collections.abc import Sequence

from kafka import KafkaProducer
from kafka.errors import KafkaError

from infra.settings import KafkaSection
from schemas.article import Article
from schemas.topics import ARTICLES_RAW


class ArticleTooLarge(ValueError):
    """An article whose message would pass WIREWATCH_MAX_ARTICLE_BYTES: refused before
    the broker (whose limit is about 1 MB) refuses it, or a stage's dead letter of it
    could not be sent."""


def article_message(article: Article, max_bytes: int) -> bytes:
    """The article's message bytes; ArticleTooLarge, saying so, when over MAX_BYTES
    (the max_article_bytes setting)."""
    payload = article.to_json_bytes()
    if len(payload) > max_bytes:
        raise ArticleTooLarge(
            f"article {article.id} is {len(payload):,} bytes as a message, over "
            f"WIREWATCH_MAX_ARTICLE_BYTES ({max_bytes:,})"
        )
    return payload


def send_article(producer: KafkaProducer, kafka: KafkaSection, article: Article, *, max_bytes: int):
    """Queue one article on the pipeline's articles topic, keyed by its id; returns the
    future of its acknowledgement. ArticleTooLarge when it is over MAX_BYTES (nothing
    is sent)."""
    return producer.send(
        kafka.topic(ARTICLES_RAW.name),
        key=article.id.encode("ascii"),
        value=article_message(article, max_bytes),
    )


def push_articles(
    producer: KafkaProducer,
    kafka: KafkaSection,
    articles: Sequence[Article],
    timeout: float,
    *,
    max_bytes: int,
) -> list[Exception | None]:
    """Send the articles and wait for Kafka's acknowledgements.

    Returns, per article in order, None when Kafka acknowledged it or the error why
    not (ArticleTooLarge for one over the maximum, which is not sent). Once one cannot even be queued, the rest are not sent either, so that
    whatever failed can be retried together. ``timeout`` bounds the wait for all the
    acknowledgements together, not for each one.
    """
    outcomes: list[Exception | None] = []
    futures: list = []
    for article in articles:
        try:
            futures.append(send_article(producer, kafka, article, max_bytes=max_bytes))
        except ArticleTooLarge as error:  # this one alone: the others still go
            futures.append(error)
        except KafkaError as error:
            outcomes = [error] * (len(articles) - len(futures))
            break
    acknowledged: list[Exception | None] = []
    deadline = time.monotonic() + timeout
    for future in futures:
        if isinstance(future, ArticleTooLarge):
            acknowledged.append(future)
            continue
        try:
            future.get(timeout=max(deadline - time.monotonic(), 0.0))
            acknowledged.append(None)
        except KafkaError as error:
            acknowledged.append(error)
    return acknowledged + outcomes
