"""A dead letter always fits in one Kafka message (issue 14, item 2): before, a failed
message of about 800 kB made a letter over the broker's 1 MB limit, the stage crashed
and the .dlq got nothing. Pure checks of the letter and of the producer's maximum; the
worker's end of it is in tests/test_pipeline_e2e.py."""

from __future__ import annotations

import hashlib

import pytest

from deadletters.apart import read_apart
from ingest.producer import ArticleTooLarge, article_message
from ingest.seeds import load_seed
from schemas.dead_letter import MAX_ERROR_CHARS, MAX_INLINE_BYTES, DeadLetter, dead_letter
from tests.conftest import SEEDS

BIG = b"x" * 900_000


def _letter(value: bytes, error: Exception | None = None, apart: str | None = None) -> DeadLetter:
    return dead_letter(
        topic="articles.raw",
        stage="dedup",
        error=error or ValueError("bad"),
        key=b"k",
        value=value,
        partition=0,
        offset=7,
        stored_apart=apart,
    )


def test_a_large_original_kept_apart_leaves_a_small_letter(tmp_path):
    path = tmp_path / "p0-o7.bin"
    path.write_bytes(BIG)
    letter = _letter(BIG, apart=str(path))
    assert len(letter.to_json_bytes()) < 10_000
    assert letter.value == b"" and not letter.truncated
    assert letter.value_bytes == len(BIG)
    assert letter.value_sha256 == hashlib.sha256(BIG).hexdigest()
    assert letter.checked_original(lambda name, size: read_apart(tmp_path, name, size)) == BIG


def test_a_large_original_that_could_not_be_kept_is_cut_and_says_so():
    letter = _letter(BIG)
    assert letter.truncated and letter.value == BIG[:MAX_INLINE_BYTES]
    assert letter.value_bytes == len(BIG) and len(letter.to_json_bytes()) < 1_000_000


def test_a_small_original_travels_whole_and_a_huge_reason_is_cut():
    letter = _letter(b"{}", ValueError("y" * 50_000))
    assert letter.value == b"{}" and letter.stored_apart is None and not letter.truncated
    assert len(letter.error) < MAX_ERROR_CHARS + 100 and "characters cut" in letter.error


def test_an_article_over_the_maximum_is_refused_before_sending(monkeypatch):
    article = load_seed(SEEDS / "idlib-airstrike.md")
    assert article_message(article, 1_000_000)
    large = article.model_copy(update={"text": "word " * 4000})
    with pytest.raises(ArticleTooLarge, match="WIREWATCH_MAX_ARTICLE_BYTES"):
        article_message(large, 10_000)
