"""Helpers the SQL repositories share: dialect inserts and batching."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from typing import TypeVar, cast

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from dora.adapters.sql_tables import Base

T = TypeVar("T")

# SQLite before 3.32 binds at most 999 parameters a statement.
PARAMETER_LIMIT = 999 if sqlite3.sqlite_version_info < (3, 32) else 30_000
MAX_ROWS = 1_000

ConflictInsert = postgresql.Insert | sqlite.Insert


def table(row: type[Base]) -> Table:
    """Return the table of a row class; statements on it skip the ORM's work."""
    return cast(Table, row.__table__)


def conflict_insert(session: AsyncSession, row: type[Base]) -> ConflictInsert:
    """Return an INSERT of the session's dialect that knows ON CONFLICT."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table(row))
    return sqlite.insert(table(row))


def batch_size(columns: int) -> int:
    """Return how many rows of so many parameters one statement holds."""
    return max(1, min(MAX_ROWS, PARAMETER_LIMIT // columns))


def batches(rows: Sequence[T], columns: int) -> Iterator[Sequence[T]]:
    """Cut rows into statements that stay under the bound-parameter limit."""
    size = batch_size(columns)
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def by_repo(
    wanted: Mapping[int, Sequence[str]],
) -> Iterator[tuple[Sequence[int], list[str]]]:
    """Cut keys wanted by repo into batches of repos with the keys they want.

    A statement then names both the repos and their keys, two lists that each
    fit in half the bound parameters; its rows are kept by `wants`.
    """
    for repo_ids in batches(list(wanted), columns=2):
        keys = (key for repo_id in repo_ids for key in wanted[repo_id])
        yield repo_ids, list(dict.fromkeys(keys))


def wants(wanted: Mapping[int, Sequence[str]]) -> set[tuple[int, str]]:
    """Return the (repo id, key) pairs wanted, to keep the rows of a batch by."""
    return {(repo_id, key) for repo_id, keys in wanted.items() for key in keys}
