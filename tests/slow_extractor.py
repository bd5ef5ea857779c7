"""Deliberately slow extractors for the time-budget tests (WIREWATCH_EXTRACTOR names
them): the real extractor, except on articles whose title asks for a slow path."""

from __future__ import annotations

import re
import time

from processors.extraction import extract_events

# nested repetition: each extra "a" doubles the ways to fail, so 40 of them before a
# "b" take hours inside the regular-expression engine, which holds the interpreter
_RUNAWAY = re.compile(r"(a+)+$")


def slow_on_request(article):
    """Title "slow regex": a runaway pattern. "slow loop": pure Python that never ends
    and swallows every Exception on the way. Otherwise the real extraction."""
    if article.title == "slow regex":
        _RUNAWAY.match("a" * 40 + "b")
        return []
    if article.title == "slow loop":
        while True:
            try:
                time.sleep(0.01)
                sum(range(10_000))
            except Exception:
                pass
    return extract_events(article)


def sleeps_as_titled(article):
    """Title "sleep 1.2": sleeps that many seconds, then finds no events. For the
    budget's edge: work a known time under or over it."""
    time.sleep(float(article.title.removeprefix("sleep ")))
    return []
