"""HTTP clients of the REST app over each storage backend."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from dependency_injector import providers

from dora.adapters.memory import MemoryDatabase, MemoryUnitOfWork
from dora.container import Container
from dora.entrypoints.http_app import create_app
from dora.entrypoints.settings import Settings

ClientMaker = Callable[[web.Application], Awaitable[TestClient]]


@pytest.fixture
async def memory_client(aiohttp_client: ClientMaker) -> TestClient:
    """A client of the app on in-memory storage."""
    container = Container(settings=Settings())
    database = MemoryDatabase()
    container.engine.override(providers.Object(None))
    container.uow.override(providers.Factory(MemoryUnitOfWork, database))
    return await aiohttp_client(create_app(container, Settings()))


@pytest.fixture
async def client(aiohttp_client: ClientMaker, database_url: str) -> TestClient:
    """A client of the app on a fresh SQL database (SQLite and PostgreSQL)."""
    settings = Settings(database_url=database_url)
    return await aiohttp_client(create_app(Container(settings=settings), settings))
