"""A time budget for one piece of synchronous work: past it, the work is interrupted
where it stands and `OverBudget` raised.

The worker extracts an article in its event loop's thread: pure Python and regular
expressions, which hold the interpreter, so while one article is read nothing else in
the worker runs. A pathological article once took 97 s and cost the worker its place in
its consumer group. A real-time interval timer (SIGALRM) bounds that: Python code checks
for signals between bytecodes and the regular-expression engine checks while it matches,
so a runaway pattern stops too, and the event loop is held at most the budget. Two
system calls per article; a child process per worker, tried first, cost 4.6 ms of CPU
per article and the worker its sustained rate.

The interruption is a BaseException while it unwinds (so that no `except Exception` in
the work can swallow it) and becomes `OverBudget`, an ordinary exception, at the budget's
edge. Only the main thread receives signals: elsewhere the work runs without a budget.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class OverBudget(Exception):
    """The work took longer than its budget and was stopped."""


class _Interrupted(BaseException):
    """Raised by the timer inside the work; becomes OverBudget at the budget's edge."""


_counting = False  # true while a budget counts


def _interrupt(signum: int, frame: object) -> None:
    if _counting:
        raise _Interrupted
    # a timer that fired as its budget ended: nothing is running under it


def _signals_here() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextmanager
def time_budget(seconds: float, reason: str) -> Iterator[None]:
    """Run the block; past SECONDS of wall time, stop it and raise OverBudget(REASON).
    Without a budget when SECONDS is not positive, off the main thread, or inside
    another budget (the outer one still counts)."""
    global _counting
    if seconds <= 0 or _counting or not _signals_here():
        yield
        return
    if signal.getsignal(signal.SIGALRM) is not _interrupt:
        signal.signal(signal.SIGALRM, _interrupt)
    _counting = True
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _Interrupted:  # in the work, or as the timer was being stopped
        raise OverBudget(reason) from None
    finally:
        _counting = False


def within_budget(function: Callable[P, R], seconds: float, reason: str) -> Callable[P, R]:
    """FUNCTION, each call stopped with OverBudget(REASON) past SECONDS."""

    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with time_budget(seconds, reason):
            return function(*args, **kwargs)

    return run
