"""SQL databases for the tests: a fresh SQLite file or a PostgreSQL database.

`database_url` runs a test once on each database. PostgreSQL comes from
DORA_TEST_POSTGRES_URL; one scratch database serves the whole session and is
emptied before each test.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from dora.adapters.sql_database import SqlUnitOfWork, open_engine, session_factory

from . import postgres


async def _migrate(url: str) -> None:
    engine = await open_engine(url)
    await engine.dispose()


@pytest.fixture(scope="session")
def postgres_server() -> URL:
    """The PostgreSQL server of DORA_TEST_POSTGRES_URL, checked to answer."""
    return postgres.server_url()


@pytest.fixture(scope="session")
def postgres_database(postgres_server: URL) -> Iterator[URL]:
    """A migrated scratch database for the whole session, dropped at the end."""
    with postgres.scratch_database(postgres_server) as scratch:
        asyncio.run(_migrate(scratch.render_as_string(hide_password=False)))
        yield scratch


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database that `open_engine` can open (and migrate)."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'dora.db'}"
    scratch: URL = request.getfixturevalue("postgres_database")
    postgres.empty(scratch)
    return scratch.render_as_string(hide_password=False)


@pytest.fixture
async def sql_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An open, migrated engine on `database_url`, disposed after the test."""
    engine = await open_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def uow_factory(sql_engine: AsyncEngine) -> Callable[[], SqlUnitOfWork]:
    """Make units of work on the test's database, one per `async with`."""
    sessions = session_factory(sql_engine)
    return lambda: SqlUnitOfWork(sessions)
