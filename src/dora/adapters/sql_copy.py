"""PostgreSQL COPY for bulk writes: far fewer round trips and parses than INSERT."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from psycopg.errors import UniqueViolation
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Below this many rows a multi-row INSERT costs no more than COPY's set-up
# (two or three round trips). At 200 deployments COPY took 6 ms, the INSERT
# with its RETURNING 22 ms, most of it the client building the statement.
COPY_FROM = 100
# Where a session counts the rows it bulk-loaded by table, until committed.
LOADED = "dora_bulk_loaded"
# A load of a tenth of a table's rows or more outdates its statistics.
STALE_SHARE = 10
# The columns the reads' plans filter on, whose statistics matter (every
# ANALYZE also refreshes the row count). Without the shas' statistics a
# look-up of a few shas is planned as a scan; parents, times of commits and
# the other columns are never filtered on, and sampling them too would cost
# an import about 0.2 s more.
ESTIMATED = {
    "commits": ("repo_id", "sha"),
    "deployments": ("repo_id", "environment", "status", "finished_at"),
    "shipped_changes": ("repo_id", "environment", "sha", "finished_at"),
}


def copies(session: AsyncSession, rows: int) -> bool:
    """Whether to write so many rows with COPY: PostgreSQL, and enough of them."""
    return rows >= COPY_FROM and session.get_bind().dialect.name == "postgresql"


async def copy_into(
    session: AsyncSession,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> int:
    """COPY rows into a table within the session's transaction; count them.

    The binary format costs both sides about a third of the text format's
    work: no timestamp is written out and parsed back.
    """
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection
    types = await _column_types(driver, table, columns)
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
    sent = 0
    async with driver.cursor() as cursor, cursor.copy(statement) as copy:
        copy.set_types(types)
        for row in rows:
            await copy.write_row(row)
            sent += 1
    return sent


async def _column_types(driver: Any, table: str, columns: Sequence[str]) -> list[int]:
    """Return the type oids of the columns: binary values must match exactly."""
    async with driver.cursor() as cursor:
        await cursor.execute(
            "SELECT attname, atttypid FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            (table,),
        )
        oids = dict(await cursor.fetchall())
    return [oids[name] for name in columns]


def loaded(session: AsyncSession, table: str, rows: int) -> None:
    """Note that the session bulk-loaded so many rows into a table."""
    counts: dict[str, int] = session.info.setdefault(LOADED, {})
    counts[table] = counts.get(table, 0) + rows


async def refresh_statistics(session: AsyncSession) -> None:
    """ANALYZE the bulk-loaded tables whose statistics the loads outdated.

    Until autovacuum comes round, the planner sizes a freshly loaded table
    by its old statistics and picks plans that scan it whole for every row
    of a join. Each ANALYZE runs in a short transaction of its own: inside
    the writer's it would hold its lock until commit and could deadlock
    against another writer.
    """
    counts: dict[str, int] = session.info.pop(LOADED, {})
    if counts:
        for name in await _guarded(session, _outdated(session, counts), []):
            await _guarded(session, _analyze(session, name), None)


async def _guarded(session: AsyncSession, step: Awaitable[T], failed: T) -> T:
    """Run a step after the commit; on a database error, log it and go on."""
    try:
        return await step
    except SQLAlchemyError as error:
        # The data is committed; stale statistics only slow reads down.
        logger.warning("could not refresh statistics: %s", error)
        await session.rollback()
        return failed


async def _analyze(session: AsyncSession, name: str) -> None:
    connection = await session.connection()
    columns = ", ".join(ESTIMATED[name])
    await connection.exec_driver_sql(f"ANALYZE {name} ({columns})")
    await session.commit()


async def _outdated(session: AsyncSession, counts: dict[str, int]) -> list[str]:
    """Return the tables whose statistics the rows just loaded outdate."""
    query = text(
        "SELECT name, c.reltuples FROM unnest(CAST(:names AS text[])) AS name "
        "JOIN pg_class AS c ON c.oid = to_regclass(name) ORDER BY name"
    )
    rows = await session.execute(query, {"names": sorted(counts)})
    return [name for name, counted in rows if outdated(counts[name], counted)]


def outdated(loaded: int, counted: float) -> bool:
    """Whether loading rows outdates statistics that counted so many (-1: none).

    They do from a tenth of the rows counted on: sampling a table costs more
    the larger it grows, and a load much smaller than the table barely
    changes what plans see. Autovacuum still analyzes the whole table once
    a tenth of it changed (an ANALYZE of some columns does not reset that
    count), so statistics skipped here do not fall behind for long.
    """
    return counted < 0 or loaded * STALE_SHARE >= counted


async def staged(session: AsyncSession, like: str) -> str:
    """Return an empty temporary table shaped like `like`, for this session."""
    name = f"staged_{like}"
    connection = await session.connection()
    await connection.exec_driver_sql(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} "
        f"(LIKE {like} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
    )
    await connection.exec_driver_sql(f"TRUNCATE {name}")
    return name


async def insert_new_by_copy(
    session: AsyncSession,
    table: str,
    columns: Sequence[str],
    rows: Callable[[], Iterator[Sequence[Any]]],
    conflict: Sequence[str],
) -> int:
    """Insert by COPY the rows whose `conflict` key is not stored; count them.

    The rows belong to one repo, whose id is their first column. A repo with
    no rows in the table takes them straight; otherwise, or when a writer
    of the same repo got some in first, they go through a staging table.
    `rows` makes them afresh for each pass: built as they are sent, the rows
    of a large load are never all held at once.
    """
    first = next(rows(), None)
    if first is not None and not await _holds_any(session, table, columns[0], first[0]):
        try:
            async with session.begin_nested():
                sent = await copy_into(session, table, columns, rows())
        except UniqueViolation:
            logger.info("%s: rows arrived meanwhile; inserting the rest", table)
        else:
            loaded(session, table, sent)
            return sent
    return await _insert_staged(session, table, columns, rows(), conflict)


async def _holds_any(session: AsyncSession, table: str, column: str, key: Any) -> bool:
    query = text(f"SELECT EXISTS (SELECT FROM {table} WHERE {column} = :key)")
    return bool(await session.scalar(query, {"key": key}))


async def _insert_staged(
    session: AsyncSession,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    conflict: Sequence[str],
) -> int:
    staging = await staged(session, table)
    await copy_into(session, staging, columns, rows)
    names = ", ".join(columns)
    connection = await session.connection()
    result = await connection.exec_driver_sql(
        f"WITH inserted AS (INSERT INTO {table} ({names}) "
        f"SELECT {names} FROM {staging} ORDER BY {', '.join(conflict)} "
        f"ON CONFLICT ({', '.join(conflict)}) DO NOTHING RETURNING 1) "
        "SELECT count(*) FROM inserted"
    )
    inserted = int(result.scalar_one())
    loaded(session, table, inserted)
    return inserted
