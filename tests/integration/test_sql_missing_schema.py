"""A database recreated empty under a running service is a 503, not a bug."""

from __future__ import annotations

import pytest
from sqlalchemy import URL

from dora.adapters.sql_database import SqlUnitOfWork, build_engine, session_factory
from dora.domain.errors import Unavailable
from dora.domain.model import RepoPath
from tests.postgres import scratch_database


@pytest.mark.postgres
async def test_a_missing_schema_is_unavailable_with_a_hint(
    postgres_server: URL,
) -> None:
    with scratch_database(postgres_server) as url:
        engine = build_engine(url.render_as_string(hide_password=False))
        try:
            uow = SqlUnitOfWork(session_factory=session_factory(engine))

            with pytest.raises(Unavailable, match="schema is missing"):
                async with uow:
                    await uow.repos.get(RepoPath("a", "b", "c"))
        finally:
            await engine.dispose()


@pytest.mark.postgres
async def test_a_missing_schema_fails_the_health_check(postgres_server: URL) -> None:
    with scratch_database(postgres_server) as url:
        engine = build_engine(url.render_as_string(hide_password=False))
        try:
            uow = SqlUnitOfWork(session_factory=session_factory(engine))

            with pytest.raises(Unavailable, match="schema is missing"):
                async with uow:
                    await uow.ping()
        finally:
            await engine.dispose()
