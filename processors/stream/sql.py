"""Every SQL call of the worker on one thread: never on the event loop (a SQLite lock
wait would stall every stage), and never two writers fighting over SQLite's lock. The
subscriptions are read through it too, and kept in memory until their table changes.

A call that fails because of the store (damaged, unreachable, full: `infra.db.unavailable`)
raises StoreUnavailable, which the stages wait out rather than dead-letter; the engine
is then made again, so a file restored or moved away is opened anew, and `problem`
says what is wrong until a call succeeds (the worker's readiness reads it)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from infra.db import StoreDamaged, StoreUnavailable, check_whole, migrate, unavailable
from processors.alerting import SubscriptionIndex
from sinks.alerts import state as delivery_state
from sinks.alerts import subscriptions as subscription_store
from sinks.storage import connect


class SqlThread:
    """The database engine, made on the SQL thread on first use, and calls run there."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wirewatch-sql")
        self._engine: Any = None
        self.problem: str | None = None  # why the store cannot be used, until a call succeeds
        self._damaged = False  # the last failure was a damaged file

    def _database(self) -> Any:
        if self._engine is None:
            engine = connect(self.database_url)
            try:
                # the other components' tables on the same engine (their connect() makes
                # its own)
                migrate(engine, "subscriptions", subscription_store.MIGRATIONS)
                migrate(engine, "deliveries", delivery_state.MIGRATIONS)
                if self._damaged:
                    # back from damage: a file that closing our connections may have
                    # patched together from its log must read whole before it takes writes
                    check_whole(engine)
            except Exception:
                engine.dispose()
                raise
            self._engine = engine
        return self._engine

    async def __call__(self, function: Callable[..., Any], *args: Any) -> Any:
        """``function(engine, *args)`` on the SQL thread; StoreUnavailable when the store
        is at fault."""
        return await asyncio.get_running_loop().run_in_executor(
            self._thread, lambda: self._run(function, *args)
        )

    def _run(self, function: Callable[..., Any], *args: Any) -> Any:
        try:
            result = function(self._database(), *args)
        except Exception as error:
            url = self.database_url
            trouble = error if isinstance(error, StoreUnavailable) else unavailable(url, error)
            if trouble is None:
                raise
            self.problem = str(trouble)
            self._damaged = self._damaged or isinstance(error, StoreDamaged)
            if self._engine is not None:  # the next call opens the store anew
                self._engine.dispose()
                self._engine = None
            raise trouble from error
        self.problem, self._damaged = None, False
        return result


class Subscriptions:
    """The subscriptions, rebuilt when the SQL table changed (checked every few seconds)."""

    def __init__(self, sql: SqlThread, refresh_seconds: float) -> None:
        self.sql = sql
        self.refresh_seconds = refresh_seconds
        self.index = SubscriptionIndex()
        self._checked: float | None = None
        self._fingerprint: Any = None

    async def current(self) -> SubscriptionIndex:
        now = asyncio.get_running_loop().time()
        if self._checked is None or now - self._checked >= self.refresh_seconds:
            self._checked = now
            fingerprint = await self.sql(subscription_store.fingerprint)
            if fingerprint != self._fingerprint:
                # built off the event loop: 100,000 subscriptions take about a second
                self.index = await self.sql(
                    lambda engine: SubscriptionIndex(subscription_store.list_subscriptions(engine))
                )
                self._fingerprint = fingerprint
        return self.index
