"""Caches keyed on an article's text or its sentences, and one way to empty them all.

Within one article the same sentence is read by several stages (its clauses, its toll,
its actors), and an article with many events asks for the actors of its whole text once
per event; these caches make each of those a lookup. A worker never reads a text twice,
so across articles they only hold memory (bounded by their size); a bench that times the
same article again calls `forget_texts` first, so that it measures what a worker pays.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_CACHES: list[Any] = []


def text_cache(maxsize: int) -> Callable[[F], F]:
    """functools.lru_cache, registered so that `forget_texts` empties it."""

    def decorate(function: F) -> F:
        cached = functools.lru_cache(maxsize=maxsize)(function)
        _CACHES.append(cached)
        return cached  # type: ignore[return-value]

    return decorate


def forget_texts() -> None:
    """Empty every text cache."""
    for cached in _CACHES:
        cached.cache_clear()
