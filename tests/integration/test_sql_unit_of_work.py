"""Transactions and an unreachable database."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import URL

from dora.adapters.sql_database import (
    SqlUnitOfWork,
    build_engine,
    open_engine,
    session_factory,
)
from dora.domain.errors import Unavailable
from dora.domain.model import Deployment, Repo, RepoPath
from dora.service_layer import ingest
from tests import postgres

from .builders import PATH, commit, deployment

UowFactory = Callable[[], SqlUnitOfWork]
UNREACHABLE = {
    "sqlite": "sqlite+aiosqlite:///{tmp}/no/such/dir/dora.db",
    # Port 1 on this machine: nothing listens, the connection is refused.
    "postgres": "postgresql+psycopg://postgres@127.0.0.1:1/nothing",
}


async def _let_failed_connections_stop(before: set[threading.Thread]) -> None:
    """Wait for the threads started since `before` to end.

    aiosqlite stops the thread of a connection that failed to open in the
    background; it must finish while the test's event loop still runs, or
    it reports to a closed loop.
    """
    for thread in set(threading.enumerate()) - before:
        await asyncio.to_thread(thread.join, 5)


async def test_concurrent_writers_create_a_repo_once(
    uow_factory: UowFactory,
) -> None:
    async def put() -> tuple[Repo, bool]:
        return await ingest.put_repo(uow_factory(), RepoPath("acme", "web", "api"))

    results = await asyncio.gather(*(put() for _ in range(5)))

    assert [created for _, created in results].count(True) == 1
    assert len({repo.id for repo, _ in results}) == 1


async def test_concurrent_reports_of_one_deployment_create_it_once(
    uow_factory: UowFactory,
) -> None:
    await ingest.put_repo(uow_factory(), PATH)

    async def report() -> tuple[Deployment, bool]:
        return await ingest.record_deployment(uow_factory(), PATH, deployment("d", "a"))

    results = await asyncio.gather(*(report() for _ in range(5)))

    assert [created for _, created in results].count(True) == 1
    assert len({stored.seq for stored, _ in results}) == 1


async def test_leaving_without_commit_rolls_everything_back(
    uow_factory: UowFactory,
) -> None:
    async with uow_factory() as uow:
        repo, _ = await uow.repos.ensure(PATH, None)
        await uow.commits.add(repo.id, [commit("a")])

    async with uow_factory() as uow:
        found = await uow.repos.get(PATH)
    assert found is None


async def test_an_error_inside_rolls_back_and_propagates(
    uow_factory: UowFactory,
) -> None:
    async def failing_use_case() -> None:
        async with uow_factory() as uow:
            await uow.repos.ensure(PATH, None)
            raise LookupError("the use case failed")

    with pytest.raises(LookupError):
        await failing_use_case()

    async with uow_factory() as uow:
        found = await uow.repos.get(PATH)
    assert found is None


async def test_committed_work_is_seen_by_the_next_unit(
    uow_factory: UowFactory,
) -> None:
    async with uow_factory() as uow:
        await uow.repos.ensure(PATH, None)
        await uow.commit()
    async with uow_factory() as uow:
        await uow.repos.ensure(RepoPath("acme", "web", "ui"), None)
        await uow.rollback()

    async with uow_factory() as uow:
        kept = await uow.repos.get(PATH)
        dropped = await uow.repos.get(RepoPath("acme", "web", "ui"))
    assert kept is not None
    assert dropped is None


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
async def test_an_unreachable_database_is_unavailable_not_a_driver_error(
    kind: str, tmp_path: Path
) -> None:
    threads = set(threading.enumerate())
    engine = build_engine(UNREACHABLE[kind].format(tmp=tmp_path))

    with pytest.raises(Unavailable, match=r"database: \w+ cannot be reached"):
        async with SqlUnitOfWork(session_factory(engine)) as uow:
            await uow.ping()
    await engine.dispose()
    await _let_failed_connections_stop(threads)


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
async def test_opening_an_unreachable_database_is_unavailable(
    kind: str, tmp_path: Path
) -> None:
    threads = set(threading.enumerate())

    with pytest.raises(Unavailable, match="cannot be reached"):
        await open_engine(UNREACHABLE[kind].format(tmp=tmp_path))
    await _let_failed_connections_stop(threads)


@pytest.mark.postgres
async def test_a_connection_lost_mid_transaction_is_unavailable_then_recovers(
    postgres_database: URL,
) -> None:
    engine = await open_engine(postgres_database.render_as_string(hide_password=False))
    sessions = session_factory(engine)

    async def ping_across_a_restart() -> None:
        async with SqlUnitOfWork(sessions) as uow:
            await uow.ping()
            postgres.drop_connections(postgres_database)
            await uow.ping()

    with pytest.raises(Unavailable):
        await ping_across_a_restart()
    postgres.drop_connections(postgres_database)
    async with SqlUnitOfWork(sessions) as uow:
        await uow.ping()
    await engine.dispose()
