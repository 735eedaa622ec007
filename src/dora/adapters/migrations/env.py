"""Alembic's entry: migrate the connection the service hands over, or a URL.

The service passes its own connection in `config.attributes["connection"]`.
A developer running the `alembic` command instead gets the database of
`DORA_DATABASE_URL` (default: `dora.db` in the working directory).
"""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy import Connection

from dora.adapters.sql_database import build_engine
from dora.adapters.sql_tables import Base

DEFAULT_URL = "sqlite+aiosqlite:///dora.db"


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        compare_type=True,
        # SQLite alters a table by copying it; later revisions need that.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_on_url(url: str) -> None:
    engine = build_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_migrations)
    finally:
        await engine.dispose()


def database_url() -> str:
    return os.environ.get("DORA_DATABASE_URL") or DEFAULT_URL


given = context.config.attributes.get("connection")
if given is not None:
    run_migrations(given)
elif context.is_offline_mode():
    context.configure(
        url=database_url(), target_metadata=Base.metadata, literal_binds=True
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(run_on_url(database_url()))
