"""Which incoming articles are new, and which repeat one already seen.

An article is compared on its body text, not its headline (a wire story republished
under another title is still the same story):

- the same id with the same content is a **repeat** (a feed polled again, a replay):
  dropped;
- the same id with new content is an **update**: processed again;
- the same content under another id, or a body whose MinHash estimate of Jaccard
  similarity over 4-word shingles reaches the threshold, is a **copy** of the earliest
  such article. It is not extracted again; its outlet becomes one more source of the
  original's events, but not an independent one.

Candidates come from datasketch's MinHash LSH. The index holds what the stream state
holds (``IndexEntry``), so a worker can rebuild it after a restart, and entries older
than the window are evicted.
"""

from __future__ import annotations

import base64
import datetime as dt
import heapq
import re
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from processors.state_records import check_version, stamped
from schemas.article import Article, ArticleCopy

SHINGLE_WORDS = 4
NUM_PERM = 128
SEED = 1
SCHEME = "affine32"  # datasketch's hashing scheme; stored signatures depend on it
MIN_SHINGLES = 8  # below this a body is too short to call a near-copy; exact matches only
DEFAULT_THRESHOLD = 0.6

_WORD = re.compile(r"\w+")

Kind = Literal["new", "repeat", "update", "copy"]


@dataclass(frozen=True)
class Verdict:
    kind: Kind
    original_id: str | None = None
    similarity: float = 0.0


@dataclass(frozen=True)
class IndexEntry:
    """What the index keeps of one article (also the value of the stream's state table)."""

    article_id: str
    content_hash: str
    signature: bytes | None  # MinHash hash values; None when the body is too short
    source: str
    published: dt.datetime
    original_id: str | None = None  # set when the article is itself a copy

    RECORD_VERSION: ClassVar[int] = 1

    def to_record(self) -> dict[str, Any]:
        return stamped(
            {
                "h": self.content_hash,
                "m": base64.b64encode(self.signature).decode() if self.signature else None,
                "s": self.source,
                "p": self.published.isoformat(),
                "o": self.original_id,
            },
            self.RECORD_VERSION,
        )

    @classmethod
    def from_record(cls, article_id: str, record: dict[str, Any]) -> IndexEntry:
        check_version("dedup", record, cls.RECORD_VERSION)
        signature = record.get("m")
        return cls(
            article_id=article_id,
            content_hash=str(record["h"]),
            signature=base64.b64decode(signature) if signature else None,
            source=str(record["s"]),
            published=dt.datetime.fromisoformat(str(record["p"])),
            original_id=record.get("o"),
        )


def shingles(text: str) -> set[bytes]:
    words = _WORD.findall(text.lower())
    return {
        " ".join(words[i : i + SHINGLE_WORDS]).encode()
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }


_TEMPLATE: MinHash | None = None


def _minhash() -> MinHash:
    """An empty MinHash sharing one set of permutations (computing them is the slow part)."""
    global _TEMPLATE
    if _TEMPLATE is None:
        _TEMPLATE = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, permutations=_TEMPLATE.permutations)


def signature_of(text: str) -> bytes | None:
    """MinHash hash values of the body's shingles, or None for a body too short to judge."""
    found = shingles(text)
    if len(found) < MIN_SHINGLES:
        return None
    minhash = _minhash()
    minhash.update_batch(list(found))
    return minhash.hashvalues.tobytes()


def _lean(signature: bytes) -> LeanMinHash:
    return LeanMinHash(
        seed=SEED, hashvalues=np.frombuffer(signature, dtype=np.uint32), scheme=SCHEME
    )


class ArticleIndex:
    """Articles seen within the window, for exact and near-duplicate lookups."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"dedup threshold must be in (0, 1], not {threshold}")
        self.threshold = threshold
        self.entries: dict[str, IndexEntry] = {}
        self._by_hash: dict[str, str] = {}
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._signatures: dict[str, LeanMinHash] = {}
        self._by_time: list[tuple[dt.datetime, str]] = []  # heap: oldest first

    def __len__(self) -> int:
        return len(self.entries)

    def check(self, article_id: str, content_hash: str, signature: bytes | None) -> Verdict:
        """What an incoming article is, given what the index holds. Changes nothing."""
        known = self.entries.get(article_id)
        if known is not None:
            return Verdict("repeat") if known.content_hash == content_hash else Verdict("update")
        same_text = self._by_hash.get(content_hash)
        if same_text is not None:
            return Verdict("copy", self._root(same_text), 1.0)
        if signature is None or not self._signatures:
            return Verdict("new")
        minhash = _lean(signature)
        best: tuple[float, dt.datetime, str] | None = None
        for candidate in self._lsh.query(minhash):
            similarity = minhash.jaccard(self._signatures[candidate])
            if similarity < self.threshold:
                continue
            entry = self.entries[candidate]
            key = (-similarity, entry.published, candidate)
            if best is None or key < (-best[0], best[1], best[2]):
                best = (similarity, entry.published, candidate)
        if best is None:
            return Verdict("new")
        return Verdict("copy", self._root(best[2]), round(best[0], 3))

    def _root(self, article_id: str) -> str:
        entry = self.entries[article_id]
        return entry.original_id or article_id

    def add(self, entry: IndexEntry) -> None:
        self.remove(entry.article_id)
        self.entries[entry.article_id] = entry
        heapq.heappush(self._by_time, (entry.published, entry.article_id))
        self._by_hash.setdefault(entry.content_hash, entry.article_id)
        if entry.signature is not None:
            minhash = _lean(entry.signature)
            self._signatures[entry.article_id] = minhash
            self._lsh.insert(entry.article_id, minhash, check_duplication=False)

    def remove(self, article_id: str) -> None:
        entry = self.entries.pop(article_id, None)
        if entry is None:
            return
        if self._by_hash.get(entry.content_hash) == article_id:
            del self._by_hash[entry.content_hash]
        if self._signatures.pop(article_id, None) is not None:
            self._lsh.remove(article_id)

    def expired(self, horizon: dt.datetime) -> list[str]:
        """Ids of articles published before the horizon (oldest first, without a full scan)."""
        found = []
        while self._by_time and self._by_time[0][0] < horizon:
            published, article_id = heapq.heappop(self._by_time)
            entry = self.entries.get(article_id)
            if entry is not None and entry.published == published:
                found.append(article_id)
        return found


@dataclass(frozen=True)
class Admission:
    """What to do with an incoming article, decided without changing the index."""

    verdict: Verdict
    entry: IndexEntry | None  # what to index; None for a repeat, which is dropped
    copy: ArticleCopy | None  # the notice to send in its place when it repeats another


def admit(index: ArticleIndex, article: Article) -> Admission:
    """The verdict on an article, the entry to index and, for a copy, its notice."""
    signature = signature_of(article.text)
    verdict = index.check(article.id, article.content_hash, signature)
    if verdict.kind == "repeat":
        return Admission(verdict, None, None)
    original = verdict.original_id if verdict.kind == "copy" else None
    entry = IndexEntry(
        article.id, article.content_hash, signature, article.source, article.published, original
    )
    copy = None
    if original is not None:
        copy = ArticleCopy(
            article_id=article.id,
            original_id=original,
            source=article.source,
            url=article.url,
            published=article.published,
            similarity=verdict.similarity,
        )
    return Admission(verdict, entry, copy)
