"""Extractors for tests of the extraction process: one that takes its time on articles
whose title says so, one that fails, both otherwise the real one."""

from __future__ import annotations

import time

from processors.extraction import extract_events


def slow_on_request(article):
    """Sleeps the seconds the title names ("slow 30"), else extracts."""
    if article.title.startswith("slow "):
        time.sleep(float(article.title.split()[1]))
        return []
    if article.title.startswith("fail"):
        raise ValueError("asked to fail")
    return extract_events(article)
