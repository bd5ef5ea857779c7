"""What a section of the settings hands its component, built once with the section
(`infra.settings`): how the collector fetches a feed (`FetchLimits`) and schedules it
(`SchedulePolicy`), and how the alert sender retries (`RetryPolicy`). Plain frozen
values, so a test builds one directly."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class FetchLimits:
    """How one feed or page is fetched: time limits, size and redirect caps, and
    whether a private or loopback address may be reached."""

    connect_timeout: float = 10.0
    total_timeout: float = 30.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    user_agent: str = "wirewatch"
    allow_private: bool = False


@dataclass(frozen=True)
class SchedulePolicy:
    """How often a feed is polled: the interval it starts from, its bounds (minutes),
    and the share by which each interval is jittered."""

    default_minutes: float = 15.0
    min_minutes: float = 5.0
    max_minutes: float = 1440.0
    jitter: float = 0.1


@dataclass(frozen=True)
class RetryPolicy:
    """How an alert is retried: attempts, the backoff's first step and ceiling
    (seconds), and the time limit of each attempt."""

    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0
    timeout: float = 10.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Exponential backoff, each wait drawn from the upper half of its step (so retries
        spread out but never come sooner than half the step); Retry-After wins when set."""
        if retry_after is not None:
            return min(retry_after, self.max_delay)
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)
