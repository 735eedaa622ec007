"""The statements of metrics snapshots, built once each.

Each is built with bound parameters on first use, so a request skips
building and compiling it.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Select, Text, and_, bindparam, cast, func, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.sql import Executable

from dora.adapters.sql_support import table
from dora.adapters.sql_tables import OrgRow, ProjectRow, RepoRow, SnapshotRow
from dora.domain.model import ScopeType
from dora.ports.repositories import SnapshotKey


async def read_alone(
    session: AsyncSession, statement: Select[str, str, int, int], params: dict[str, Any]
) -> Row[str, str, int, int] | None:
    """Run one read outside the session's transaction, where that is cheaper.

    A single statement reads as of one moment anyway. On PostgreSQL, in
    autocommit on a pooled connection of its own, it costs one round trip
    instead of three (BEGIN, SELECT, ROLLBACK). SQLite keeps the session.
    """
    engine = session.bind
    if not isinstance(engine, AsyncEngine) or engine.dialect.name != "postgresql":
        return (await session.execute(statement, params)).first()
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        return (await connection.execute(statement, params)).first()


SLUGS = ("org", "project", "repo")
DEPTH = {ScopeType.ORG: 1, ScopeType.PROJECT: 2, ScopeType.REPO: 3}


@cache
def stored_text(scope: ScopeType) -> Select[str, str, int, int]:
    """The snapshot of a key, joined with its scope's version, in one statement.

    Built once per scope type with bound parameters, so each request skips
    building and compiling it. Reading both in one statement also reads
    them as of one moment.
    """
    depth = DEPTH[scope]
    columns = (OrgRow.slug, ProjectRow.slug, RepoRow.slug)[:depth]
    slugs = zip(columns, SLUGS[:depth], strict=True)
    versions = (
        select(
            func.count(RepoRow.id).label("repos"),
            func.coalesce(func.sum(RepoRow.data_version), 0).label("total"),
        )
        .join(ProjectRow, RepoRow.project_id == ProjectRow.id)
        .join(OrgRow, ProjectRow.org_id == OrgRow.id)
        .where(*(slug == bindparam(name) for slug, name in slugs))
        .subquery()
    )
    return (
        select(
            SnapshotRow.data_version,
            cast(SnapshotRow.answer, Text),
            versions.c.repos,
            versions.c.total,
        )
        .join(versions, true())
        .where(*(getattr(SnapshotRow, name) == bindparam(name) for name in KEY_FIELDS))
    )


KEY_FIELDS = (
    "scope_type",
    "scope_id",
    "period_start",
    "period_end",
    "environment",
    "granularity",
    "tz",
    "lead_time_from",
)


def key_fields(key: SnapshotKey) -> dict[str, Any]:
    return {
        "scope_type": key.scope.type.value,
        "scope_id": key.scope.path,
        "period_start": date.fromisoformat(key.period_start),
        "period_end": date.fromisoformat(key.period_end),
        "environment": key.environment,
        "granularity": key.granularity,
        "tz": key.tz,
        "lead_time_from": key.lead_time_from,
    }


@cache
def current_snapshot() -> Select[int, int, str | None, Any, Any]:
    """The snapshot of a key, if any, beside the version of some repos now.

    The repos' version is read in any case, so a missing snapshot costs no
    second look-up.
    """
    versions = (
        select(
            func.count(RepoRow.id).label("repos"),
            func.coalesce(func.sum(RepoRow.data_version), 0).label("total"),
        )
        .where(RepoRow.id.in_(bindparam("repo_ids", expanding=True)))
        .subquery()
    )
    key = (getattr(SnapshotRow, name) == bindparam(name) for name in KEY_FIELDS)
    return (
        select(
            versions.c.repos,
            versions.c.total,
            SnapshotRow.data_version,
            SnapshotRow.answer,
            SnapshotRow.created_at,
        )
        .select_from(versions)
        .outerjoin(SnapshotRow, and_(*key))
    )


# What a later snapshot of the same key replaces.
REPLACED = (
    "deployment_frequency",
    "lead_time_avg_ms",
    "data_version",
    "answer",
    "created_at",
)


@cache
def snapshot_upsert(dialect: str) -> Executable:
    """The insert of a snapshot, replacing one of the same key, per dialect.

    Its values come with each execution.
    """
    snapshots = table(SnapshotRow)
    insert = (
        postgresql.insert(snapshots)
        if dialect == "postgresql"
        else sqlite.insert(snapshots)
    )
    return insert.on_conflict_do_update(
        index_elements=list(KEY_FIELDS),
        set_={name: insert.excluded[name] for name in REPLACED},
    )
