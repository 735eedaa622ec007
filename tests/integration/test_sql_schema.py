"""The migrated schema is the schema the adapters are written against."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import URL, Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

from dora.adapters.sql_database import alembic_config, open_engine
from dora.adapters.sql_tables import Base
from tests.postgres import scratch_database


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _head() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def test_migrations_create_exactly_the_declared_schema(
    sql_engine: AsyncEngine,
) -> None:
    async with sql_engine.connect() as connection:
        differences = await connection.run_sync(_differences)

    assert differences == []


async def test_opening_a_migrated_database_again_keeps_its_revision(
    database_url: str,
) -> None:
    first = await open_engine(database_url)
    await first.dispose()

    again = await open_engine(database_url)
    async with again.connect() as connection:
        revision = await connection.run_sync(_revision)
    await again.dispose()

    assert revision == _head()


async def test_sqlite_connections_enforce_foreign_keys_and_use_wal(
    tmp_path: Any,
) -> None:
    engine = await open_engine(f"sqlite+aiosqlite:///{tmp_path / 'dora.db'}")
    async with engine.connect() as connection:
        foreign_keys = await connection.scalar(text("PRAGMA foreign_keys"))
        journal = await connection.scalar(text("PRAGMA journal_mode"))
    await engine.dispose()

    assert (foreign_keys, journal) == (1, "wal")


@pytest.mark.postgres
async def test_services_starting_together_migrate_a_new_database_once(
    postgres_server: URL,
) -> None:
    with scratch_database(postgres_server) as fresh:
        url = fresh.render_as_string(hide_password=False)

        engines = await asyncio.gather(*(open_engine(url) for _ in range(4)))
        async with engines[0].connect() as connection:
            revision = await connection.run_sync(_revision)
            differences = await connection.run_sync(_differences)
        for engine in engines:
            await engine.dispose()

    assert (revision, differences) == (_head(), [])
