"""An article as every collector hands it to the pipeline."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, field_validator

from schemas.base import WireModel

ARTICLE_SCHEMA_VERSION = 1

NonEmpty = Annotated[str, Field(min_length=1)]


PUBLISHED_YEARS = (1900, 2200)  # the publication dates an article may carry


def article_id_for(canonical_url: str) -> str:
    """Stable id of an article: the same canonical URL always gives the same id."""
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:32]


class Article(WireModel):
    """One news article.

    ``published`` keeps the offset the source gave it (the local clock of the outlet
    matters for "on Sunday" in the text); ``published_estimated`` says it is the
    fetch time because the source gave none.
    """

    schema_version: Literal[1] = ARTICLE_SCHEMA_VERSION
    id: Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]
    url: Annotated[str, Field(pattern=r"^https?://\S+$", max_length=4096)]
    title: Annotated[str, Field(min_length=1, max_length=1000)]
    text: Annotated[str, Field(max_length=200_000)]
    source: NonEmpty
    published: AwareDatetime
    published_estimated: bool = False
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")] | None = None
    # the language the collector found the text in (infra/language.py): "und" when
    # unsure; None in messages from before detection, which the worker detects itself
    detected_language: Annotated[str, Field(pattern=r"^[a-z]{2,3}$")] | None = None
    guid: str | None = None
    feed_url: str | None = None
    ingested_at: AwareDatetime | None = None

    @field_validator("title", "source")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value

    @field_validator("published")
    @classmethod
    def _news_years(cls, value: dt.datetime) -> dt.datetime:
        """No news is dated year 1 or 9999; such a date also breaks the date arithmetic
        of extraction ("on December 5" read in January of year 1)."""
        if not PUBLISHED_YEARS[0] <= value.year <= PUBLISHED_YEARS[1]:
            raise ValueError(f"year must lie between {PUBLISHED_YEARS[0]} and {PUBLISHED_YEARS[1]}")
        return value

    @property
    def content_hash(self) -> str:
        """Hash of what a reader sees; a changed hash is a new version of the article."""
        digest = hashlib.sha256()
        digest.update(self.title.encode("utf-8"))
        digest.update(b"\x00")
        digest.update(self.text.encode("utf-8"))
        return digest.hexdigest()[:32]


class ArticleCopy(WireModel):
    """An article found to repeat an earlier one: a wire story republished, an exact copy
    at another address. It is not extracted again; its outlet becomes one more source of
    the original's events, but not an independent confirmation of them.
    """

    schema_version: Literal[1] = ARTICLE_SCHEMA_VERSION
    article_id: Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]
    original_id: Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]
    source: NonEmpty
    url: str
    published: AwareDatetime
    similarity: Annotated[float, Field(ge=0.0, le=1.0)]
