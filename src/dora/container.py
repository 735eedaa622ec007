"""The composition root: which adapter serves which port."""

from __future__ import annotations

from collections.abc import AsyncIterator

from dependency_injector import containers, providers
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from dora.adapters.sql_change_feed import (
    NoChangeFeed,
    PostgresChangeFeed,
    SqliteChangeFeed,
)
from dora.adapters.sql_database import Limits, SqlUnitOfWork, open_engine
from dora.entrypoints.settings import Settings
from dora.ports.changes import ChangeFeed, ChangeObserver
from dora.service_layer.answer_cache import AnswerCache


async def _engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    limits = Limits(
        statement_timeout_ms=settings.statement_timeout_ms,
        connect_timeout_s=settings.connect_timeout_s,
    )
    engine = await open_engine(settings.database_url, limits)
    try:
        yield engine
    finally:
        await engine.dispose()


def _change_feed(engine: AsyncEngine | None, observer: ChangeObserver) -> ChangeFeed:
    if engine is None:
        return NoChangeFeed()
    if engine.dialect.name == "postgresql":
        return PostgresChangeFeed(engine, observer)
    path = engine.url.database
    if path and path != ":memory:":
        return SqliteChangeFeed(path, observer)
    return NoChangeFeed()


class Container(containers.DeclarativeContainer):
    """Wires settings to the SQL adapters; tests override `uow`."""

    settings: providers.Dependency[Settings] = providers.Dependency(
        instance_of=Settings
    )

    engine = providers.Resource(_engine, settings=settings)

    session_factory = providers.Singleton(
        async_sessionmaker, engine, expire_on_commit=False
    )

    uow = providers.Factory(SqlUnitOfWork, session_factory=session_factory)

    # The server keeps fresh answers while the feed tells it of changes.
    answers = providers.Singleton(AnswerCache)

    change_feed = providers.Factory(_change_feed, engine=engine, observer=answers)
