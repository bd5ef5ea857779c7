"""Running the worker in this process: the topics made, the store checked (and refilled
from the events topic when it lost them), the models loaded, then the faust app of
`processors.stream.app` under faust's worker, with its probes and metrics served over
HTTP when a port is set."""

from __future__ import annotations

import logging
from typing import Any

import faust

from infra.db import check_file, store_name
from infra.language import load_model as load_language_model
from infra.logs import hold_back_repeats, logging_config
from infra.settings import KafkaSection, Settings
from processors.extraction.gazetteer import get_gazetteer
from processors.stream.app import create_app
from schemas.topics import EVENTS
from sinks.storage import connect, holds_versions

log = logging.getLogger("wirewatch.worker")


class _Worker(faust.Worker):
    """faust's worker, its log handlers holding back repeated warnings (`infra.logs`)
    in text as in JSON: a broker away is a line per interval, not thousands."""

    def __init__(self, *args: Any, repeat_seconds: float, **kwargs: Any) -> None:
        self.repeat_seconds = repeat_seconds
        super().__init__(*args, **kwargs)

    def on_setup_root_logger(self, logger: logging.Logger, level: int) -> None:
        super().on_setup_root_logger(logger, level)
        hold_back_repeats(logger, self.repeat_seconds)


def check_store(database_url: str, kafka: KafkaSection) -> None:
    """Open the store (and migrate it) before starting: a damaged or unreachable one is
    one line (StoreDamaged, OperationalError) instead of a worker that cannot store.

    A store that holds no event while the group has already stored some (a damaged
    store moved away, a new database) is refilled: the store stage reads the events
    topic again from the start of what the broker keeps (`rewind_group`). The store is
    at DATABASE_URL; KAFKA names the broker, the group and the topic."""
    from kafka.errors import KafkaError

    from infra.kafka_admin import rewind_group

    engine = connect(database_url)
    try:
        check_file(engine)
        if holds_versions(engine):
            return
    finally:
        engine.dispose()
    where = store_name(database_url)
    events = kafka.topic(EVENTS.name)
    try:
        again = rewind_group(kafka, events)
    except KafkaError as error:  # the worker starts all the same, with the store as it is
        log.warning("the store at %s holds no event; not refilled: %r", where, error)
        return
    if again is None:
        log.warning(
            "the store at %s holds no event, and other workers of %s are running: stop "
            "them all and start one to refill it from %s",
            where,
            kafka.app_id,
            events,
        )
    elif again:
        log.warning(
            "the store at %s holds no event: reading %d event versions of %s again to refill it",
            where,
            again,
            events,
        )


def load_models() -> None:
    """The place index and the language model, before the worker joins its group: a
    worker that takes partitions while it loads them (seconds of CPU, holding the
    interpreter) would stall every message of those partitions until it is done."""
    get_gazetteer()
    load_language_model()


def run_worker(settings: Settings) -> None:
    """Run the faust worker in this process until it is stopped."""
    import importlib.util

    import mode.loop

    from infra.kafka_admin import ensure_topics

    # libuv's event loop where it is installed (not on Windows): the worker's many small
    # reads, writes and wake-ups between its agents and its consumer thread cost less
    # there than in asyncio's own loop (bench/pipeline.py: about a tenth of its CPU)
    if importlib.util.find_spec("uvloop") is not None:
        mode.loop.use("uvloop")

    ensure_topics(settings.kafka)
    check_store(settings.resolved_database_url, settings.kafka)
    (settings.state_dir / "worker").mkdir(parents=True, exist_ok=True)
    app = create_app(settings)
    if settings.worker_metrics_port and app.metrics and app.probes:
        from infra.probes import ProbeServer

        ProbeServer(
            settings.worker_metrics_host,
            settings.worker_metrics_port,
            app.metrics.registry,
            app.probes.alive,
            app.probes.ready,
        )
    load_models()
    logs = None
    if settings.log_format == "json":
        logs = logging_config(settings.log_level, settings.log_format, settings.log_repeat_seconds)
    worker = _Worker(
        app,
        loglevel=settings.log_level,
        quiet=True,
        logging_config=logs,
        repeat_seconds=settings.log_repeat_seconds,
    )
    # faust's terminal spinner turns the root logger to DEBUG so every record can spin it:
    # each debug line of aiokafka and faust is then built and thrown away, a tenth of
    # the worker's CPU. The level asked for is the level used.
    worker.spinner = None
    worker.execute_from_commandline()
