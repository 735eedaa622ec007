"""SQL databases for the tests: a fresh SQLite file or a PostgreSQL database.

`database_url` runs a test once on each database. PostgreSQL comes from
DORA_TEST_POSTGRES_URL; one scratch database serves the whole session and is
emptied before each test.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from dora.adapters.sql_database import SqlUnitOfWork, open_engine, session_factory
from dora.adapters.sql_tables import Base

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
HOW_TO = (
    "Point the tests at a server with "
    "DORA_TEST_POSTGRES_URL=postgresql+psycopg://user@host:port/db "
    "(a database the user may connect to; the tests create and drop their own "
    "scratch database beside it), or skip them deliberately with "
    "DORA_SKIP_POSTGRES=1 (refused when CI is set)."
)


def _libpq(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _admin(url: URL, statement: sql.Composed) -> None:
    with psycopg.connect(_libpq(url), autocommit=True, connect_timeout=5) as conn:
        conn.execute(statement)


async def _migrate(url: str) -> None:
    engine = await open_engine(url)
    await engine.dispose()


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[URL]:
    """Create a migrated scratch database for the session; drop it at the end."""
    in_ci = bool(os.environ.get("CI"))
    if os.environ.get("DORA_SKIP_POSTGRES"):
        if in_ci:
            pytest.fail("DORA_SKIP_POSTGRES is refused when CI is set", pytrace=False)
        pytest.skip("DORA_SKIP_POSTGRES is set")
    server = make_url(os.environ.get("DORA_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    name = f"dora_test_{secrets.token_hex(6)}"
    try:
        _admin(server, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as error:
        where = server.render_as_string(hide_password=True)
        required = "CI is set, so the PostgreSQL tests must run. " if in_ci else ""
        message = f"PostgreSQL at {where} cannot be reached: {error}\n{required}"
        pytest.fail(message + HOW_TO, pytrace=False)
    scratch = server.set(database=name)
    try:
        asyncio.run(_migrate(scratch.render_as_string(hide_password=False)))
        yield scratch
    finally:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        _admin(server, drop.format(sql.Identifier(name)))


def _empty(url: URL) -> None:
    tables = sql.SQL(", ").join(
        sql.Identifier(table.name) for table in Base.metadata.sorted_tables
    )
    _admin(url, sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(tables))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database that `open_engine` can open (and migrate)."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'dora.db'}"
    scratch: URL = request.getfixturevalue("postgres_database")
    _empty(scratch)
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
