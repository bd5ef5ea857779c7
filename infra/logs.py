"""How the long-running processes (worker, collector, API) write their logs: plain lines
for a person at a terminal, or, with ``WIREWATCH_LOG_FORMAT=json``, one JSON object per
line (python-json-logger) for a log collector to index without parsing text: ``time``,
``level``, ``logger``, ``message``, and ``exc_info`` with the traceback when there is one.

One logging configuration (`logging_config`, a `logging.config.dictConfig` mapping) is
handed to whatever sets up logging in each process: faust's worker, uvicorn, or
`configure` for the collector."""

from __future__ import annotations

import logging.config
from typing import Any

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"
JSON_RENAMED = {"asctime": "time", "levelname": "level", "name": "logger"}


def logging_config(level: str, log_format: str) -> dict[str, Any]:
    """Every record at LEVEL and above to stderr, as text or JSON (LOG_FORMAT)."""
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
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "wirewatch",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": level.upper(), "handlers": ["stderr"]},
    }


def uvicorn_config(level: str, log_format: str) -> dict[str, Any]:
    """The same for uvicorn, whose loggers keep handlers of their own unless told: its
    loggers then pass their records up to the root's handler."""
    config = logging_config(level, log_format)
    config["loggers"] = {
        name: {"handlers": [], "propagate": True}
        for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
    }
    return config


def configure(level: str, log_format: str) -> None:
    """Set up this process's logging."""
    logging.config.dictConfig(logging_config(level, log_format))
