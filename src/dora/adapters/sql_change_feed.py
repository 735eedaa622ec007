"""How a server hears that data was committed, by itself or anyone else.

PostgreSQL tells every listening process when data was committed. A
trigger on `repos` (migration 0004) notifies the channel whenever a repo's
data version moves, a repo appears or goes: every change of data that an
answer depends on moves its repo's version. PostgreSQL delivers a
notification once its transaction commits, to the connections that
listen; one connection per process listens here and tells the observer.

SQLite cannot tell, but it can be asked cheaply: `PRAGMA data_version`
changes whenever another connection, of any process, has committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from typing import Any

import psycopg
from sqlalchemy.ext.asyncio import AsyncEngine

from dora.ports.changes import ChangeObserver

logger = logging.getLogger(__name__)

CHANNEL = "dora_changes"
RETRY_S = 1.0
# A listener that only reads notices a dead peer only by keepalives.
KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 2,
}


class PostgresChangeFeed:
    """Listens on its own connection, reconnecting after losing it."""

    def __init__(
        self, engine: AsyncEngine, observer: ChangeObserver, retry_s: float = RETRY_S
    ) -> None:
        self.engine = engine
        self.observer = observer
        self.retry_s = retry_s
        self._task: asyncio.Task[None] | None = None
        self._listening = asyncio.Event()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._follow(), name="dora change feed")

    async def stop(self) -> None:
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def listening(self) -> None:
        """Wait until the feed listens (for tests and start-up)."""
        await self._listening.wait()

    async def _follow(self) -> None:
        try:
            while True:
                try:
                    await self._listen()
                # Whatever ends a connection, the feed lives on and reconnects.
                except Exception as error:
                    logger.warning("change feed lost, answers not kept: %r", error)
                self._lost()
                await asyncio.sleep(self.retry_s)
        finally:
            self._lost()

    async def _listen(self) -> None:
        async with await self._connect() as connection:
            await connection.execute(f"LISTEN {CHANNEL}")
            self.observer.live()
            self._listening.set()
            logger.info("change feed listening on channel %s", CHANNEL)
            async for _ in connection.notifies():
                self.observer.changed()

    async def _connect(self) -> psycopg.AsyncConnection[Any]:
        # The engine's address, as libpq spells it (without the driver's name).
        url = self.engine.url.set(drivername="postgresql")
        params: dict[str, Any] = {**KEEPALIVES, "connect_timeout": 5}
        conninfo = psycopg.conninfo.make_conninfo(
            url.render_as_string(hide_password=False), **params
        )
        return await psycopg.AsyncConnection.connect(conninfo, autocommit=True)

    def _lost(self) -> None:
        self._listening.clear()
        self.observer.lost()


class SqliteChangeFeed:
    """Asks a connection of its own before each look-up whether data changed.

    The question is a read of the database's shared header that takes
    microseconds, so it is asked on the event loop, not a worker thread.
    """

    def __init__(self, path: str, observer: ChangeObserver) -> None:
        self.path = path
        self.observer = observer
        self._connection: sqlite3.Connection | None = None
        self._version: int | None = None

    async def start(self) -> None:
        try:
            # Only ever asked one pragma; it never waits for a lock.
            self._connection = sqlite3.connect(self.path, timeout=0)
        except sqlite3.Error as error:
            logger.warning("answers not kept: cannot open %s: %s", self.path, error)
            return
        self._version = self._read()
        self.observer.live(self._changed)

    async def stop(self) -> None:
        self.observer.lost()
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _changed(self) -> bool:
        version = self._read()
        changed = version is None or version != self._version
        self._version = version
        return changed

    def _read(self) -> int | None:
        """The data version; None, counted as a change, if it cannot be read."""
        if self._connection is None:
            return None
        try:
            row = self._connection.execute("PRAGMA data_version").fetchone()
        except sqlite3.Error as error:
            logger.warning("could not ask SQLite for its data version: %s", error)
            return None
        return int(row[0])


class NoChangeFeed:
    """For storage that cannot tell of changes: the observer never trusts."""

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None
