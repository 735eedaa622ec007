"""The session settings every PostgreSQL connection of the service starts with."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_connections_do_not_jit_compile_their_short_reads(
    sql_engine: AsyncEngine,
) -> None:
    async with sql_engine.connect() as connection:
        jit = await connection.scalar(text("SHOW jit"))
        timeout = await connection.scalar(text("SHOW statement_timeout"))

    assert jit == "off"
    assert timeout == "30s"
