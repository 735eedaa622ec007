"""PostgreSQL tells a listening process of every committed change of data."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import URL
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from dora.adapters.sql_change_feed import Listener, PostgresChangeFeed
from dora.adapters.sql_database import SqlUnitOfWork, open_engine, session_factory
from dora.domain.model import RepoPath
from dora.ports.changes import Recheck
from dora.service_layer import ingest
from tests import postgres

from .builders import commit

pytestmark = pytest.mark.postgres

WAIT_S = 5.0
PATH = RepoPath.parse("acme/shop/web")


class Observer:
    def __init__(self) -> None:
        self.events: list[str] = []
        self.recheck: Recheck | None = None
        self._grew = asyncio.Event()

    def changed(self) -> None:
        self._record("changed")

    def live(self, recheck: Recheck | None = None) -> None:
        self.recheck = recheck
        self._record("live")

    def lost(self) -> None:
        self._record("lost")

    def _record(self, event: str) -> None:
        self.events.append(event)
        self._grew.set()

    async def events_since(self, seen: int, wanted: int = 1) -> list[str]:
        """Wait until `wanted` events followed the first `seen`; return them."""
        async with asyncio.timeout(WAIT_S):
            while len(self.events) < seen + wanted:
                self._grew.clear()
                await self._grew.wait()
        return self.events[seen:]


@pytest.fixture
async def engine(postgres_database: URL) -> AsyncIterator[AsyncEngine]:
    postgres.empty(postgres_database)
    opened = await open_engine(postgres_database.render_as_string(hide_password=False))
    yield opened
    await opened.dispose()


@pytest.fixture
async def feed(
    engine: AsyncEngine,
) -> AsyncIterator[tuple[PostgresChangeFeed, Observer]]:
    observer = Observer()
    following = PostgresChangeFeed(engine, observer, retry_s=0.05)
    await following.start()
    await asyncio.wait_for(following.listening(), WAIT_S)
    yield following, observer
    await following.stop()


async def with_repo(
    feed: tuple[PostgresChangeFeed, Observer], engine: AsyncEngine
) -> tuple[Observer, async_sessionmaker[AsyncSession]]:
    """Create the repo and wait until the feed told of it."""
    _, observer = feed
    units = session_factory(engine)
    await ingest.put_repo(SqlUnitOfWork(units), PATH)
    await observer.events_since(0, 2)
    return observer, units


async def test_a_new_repo_is_told(
    feed: tuple[PostgresChangeFeed, Observer], engine: AsyncEngine
) -> None:
    _, observer = feed
    seen = len(observer.events)

    await ingest.put_repo(SqlUnitOfWork(session_factory(engine)), PATH)

    assert await observer.events_since(seen) == ["changed"]


async def test_new_commits_are_told_once_committed(
    feed: tuple[PostgresChangeFeed, Observer], engine: AsyncEngine
) -> None:
    observer, units = await with_repo(feed, engine)
    seen = len(observer.events)

    await ingest.add_commits(SqlUnitOfWork(units), PATH, [commit("c1")])

    assert await observer.events_since(seen) == ["changed"]


async def test_a_read_is_not_told(
    feed: tuple[PostgresChangeFeed, Observer], engine: AsyncEngine
) -> None:
    observer, units = await with_repo(feed, engine)
    told = list(observer.events)

    async with SqlUnitOfWork(units) as uow:
        await uow.repos.get(PATH)
    await asyncio.sleep(0.5)

    assert observer.events == told == ["live", "changed"]


async def test_emptying_the_tables_is_told(
    feed: tuple[PostgresChangeFeed, Observer], postgres_database: URL
) -> None:
    _, observer = feed
    seen = len(observer.events)

    await asyncio.to_thread(postgres.empty, postgres_database)

    assert await observer.events_since(seen) == ["changed"]


async def test_a_lost_connection_is_told_then_healed(
    feed: tuple[PostgresChangeFeed, Observer], postgres_database: URL
) -> None:
    _, observer = feed
    seen = len(observer.events)

    await asyncio.to_thread(postgres.drop_connections, postgres_database)

    assert await observer.events_since(seen, 2) == ["lost", "live"]


async def test_stopping_leaves_the_observer_untrusting(
    feed: tuple[PostgresChangeFeed, Observer],
) -> None:
    following, observer = feed

    await following.stop()

    assert observer.events[-1] == "lost"


class SilentFeed(PostgresChangeFeed):
    """A listener stuck past its first wait, with no error: a hung link."""

    async def _tell(self, connection: Listener, for_s: float) -> None:
        await asyncio.Event().wait()


class UnansweredFeed(PostgresChangeFeed):
    """A listener whose round trips never come back."""

    async def _heartbeat(self, connection: Listener) -> None:
        await asyncio.Event().wait()


async def test_a_silent_listener_loses_trust_when_its_lease_ends(
    engine: AsyncEngine,
) -> None:
    observer = Observer()
    feed = SilentFeed(engine, observer, heartbeat_s=0.05, lease_s=0.3)
    await feed.start()
    await asyncio.wait_for(feed.listening(), WAIT_S)
    assert observer.recheck is not None
    trusted_at_first = observer.recheck()

    await asyncio.sleep(0.5)

    assert (trusted_at_first, observer.recheck()) == (False, True)
    await feed.stop()


async def test_an_unanswered_round_trip_is_a_lost_listener(
    engine: AsyncEngine,
) -> None:
    observer = Observer()
    feed = UnansweredFeed(engine, observer, retry_s=0.05, heartbeat_s=0.05)
    await feed.start()
    await asyncio.wait_for(feed.listening(), WAIT_S)

    events = await observer.events_since(0, 3)

    assert events == ["live", "lost", "live"]
    await feed.stop()
