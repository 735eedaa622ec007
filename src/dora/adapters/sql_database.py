"""Open the database: engine, migrations, sessions and the unit of work."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, event, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from dora.adapters.sql_faults import is_unreachable, unavailable
from dora.adapters.sql_unit_of_work import SqlUnitOfWork

__all__ = [
    "Limits",
    "SqlUnitOfWork",
    "build_engine",
    "migrate",
    "open_engine",
    "session_factory",
]

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
# Any constant works, as long as every migrator of the database uses it.
MIGRATION_LOCK = 0x646F7261
ASYNC_DRIVERS = {
    "postgres": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
    "sqlite": "sqlite+aiosqlite",
}


@dataclass(frozen=True)
class Limits:
    """How long the database may take before a request is answered 503.

    On SQLite the statement timeout bounds the wait for the write lock.
    """

    statement_timeout_ms: int = 30_000
    connect_timeout_s: int = 5
    # Beyond the pool's connections a request waits this long for one.
    pool_timeout_s: int = 10


async def open_engine(url: str, limits: Limits | None = None) -> AsyncEngine:
    """Connect, migrate the schema to the latest revision, and log both."""
    engine = build_engine(url, limits)
    try:
        revision = await migrate(engine)
    except BaseException:
        await engine.dispose()
        raise
    logger.info(
        "database %s (%s) at schema revision %s",
        engine.dialect.name,
        engine.url.render_as_string(hide_password=True),
        revision,
    )
    return engine


def build_engine(url: str, limits: Limits | None = None) -> AsyncEngine:
    """Create an engine with the settings of its database; connect nothing."""
    limits = limits or Limits()
    address = async_url(url)
    if address.get_backend_name() == "sqlite":
        engine = create_async_engine(address, pool_timeout=limits.pool_timeout_s)
        _configure_sqlite(engine, limits.statement_timeout_ms)
        return engine
    return create_async_engine(
        address,
        # Connections beyond the pool's size are closed when handed back; a
        # server busy with many short reads would open and close them all
        # the time, and each new one costs PostgreSQL a process.
        pool_size=16,
        max_overflow=4,
        # A connection the server dropped (a restart) is replaced unseen.
        pool_pre_ping=True,
        pool_recycle=1800,
        pool_timeout=limits.pool_timeout_s,
        connect_args={
            "connect_timeout": limits.connect_timeout_s,
            # JIT compiling pays off only for long analytic scans; for these
            # short indexed reads a misestimated plan (a table not yet
            # analyzed) made PostgreSQL spend 0.6 s compiling a 30 ms query.
            "options": f"-c statement_timeout={limits.statement_timeout_ms} -c jit=off",
        },
    )


def async_url(url: str) -> URL:
    """Accept plain `postgresql://` and `sqlite://` URLs with the async driver."""
    address = make_url(url)
    driver = ASYNC_DRIVERS.get(address.drivername)
    return address if driver is None else address.set(drivername=driver)


def _configure_sqlite(engine: AsyncEngine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide where transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A transaction that reads, then writes, would fail with "database is
        # locked" if another writer came between; taking the write lock at the
        # start makes it wait its turn (busy_timeout) instead.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def migrate(engine: AsyncEngine) -> str | None:
    """Upgrade the schema to head; return the revision it is at."""
    try:
        async with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Two services starting at once must not both create the schema.
                # Waiting for another migrator, or migrating a big table, may
                # rightly take longer than any request should.
                await connection.execute(text("SET LOCAL statement_timeout = 0"))
                await connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
                )
            return await connection.run_sync(_upgrade)
    except Exception as error:
        if is_unreachable(error):
            raise unavailable(engine.dialect.name, error) from error
        raise


def _upgrade(connection: Connection) -> str | None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
    return MigrationContext.configure(connection).get_current_revision()


def alembic_config() -> Config:
    """Configure Alembic from the package itself: no alembic.ini is needed."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config
