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
import logging
import sqlite3
import time
from typing import Any

import psycopg
from sqlalchemy.ext.asyncio import AsyncEngine

from dora.ports.changes import ChangeObserver

logger = logging.getLogger(__name__)

Listener = psycopg.AsyncConnection[Any]

CHANNEL = "dora_changes"
RETRY_S = 1.0
# A listener proves itself alive by a round trip this often; until the next
# proof is due (and a little after), answers may be kept. A listener that
# stops hearing, with no error to tell (a hung link), so costs kept answers
# their trust within LEASE_S.
HEARTBEAT_S = 1.0
LEASE_S = 3.0
STOP_S = 5.0
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
        self,
        engine: AsyncEngine,
        observer: ChangeObserver,
        retry_s: float = RETRY_S,
        heartbeat_s: float = HEARTBEAT_S,
        lease_s: float = LEASE_S,
    ) -> None:
        self.engine = engine
        self.observer = observer
        self.retry_s = retry_s
        self.heartbeat_s = heartbeat_s
        self.lease_s = lease_s
        self._task: asyncio.Task[None] | None = None
        self._listening = asyncio.Event()
        self._trusted_until = 0.0

    async def start(self) -> None:
        self._task = asyncio.create_task(self._follow(), name="dora change feed")

    async def stop(self) -> None:
        if self._task is None:
            return
        self._task.cancel()
        # A listener stuck on a hung link is left behind rather than awaited.
        await asyncio.wait({self._task}, timeout=STOP_S)
        self._task = None
        self._lost()

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
            self._renew()
            self.observer.live(self._expired)
            self._listening.set()
            logger.info("change feed listening on channel %s", CHANNEL)
            while True:
                await self._tell(connection, self.heartbeat_s)
                await asyncio.wait_for(self._heartbeat(connection), self.heartbeat_s)
                # What arrived with the round trip is told before the renewal.
                await self._tell(connection, 0)
                self._renew()

    async def _tell(self, connection: Listener, for_s: float) -> None:
        async for _ in connection.notifies(timeout=for_s):
            self.observer.changed()

    async def _heartbeat(self, connection: Listener) -> None:
        await connection.execute("SELECT 1")

    def _renew(self) -> None:
        self._trusted_until = time.monotonic() + self.lease_s

    def _expired(self) -> bool:
        """Asked before each look-up: has the listener gone quiet too long?"""
        return time.monotonic() > self._trusted_until

    async def _connect(self) -> Listener:
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
