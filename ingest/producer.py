"""How a collector pushes articles through the Kafka producer (`infra.kafka_producer`)."""

from __future__ import annotations

import time
from collections.abc import Sequence

from kafka import KafkaProducer
from kafka.errors import KafkaError

from infra.settings import Settings
from schemas.article import Article
from schemas.topics import ARTICLES_RAW


class ArticleTooLarge(ValueError):
    """An article whose message would pass WIREWATCH_MAX_ARTICLE_BYTES: refused before
    the broker (whose limit is about 1 MB) refuses it, or a stage's dead letter of it
    could not be sent."""


def article_message(article: Article, settings: Settings) -> bytes:
    """The article's message bytes; ArticleTooLarge, saying so, when over the maximum."""
    payload = article.to_json_bytes()
    if len(payload) > settings.max_article_bytes:
        raise ArticleTooLarge(
            f"article {article.id} is {len(payload):,} bytes as a message, over "
            f"WIREWATCH_MAX_ARTICLE_BYTES ({settings.max_article_bytes:,})"
        )
    return payload


def send_article(producer: KafkaProducer, settings: Settings, article: Article):
    """Queue one article keyed by its id; returns the future of its acknowledgement.
    ArticleTooLarge when it is over the maximum (nothing is sent)."""
    return producer.send(
        settings.topic(ARTICLES_RAW.name),
        key=article.id.encode("ascii"),
        value=article_message(article, settings),
    )


def push_articles(
    producer: KafkaProducer, settings: Settings, articles: Sequence[Article], timeout: float
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
            futures.append(send_article(producer, settings, article))
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
