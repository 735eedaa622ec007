"""Incremental attribution on SQL equals a fresh computation, in any order."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import URL

from dora.adapters.sql_database import (
    SqlUnitOfWork,
    build_engine,
    open_engine,
    session_factory,
)
from tests import postgres
from tests.attribution_scenarios import Step, play, scenarios

FIXED_FIXTURES = [HealthCheck.function_scoped_fixture]


async def _play_on(url: str, steps: list[Step], shallow_walks: bool) -> None:
    engine = build_engine(url)
    sessions = session_factory(engine)
    # Two look-ups per walk at most send deeper walks to the graph path.
    rounds = 2 if shallow_walks else 24
    try:
        with mock.patch("dora.service_layer.walks.MAX_ROUNDS", rounds):
            await play(lambda: SqlUnitOfWork(sessions), steps)
    finally:
        await engine.dispose()


async def _migrate(url: str) -> None:
    engine = await open_engine(url)
    await engine.dispose()


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file to copy: migrating for every example is slow."""
    template = tmp_path_factory.mktemp("template") / "dora.db"
    asyncio.run(_migrate(f"sqlite+aiosqlite:///{template}"))
    return template


@settings(max_examples=30, deadline=None, suppress_health_check=FIXED_FIXTURES)
@given(steps=scenarios(), shallow_walks=st.booleans())
def test_sqlite_attribution_in_any_order_equals_a_fresh_computation(
    sqlite_template: Path, tmp_path: Path, steps: list[Step], shallow_walks: bool
) -> None:
    database = tmp_path / "example.db"
    shutil.copyfile(sqlite_template, database)

    asyncio.run(_play_on(f"sqlite+aiosqlite:///{database}", steps, shallow_walks))


@pytest.mark.postgres
@settings(max_examples=8, deadline=None, suppress_health_check=FIXED_FIXTURES)
@given(steps=scenarios(), shallow_walks=st.booleans())
def test_postgres_attribution_in_any_order_equals_a_fresh_computation(
    postgres_database: URL, steps: list[Step], shallow_walks: bool
) -> None:
    postgres.empty(postgres_database)

    url = postgres_database.render_as_string(hide_password=False)
    asyncio.run(_play_on(url, steps, shallow_walks))
