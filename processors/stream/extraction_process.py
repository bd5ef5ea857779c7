"""Extraction in a child process, with a time budget per article, so that no article can
stall the worker.

Extraction is pure Python and regular expressions, which hold the interpreter while
they run: in the worker's own process one pathological article (the probe of issue 14:
"one " repeated a thousand times, 97 s) froze every stage and got the worker dropped
from its group. Here each article goes to one child process over a pipe, the event
loop waits for the answer without blocking (the pipe is watched as a reader), and an
article not done within the budget has its child killed and a new one started; the
article fails with `ExtractionOverBudget`, which the stage's error policy sends to the
dead-letter topic with that reason. The child is started with `spawn` (the worker has
threads, which `fork` would copy in an unknown state) and loads the place index before
it says it is ready.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import multiprocessing
from multiprocessing.connection import Connection
from typing import Any

from schemas.article import Article
from schemas.event import EventMention

DEFAULT_EXTRACTOR = "processors.extraction:extract_events"
READY = b"ready"
STARTUP_SECONDS = 300.0  # building the place index from GeoNames, when no cache has it


class ExtractionOverBudget(Exception):
    """An article whose extraction took longer than the budget; it was stopped."""


class ExtractionFailed(Exception):
    """The extractor raised inside the child: its type and message."""


def _serve(connection: Connection, extractor: str) -> None:
    """The child: load the extractor (and the place index it uses), say ready, then
    answer each article with its mentions as JSON, or with the error it raised."""
    module, _, name = extractor.partition(":")
    extract = getattr(importlib.import_module(module), name)
    _warm_up()
    connection.send_bytes(READY)
    while True:
        try:
            data = connection.recv_bytes()
        except EOFError:  # the worker has gone
            return
        try:
            mentions = extract(Article.from_json_bytes(data))
            answer = {"mentions": [mention.model_dump_json() for mention in mentions]}
        except Exception as error:
            answer = {"error": f"{type(error).__name__}: {error}"}
        connection.send_bytes(json.dumps(answer).encode())


def _warm_up() -> None:
    """Load the place index and run one short article through the extractor, so that
    the first real article's budget is not spent on what every process does once."""
    import datetime as dt

    from processors.extraction import extract_events
    from schemas.article import article_id_for

    url = "https://wirewatch.invalid/warm-up"
    extract_events(
        Article(
            id=article_id_for(url),
            url=url,
            title="Shelling in Kharkiv",
            text="Shelling killed two civilians in Kharkiv on Monday, officials said.",
            source="warm-up",
            published=dt.datetime(2024, 5, 7, tzinfo=dt.UTC),
        )
    )


class ExtractionProcess:
    """One child that extracts, one article at a time, each within BUDGET seconds."""

    def __init__(self, budget: float, extractor: str = DEFAULT_EXTRACTOR) -> None:
        self.budget = budget
        self.extractor = extractor
        self._context = multiprocessing.get_context("spawn")
        self._process: Any = None
        self._connection: Connection | None = None
        self._lock = asyncio.Lock()  # one article in the pipe at a time
        self.restarts = 0

    async def extract(self, article: Article) -> list[EventMention]:
        async with self._lock:
            if self._process is None or not self._process.is_alive():
                await self._start()
            assert self._connection is not None
            self._connection.send_bytes(article.to_json_bytes())
            try:
                await self._readable(self.budget)
            except TimeoutError:
                self._stop()
                self.restarts += 1
                raise ExtractionOverBudget(
                    f"extraction took longer than {self.budget:g} s "
                    "(WIREWATCH_EXTRACT_BUDGET_SECONDS); stopped"
                ) from None
            try:
                answer = json.loads(self._connection.recv_bytes())
            except EOFError:  # the child died (out of memory, killed)
                self._stop()
                raise ExtractionFailed("the extraction process ended while extracting") from None
        if "error" in answer:
            raise ExtractionFailed(answer["error"])
        return [EventMention.model_validate_json(mention) for mention in answer["mentions"]]

    async def extract_nothing(self) -> None:
        """Start the child now, if it is not running, rather than at the first article."""
        async with self._lock:
            if self._process is None or not self._process.is_alive():
                await self._start()

    async def _start(self) -> None:
        parent, child = self._context.Pipe()
        self._process = self._context.Process(
            target=_serve, args=(child, self.extractor), name="wirewatch-extract", daemon=True
        )
        self._process.start()
        child.close()
        self._connection = parent
        try:
            await self._readable(STARTUP_SECONDS)
            if parent.recv_bytes() != READY:
                raise EOFError
        except (TimeoutError, EOFError):
            self._stop()
            raise ExtractionFailed("the extraction process did not start") from None

    async def _readable(self, timeout: float) -> None:
        """Wait, without blocking the event loop, until the child has answered."""
        assert self._connection is not None
        if self._connection.poll():
            return
        loop = asyncio.get_running_loop()
        answered = loop.create_future()
        descriptor = self._connection.fileno()
        loop.add_reader(descriptor, lambda: answered.done() or answered.set_result(None))
        try:
            await asyncio.wait_for(answered, timeout)
        finally:
            loop.remove_reader(descriptor)

    def _stop(self) -> None:
        if self._process is not None and self._process.is_alive():
            self._process.kill()
            self._process.join(5)
        if self._connection is not None:
            self._connection.close()
        self._process, self._connection = None, None

    def close(self) -> None:
        """Stop the child (the worker is stopping)."""
        self._stop()
