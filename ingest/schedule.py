"""When to poll a feed next: pure functions of what the feed and its server said.

Like Miniflux: the interval follows how often the feed publishes (median gap between
its entries), bounded by a minimum and a maximum; the feed's TTL, the server's
Cache-Control max-age and Retry-After can only lengthen it; failures back off
exponentially up to the maximum; every interval is jittered so that feeds added
together do not stay in lockstep.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import statistics

from infra.policies import SchedulePolicy


def clamp(minutes: float, policy: SchedulePolicy) -> float:
    return max(policy.min_minutes, min(policy.max_minutes, minutes))


def publishing_interval(entry_times: list[dt.datetime], policy: SchedulePolicy) -> float:
    """Minutes between polls from the median gap between the feed's recent entries."""
    times = sorted(entry_times, reverse=True)[:20]
    if len(times) < 2:
        return clamp(policy.default_minutes, policy)
    gaps = [(a - b).total_seconds() / 60 for a, b in itertools.pairwise(times)]
    gaps = [gap for gap in gaps if gap > 0]
    if not gaps:
        return clamp(policy.default_minutes, policy)
    return clamp(statistics.median(gaps), policy)


def success_interval(
    base_minutes: float,
    policy: SchedulePolicy,
    ttl_minutes: float | None = None,
    max_age_seconds: float | None = None,
    retry_after_seconds: float | None = None,
) -> float:
    """The interval after a successful poll; hints from the feed and server only lengthen it."""
    minutes = base_minutes
    for hint in (
        ttl_minutes,
        max_age_seconds / 60 if max_age_seconds else None,
        retry_after_seconds / 60 if retry_after_seconds else None,
    ):
        if hint:
            minutes = max(minutes, hint)
    return clamp(minutes, policy)


def failure_interval(
    consecutive_failures: int, policy: SchedulePolicy, retry_after_seconds: float | None = None
) -> float:
    """Exponential backoff from the minimum, capped at the maximum; Retry-After wins if longer."""
    exponent = max(consecutive_failures - 1, 0)
    minutes = policy.min_minutes * (2 ** min(exponent, 20))
    if retry_after_seconds:
        minutes = max(minutes, retry_after_seconds / 60)
    return clamp(minutes, policy)


def jittered(minutes: float, policy: SchedulePolicy, rng: random.Random | None = None) -> float:
    spread = minutes * policy.jitter
    return minutes + (rng or random).uniform(-spread, spread)
