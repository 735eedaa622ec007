"""The health probe answers in time, even when the database does not."""

from __future__ import annotations

import asyncio
import time

from dependency_injector import providers

from dora.adapters.memory import MemoryDatabase, MemoryUnitOfWork
from dora.container import Container
from dora.entrypoints.http_app import create_app
from dora.entrypoints.settings import Settings
from tests.e2e.conftest import ClientMaker


class HungUnitOfWork(MemoryUnitOfWork):
    """A database behind a link that carries nothing and reports nothing."""

    async def ping(self) -> None:
        await asyncio.Event().wait()


async def test_a_database_that_never_answers_is_unavailable_in_time(
    aiohttp_client: ClientMaker,
) -> None:
    settings = Settings(connect_timeout_s=1)
    container = Container(settings=settings)
    container.engine.override(providers.Object(None))
    container.uow.override(providers.Factory(HungUnitOfWork, MemoryDatabase()))
    client = await aiohttp_client(create_app(container, settings))
    began = time.monotonic()

    response = await client.get("/healthz")

    assert response.status == 503
    assert "no answer within 1 s" in (await response.json())["error"]["message"]
    assert time.monotonic() - began < 3
