"""Event time: how far a stage's stream has got, and where its state window begins.

State is kept for a window of event time (``WIREWATCH_STATE_WINDOW_DAYS``), not of
wall-clock time, so a replay of last year's articles keeps what a live stream would.
"""

from __future__ import annotations

import datetime as dt


class EventClock:
    """The latest event time seen, and the horizon one window behind it."""

    def __init__(self, window: dt.timedelta) -> None:
        self.window = window
        self.latest: dt.datetime | None = None

    def note(self, moment: dt.datetime) -> None:
        """Move on to the moment if it is later. A time beyond tomorrow (a feed's clock
        gone wrong) counts as tomorrow, or one bad date would evict everything."""
        moment = min(moment, dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
        if self.latest is None or moment > self.latest:
            self.latest = moment

    @property
    def horizon(self) -> dt.datetime:
        """Entries older than this have left the window."""
        if self.latest is None:
            raise ValueError("no event time noted yet")
        return self.latest - self.window


EVICT_EVERY = 500  # messages between scans of a stage's state for entries past the window


class Retention(EventClock):
    """A stage's event clock that also says when to scan its state for evictions: one
    mechanism for every stage, so state stays bounded on an endless stream."""

    def __init__(self, window: dt.timedelta, every: int = EVICT_EVERY) -> None:
        super().__init__(window)
        self.every = every
        self.seen = 0

    def advance(self, moment: dt.datetime) -> bool:
        """Note a message's time; True every ``every`` messages."""
        self.note(moment)
        self.seen += 1
        return self.seen % self.every == 0
