"""Commits and deployments over SQL."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dora.adapters.sql_aggregates import aggregates_in_sql, day_tallies
from dora.adapters.sql_bulk import (
    deployment_of_row,
    deployment_values,
    upsert_deployments,
)
from dora.adapters.sql_copy import copies, insert_new_by_copy
from dora.adapters.sql_support import batches, conflict_insert, table
from dora.adapters.sql_tables import CommitRow, DeploymentRow
from dora.domain.metrics import DayTally, DeployedAt, tally_days
from dora.domain.model import Commit, Deployment, Status
from dora.domain.window import Window
from dora.ports.repositories import TimeRange


class SqlCommitRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, repo_id: int, commits: Sequence[Commit]) -> int:
        # A sha sent twice in one batch is stored as first sent, like a sha
        # sent again in a later batch.
        first: dict[str, Commit] = {}
        for commit in commits:
            first.setdefault(commit.sha, commit)
        # In sha order, so that writers of overlapping batches take the rows'
        # locks in one order and cannot deadlock.
        ordered = [first[sha] for sha in sorted(first)]

        if copies(self.session, len(ordered)):
            return await insert_new_by_copy(
                self.session,
                "commits",
                COMMIT_COLUMNS,
                lambda: (_commit_row(repo_id, commit) for commit in ordered),
                conflict=("repo_id", "sha"),
            )

        statement = (
            conflict_insert(self.session, CommitRow)
            .on_conflict_do_nothing(index_elements=["repo_id", "sha"])
            .returning(table(CommitRow).c.sha)
        )
        inserted = 0
        for batch in batches(ordered, columns=len(COMMIT_COLUMNS)):
            rows = (_commit_row(repo_id, commit) for commit in batch)
            values = [dict(zip(COMMIT_COLUMNS, row, strict=True)) for row in rows]
            # RETURNING yields only the rows that were really inserted.
            result = await self.session.execute(statement, values)
            inserted += len(result.all())
        return inserted

    async def get(self, repo_id: int, sha: str) -> Commit | None:
        query = _commits(repo_id).where(CommitRow.sha == sha)
        row = (await self.session.execute(query)).first()
        return None if row is None else _commit(*row)

    async def graph(self, repo_id: int) -> Mapping[str, Commit]:
        result = await self.session.execute(_commits(repo_id))
        return {row.sha: _commit(*row) for row in result}


def _commits(repo_id: int) -> Select[str, str, datetime, datetime]:
    return select(
        CommitRow.sha,
        CommitRow.parents,
        CommitRow.committed_at,
        CommitRow.authored_at,
    ).where(CommitRow.repo_id == repo_id)


COMMIT_COLUMNS = ("repo_id", "sha", "parents", "committed_at", "authored_at")


def _commit_row(repo_id: int, commit: Commit) -> tuple[Any, ...]:
    """Return the commit's row, valued as `COMMIT_COLUMNS` says."""
    parents = " ".join(commit.parents)
    return (repo_id, commit.sha, parents, commit.committed_at, commit.authored_at)


def _commit(
    sha: str, parents: str, committed_at: datetime, authored_at: datetime
) -> Commit:
    return Commit(sha, tuple(parents.split()), committed_at, authored_at)


class SqlDeploymentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def upsert(
        self, repo_id: int, deployment: Deployment
    ) -> tuple[Deployment, bool]:
        """Insert, or update in place so the deployment keeps its first `seq`."""
        fields = deployment_values(deployment)
        rows = table(DeploymentRow)
        insert = (
            conflict_insert(self.session, DeploymentRow)
            .values(repo_id=repo_id, external_id=deployment.id, **fields)
            .on_conflict_do_nothing(index_elements=["repo_id", "external_id"])
            .returning(rows.c.id)
        )
        seq = await self.session.scalar(insert)
        if seq is not None:
            return dataclasses.replace(deployment, seq=seq), True

        change = (
            update(rows)
            .where(rows.c.repo_id == repo_id, rows.c.external_id == deployment.id)
            .values(**fields)
            .returning(rows.c.id)
        )
        seq = (await self.session.execute(change)).scalar_one()
        return dataclasses.replace(deployment, seq=seq), False

    async def upsert_many(
        self, repo_id: int, deployments: Sequence[Deployment]
    ) -> list[tuple[Deployment | None, Deployment]]:
        return await upsert_deployments(self.session, repo_id, deployments)

    async def get(self, repo_id: int, deployment_id: str) -> Deployment | None:
        query = _deployments(repo_id).where(DeploymentRow.external_id == deployment_id)
        row = (await self.session.execute(query)).first()
        return None if row is None else deployment_of_row(row)

    async def of_repo(self, repo_id: int) -> list[Deployment]:
        query = _deployments(repo_id).order_by(DeploymentRow.id)
        return [deployment_of_row(row) for row in await self.session.execute(query)]

    async def counted(
        self, repo_ids: Sequence[int], environment: str, during: TimeRange
    ) -> list[DeployedAt]:
        # A scalar look-up, not EXISTS: PostgreSQL may answer EXISTS by hashing
        # every commit of the repo, which costs a short window more than the
        # index probe per deployment that this one always gets.
        known_sha = (
            select(literal(1))
            .where(
                CommitRow.repo_id == DeploymentRow.repo_id,
                CommitRow.sha == DeploymentRow.sha,
            )
            .scalar_subquery()
            .is_not(None)
            .label("known_sha")
        )
        counted: list[DeployedAt] = []
        for ids in batches(repo_ids, columns=1):
            query = (
                select(DeploymentRow.finished_at, known_sha)
                .where(
                    DeploymentRow.repo_id.in_(ids),
                    DeploymentRow.environment == environment,
                    DeploymentRow.status == Status.SUCCESS.value,
                    DeploymentRow.baseline.is_(False),
                    DeploymentRow.finished_at >= during.start,
                    DeploymentRow.finished_at < during.end,
                )
                .order_by(DeploymentRow.repo_id, DeploymentRow.id)
            )
            result = await self.session.execute(query)
            counted.extend(_deployed_at(at, known) for at, known in result)
        return counted

    async def day_tallies(
        self, repo_ids: Sequence[int], environment: str, window: Window
    ) -> list[DayTally]:
        if aggregates_in_sql(self.session):
            return await day_tallies(self.session, repo_ids, environment, window)
        during = TimeRange(*window.bounds())
        return tally_days(window, await self.counted(repo_ids, environment, during))

    async def finished(
        self, repo_id: int, environment: str, during: TimeRange
    ) -> list[Deployment]:
        query = (
            _deployments(repo_id)
            .where(
                DeploymentRow.environment == environment,
                DeploymentRow.finished_at >= during.start,
                DeploymentRow.finished_at < during.end,
            )
            .order_by(DeploymentRow.finished_at, DeploymentRow.id)
        )
        return [deployment_of_row(row) for row in await self.session.execute(query)]

    async def environments(self, repo_id: int) -> list[str]:
        query = (
            select(DeploymentRow.environment)
            .where(DeploymentRow.repo_id == repo_id)
            .distinct()
        )
        # Sorted here: a database collation may not order by code point.
        return sorted(await self.session.scalars(query))


def _deployed_at(finished_at: datetime | None, known_sha: bool) -> DeployedAt:
    assert finished_at is not None, "the query keeps finished deployments only"
    return DeployedAt(finished_at, bool(known_sha))


def _deployments(repo_id: int) -> Select[*tuple[Any, ...]]:
    rows = table(DeploymentRow)
    return select(rows).where(rows.c.repo_id == repo_id)
