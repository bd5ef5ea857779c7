"""How the long-running processes (worker, collector, API) write their logs: plain lines
for a person at a terminal, or, with ``WIREWATCH_LOG_FORMAT=json``, one JSON object per
line (python-json-logger) for a log collector to index without parsing text: ``time``,
``level``, ``logger``, ``message``, and ``exc_info`` with the traceback when there is one.

One logging configuration (`logging_config`, a `logging.config.dictConfig` mapping) is
handed to whatever sets up logging in each process: faust's worker, uvicorn, or
`configure` for the collector.

A warning or error that repeats (a broker away: the Kafka clients retry many times a
second, each retry a line) is written once, then held back: the next one of its kind
after ``WIREWATCH_LOG_REPEAT_SECONDS`` (30 s) is written with how many were held back
(`Repeats`). Lines below WARNING, and those of other libraries, pass as they are."""

from __future__ import annotations

import logging.config
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"
JSON_RENAMED = {"asctime": "time", "levelname": "level", "name": "logger"}


REPEAT_SECONDS = 30.0
# the loggers whose repeated warnings are held back: the Kafka clients' and wirewatch's
REPEATING = ("kafka", "aiokafka", "faust", "mode", "wirewatch")
_KINDS_KEPT = 1000  # kinds remembered, the least recently seen forgotten first
_NUMBERS = re.compile(r"\d+")


def kind_of(record: logging.LogRecord) -> tuple[str, int, str]:
    """What makes two records repeats of one another: the logger, the level and the
    message before its arguments, its numbers aside (a node id, a port, a count)."""
    return record.name, record.levelno, _NUMBERS.sub("#", str(record.msg))


class Repeats(logging.Filter):
    """Lets the first record of a kind through, holds back the others for SECONDS,
    then lets the next one through saying how many were held back."""

    def __init__(
        self,
        seconds: float = REPEAT_SECONDS,
        loggers: tuple[str, ...] = REPEATING,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.seconds, self.loggers, self.clock = seconds, loggers, clock
        self._kinds: OrderedDict[tuple[str, int, str], list[float]] = OrderedDict()

    def filter(self, record: logging.LogRecord) -> bool:
        family = record.name.split(".", 1)[0]
        if record.levelno < logging.WARNING or family not in self.loggers:
            return True
        kind, now = kind_of(record), self.clock()
        seen = self._kinds.get(kind)  # [since, held back]
        if seen is not None and now - seen[0] < self.seconds:
            seen[1] += 1
            self._kinds.move_to_end(kind)
            return False
        self._kinds[kind] = [now, 0]
        self._kinds.move_to_end(kind)
        while len(self._kinds) > _KINDS_KEPT:
            self._kinds.popitem(last=False)
        if seen is not None and seen[1]:
            record.msg = (
                f"{record.getMessage()} (repeated {int(seen[1])} times in the last "
                f"{now - seen[0]:.0f} s)"
            )
            record.args = ()  # a tuple: formatters wrap anything else into one
        return True


def hold_back_repeats(logger: logging.Logger, seconds: float = REPEAT_SECONDS) -> None:
    """`Repeats` on each of LOGGER's handlers that has none (for logging set up by
    someone else: faust's worker)."""
    for handler in logger.handlers:
        if not any(isinstance(f, Repeats) for f in handler.filters):
            handler.addFilter(Repeats(seconds))


def logging_config(
    level: str, log_format: str, repeat_seconds: float = REPEAT_SECONDS
) -> dict[str, Any]:
    """Every record at LEVEL and above to stderr, as text or JSON (LOG_FORMAT), repeats
    held back for REPEAT_SECONDS."""
    if log_format == "json":
        formatter: dict[str, Any] = {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": JSON_FIELDS,
            "rename_fields": JSON_RENAMED,
        }
    else:
        formatter = {"format": TEXT_FORMAT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"wirewatch": formatter},
        "filters": {"repeats": {"()": Repeats, "seconds": repeat_seconds}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "wirewatch",
                "filters": ["repeats"],
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": level.upper(), "handlers": ["stderr"]},
    }


def uvicorn_config(
    level: str, log_format: str, repeat_seconds: float = REPEAT_SECONDS
) -> dict[str, Any]:
    """The same for uvicorn, whose loggers keep handlers of their own unless told: its
    loggers then pass their records up to the root's handler."""
    config = logging_config(level, log_format, repeat_seconds)
    config["loggers"] = {
        name: {"handlers": [], "propagate": True}
        for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
    }
    return config


def configure(level: str, log_format: str, repeat_seconds: float = REPEAT_SECONDS) -> None:
    """Set up this process's logging."""
    logging.config.dictConfig(logging_config(level, log_format, repeat_seconds))
