"""A server keeps fresh answers in memory, and drops them on any write.

Its own writes are seen by the next question; writes made through another
process on the same database are seen as soon as the database tells of
their commit (PostgreSQL) or at the next question (SQLite, which is asked).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from dora.container import Container
from dora.entrypoints.http_app import create_app
from dora.entrypoints.http_handlers import ANSWERS, CONTAINER
from dora.entrypoints.settings import Settings
from dora.entrypoints.wiring import settle
from tests.e2e.conftest import ClientMaker
from tests.e2e.test_rollups import deploy, metrics, seed

WAIT_S = 5.0


async def engine_of(client: TestClient) -> AsyncEngine:
    return cast("AsyncEngine", await settle(client.app[CONTAINER].engine()))


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """Record the SQL statements the engine sends while the block runs."""
    sent: list[str] = []

    def record(*arguments: object) -> None:
        sent.append(str(arguments[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def seeded_and_kept(client: TestClient) -> Any:
    """Seed the org and ask twice: computed, then read and kept."""
    await seed(client)
    await metrics(client, "org", "acme")
    return await metrics(client, "org", "acme")


async def served_in_time(client: TestClient, deployments: int) -> bool:
    """Ask until the answer counts `deployments`; False if it never did."""
    try:
        async with asyncio.timeout(WAIT_S):
            while True:
                answer = await metrics(client, "org", "acme")
                if answer["deployment_frequency"] == deployments:
                    return True
                await asyncio.sleep(0.01)
    except TimeoutError:
        return False


@pytest.fixture
async def other_process(aiohttp_client: ClientMaker, database_url: str) -> TestClient:
    """A second server on the same database, with a memory of its own."""
    settings = Settings(database_url=database_url)
    return await aiohttp_client(create_app(Container(settings=settings), settings))


async def test_a_kept_answer_costs_no_statement(client: TestClient) -> None:
    first = await seeded_and_kept(client)

    with statements(await engine_of(client)) as sent:
        again = await metrics(client, "org", "acme")

    assert sent == []
    assert again == first


async def test_the_next_question_after_a_write_sees_it(client: TestClient) -> None:
    await seeded_and_kept(client)

    await deploy(client, "acme/shop/web", "late", "w3", "2024-01-03T08:00:00Z")
    answer = await metrics(client, "org", "acme")

    assert answer["deployment_frequency"] == 5


async def test_a_write_through_another_process_is_seen(
    client: TestClient, other_process: TestClient
) -> None:
    await seeded_and_kept(client)

    await deploy(other_process, "acme/shop/web", "late", "w3", "2024-01-03T08:00:00Z")

    assert await served_in_time(client, 5)


async def test_a_write_drops_kept_answers_before_it_is_answered(
    memory_client: TestClient,
) -> None:
    # A feed that tells nothing: only the write itself can drop the answers.
    memory_client.app[ANSWERS].live()
    await seeded_and_kept(memory_client)

    await deploy(memory_client, "acme/shop/web", "late", "w3", "2024-01-03T08:00:00Z")
    answer = await metrics(memory_client, "org", "acme")

    assert answer["deployment_frequency"] == 5
